"""What a build may reuse from the last one, keyed by content hashes; never needed for correctness.

A rebuild lists every entry file and looks at its status (`lstat`). Like make and
git, it takes a file whose size, modification time, change time, inode and device
are all unchanged since the last build to hold the same bytes as then, and does not
read it again; any other file is read and hashed. A file modified less than
`SETTLE_NS` before a build is read and hashed again by the next one as well, so that
a change made within the timestamp granularity of the file system cannot hide.

Entries whose path and bytes, and the code, catalogs, templates, settings and
working folder (the "global key") are unchanged keep their validated, computed
result; their leaderboard rows and dataset rows are kept by the hash of their
bytes and their id. These records are spread over `SHARDS` files by a hash of their
keys, so a rebuild after one change rewrites a few small files rather than all of
them, and loading them keeps the cycle collector out of the way. Model and ranking
pages whose inputs are unchanged are not rendered again, and no file whose content is
unchanged is written again (see `builder.write`): the output folder holds exactly
what a fresh build would. Chart templates, static SVGs and the vega bundle are cached
by their own inputs. Delete the folder, or pass --no-cache, for a cold build.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import pickle
import shutil
import sys
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder import __version__
from builder.config import PROJECT_ROOT, SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.model import Result
from builder.write import atomic_write, content_key

_FORMAT = 5
SHARDS = 64
SETTLE_NS = 2_000_000_000  # FAT keeps modification times to 2 s; others are finer
# size, modification time, change time, inode, device: what `lstat` says of a file
Signature = tuple[int, int, int, int, int]


digest = content_key  # the hash entry files and products are known by


def signature(st: os.stat_result) -> Signature:
    """What identifies one version of a file without reading it."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def settled(st: os.stat_result, now_ns: int) -> bool:
    """True when a later change to the file must show in its signature."""
    return now_ns - st.st_mtime_ns > SETTLE_NS


