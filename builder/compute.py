"""Entry -> Result: resolve each formula input (stated or a cited default), then apply the formula.

Ranges. A stated input has no range of its own (low = high = value): the
entry's source is taken at its word. A default carries the spread documented on
the methodology page:

- power from a measured catalog value: +/- MEASURED_POWER_SPREAD;
- power from a datasheet TDP: TDP x the lowest and highest measured/TDP ratio
  found in the hardware catalog (how far real training power strays from TDP);
- PUE from a provider's fleet: the lowest and highest fleet value within
  YEAR_WINDOW years; from the industry average: the best provider fleet of
  that year as the low end, mirrored about the average for the high end;
- grid intensity of a known region: lowest and highest annual value within
  YEAR_WINDOW years (+/- SINGLE_YEAR_SPREAD where only one year is known); of an
  unknown location: the world average, ranged by the 10th and 90th
  percentiles of the countries' values that year.

The low and high figures multiply all low and all high inputs together.
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from builder import formula
from builder.catalog import Catalog, PueSeries, Region
from builder.conventions import N_
from builder.entries.model import (
    Citation,
    Entry,
    Input,
    Result,
    entry_basis,
    estimate_precision,
)
from builder.entries.schema import Basis

MEASURED_POWER_SPREAD = 0.10
SINGLE_YEAR_SPREAD = 0.10
YEAR_WINDOW = 2
WORLD = "WORLD"
STATED = N_("Stated by the entry")


def training_year(entry: Entry, latest: int) -> int:
    """The year whose grid and PUE apply: stated, else the release year, else the latest data."""
    return entry.training.year or entry.released_year or latest


def _window(values: Mapping[int, float], year: int) -> tuple[float, float]:
    near = [v for y, v in values.items() if abs(y - year) <= YEAR_WINDOW]
    return min(near), max(near)


@functools.lru_cache(maxsize=8)
def _tdp_ratio_bounds(catalog: Catalog) -> tuple[float, float]:
    ratios = [
        hw.measured_w / hw.tdp_w
        for hw in catalog.hardware.values()
        if hw.measured_w is not None and hw.tdp_w is not None
    ]
    if len(ratios) < 2:  # not enough measurements to bound anything: say so with a wide range
        return 0.5, 1.5
    return min(ratios), max(ratios)


@functools.lru_cache(maxsize=256)
def _country_percentiles(catalog: Catalog, year: int) -> tuple[float, float]:
    values = sorted(
        r.kg_per_kwh[year]
        for r in catalog.regions.values()
        if r.kind == "country" and year in r.kg_per_kwh
    )
    if len(values) < 10:
        values = sorted(
            r.kg_per_kwh[r.nearest_year(year)]
            for r in catalog.regions.values()
            if r.kind == "country"
        )
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return deciles[0], deciles[-1]


def resolve_accelerator_hours(entry: Entry) -> Input:
    """Accelerator-hours as stated, or accelerators x duration."""
    t = entry.training
    if t.accelerator_hours is not None:
        v = t.accelerator_hours
        return Input("accelerator_hours", v, v, v, "stated", STATED)
    assert t.accelerators is not None
    hours = t.hours if t.hours is not None else (t.days or 0.0) * formula.HOURS_PER_DAY
    v = formula.accelerator_hours(t.accelerators, hours)
    if t.hours is not None:
        basis = N_("%(accelerators)s accelerators × %(hours)s h, both stated")
        args: tuple[tuple[str, str | int | float], ...] = (
            ("accelerators", t.accelerators),
            ("hours", t.hours),
        )
    else:
        basis = N_("%(accelerators)s accelerators × %(days)s days × 24 h, both stated")
        args = (("accelerators", t.accelerators), ("days", t.days or 0.0))
    return Input("accelerator_hours", v, v, v, "derived", basis, args=args)


def resolve_utilization(entry: Entry, catalog: Catalog) -> Input:
    """Model FLOP utilization: stated (taken at its word), else the catalog's default range."""
    stated = entry.training.utilization
    if stated is not None:
        return Input("utilization", stated, stated, stated, "stated", STATED)
    u = catalog.utilization
    assert u is not None  # catalog_from requires utilization.yaml
    src = u.sources[0]
    return Input(
        "utilization",
        u.value,
        u.low,
        u.high,
        "default",
        N_("Typical model FLOP utilization of large training runs, %(low)s to %(high)s"),
        Citation(
            "utilization", "default", "Model FLOP utilization", src.title, src.url, src.licence
        ),
        args=(("low", u.low), ("high", u.high)),
    )


