"""Reference catalogs shipped in builder/data: hardware, grid carbon intensity, PUE.

Every row names a source; the methodology page renders these tables with their
citations, and the formula's defaults come only from here.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"

try:
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass(frozen=True)
class Source:
    """A citable document behind one or more catalog rows."""

    key: str
    title: str
    url: str
    licence: str


@dataclass(frozen=True)
class Hardware:
    """One accelerator: datasheet TDP, and measured training power where published."""

    key: str
    name: str
    vendor: str
    kind: str
    released: int | None
    memory_gb: float | None
    tdp_w: float | None
    tdp_source: Source | None
    measured_w: float | None
    measured_source: Source | None
    measured_note: str
    note: str


@dataclass(frozen=True)
class Region:
    """A grid: country, US state, cloud region or the world, with annual intensities."""

    key: str
    name: str
    kind: str
    source: Source
    kg_per_kwh: Mapping[int, float]
    provider: str | None = None
    location: str | None = None
    via: str | None = None  # set when the figures are those of `location`'s grid

    def nearest_year(self, year: int) -> int:
        """The year with data closest to `year` (the later one on a tie)."""
        return min(self.kg_per_kwh, key=lambda y: (abs(y - year), -y))

    @property
    def grid_name(self) -> str:
        """Whose grid the figures describe."""
        return f"{self.name}, on the grid of {self.via}" if self.via else self.name


@dataclass(frozen=True)
class PueSeries:
    """Annual PUE values of one provider's fleet, or of the industry at large."""

    key: str
    name: str
    source: Source
    pue: Mapping[int, float]
    sources_by_year: Mapping[int, Source]
    organizations: tuple[str, ...] = ()
    clouds: tuple[str, ...] = ()
    note: str = ""

    def nearest_year(self, year: int) -> int:
        """The year with data closest to `year` (the later one on a tie)."""
        return min(self.pue, key=lambda y: (abs(y - year), -y))

    def source_for(self, year: int) -> Source:
        """The document behind one year's value."""
        return self.sources_by_year.get(year, self.source)


@dataclass(frozen=True)
class Equivalent:
    """An everyday equivalent: tonnes CO2e per unit of something familiar."""

    key: str
    label: str
    t_co2e_per_unit: float
    source: Source
    locator: str
    note: str = ""


@dataclass(frozen=True, eq=False)
class Catalog:
    """All reference data, read once."""

    hardware: Mapping[str, Hardware]
    regions: Mapping[str, Region]
    providers: Mapping[str, PueSeries]
    industry_pue: PueSeries
    sources: Mapping[str, Source]
    equivalents: tuple[Equivalent, ...] = ()

    def provider_for_cloud(self, cloud: str) -> PueSeries | None:
        """The PUE series of the provider that runs a cloud (`gcp`, `aws`, `azure`)."""
        for series in self.providers.values():
            if cloud in series.clouds:
                return series
        return None

    def provider_for_organization(self, organization: str) -> PueSeries | None:
        """The PUE series of the provider whose data centres an organization trains in."""
        wanted = organization.casefold()
        for series in self.providers.values():
            if any(alias.casefold() == wanted for alias in series.organizations):
                return series
        return None


_KIND_ORDER = {"world": 0, "country": 1, "us-state": 2, "cloud-region": 3}


def nearest_keys(key: str, choices: list[str], n: int = 3) -> list[str]:
    """Closest catalog keys to a mistyped one, for 'did you mean' hints: prefixes first."""
    folded = key.casefold()
    found = [c for c in sorted(choices) if c.casefold().startswith(folded)][:n]
    by_fold = {c.casefold(): c for c in choices}
    for match in difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=0.5):
        if by_fold[match] not in found:
            found.append(by_fold[match])
    return found[:n]


# Parsing the grid catalog's YAML is most of the catalogs' loading; a JSON copy keyed by
# the file's hash loads ten times faster. It is kept in the build cache's folder, under
# `CATALOGS`, when the caller passes one: without, nothing is read from or written to it.
# It is a cache: missing, damaged (with a warning) or unwritable, nothing changes.
CATALOGS = "catalogs"


# What was made from the catalog files, kept with the hashes of the files it was made from:
# a file is read and hashed on every call, and parsed again only when its bytes changed
# (under `serve`, an edit to a catalog shows in the next build; nothing lives for the
# life of the process unchecked).
_parsed: dict[tuple[str, Path | None], tuple[str, dict[str, Any]]] = {}
_made: dict[tuple[str, Path | None], tuple[tuple[str, ...], Any]] = {}


