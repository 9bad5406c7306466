"""Catalogs and translations as a build with a cache folder gets them: what was made of
the files is kept there, keyed by the files' content, and in this process, checked
against the files on every call (under `serve`, an edit shows in the next build).

builder/catalog.py and builder/present/i18n.py only read and parse; this module keeps.
Parsing the grid catalog's YAML is most of the catalogs' loading, and a JSON copy of it
loads ten times faster; reading a .po file with Babel and checking it is a tenth of a
rebuild's time. Both are kept under the cache folder (`CATALOGS`, `MESSAGES`). They are
caches: missing, damaged (with a warning) or unwritable, nothing changes. Without a
cache folder (`cache_dir` None), nothing is read from or written to one.
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from builder import catalog
from builder.catalog import CATALOG_FILES, Catalog, Doc
from builder.hashing import content_key
from builder.incremental import cachefile
from builder.present import i18n
from builder.write import atomic_write

CATALOGS = "catalogs"
MESSAGES = "messages"

T = TypeVar("T")

# Per (file name, cache folder): the hash of the file's bytes and what it parsed to; per
# (what, cache folder): the hashes of the files it was made of, and what was made.
_docs: dict[tuple[str, Path], tuple[str, Doc | None]] = {}
_made: dict[tuple[str, Path], tuple[tuple[str, ...], Any]] = {}


def _keep(path: Path, payload: bytes) -> None:
    """Write a cache file; one that cannot be written is simply not kept."""
    with contextlib.suppress(OSError):
        atomic_write(path, cachefile.pack(payload))


def _kept_doc(cache_dir: Path, name: str, raw: bytes, digest: str) -> Doc:
    copy = cache_dir / CATALOGS / f"{name}-{digest}.v{cachefile.FORMAT}.json"
    data: Any = None
    try:
        payload = cachefile.read(copy)
        data = None if payload is None else json.loads(payload)
    except ValueError as exc:  # Damaged, or not JSON
        cachefile.warn(copy, str(exc) if isinstance(exc, cachefile.Damaged) else "not JSON")
    if isinstance(data, dict):
        return data
    parsed = catalog.parse_file(name, raw)
    with contextlib.suppress(TypeError, ValueError):  # not plain JSON data: not kept
        _keep(copy, json.dumps(parsed).encode("utf-8"))
    return parsed


def _doc(name: str, cache_dir: Path) -> tuple[str, Doc | None]:
    """One catalog file as it is now: the hash of its bytes, and its parsed content."""
    raw = catalog.read_file(name)
    if raw is None:
        return "", None
    digest = content_key(raw)
    kept = _docs.get((name, cache_dir))
    if kept is None or kept[0] != digest:
        kept = _docs[(name, cache_dir)] = (digest, _kept_doc(cache_dir, name, raw, digest))
    return kept


def _made_from(
    what: str, names: tuple[str, ...], cache_dir: Path, make: Callable[[dict[str, Doc | None]], T]
) -> T:
    """`make(docs)` of the files `names` as they are now: made again only when one changed."""
    current = {name: _doc(name, cache_dir) for name in names}
    digests = tuple(digest for digest, _ in current.values())
    kept = _made.get((what, cache_dir))
    if kept is None or kept[0] != digests:
        docs = {name: doc for name, (_, doc) in current.items()}
        kept = _made[(what, cache_dir)] = (digests, make(docs))
    made: T = kept[1]
    return made


def load_catalog(cache_dir: Path | None = None) -> Catalog:
    """`catalog.load_catalog()`, with parsed copies kept in `cache_dir` if given."""
    if cache_dir is None:
        return catalog.load_catalog()
    return _made_from("catalog", CATALOG_FILES, cache_dir, catalog.catalog_from)


def hardware_index(cache_dir: Path | None = None) -> dict[str, bool]:
    """`catalog.hardware_index()`, with parsed copies kept in `cache_dir` if given."""
    if cache_dir is None:
        return catalog.hardware_index()
    return _made_from("hardware-index", ("hardware.yaml",), cache_dir, _hardware_index)


def _hardware_index(docs: Mapping[str, Doc | None]) -> dict[str, bool]:
    return catalog.hardware_index_from(docs["hardware.yaml"] or {})


def region_keys(cache_dir: Path | None = None) -> frozenset[str]:
    """`catalog.region_keys()`, with parsed copies kept in `cache_dir` if given."""
    if cache_dir is None:
        return catalog.region_keys()
    return _made_from("region-keys", ("grid.yaml",), cache_dir, _region_keys)


def _region_keys(docs: Mapping[str, Doc | None]) -> frozenset[str]:
    return catalog.region_keys_from(docs["grid.yaml"] or {})


def translations(
    language: i18n.Language, cache_dir: Path | None = None
) -> gettext.NullTranslations:
    """`i18n.translations(language)`, with compiled catalogs kept in `cache_dir` if given."""
    if cache_dir is None or language == i18n.SOURCE:
        return i18n.translations(language)
    path, st = i18n.catalog_version(language)
    return _compiled(path, st.st_mtime_ns, st.st_size, cache_dir)


@functools.lru_cache(maxsize=8)
def _compiled(path: Path, mtime_ns: int, size: int, cache_dir: Path) -> i18n.StrictTranslations:
    import babel

    source = i18n.read_source(path)
    key = content_key(source + babel.__version__.encode())
    kept = cache_dir / MESSAGES / f"{path.parent.parent.name}-{key}.v{cachefile.FORMAT}.mo"
    try:
        payload = cachefile.read(kept)
        if payload is not None:
            return i18n.strict_translations(payload, path)
    except Exception as exc:  # damaged (gettext raises several kinds): compile again
        cachefile.warn(kept, str(exc) if isinstance(exc, cachefile.Damaged) else "damaged")
    compiled = i18n.compile_messages(path, source)
    _keep(kept, compiled)
    return i18n.strict_translations(compiled, path)


def forget() -> None:
    """Drop what this process keeps of catalogs and translations (here and in the modules
    that parse them): the next call reads the files, and the cache folder, again."""
    _docs.clear()
    _made.clear()
    _compiled.cache_clear()
    catalog.forget()
    i18n.forget()