def resolve_estimated_hours(entry: Entry, catalog: Catalog) -> tuple[Input, Input]:
    """Accelerator-hours of a compute estimate, FLOP / (peak FLOP/s x utilization) / 3600,
    and the utilization it assumes: the fewest hours at the highest utilization."""
    t = entry.training
    assert t.flops is not None and t.hardware is not None
    hw = catalog.hardware[t.hardware]
    precision = estimate_precision(t.precision, hw.peak_flops)
    peak = hw.peak_flops[precision]  # validate_entry guarantees the peak is there
    u = resolve_utilization(entry, catalog)
    lo, v, hi = (t.flops / (peak * share) / 3600 for share in (u.high, u.value, u.low))
    src = hw.peak_source
    citation = (
        Citation(
            "hardware", hw.key, f"{hw.name}, peak {precision}", src.title, src.url, src.licence
        )
        if src is not None
        else None
    )
    hours = Input(
        "accelerator_hours",
        v,
        lo,
        hi,
        "derived",
        N_("%(flops)s FLOP ÷ (%(peak)s FLOP/s %(precision)s peak × utilization) ÷ 3600 s"),
        citation,
        args=(("flops", t.flops), ("peak", peak), ("precision", precision)),
    )
    return hours, u


def resolve_power(entry: Entry, catalog: Catalog) -> Input:
    """Mean power per accelerator: stated, else measured, else datasheet TDP."""
    t = entry.training
    if t.power_w is not None:
        return Input("power_w", t.power_w, t.power_w, t.power_w, "stated", STATED)
    assert t.hardware is not None
    return hardware_power(catalog, t.hardware)


def hardware_power(catalog: Catalog, key: str) -> Input:
    """The catalog's power for an accelerator: measured, else TDP, else its proxy's
    (the proxy's range widened by the proxy's factor)."""
    hw = catalog.hardware[key]
    if hw.measured_w is None and hw.tdp_w is None and hw.proxy is not None:
        sibling = hardware_power(catalog, hw.proxy.hardware)
        widen = hw.proxy.widen
        return Input(
            "power_w",
            sibling.value,
            sibling.low / widen,
            sibling.high * widen,
            "default",
            N_("%(hardware)s: power of %(proxy)s, which stands in for it"),
            sibling.citation,
            args=(("hardware", hw.name), ("proxy", catalog.hardware[hw.proxy.hardware].name)),
        )
    if hw.measured_w is not None and hw.measured_source is not None:
        v = hw.measured_w
        src = hw.measured_source
        return Input(
            "power_w",
            v,
            v * (1 - MEASURED_POWER_SPREAD),
            v * (1 + MEASURED_POWER_SPREAD),
            "default",
            N_("%(hardware)s: measured mean training power"),
            Citation("hardware", hw.key, f"{hw.name}, measured", src.title, src.url, src.licence),
            args=(("hardware", hw.name),),
        )
    # validate_entry guarantees power_w is stated when the catalog has neither figure
    assert hw.tdp_w is not None and hw.tdp_source is not None
    lo, hi = _tdp_ratio_bounds(catalog)
    src = hw.tdp_source
    return Input(
        "power_w",
        hw.tdp_w,
        hw.tdp_w * lo,
        hw.tdp_w * hi,
        "default",
        N_("%(hardware)s: datasheet TDP"),
        Citation("hardware", hw.key, f"{hw.name}, TDP", src.title, src.url, src.licence),
        args=(("hardware", hw.name),),
    )


def _pue_series(entry: Entry, catalog: Catalog) -> PueSeries | None:
    region = catalog.regions.get(entry.training.region or "")
    if region is not None and region.provider:
        series = catalog.provider_for_cloud(region.provider)
        if series is not None:
            return series
    return catalog.provider_for_organization(entry.organization)


def resolve_pue(entry: Entry, catalog: Catalog) -> Input:
    """PUE: stated, else the provider's fleet value for the year, else the industry average."""
    t = entry.training
    if t.pue is not None:
        return Input("pue", t.pue, t.pue, t.pue, "stated", STATED)
    year = training_year(entry, max(catalog.industry_pue.pue))
    return pue_of(catalog, _pue_series(entry, catalog), year)


