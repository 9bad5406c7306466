"""What a build may reuse from the last one, keyed by content hashes; never needed for correctness.

A rebuild reads every entry file and hashes it. Entries whose bytes, and the
code, catalogs, templates and settings (the "global key") are unchanged keep
their validated, computed result; their model pages are not rendered again
but linked from the previous output, which holds exactly what a fresh render
would give. Chart templates, static SVGs and the vega bundle are cached by
their own inputs. Delete the folder, or pass --no-cache, for a cold build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from builder import __version__
from builder.config import PROJECT_ROOT, SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.model import Result

T = TypeVar("T")
_FORMAT = 2


def digest(data: bytes) -> str:
    """A short content hash."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _files_below(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found += sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    return found


def global_key(config: SiteConfig) -> str:
    """Hash of everything besides the entries that shapes the output."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"{_FORMAT}|{__version__}|{config!r}".encode())
    for path in _files_below([PROJECT_ROOT / "builder", TEMPLATES_DIR, SITE_DIR]):
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


@dataclass
class State:
    """The last build: per entry file its hash and result, per model page its key."""

    key: str = ""
    out: str = ""
    results: dict[str, tuple[str, Result]] = field(default_factory=dict)
    # per model page: its inputs' key, and the inode and size of the file written
    pages: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # leaderboard row HTML by entry hash
    exports: dict[str, tuple[str, str]] = field(default_factory=dict)  # CSV line, JSON object


class BuildCache:
    """A folder of reusable build products."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self._state: State | None = None

    def state(self) -> State:
        """The last build's state, or an empty one if it was made with other code or settings."""
        if self._state is None:
            self._state = State()
            try:
                loaded = pickle.loads((self.folder / "state.pickle").read_bytes())
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                loaded = None
            if isinstance(loaded, State) and loaded.key == self.key:
                self._state = loaded
        return self._state

    def forget_state(self) -> None:
        """Drop the last build's state (before the output it describes is replaced)."""
        self._state = None
        (self.folder / "state.pickle").unlink(missing_ok=True)

    def save_state(self, state: State) -> None:
        """Remember this build, after its output was swapped in."""
        state.key = self.key
        _atomic_write(self.folder / "state.pickle", pickle.dumps(state, protocol=5))

    def product(self, name: str, inputs: str) -> Path:
        """Where a product made from `inputs` is kept."""
        return self.folder / f"{name}-{digest(inputs.encode())}"

    def get(self, path: Path) -> str | None:
        """A kept product's text, or None."""
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def svg_path(self, spec_json: str) -> Path:
        """Where the static SVG of a spec is kept."""
        return self.folder / "svg" / f"{digest(spec_json.encode())}.svg"

    def store(self, path: Path, text: str) -> None:
        """Keep a product."""
        _atomic_write(path, text.encode("utf-8"))
