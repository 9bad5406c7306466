"""One file of the site, as Present describes it: its path, its inputs' hash, how to make it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Artifact:
    """One file of the site: its path, what it is made from, and how to make it.

    `inputs_hash` None: the file's content is its own. `kind` "page" or "model" counts the file
    in the build's report as a page (a model page) made or left as it was.
    """

    path: str
    inputs_hash: str | None  # of what the file is made from
    make: Callable[[], bytes]
    kind: str = "file"


def made(data: bytes) -> Callable[[], bytes]:
    return lambda: data