def pue_of(catalog: Catalog, series: PueSeries | None, year: int) -> Input:
    """A provider's fleet PUE for `year` with its range; None: the industry average."""
    if series is not None:
        used = series.nearest_year(year)
        v = series.pue[used]
        lo, hi = _window(series.pue, used)
        src = series.source_for(used)
        return Input(
            "pue",
            v,
            lo,
            hi,
            "default",
            N_("%(provider)s fleet PUE, %(year)s"),
            Citation(
                "pue",
                series.key,
                f"{series.name} fleet PUE {used}",
                src.title,
                src.url,
                src.licence,
            ),
            year=used,
            args=(("provider", series.name), ("year", str(used))),
        )
    industry = catalog.industry_pue
    used = industry.nearest_year(year)
    v = industry.pue[used]
    fleets = [s.pue[s.nearest_year(used)] for s in catalog.providers.values()]
    lo = min([*fleets, v])
    src = industry.source_for(used)
    return Input(
        "pue",
        v,
        lo,
        2 * v - lo,
        "default",
        N_("%(series)s, %(year)s"),
        Citation(
            "pue", "industry", f"Industry average PUE {used}", src.title, src.url, src.licence
        ),
        year=used,
        args=(("series", industry.name), ("year", str(used))),
    )


def resolve_intensity(entry: Entry, catalog: Catalog) -> Input:
    """Grid intensity: stated, else the region's annual value, else the world average."""
    t = entry.training
    if t.carbon_intensity is not None:
        v = t.carbon_intensity
        return Input("carbon_intensity", v, v, v, "stated", STATED)
    region: Region | None = catalog.regions.get(t.region) if t.region else None
    world = catalog.regions[WORLD]
    year = training_year(entry, max(world.kg_per_kwh))
    if region is not None:
        return intensity_of(region, year)
    used = world.nearest_year(year)
    v = world.kg_per_kwh[used]
    lo, hi = _country_percentiles(catalog, used)
    src = world.source
    return Input(
        "carbon_intensity",
        v,
        min(lo, v),
        max(hi, v),
        "default",
        N_("World average grid, %(year)s (training location unknown)"),
        Citation("grid", WORLD, f"World grid {used}", src.title, src.url, src.licence),
        year=used,
        args=(("year", str(used)),),
    )


def intensity_of(region: Region, year: int) -> Input:
    """A region's grid intensity for `year` (its nearest year with data), with its range."""
    used = region.nearest_year(year)
    v = region.kg_per_kwh[used]
    lo, hi = _window(region.kg_per_kwh, used)
    if lo == hi:
        lo, hi = v * (1 - SINGLE_YEAR_SPREAD), v * (1 + SINGLE_YEAR_SPREAD)
    src = region.source
    return Input(
        "carbon_intensity",
        v,
        lo,
        hi,
        "default",
        N_("%(region)s grid, %(year)s"),
        Citation(
            "grid",
            region.key,
            f"{region.grid_name} grid {used}",
            src.title,
            src.url,
            src.licence,
        ),
        year=used,
        args=(("region", region.grid_name), ("year", str(used))),
    )


def quality_of(defaults: tuple[str, ...]) -> str:
    """`high` when every energy input is stated, `medium` with one default, else `low`."""
    return {0: "high", 1: "medium"}.get(len(defaults), "low")


Triple = tuple[float, float, float]  # value, low, high


def _energy(hours: Input, power: Input, pue: Input) -> Triple:
    """Facility energy in MWh of accelerator-hours, power and PUE, with its range."""
    lo, v, hi = (
        formula.energy_kwh(h, p, u) / 1000.0
        for h, p, u in (
            (hours.low, power.low, pue.low),
            (hours.value, power.value, pue.value),
            (hours.high, power.high, pue.high),
        )
    )
    return v, lo, hi


def _reported_energy(entry: Entry, pue: Input | None) -> Triple:
    """The reported energy: as it is (facility), or x the PUE with its range (it)."""
    e = entry.reported.energy_mwh
    assert e is not None
    if pue is None:
        return e, e, e
    return e * pue.value, e * pue.low, e * pue.high


def _times(energy: Triple | None, ci: Input | None) -> Triple | None:
    if energy is None or ci is None:
        return None
    return tuple(  # type: ignore[return-value]
        formula.co2e_t(e, c) for e, c in zip(energy, (ci.value, ci.low, ci.high), strict=True)
    )


