"""Reference catalogs shipped in builder/data: hardware, grid carbon intensity, PUE,
everyday equivalents, and the organizations that entries/ folders stand for.

Every row names a source; the methodology page renders these tables with their
citations, and the formula's defaults come only from here. The rows of each file are
read through builder/catalog_rows.py, which locates what is wrong in them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from builder.catalog_hardware import Proxy, check_proxy, peak_flops, proxy
from builder.catalog_organizations import Organization, organization_keys_from, organizations_from
from builder.catalog_rows import LOADER, CatalogError, Row, located, shown
from builder.utilization import Utilization, utilization_from

DATA_DIR = Path(__file__).parent / "data"


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
    peak_flops: Mapping[str, float] = field(default_factory=dict)  # dense FLOP/s by precision
    peak_source: Source | None = None
    proxy: Proxy | None = None
    chip_max_w: float | None = None  # a measured chip-only maximum: neither TDP nor system power
    chip_max_source: Source | None = None


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
    utilization: Utilization | None = None
    organizations: Mapping[str, Organization] = field(default_factory=dict)  # by folder

    def hardware_index(self) -> dict[str, bool]:
        """Each accelerator's key, and whether the catalog gives a power for it (its own,
        or a proxy's)."""
        return {
            key: h.measured_w is not None or h.tdp_w is not None or h.proxy is not None
            for key, h in self.hardware.items()
        }

    def peak_index(self) -> dict[str, frozenset[str]]:
        """Each accelerator's key, and the precisions it has a peak FLOP/s for."""
        return {key: frozenset(h.peak_flops) for key, h in self.hardware.items()}

    def organization(self, key: str) -> Organization:
        """The organization of an entries/ folder (validation makes sure it is listed;
        otherwise it is shown by its key)."""
        return self.organizations.get(key) or Organization(key=key, name=key)

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


CATALOG_FILES = (
    "hardware.yaml",
    "grid.yaml",
    "pue.yaml",
    "equivalents.yaml",
    "utilization.yaml",
    "organizations.yaml",
)
OPTIONAL_FILES = frozenset({"equivalents.yaml"})  # without it, pages show no equivalents

# A parsed catalog file: its YAML as plain data (None: an optional file that is absent).
Doc = Mapping[str, Any]


def read_file(name: str) -> bytes | None:
    """The bytes of one catalog file now; None for an optional file that is absent."""
    path = DATA_DIR / name
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if name in OPTIONAL_FILES:
            return None
        raise CatalogError(f"{shown(path)}: no such file; the build needs it") from None
    except OSError as exc:
        raise CatalogError(f"{shown(path)}: cannot be read ({exc.strerror})") from None