def _current(name: str, cache_dir: Path | None) -> tuple[str, dict[str, Any]]:
    """One catalog file as it is now: the hash of its bytes, and its parsed content."""
    raw = (DATA_DIR / name).read_bytes()
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    kept = _parsed.get((name, cache_dir))
    if kept is None or kept[0] != digest:
        kept = _parsed[(name, cache_dir)] = (digest, _parse(name, raw, digest, cache_dir))
    return kept


def _read(name: str, cache_dir: Path | None = None) -> dict[str, Any]:
    """One catalog file as it is now, parsed (callers must not modify it)."""
    return _current(name, cache_dir)[1]


def _parse(name: str, raw: bytes, digest: str, cache_dir: Path | None) -> dict[str, Any]:
    data: Any = None
    copy = None
    if cache_dir is not None:
        from builder.incremental import cachefile

        copy = cache_dir / CATALOGS / f"{name}-{digest}.v{cachefile.FORMAT}.json"
        try:
            payload = cachefile.read(copy)
            data = None if payload is None else json.loads(payload)
        except ValueError as exc:  # Damaged, or not JSON
            cachefile.warn(copy, str(exc) if isinstance(exc, cachefile.Damaged) else "not JSON")
            data = None
    if not isinstance(data, dict):
        data = yaml.load(raw, Loader=_Loader)
        if copy is not None:
            from builder.incremental import cachefile

            with contextlib.suppress(OSError, TypeError, ValueError):
                copy.parent.mkdir(parents=True, exist_ok=True)
                tmp = copy.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(cachefile.pack(json.dumps(data).encode("utf-8")))
                os.replace(tmp, copy)
    if not isinstance(data, dict):
        raise ValueError(f"{name}: expected a mapping at the top")
    return data


def _sources(data: dict[str, Any], file: str) -> dict[str, Source]:
    return {
        key: Source(
            key=key,
            title=str(row["title"]),
            url=str(row["url"]),
            licence=str(row.get("licence", "")),
        )
        for key, row in (data.get("sources") or {}).items()
    }


def _source(sources: dict[str, Source], key: Any, where: str) -> Source:
    if key not in sources:
        raise ValueError(f"{where}: source '{key}' is not defined under sources:")
    return sources[key]


def _made_from(what: str, names: tuple[str, ...], cache_dir: Path | None, make: Any) -> Any:
    """`make(cache_dir)` as of the files `names` now: made again only when one changed."""
    digests = tuple(
        _current(name, cache_dir)[0] if (DATA_DIR / name).is_file() else "" for name in names
    )
    kept = _made.get((what, cache_dir))
    if kept is None or kept[0] != digests:
        kept = _made[(what, cache_dir)] = (digests, make(cache_dir))
    return kept[1]


def hardware_index(cache_dir: Path | None = None) -> dict[str, bool]:
    """Hardware key -> whether the catalog has a default power for it: all `check` needs.

    `cache_dir`: the build cache's folder, where parsed copies are kept (see `_read`).
    """
    index: dict[str, bool] = _made_from(
        "hardware-index", ("hardware.yaml",), cache_dir, _hardware_index
    )
    return index


def _hardware_index(cache_dir: Path | None) -> dict[str, bool]:
    return {
        str(key): row.get("measured_w") is not None or row.get("tdp_w") is not None
        for key, row in _read("hardware.yaml", cache_dir)["accelerators"].items()
    }


CATALOG_FILES = ("hardware.yaml", "grid.yaml", "pue.yaml", "equivalents.yaml")


def load_catalog(cache_dir: Path | None = None) -> Catalog:
    """Every catalog file in builder/data as it is now (read again only when one changed).

    `cache_dir`: the build cache's folder, where parsed copies are kept (see `_read`).
    """
    catalog: Catalog = _made_from("catalog", CATALOG_FILES, cache_dir, _load_catalog)
    return catalog


