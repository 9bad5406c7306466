"""Content hashes: how files, entries and pages are known by what they are made of."""

from __future__ import annotations

import hashlib


def content_key(data: bytes) -> str:
    """A short hash of some bytes (16 bytes of BLAKE2b, as hex)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()