def compute_result(entry: Entry, catalog: Catalog) -> Result:
    """Standardized energy and CO2e of one entry, with ranges and provenance, from where
    its basis enters the chain compute -> accelerator-hours -> energy -> CO2e."""
    basis = entry_basis(entry)
    hours = power = pue = ci = utilization = None
    if basis == "hardware-time":
        hours = resolve_accelerator_hours(entry)
    elif basis == "compute-estimate":
        hours, utilization = resolve_estimated_hours(entry, catalog)
    if hours is not None:
        power, pue = resolve_power(entry, catalog), resolve_pue(entry, catalog)
    elif basis == "reported-energy" and entry.reported.energy_scope == "it":
        pue = resolve_pue(entry, catalog)
    if basis != "reported-co2e" or entry.training.carbon_intensity is not None:
        ci = resolve_intensity(entry, catalog)
    return result_of(entry, basis, Inputs(hours, power, pue, ci, utilization))


@dataclass(frozen=True)
class Inputs:
    """The resolved inputs of one entry's figures (None: its basis does not use one)."""

    hours: Input | None = None
    power: Input | None = None
    pue: Input | None = None
    ci: Input | None = None
    utilization: Input | None = None


def result_of(entry: Entry, basis: Basis, inputs: Inputs) -> Result:
    """The Result of an entry's resolved inputs: the formula applied where the basis
    enters the chain. A reported CO2e stands as reported unless the intensity given is
    not the one the entry states (a what-if: energy x that intensity)."""
    hours, power, pue, ci, utilization = (
        inputs.hours,
        inputs.power,
        inputs.pue,
        inputs.ci,
        inputs.utilization,
    )
    energy: Triple | None = None
    if hours is not None:
        assert power is not None and pue is not None
        energy = _energy(hours, power, pue)
    elif basis == "reported-energy":
        energy = _reported_energy(entry, pue)
    if basis == "reported-co2e":
        c = entry.reported.co2e_t
        assert c is not None
        stated = entry.training.carbon_intensity
        if stated is not None:
            energy = (c / stated, c / stated, c / stated)
        co2e: Triple = (c, c, c)
        if ci is not None and ci.provenance != "stated":
            co2e = _times(energy, ci) or co2e
    else:
        co2e = _times(energy, ci) or (0.0, 0.0, 0.0)
    net_ci = entry.training.net_carbon_intensity
    mwh = energy[0] if energy is not None else None
    net = formula.co2e_t(mwh, net_ci) if net_ci is not None and mwh is not None else None
    defaults = tuple(
        i.name for i in (power, pue, ci) if i is not None and i.provenance == "default"
    )
    assumed = ("utilization",) if utilization and utilization.provenance == "default" else ()
    return Result(
        entry=entry,
        accelerator_hours=hours,
        power_w=power,
        pue=pue,
        carbon_intensity=ci,
        net_carbon_intensity=net_ci,
        energy_mwh=mwh,
        energy_mwh_low=energy[1] if energy is not None else None,
        energy_mwh_high=energy[2] if energy is not None else None,
        co2e_t=co2e[0],
        co2e_t_low=co2e[1],
        co2e_t_high=co2e[2],
        net_co2e_t=net,
        # a figure the basis takes as reported is not compared with itself
        energy_ratio=(
            None
            if basis == "reported-energy" or mwh is None
            else formula.ratio(mwh, entry.reported.energy_mwh)
        ),
        co2e_ratio=(
            None if basis == "reported-co2e" else formula.ratio(co2e[0], entry.reported.co2e_t)
        ),
        defaults=defaults,
        quality=quality_of(defaults + assumed),
        basis=basis,
        utilization=utilization,
    )


def compute_each(entries: Mapping[str, Entry], catalog: Catalog) -> dict[str, Result]:
    """The result of each entry, under the same name (a build names them by their file)."""
    return {name: compute_result(entry, catalog) for name, entry in entries.items()}


def compute_results(entries: list[Entry], catalog: Catalog) -> list[Result]:
    """Results for every entry, sorted by CO2e, largest first (then by id, for stability)."""
    results = [compute_result(e, catalog) for e in entries]
    return sorted(results, key=lambda r: (-r.co2e_t, r.entry.id))
