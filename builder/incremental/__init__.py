"""Incremental building: what a build may keep from the last one, and why."""
