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
(see `builder.incremental.ranking`) and the hash of its leaderboard row in each language. Its
record (the full result, the rows, the dataset lines) is in one of `SHARDS` record
files, chosen by a hash of the entry's key, and is read only when a page needs it; a
rebuild after one change rewrites the one or two record files that changed. Model,
ranking and site-wide pages whose inputs are unchanged are not rendered again, and no
file whose content is unchanged is written again (see `builder.write`): the output
folder holds exactly what a fresh build would. Chart templates, static SVGs and the
vega bundle are cached by their own inputs. Delete the folder, or pass --no-cache,
for a cold build.

The cache is data, never code: every file holds plain values (marshal of numbers,
strings, tuples, lists and dicts, or text), behind a header with the format's version
and a checksum of the payload, and each value's shape is checked before use; results
are kept as plain tuples and made again from them (see `builder.incremental.plain`).
Nothing read from the cache is unpickled or executed. A file that is damaged, of another
format or of the wrong shape is ignored with a warning on stderr, and what it held is
made again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import shutil
import sys
import zlib
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from builder import __version__
from builder.config import CITATION_FILE, PACKAGE_DIR, SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.entries.model import Result
from builder.hashing import content_key
from builder.incremental.cachefile import FORMAT, Damaged, pack, read, unpack, warn
from builder.incremental.plain import Check, check_for, fail, result_from_plain, result_to_plain
from builder.present.ranked import Summary
from builder.write import atomic_write

_FORMAT = FORMAT
# The names carry the format: a cache an older version left is not read (nor warned of).
FILES, INDEX, OUTPUT = (f"{name}.v{FORMAT}.marshal" for name in ("files", "index", "output"))
_OLD_NAMES = ("state.pickle", "files.marshal", "index.marshal", "output.marshal")
SHARDS = 64
KEY_FIELD = Summary._fields.index("inputs_hash")  # where an index entry's summary keeps it
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


def _read_value(path: Path) -> Any:
    """The marshalled value of a cache file; None if there is none, Damaged if unreadable."""
    payload = read(path)
    if payload is None:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        raise Damaged("its content cannot be read") from None


def _write_value(path: Path, value: Any) -> None:
    atomic_write(path, pack(marshal.dumps(value)))


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
    if CITATION_FILE.is_file():  # the pages' citations
        h.update(CITATION_FILE.read_bytes())
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
    """Pause the cycle collector: reading many small objects triggers it for nothing."""
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
# dataset lines (CSV, JSON), kept by its key ("hash of the file|id", see
# builder.incremental.ranking).
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


_record_check = check_for(tuple[Any, dict[str, str], tuple[str, str]])
_files_check = check_for(dict[str, tuple[tuple[int, int, int, int, int] | None, str]])
_outputs_check = check_for(dict[str, tuple[str, int, int, int]])
_charts_check = check_for(tuple[str, dict[str, list[tuple[str, str, str]]], dict[str, str]] | None)
_summary_check = check_for(Summary)
_rows_check = check_for(dict[str, str])
_shards_check = check_for(dict[int, tuple[int, int, int, int, int]])


def _indexed(value: Any) -> Indexed:
    """An index entry, checked: the hash of the file, its summary, its rows' hashes."""
    if type(value) is not tuple or len(value) != 3 or type(value[0]) is not str:
        fail("an index entry")
    return (value[0], tuple(_summary_check(value[1])), _rows_check(value[2]))


