"""Entries: reading, the declared format, validation, the typed values and their errors."""
