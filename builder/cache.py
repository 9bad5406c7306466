"""What a build may reuse from the last one, keyed by content hashes; never needed for correctness.

A rebuild lists every entry file and looks at its status (`lstat`). Like make and
git, it takes a file whose size, modification time, change time, inode and device
are all unchanged since the last build to hold the same bytes as then, and does not
read it again; any other file is read and hashed. A file modified less than
`SETTLE_NS` before a build is read and hashed again by the next one as well, so that
a change made within the timestamp granularity of the file system cannot hide.

Entries whose path and bytes, and the code, catalogs, templates, settings and
working folder (the "global key") are unchanged are not loaded, validated or computed
again. The index (`index.marshal`) keeps what a rebuild needs of each: its summary
(see `builder.ranking`) and the hash of its leaderboard row in each language. Its
record (the full result, the rows, the dataset lines) is in one of `SHARDS` record
files, chosen by a hash of the entry's key, and is read only when a page needs it; a
rebuild after one change rewrites the one or two record files that changed. Model,
ranking and site-wide pages whose inputs are unchanged are not rendered again, and no
file whose content is unchanged is written again (see `builder.write`): the output
folder holds exactly what a fresh build would. Chart templates, static SVGs and the
vega bundle are cached by their own inputs. Delete the folder, or pass --no-cache,
for a cold build.
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
from builder.config import PACKAGE_DIR, SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.model import Result
from builder.ranking import Summary
from builder.write import atomic_write, content_key

_FORMAT = 6
SHARDS = 64
KEY_FIELD = Summary._fields.index("key")  # where an index entry's summary keeps its key
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
    for path in _files_below([PACKAGE_DIR, TEMPLATES_DIR, SITE_DIR]):
        h.update(path.as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


_frozen = False


def freeze() -> None:
    """Keep what exists now out of the cycle collector's walks until `thaw()`.

    A build holds hundreds of thousands of acyclic objects (summaries, results, index
    entries) until it ends: without this, each collection of the oldest generation
    would walk all of them again. Freezing is process-wide: `thaw` also unfreezes what
    a program that runs builds in its own process had frozen itself.
    """
    global _frozen
    gc.freeze()
    _frozen = True


def thaw() -> None:
    """Hand what a build froze back to the cycle collector (see `freeze`)."""
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


# An entry's record: its result, its leaderboard row in each language (by code) and its
# dataset lines (CSV, JSON), kept by its key ("hash of the file|id", see builder.ranking).
Record = tuple[Result, dict[str, str], tuple[str, str]]
# What the index keeps of an entry file: the hash of its bytes, its summary (as a tuple)
# and the hash of its row in each language (by code).
Indexed = tuple[str, tuple[Any, ...], dict[str, str]]


@dataclass
class State:
    """The last build: its entry files, what it knew of each entry, its output."""

    key: str = ""
    out: str = ""
    # per entry file: its signature (None while not settled) and the hash of its bytes
    files: dict[str, tuple[Signature | None, str]] = field(default_factory=dict)
    # per entry file: its index entry (its record is in `Records`)
    entries: dict[str, Indexed] = field(default_factory=dict)
    # per output file: the key of its content, and its inode, size and modification time
    outputs: dict[str, tuple[str, int, int, int]] = field(default_factory=dict)
    # the charts in the output: the key of their templates and data, each language's
    # (id, title, description), and where each static SVG is kept in the cache
    charts: tuple[str, dict[str, list[tuple[str, str, str]]], dict[str, str]] | None = None


class Records:
    """Every entry's record, spread over `SHARDS` files by a hash of its key, each file
    read when a record in it is first asked for.

    The index (see `BuildCache.state`) holds the signature of each shard it relies on;
    a shard that no longer matches takes its entries out of the index, so a rebuild
    never asks for a record that is not there.
    """

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self._shards: dict[int, dict[str, Record]] = {}

    def __getstate__(self) -> dict[str, Any]:  # for a worker: it reads the shards itself
        return {"folder": self.folder, "key": self.key, "_shards": {}}

    def path(self, number: int) -> Path:
        return self.folder / f"records-{number}.pickle"

    def shard(self, number: int) -> dict[str, Record]:
        """The records of one shard (empty when its file is missing or of another build)."""
        found = self._shards.get(number)
        if found is None:
            found = {}
            try:
                with _no_gc():
                    key, records = pickle.loads(self.path(number).read_bytes())
                if key == self.key and isinstance(records, dict):
                    found = records
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass
            except (TypeError, ValueError):  # not a pair: a file of another format
                pass
            self._shards[number] = found
        return found

    def get(self, key: str) -> Record | None:
        return self.shard(_shard(key)).get(key)

    def save(self, shards: dict[int, set[str]], made: dict[str, Record]) -> set[str]:
        """Write again the given shards, each to hold the records of the given keys;
        `made` holds this build's new records, the others are in the shard's file.

        Returns the keys it had no record of (from a file that could not be read): the
        index must leave them out.
        """
        lost: set[str] = set()
        for number, keys in sorted(shards.items()):
            if not keys:
                self.path(number).unlink(missing_ok=True)
                self._shards.pop(number, None)
                continue
            kept = self.shard(number)
            records = {}
            for k in sorted(keys):
                record = made.get(k) or kept.get(k)
                if record is None:
                    lost.add(k)
                else:
                    records[k] = record
            with _no_gc():
                atomic_write(self.path(number), pickle.dumps((self.key, records), protocol=5))
            self._shards[number] = records
        return lost

    def signatures(self) -> dict[int, Signature]:
        """What each shard file is now, as the index records it."""
        found = {}
        for number in range(SHARDS):
            with contextlib.suppress(OSError):
                found[number] = signature(os.stat(self.path(number)))
        return found


class BuildCache:
    """A folder of reusable build products."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self.records = Records(folder, key)
        self._state: State | None = None
        self._by_shard: dict[int, set[str]] = {}  # the keys of the records the index holds

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
        """The last build's state; what was made with other code or settings is left out,
        and so are entries whose records are not as the last build left them."""
        if self._state is not None:
            return self._state
        state = State(key=self.key)
        files = self._load("files.marshal")
        if isinstance(files, dict):
            state.files = files
        output = self._load("output.marshal")
        if isinstance(output, tuple) and len(output) == 3:
            state.out, state.outputs, state.charts = output
        index = self._load("index.marshal")
        if isinstance(index, tuple) and len(index) == 2:
            entries, shards = index
            now = self.records.signatures()
            intact = {number for number, sig in shards.items() if now.get(number) == sig}
            by_shard: dict[int, set[str]] = {number: set() for number in intact}
            for path, indexed in entries.items():
                keys = by_shard.get(_shard(indexed[1][KEY_FIELD]))
                if keys is not None:
                    keys.add(indexed[1][KEY_FIELD])
                    state.entries[path] = indexed
            self._by_shard = by_shard
        self._state = state
        return state

    def forget_state(self) -> None:
        """Drop what describes the last output (before the output it describes is replaced).

        The records stay: they describe entry files, not the output.
        """
        self._state = None
        (self.folder / "output.marshal").unlink(missing_ok=True)

    def save_state(self, state: State, made: dict[str, Record]) -> None:
        """Remember this build, after its output was swapped in; `made` holds the records
        of the entries it computed. Only the record shards whose keys changed are written."""
        state.key = self.key
        now = {e[1][KEY_FIELD] for e in state.entries.values()}
        before = set().union(*self._by_shard.values())
        changed: dict[int, set[str]] = {}
        for key in before - now:
            changed.setdefault(_shard(key), set(self._by_shard.get(_shard(key), ()))).discard(key)
        for key in now - before:
            changed.setdefault(_shard(key), set(self._by_shard.get(_shard(key), ()))).add(key)
        lost = self.records.save(changed, made)
        if lost:
            state.entries = {p: e for p, e in state.entries.items() if e[1][KEY_FIELD] not in lost}
        self._by_shard.update(changed)
        for number, keys in changed.items():
            keys -= lost
            if not keys:
                del self._by_shard[number]
        self._save("files.marshal", state.files)
        self._save("index.marshal", (state.entries, self.records.signatures()))
        self._save("output.marshal", (state.out, state.outputs, state.charts))
        (self.folder / "state.pickle").unlink(missing_ok=True)  # the format before these
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