def _files_below(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        found += sorted(
            p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    return found


def global_key(config: SiteConfig) -> str:
    """Hash of everything besides the entries that shapes the output or the records.

    The working folder is part of it because entries keep their path as the user
    would type it, relative to that folder.
    """
    h = hashlib.blake2b(digest_size=16)
    python = ".".join(map(str, sys.version_info[:2]))
    h.update(f"{_FORMAT}|{__version__}|{python}|{os.getcwd()}|{config!r}".encode())
    for path in _files_below([PROJECT_ROOT / "builder", TEMPLATES_DIR, SITE_DIR]):
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


_frozen = False


def freeze() -> None:
    """Keep what exists now out of the cycle collector's walks until `thaw()`.

    A build holds hundreds of thousands of acyclic objects (entries, results, cached
    records) until it ends: without this, each collection of the oldest generation
    would walk all of them again. Freezing is process-wide: `thaw` also unfreezes what
    a program that runs builds in its own process had frozen itself.
    """
    global _frozen
    gc.freeze()
    _frozen = True


def thaw() -> None:
    """Hand the records a build loaded back to the cycle collector (see `BuildCache.state`)."""
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cycle collector: (un)pickling many small objects triggers it for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) % SHARDS


@dataclass
class State:
    """The last build: its entry files, their results, rows and dataset lines, its output."""

    key: str = ""
    out: str = ""
    # per entry file: its signature (None while not settled) and the hash of its bytes
    files: dict[str, tuple[Signature | None, str]] = field(default_factory=dict)
    # per entry file: the hash of its bytes, and its result
    results: dict[str, tuple[str, Result]] = field(default_factory=dict)
    # per output file: the key of its content, and its inode, size and modification time
    outputs: dict[str, tuple[str, int, int, int]] = field(default_factory=dict)
    rows: dict[str, str] = field(default_factory=dict)  # leaderboard row HTML by entry key
    exports: dict[str, tuple[str, str]] = field(default_factory=dict)  # CSV line, JSON object
    # the charts in the output: the key of their templates and data, each language's
    # (id, title, description), and where each static SVG is kept in the cache
    charts: tuple[str, dict[str, list[tuple[str, str, str]]], dict[str, str]] | None = None


# The parts of a State kept in the record shards; the rest is in small marshal files.
_SHARDED = ("results", "rows", "exports")


def _held(tables: dict[str, dict[str, Any]]) -> set[object]:
    """What tells one shard's records from another's: results by path change with the file's
    hash; rows and dataset lines are keyed by it."""
    return {
        (key, value[0]) if table == "results" else key
        for table, part in tables.items()
        for key, value in part.items()
    }


class BuildCache:
    """A folder of reusable build products."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self._state: State | None = None
        self._shards: dict[int, set[object]] = {}  # what each record shard on disk holds

    def _load(self, name: str) -> Any:
        """The marshalled value kept under `name` by a build with the same key, or None."""
        try:
            key, value = marshal.loads((self.folder / name).read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        return value if key == self.key else None

    def _save(self, name: str, value: Any) -> None:
        atomic_write(self.folder / name, marshal.dumps((self.key, value)))

    def state(self) -> State:
        """The last build's state; what was made with other code or settings is left out."""
        if self._state is not None:
            return self._state
        state = State(key=self.key)
        files = self._load("files.marshal")
        if isinstance(files, dict):
            state.files = files
        output = self._load("output.marshal")
        if isinstance(output, tuple) and len(output) == 3:
            state.out, state.outputs, state.charts = output
        self._shards = {}
        with _no_gc():
            for number in range(SHARDS):
                try:
                    data = (self.folder / f"records-{number}.pickle").read_bytes()
                    key, tables = pickle.loads(data)
                except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                    continue
                except (TypeError, ValueError):  # not a pair: a file of another format
                    continue
                if key != self.key or not isinstance(tables, dict):
                    continue
                for table in _SHARDED:
                    getattr(state, table).update(tables.get(table, {}))
                self._shards[number] = _held(tables)
        freeze()  # about half a second at 10,000 entries; `build_site` thaws them
        self._state = state
        return state

    def forget_state(self) -> None:
        """Drop what describes the last output (before the output it describes is replaced).

        The records stay: they describe entry files, not the output.
        """
        self._state = None
        (self.folder / "output.marshal").unlink(missing_ok=True)

    def save_state(self, state: State) -> None:
        """Remember this build, after its output was swapped in.

        Only the record shards whose content changed are written again.
        """
        state.key = self.key
        shards: dict[int, dict[str, dict[str, Any]]] = {}
        for table in _SHARDED:
            for k, v in getattr(state, table).items():
                shards.setdefault(_shard(k), {}).setdefault(table, {})[k] = v
        with _no_gc():
            for number in range(SHARDS):
                path = self.folder / f"records-{number}.pickle"
                tables = shards.get(number)
                if tables is None:
                    if number in self._shards or path.exists():
                        path.unlink(missing_ok=True)
                    continue
                held = _held(tables)
                if self._shards.get(number) != held:
                    atomic_write(path, pickle.dumps((self.key, tables), protocol=5))
                    self._shards[number] = held
        self._shards = {n: self._shards[n] for n in shards if n in self._shards}
        self._save("files.marshal", state.files)
        self._save("output.marshal", (state.out, state.outputs, state.charts))
        (self.folder / "state.pickle").unlink(missing_ok=True)  # the format before this one
        self._state = state

    def templates_folder(self) -> Path:
        """Where compiled templates are kept, for this key only (older ones are removed)."""
        root = self.folder / "templates"
        if root.is_dir():
            for other in root.iterdir():
                if other.name != self.key:
                    shutil.rmtree(other, ignore_errors=True)
        return root / self.key

    def product(self, name: str, inputs: str) -> Path:
        """Where a product made from `inputs` is kept."""
        return self.folder / f"{name}-{digest(inputs.encode())}"

    def get(self, path: Path) -> str | None:
        """A kept product's text, or None."""
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def svg_path(self, spec_json: str, renderer: str) -> Path:
        """Where the static SVG of a spec, drawn by `renderer` (its code and versions), is kept."""
        return self.folder / "svg" / f"{digest(f'{renderer}|{spec_json}'.encode())}.svg"

    def prune(self, used: Collection[Path]) -> None:
        """Remove kept SVGs and products this build did not use: they would only pile up."""
        names = {p.name.rsplit("-", 1)[0] for p in used if p.parent == self.folder}
        candidates = [p for name in names for p in self.folder.glob(f"{name}-*")]
        if (self.folder / "svg").is_dir():
            candidates += (self.folder / "svg").iterdir()
        for path in candidates:
            if path not in used:
                path.unlink(missing_ok=True)

    def store(self, path: Path, text: str) -> None:
        """Keep a product."""
        atomic_write(path, text.encode("utf-8"))
