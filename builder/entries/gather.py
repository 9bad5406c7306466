"""Gather: which entry files there are, and each one read and validated on its own.

`check_paths` is what `check`, `preview` and `export-hf` run; a build runs `check_file`
on the files its cache cannot vouch for (see `builder.incremental.door`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from builder import catalog as catalog_mod
from builder.catalog import Catalog
from builder.entries.errors import BuildFailed, EntriesInvalid, EntryError
from builder.entries.load import MAX_FILE_BYTES, entries_root_for, find_entry_files, read_entry
from builder.entries.model import Entry
from builder.entries.validate import (
    Named,
    check_organization,
    check_same_runs,
    check_unique_ids,
    validate_entry,
)


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:  # outside the working folder: the full path is clearer than ../../
        return absolute.as_posix()


def collect(paths: list[Path]) -> list[Path]:
    """Every entry file at or below `paths`, sorted; BuildFailed for a path not there."""
    files: list[Path] = []
    for target in paths:
        if not target.exists():
            raise BuildFailed(f"{target}: no such file or folder")
        files.extend(find_entry_files(target))
    return sorted(set(files), key=os.fspath)  # strings sort much faster than Paths


class CatalogKeys:
    """The catalog keys validation looks entries up in, read once for a whole run of
    checks (and not at all when no entry gets that far). A build that holds its
    `Catalog` already gives it; `check` reads only the files it needs."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self._catalog = catalog
        self._hardware: dict[str, bool] | None = None
        self._regions: frozenset[str] | None = None
        self._peaks: dict[str, frozenset[str]] | None = None
        self._organizations: frozenset[str] | None = None

    def hardware(self) -> dict[str, bool]:
        if self._hardware is None:
            c = self._catalog
            self._hardware = c.hardware_index() if c else catalog_mod.hardware_index()
        return self._hardware

    def regions(self) -> frozenset[str]:
        if self._regions is None:
            c = self._catalog
            self._regions = frozenset(c.regions) if c else catalog_mod.region_keys()
        return self._regions

    def peaks(self) -> dict[str, frozenset[str]]:
        if self._peaks is None:
            c = self._catalog
            self._peaks = c.peak_index() if c else catalog_mod.peak_index()
        return self._peaks

    def organizations(self) -> frozenset[str]:
        if self._organizations is None:
            c, load = self._catalog, catalog_mod.organization_keys
            self._organizations = frozenset(c.organizations) if c else load()
        return self._organizations


def check_file(
    path: Path, keys: CatalogKeys, data: bytes | None = None
) -> Entry | list[EntryError]:
    """One entry file, read (unless its bytes are given) and validated: its entry, or
    every error found in it."""
    shown = display(path)
    if path.suffix != ".yaml":
        rename = f"rename it to {path.with_suffix('.yaml').name}"
        return [EntryError(shown, 1, 1, "", "entry files end in .yaml", rename)]
    raw = read_entry(path, entries_root_for(path), shown, data)
    if isinstance(raw, EntryError):
        return [raw]
    checked = validate_entry(raw, keys.hardware, keys.regions, keys.peaks)
    if isinstance(checked, Entry):
        unknown = check_organization(checked, keys.organizations)
        if unknown is not None:
            return [unknown]
    return checked


def check_paths(paths: list[Path]) -> tuple[list[Entry], list[EntryError]]:
    """Read and validate every entry file at or below `paths`: the valid entries, and
    every error (sorted)."""
    found, errors = _check_each([(os.fspath(p), None) for p in collect(paths)], CatalogKeys())
    entries = list(found.values())
    errors.extend(check_unique_ids(entries))
    errors.extend(check_same_runs(entries))
    return entries, sorted(errors)


def _check_each(
    files: Iterable[tuple[str, bytes | None]], keys: CatalogKeys
) -> tuple[dict[str, Entry], list[EntryError]]:
    found: dict[str, Entry] = {}
    errors: list[EntryError] = []
    for path, data in files:
        checked = check_file(Path(path), keys, data)
        if isinstance(checked, list):
            errors.extend(checked)
        else:
            found[path] = checked
    return found, errors


def refused(path: Path) -> list[EntryError]:
    """The error `check` gives a file that is not a regular file within the size limit."""
    checked = check_file(path, CatalogKeys())
    if isinstance(checked, list):
        return checked
    return [EntryError(display(path), 1, 1, "", "not a regular file within the size limit")]


def read_limited(path: str) -> bytes | None:
    """An entry file's bytes, or None if it is not a regular file (a link, a device) or
    longer than the limit: never more than the limit is read, and nothing that blocks."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_FILE_BYTES:
            return None
        data = handle.read(MAX_FILE_BYTES + 1)
    return data if len(data) <= MAX_FILE_BYTES else None


def check_files(
    files: Iterable[tuple[str, bytes | None]],
    others: Iterable[Named] = (),
    errors: Iterable[EntryError] = (),
    catalog: Catalog | None = None,
) -> dict[str, Entry]:
    """Each entry file (its path, and its bytes if read already) validated, by path.

    EntriesInvalid with every error, besides the `errors` already found, if any.
    `others`: the entries known without reading their files again, whose ids must not
    be repeated either."""
    found, more = _check_each(files, CatalogKeys(catalog))
    errors = [*errors, *more]
    everyone = [*others, *found.values()]
    errors.extend(check_unique_ids(everyone))
    errors.extend(check_same_runs(everyone))
    if errors:
        raise EntriesInvalid(errors)
    return found
