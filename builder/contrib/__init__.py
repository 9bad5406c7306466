"""Contributor tools: scaffolding entries, previews and Hugging Face cards."""