def parse_file(name: str, raw: bytes) -> dict[str, Any]:
    """One catalog file's YAML as plain data; CatalogError, located, when it is not YAML
    or not a mapping of sections."""
    where = shown(DATA_DIR / name)
    try:
        data = yaml.load(raw, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context}, which starts on line {exc.context_mark.line + 1})"
        line = mark.line + 1 if mark else 1
        raise CatalogError(
            f"{where}:{line}: not valid YAML: {exc.problem or exc.context}{context}; "
            "fix the syntax on this line or the one before"
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise CatalogError(f"{where}:1: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CatalogError(f"{where}:1: expected a mapping of sections (such as sources:)")
    return data


@functools.lru_cache(maxsize=8)
def _parsed(name: str, raw: bytes) -> dict[str, Any]:
    return parse_file(name, raw)


def _required(name: str) -> bytes:
    raw = read_file(name)
    if raw is None:  # pragma: no cover - only optional files may be absent
        raise CatalogError(f"{shown(DATA_DIR / name)}: no such file")
    return raw


def load_catalog() -> Catalog:
    """Every catalog file in builder/data as it is now (parsed again only when one changed;
    callers must not modify what they get)."""
    return _catalog_of(tuple(read_file(name) for name in CATALOG_FILES))


@functools.lru_cache(maxsize=4)
def _catalog_of(raws: tuple[bytes | None, ...]) -> Catalog:
    docs = {
        n: None if r is None else _parsed(n, r) for n, r in zip(CATALOG_FILES, raws, strict=True)
    }
    return catalog_from(docs)


def hardware_index() -> dict[str, bool]:
    """Hardware key -> whether the catalog has a default power for it: all `check` needs."""
    return _hardware_index_of(_required("hardware.yaml"))


@functools.lru_cache(maxsize=4)
def _hardware_index_of(raw: bytes) -> dict[str, bool]:
    return hardware_index_from(_parsed("hardware.yaml", raw))


def peak_index() -> dict[str, frozenset[str]]:
    """Hardware key -> the precisions with a peak FLOP/s: what `check` needs for estimates."""
    doc = _parsed("hardware.yaml", _required("hardware.yaml"))
    with located(DATA_DIR):
        return {
            key: frozenset(str(p) for p in row.data.get("peak_tflops") or {})
            for key, row in Row("hardware.yaml", (), doc).rows("accelerators")
        }


def region_keys() -> frozenset[str]:
    """Just the grid region keys: all `check` needs."""
    return _region_keys_of(_required("grid.yaml"))


@functools.lru_cache(maxsize=4)
def _region_keys_of(raw: bytes) -> frozenset[str]:
    return region_keys_from(_parsed("grid.yaml", raw))


def organization_keys() -> frozenset[str]:
    """Just the organization keys (the folders of entries/): all `check` needs."""
    return _organization_keys_of(_required("organizations.yaml"))


@functools.lru_cache(maxsize=4)
def _organization_keys_of(raw: bytes) -> frozenset[str]:
    with located(DATA_DIR):
        return organization_keys_from(_parsed("organizations.yaml", raw))


def forget() -> None:
    """Drop what this process parsed: the next call reads and parses every file again."""
    memos = (_parsed, _catalog_of, _hardware_index_of, _region_keys_of, _organization_keys_of)
    for memo in memos:
        memo.cache_clear()


# --- from parsed files to values, each problem located to its line (builder.catalog_rows) ---


def _sources(file: str, doc: Doc) -> dict[str, Source]:
    return {
        key: Source(
            key=key, title=row.text("title"), url=row.text("url"), licence=row.text("licence", "")
        )
        for key, row in Row(file, (), doc).rows("sources", optional=True)
    }


def hardware_index_from(doc: Doc) -> dict[str, bool]:
    """What `hardware_index` gives, of a parsed hardware.yaml."""
    with located(DATA_DIR):
        return {
            key: any(row.data.get(k) is not None for k in ("measured_w", "tdp_w", "proxy"))
            for key, row in Row("hardware.yaml", (), doc).rows("accelerators")
        }


def region_keys_from(doc: Doc) -> frozenset[str]:
    """What `region_keys` gives, of a parsed grid.yaml."""
    with located(DATA_DIR):
        return frozenset(key for key, _ in Row("grid.yaml", (), doc).rows("regions"))


def catalog_from(docs: Mapping[str, Doc | None]) -> Catalog:
    """The Catalog of parsed catalog files (by name; None: an optional file is absent);
    CatalogError, located, for what cannot be used."""
    with located(DATA_DIR):
        sources: dict[str, Source] = {}
        hardware = _hardware(_need(docs, "hardware.yaml"), sources)
        regions = _regions(_need(docs, "grid.yaml"), sources)
        providers, industry = _pue(_need(docs, "pue.yaml"), sources)
        equivalents = _equivalents(docs.get("equivalents.yaml") or {"equivalents": {}}, sources)
        utilization = _utilization(_need(docs, "utilization.yaml"), sources)
        organizations = organizations_from(_need(docs, "organizations.yaml"))
    return Catalog(
        utilization=utilization,
        hardware=hardware,
        regions=regions,
        providers=providers,
        industry_pue=industry,
        sources=sources,
        equivalents=equivalents,
        organizations=organizations,
    )


def _need(docs: Mapping[str, Doc | None], name: str) -> Doc:
    doc = docs.get(name)
    if doc is None:
        raise CatalogError(f"{shown(DATA_DIR / name)}: no such file; the build needs it")
    return doc


def _hardware(doc: Doc, all_sources: dict[str, Source]) -> dict[str, Hardware]:
    sources = _sources("hardware.yaml", doc)
    hardware: dict[str, Hardware] = {}
    proxied: list[tuple[str, Row, Proxy]] = []
    for key, row in Row("hardware.yaml", (), doc).rows("accelerators"):
        tdp = row.optional("tdp_w", "a power in watts")
        measured = row.optional("measured_w", "a power in watts")
        chip_max = row.optional("chip_max_w", "a power in watts")
        peak = peak_flops(row)
        lent = proxy(row)
        if lent is not None:
            proxied.append((key, row, lent))
        hardware[key] = Hardware(
            key=key,
            name=row.text("name"),
            vendor=row.text("vendor", ""),
            kind=row.text("kind", ""),
            released=row.optional("released", "a year"),
            memory_gb=row.optional("memory_gb"),
            tdp_w=float(tdp) if tdp is not None else None,
            tdp_source=row.source("tdp_source", sources) if tdp is not None else None,
            measured_w=float(measured) if measured is not None else None,
            measured_source=(
                row.source("measured_source", sources) if measured is not None else None
            ),
            measured_note=row.text("measured_note", ""),
            note=row.text("note", ""),
            peak_flops=peak,
            peak_source=row.source("peak_source", sources) if peak else None,
            proxy=lent,
            chip_max_w=float(chip_max) if chip_max is not None else None,
            chip_max_source=(
                row.source("chip_max_source", sources) if chip_max is not None else None
            ),
        )
    powered = {k: h.tdp_w is not None or h.measured_w is not None for k, h in hardware.items()}
    for key, row, lent in proxied:
        check_proxy(key, row, lent, powered)
    all_sources.update(sources)
    return hardware


def _regions(doc: Doc, all_sources: dict[str, Source]) -> dict[str, Region]:
    sources = _sources("grid.yaml", doc)
    regions: dict[str, Region] = {}
    borrowed: list[tuple[str, Row]] = []
    for key, row in Row("grid.yaml", (), doc).rows("regions"):
        values = {}
        if row.data.get("kg_per_kwh") is not None:
            for year, value in row.by_year("kg_per_kwh").items():
                if value is not None:
                    values[year] = row.number(("kg_per_kwh", year), value, "kg CO2e per kWh")
        if not values:
            borrowed.append((key, row))
            continue
        regions[key] = Region(
            key=key,
            name=row.text("name"),
            kind=row.text("kind"),
            source=row.source("source", sources),
            kg_per_kwh=dict(sorted(values.items())),
            provider=row.optional_text("provider"),
            location=row.optional_text("location"),
        )
    for key, row in borrowed:
        grid = regions.get(str(row.data.get("location")))
        if grid is None:
            raise row.problem(
                (),
                "no kg_per_kwh figures and no location with figures "
                "(give kg_per_kwh, or location: the key of a region that has them)",
            )
        regions[key] = Region(
            key=key,
            name=row.text("name"),
            kind=row.text("kind"),
            source=grid.source,
            kg_per_kwh=grid.kg_per_kwh,
            provider=row.optional_text("provider"),
            location=grid.key,
            via=grid.key,
        )
    all_sources.update(sources)
    return dict(sorted(regions.items(), key=lambda kv: (_KIND_ORDER.get(kv[1].kind, 9), kv[0])))


def _series(key: str, row: Row, sources: Mapping[str, Source]) -> PueSeries:
    pue = {
        year: row.number(("pue", year), value, "a PUE such as 1.1")
        for year, value in sorted(row.by_year("pue").items())
    }
    by_year = (
        {
            year: row.source("sources_by_year", sources, key=value)
            for year, value in row.by_year("sources_by_year").items()
        }
        if row.data.get("sources_by_year")
        else {}
    )
    return PueSeries(
        key=key,
        name=row.text("name"),
        source=row.source("source", sources),
        pue=pue,
        sources_by_year=by_year,
        organizations=row.texts("organizations"),
        clouds=row.texts("clouds"),
        note=row.text("note", ""),
    )


def _pue(doc: Doc, all_sources: dict[str, Source]) -> tuple[dict[str, PueSeries], PueSeries]:
    sources = _sources("pue.yaml", doc)
    top = Row("pue.yaml", (), doc)
    providers = {key: _series(key, row, sources) for key, row in top.rows("providers")}
    industry = _series("industry", top.row("industry"), sources)
    all_sources.update(sources)
    return providers, industry


def _equivalents(doc: Doc, all_sources: dict[str, Source]) -> tuple[Equivalent, ...]:
    sources = _sources("equivalents.yaml", doc)
    equivalents = tuple(
        Equivalent(
            key=key,
            label=row.text("label"),
            t_co2e_per_unit=row.number(
                ("t_co2e_per_unit",), row.data.get("t_co2e_per_unit"), "tonnes CO2e per unit"
            ),
            source=row.source("source", sources),
            locator=row.text("locator", ""),
            note=row.text("note", ""),
        )
        for key, row in Row("equivalents.yaml", (), doc).rows("equivalents")
    )
    all_sources.update(sources)
    return equivalents


def _utilization(doc: Doc, all_sources: dict[str, Source]) -> Utilization:
    sources = _sources("utilization.yaml", doc)
    all_sources.update(sources)
    return utilization_from(Row("utilization.yaml", (), doc), sources)