def _load_catalog(cache_dir: Path | None) -> Catalog:
    all_sources: dict[str, Source] = {}

    hw_data = _read("hardware.yaml", cache_dir)
    hw_sources = _sources(hw_data, "hardware.yaml")
    hardware: dict[str, Hardware] = {}
    for key, row in hw_data["accelerators"].items():
        where = f"hardware.yaml: {key}"
        measured = row.get("measured_w")
        hardware[key] = Hardware(
            key=key,
            name=str(row["name"]),
            vendor=str(row.get("vendor", "")),
            kind=str(row.get("kind", "")),
            released=row.get("released"),
            memory_gb=row.get("memory_gb"),
            tdp_w=float(row["tdp_w"]) if row.get("tdp_w") is not None else None,
            tdp_source=(
                _source(hw_sources, row["tdp_source"], where)
                if row.get("tdp_w") is not None
                else None
            ),
            measured_w=float(measured) if measured is not None else None,
            measured_source=(
                _source(hw_sources, row["measured_source"], where) if measured is not None else None
            ),
            measured_note=str(row.get("measured_note", "")),
            note=str(row.get("note", "")),
        )
    all_sources.update(hw_sources)

    grid_data = _read("grid.yaml", cache_dir)
    grid_sources = _sources(grid_data, "grid.yaml")
    regions: dict[str, Region] = {}
    borrowed: list[tuple[str, dict[str, Any]]] = []
    for key, row in grid_data["regions"].items():
        values = {
            int(y): float(v) for y, v in (row.get("kg_per_kwh") or {}).items() if v is not None
        }
        if not values:
            borrowed.append((str(key), row))
            continue
        regions[str(key)] = Region(
            key=str(key),
            name=str(row["name"]),
            kind=str(row["kind"]),
            source=_source(grid_sources, row["source"], f"grid.yaml: {key}"),
            kg_per_kwh=dict(sorted(values.items())),
            provider=row.get("provider"),
            location=row.get("location"),
        )
    for key, row in borrowed:
        grid = regions.get(str(row.get("location")))
        if grid is None:
            raise ValueError(f"grid.yaml: {key} has no figures and no location with figures")
        regions[key] = Region(
            key=key,
            name=str(row["name"]),
            kind=str(row["kind"]),
            source=grid.source,
            kg_per_kwh=grid.kg_per_kwh,
            provider=row.get("provider"),
            location=grid.key,
            via=grid.key,
        )
    regions = dict(sorted(regions.items(), key=lambda kv: (_KIND_ORDER.get(kv[1].kind, 9), kv[0])))
    all_sources.update(grid_sources)

    pue_data = _read("pue.yaml", cache_dir)
    pue_sources = _sources(pue_data, "pue.yaml")

    def series(key: str, row: dict[str, Any]) -> PueSeries:
        where = f"pue.yaml: {key}"
        return PueSeries(
            key=key,
            name=str(row["name"]),
            source=_source(pue_sources, row["source"], where),
            pue={int(y): float(v) for y, v in sorted(row["pue"].items())},
            sources_by_year={
                int(y): _source(pue_sources, s, where)
                for y, s in (row.get("sources_by_year") or {}).items()
            },
            organizations=tuple(row.get("organizations") or ()),
            clouds=tuple(row.get("clouds") or ()),
            note=str(row.get("note", "")),
        )

    providers = {key: series(key, row) for key, row in pue_data["providers"].items()}
    industry = series("industry", pue_data["industry"])
    all_sources.update(pue_sources)

    has_equivalents = (DATA_DIR / "equivalents.yaml").is_file()
    eq_data = _read("equivalents.yaml", cache_dir) if has_equivalents else {"equivalents": {}}
    eq_sources = _sources(eq_data, "equivalents.yaml")
    equivalents = tuple(
        Equivalent(
            key=key,
            label=str(row["label"]),
            t_co2e_per_unit=float(row["t_co2e_per_unit"]),
            source=_source(eq_sources, row["source"], f"equivalents.yaml: {key}"),
            locator=str(row.get("locator", "")),
            note=str(row.get("note", "")),
        )
        for key, row in eq_data["equivalents"].items()
    )
    all_sources.update(eq_sources)

    return Catalog(
        hardware=hardware,
        regions=regions,
        providers=providers,
        industry_pue=industry,
        sources=all_sources,
        equivalents=equivalents,
    )


def region_keys(cache_dir: Path | None = None) -> frozenset[str]:
    """Just the grid region keys: all `check` needs (`cache_dir`: see `_read`)."""
    keys: frozenset[str] = _made_from("region-keys", ("grid.yaml",), cache_dir, _region_keys)
    return keys


def _region_keys(cache_dir: Path | None) -> frozenset[str]:
    return frozenset(str(k) for k in _read("grid.yaml", cache_dir)["regions"])