class Records:
    """Every entry's record, spread over `SHARDS` files by a hash of its key, each file
    read when a record in it is first asked for.

    The index (see `BuildCache.state`) holds the signature of each shard it relies on;
    a shard that no longer matches takes its entries out of the index. A shard that
    matches and still cannot be read leaves a record missing: the build then starts
    again without the cache (see `builder.build.build_site`).
    """

    def __init__(self, folder: Path, key: str) -> None:
        self.folder = folder
        self.key = key
        self._shards: dict[int, dict[str, Record]] = {}

    def __getstate__(self) -> dict[str, Any]:  # for a worker: it reads the shards itself
        return {"folder": self.folder, "key": self.key, "_shards": {}}

    def path(self, number: int) -> Path:
        return self.folder / f"records-{number}.v{FORMAT}.marshal"

    def shard(self, number: int) -> dict[str, Record]:
        """The records of one shard (empty when its file is missing, of another build, or
        not as this version writes it: then with a warning)."""
        found = self._shards.get(number)
        if found is None:
            found = {}
            path = self.path(number)
            try:
                with _no_gc():
                    value = _read_value(path)
                    if type(value) is tuple and len(value) == 2 and value[0] == self.key:
                        if type(value[1]) is not dict:
                            fail("a dict of records")
                        for k, plain in value[1].items():
                            if type(k) is not str:
                                fail("a record's key")
                            result, rows, lines = _record_check(plain)
                            found[k] = (result_from_plain(result), rows, lines)
            except Damaged as exc:
                warn(path, str(exc))
                found = {}
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
            plain = {}
            for k in sorted(keys):
                record = made.get(k) or kept.get(k)
                if record is None:
                    lost.add(k)
                else:
                    records[k] = record
                    plain[k] = (result_to_plain(record[0]), record[1], record[2])
            with _no_gc():
                _write_value(self.path(number), (self.key, plain))
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

    def __init__(self, folder: Path, key: str, trusted: bool = True) -> None:
        self.folder = folder
        self.key = key
        self.trusted = trusted  # False: start from an empty state (see build_site)
        self.records = Records(folder, key)
        if not trusted:  # no record file is read either
            self.records._shards = {number: {} for number in range(SHARDS)}
        self._state: State | None = None
        self._by_shard: dict[int, set[str]] = {}  # the keys of the records the index holds

    def _load(self, name: str, check: Check) -> Any:
        """The value kept under `name` by a build with the same key, checked, or None."""
        path = self.folder / name
        try:
            found = _read_value(path)
            if type(found) is not tuple or len(found) != 2:
                return None if found is None else fail("a keyed value")
            key, value = found
            return check(value) if key == self.key else None
        except Damaged as exc:
            warn(path, str(exc))
            return None

    def _save(self, name: str, value: Any) -> None:
        _write_value(self.folder / name, (self.key, value))

    def state(self) -> State:
        """The last build's state; what was made with other code or settings is left out,
        and so are entries whose records are not as the last build left them."""
        if self._state is not None:
            return self._state
        state = State(key=self.key)
        if not self.trusted:
            self._state = state
            return state
        files = self._load(FILES, _files_check)
        if files is not None:
            state.files = files
        output = self._load(OUTPUT, check_for(tuple[str, Any, Any]))
        if output is not None:
            outputs = self._load_part(output[1], _outputs_check, OUTPUT)
            charts = self._load_part(output[2], _charts_check, OUTPUT)
            if outputs is not None:
                state.out, state.outputs, state.charts = output[0], outputs, charts
        index = self._load(INDEX, check_for(tuple[dict[str, Any], Any]))
        shards = self._load_part(index[1], _shards_check, INDEX) if index else None
        if index is not None and shards is not None:
            entries = index[0]
            now = self.records.signatures()
            intact = {number for number, sig in shards.items() if now.get(number) == sig}
            by_shard: dict[int, set[str]] = {number: set() for number in intact}
            try:
                for path, value in entries.items():
                    indexed = _indexed(value)
                    keys = by_shard.get(_shard(indexed[1][KEY_FIELD]))
                    if keys is not None:
                        keys.add(indexed[1][KEY_FIELD])
                        state.entries[path] = indexed
            except Damaged as exc:
                warn(self.folder / INDEX, str(exc))
                state.entries, by_shard = {}, {}
            self._by_shard = by_shard
        self._state = state
        return state

    def _load_part(self, value: Any, check: Check, name: str) -> Any:
        try:
            return check(value)
        except Damaged as exc:
            warn(self.folder / name, str(exc))
            return None

    def forget_state(self) -> None:
        """Drop what describes the last output (before the output it describes is replaced).

        The records stay: they describe entry files, not the output.
        """
        self._state = None
        (self.folder / OUTPUT).unlink(missing_ok=True)

    def save_state(self, state: State, made: dict[str, Record]) -> None:
        """Remember this build, after its output was swapped in; `made` holds the records
        of the entries it computed. Only the record shards whose keys changed are written."""
        state.key = self.key
        now = {e[1][KEY_FIELD] for e in state.entries.values()}
        before = set().union(*self._by_shard.values())
        changed: dict[int, set[str]] = {}
        if not self.trusted:  # every shard is written again: none is known to be sound
            changed = {number: set() for number in range(SHARDS)}
            before = set()
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
        self._save(FILES, state.files)
        self._save(INDEX, (state.entries, self.records.signatures()))
        self._save(OUTPUT, (state.out, state.outputs, state.charts))
        for n in range(SHARDS):  # the formats before these
            for old in (f"records-{n}.pickle", f"records-{n}.marshal"):
                (self.folder / old).unlink(missing_ok=True)
        for old in _OLD_NAMES:
            (self.folder / old).unlink(missing_ok=True)
        shutil.rmtree(self.folder / "templates", ignore_errors=True)  # compiled code, once
        self._state = state
        self.trusted = True

    def product(self, name: str, inputs: str) -> Path:
        """Where a product made from `inputs` is kept."""
        return self.folder / f"{name}-{digest(f'{FORMAT}|{inputs}'.encode())}"

    def get(self, path: Path) -> str | None:
        """A kept product's text, or None (with a warning if its file is damaged)."""
        try:
            return unpack(path.read_bytes()).decode("utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            warn(path, str(exc) if isinstance(exc, Damaged) else "it cannot be read")
            return None

    def svg_path(self, spec_json: str, renderer: str) -> Path:
        """Where the static SVG of a spec, drawn by `renderer` (its code and versions), is kept."""
        return self.folder / "svg" / f"{digest(f'{FORMAT}|{renderer}|{spec_json}'.encode())}.svg"

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
        """Keep a product (a cache that cannot be written is only said so: see `warn`)."""
        try:
            atomic_write(path, pack(text.encode("utf-8")))
        except OSError as exc:
            print(f"warning: {path}: not kept ({exc.strerror})", file=sys.stderr)
