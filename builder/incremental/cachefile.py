"""The frame of every file in the build cache: a header naming the format, a checksum of
the payload, then the payload (plain data: marshal of plain values, JSON or text).

Light on purpose: the catalogs and translations, which `check` loads, use it too.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

FORMAT = 13
_MAGIC = b"leaderboard-cache\n"


class Damaged(ValueError):
    """A cache file that is not what this version writes: ignored, and made again."""


def warn(path: Path, why: str) -> None:
    """Say on stderr that a cache file was ignored."""
    print(f"warning: {path}: {why}; ignored, made again", file=sys.stderr)


def _checksum(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).hexdigest().encode()


def pack(data: bytes) -> bytes:
    """A cache file's bytes: a header (format, checksum of the payload), then `data`."""
    return _MAGIC + f"{FORMAT}\n".encode() + _checksum(data) + b"\n" + data


def unpack(framed: bytes) -> bytes:
    """The payload of a cache file; Damaged when its header or checksum does not match."""
    head = _MAGIC + f"{FORMAT}\n".encode()
    if not framed.startswith(head):
        raise Damaged("not a cache file of this version")
    end = len(head) + 32
    check, data = framed[len(head) : end], framed[end + 1 :]
    if framed[end : end + 1] != b"\n" or check != _checksum(data):
        raise Damaged("its checksum does not match its content")
    return data


def read(path: Path) -> bytes | None:
    """The payload of a cache file; None if there is none; Damaged if it cannot be used."""
    try:
        framed = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Damaged(f"cannot be read ({exc.strerror})") from None
    return unpack(framed)
