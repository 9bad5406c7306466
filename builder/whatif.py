"""What if: an entry's standardized figures with another grid region, PUE or accelerator.

The figures are those of builder/compute.py with one or more inputs resolved otherwise,
through the same functions (compute.intensity_of, compute.pue_of,
compute.hardware_power) and the same formula (compute.result_of):

- a region: that region's grid intensity for the training year, with the catalog's range
  rule (the lowest and highest annual value within compute.YEAR_WINDOW years);
- a PUE preset: a provider's fleet PUE for the training year, or the industry average,
  each with its range, in place of the PUE the entry states or defaults to;
- an accelerator: accelerator-hours scaled by the ratio of the two accelerators' dense
  peak FLOP/s at the run's precision (the same share of peak on either: an assumption,
  which the model page states), and the new accelerator's catalog power. fp16 and bf16
  are one class, the 16-bit matrix formats: an accelerator whose catalog row has a peak
  for only the other one (TPUs list bf16 alone, a P100 or V100 fp16 alone) is compared
  at that peak, which the model page states too.

What a basis allows (`choices`): accelerator-hours (hardware-time) and compute estimates
all three; a reported energy the region, and the PUE only when the energy is the IT
load's (a facility figure already includes its PUE); a reported CO2e the region only when
the entry states the intensity it was computed with (that gives the energy), else
nothing. The accelerator needs a peak FLOP/s at the run's precision (or its 16-bit
counterpart, `peak_at`) for both.

site/assets/whatif.js recomputes the same figures in the browser from `export` (written
as data/formula.json); tests/test_whatif_browser.py checks the two agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from builder import compute
from builder.catalog import Catalog, Hardware, Region
from builder.conventions import N_
from builder.entries.model import Entry, Input, Result, entry_basis, estimate_precision

REGION, PUE, HARDWARE = "region", "pue", "hardware"
INDUSTRY = "industry"  # the PUE preset of the industry average
FORMAT = 1  # of data/formula.json: raised when its layout changes
# The 16-bit matrix formats: a run at one is compared at the other's peak on an
# accelerator whose catalog row has only that one (site/assets/whatif.js does the same).
SIXTEEN_BIT = {"fp16": "bf16", "bf16": "fp16"}


class NotAllowed(ValueError):
    """A choice the entry's basis cannot take (see `choices`)."""


def precision_of(entry: Entry, catalog: Catalog) -> str | None:
    """The precision the run's peak FLOP/s is read at; None without catalog hardware."""
    hw = catalog.hardware.get(entry.training.hardware or "")
    if hw is None:
        return None
    return estimate_precision(entry.training.precision, hw.peak_flops)


def peak_at(hardware: Hardware, precision: str) -> tuple[str, float] | None:
    """The precision and dense peak FLOP/s a run at `precision` is compared at on
    `hardware`: its own, else the other 16-bit format's (`SIXTEEN_BIT`); None without."""
    for p in (precision, SIXTEEN_BIT.get(precision)):
        if p is not None and p in hardware.peak_flops:
            return p, hardware.peak_flops[p]
    return None


def hardware_options(catalog: Catalog, precision: str) -> list[str]:
    """The accelerators a run at `precision` may move to: a peak there (`peak_at`), and
    a power."""
    powered = catalog.hardware_index()
    return [
        k for k, h in catalog.hardware.items() if peak_at(h, precision) is not None and powered[k]
    ]


def choices(entry: Entry, catalog: Catalog) -> frozenset[str]:
    """Which inputs a what-if may change for this entry (REGION, PUE, HARDWARE)."""
    basis = entry_basis(entry)
    if basis in ("hardware-time", "compute-estimate"):
        found = {REGION, PUE}
        precision = precision_of(entry, catalog)
        hw = catalog.hardware.get(entry.training.hardware or "")
        if precision is not None and hw is not None and precision in hw.peak_flops:
            found.add(HARDWARE)
        return frozenset(found)
    if basis == "reported-energy":
        return frozenset({REGION, PUE} if entry.reported.energy_scope == "it" else {REGION})
    return frozenset({REGION} if entry.training.carbon_intensity is not None else ())


def grid_year(entry: Entry, catalog: Catalog) -> int:
    """The year whose grid intensity applies (as compute.resolve_intensity takes it)."""
    return compute.training_year(entry, max(catalog.regions[compute.WORLD].kg_per_kwh))


def pue_year(entry: Entry, catalog: Catalog) -> int:
    """The year whose PUE applies (as compute.resolve_pue takes it)."""
    return compute.training_year(entry, max(catalog.industry_pue.pue))


def scaled_hours(
    hours: Input, old_peak: float, new_peak: float, precision: str, new_precision: str
) -> Input:
    """Accelerator-hours on another accelerator: x the ratio of the peak FLOP/s (the
    run's at `precision`, the other's at `new_precision`, see `peak_at`)."""
    ratio = old_peak / new_peak
    if new_precision == precision:
        note = N_(
            "Accelerator-hours × %(old)s ÷ %(new)s FLOP/s dense %(precision)s peak: "
            "the same share of peak on either accelerator"
        )
    else:
        note = N_(
            "Accelerator-hours × %(old)s FLOP/s dense %(precision)s peak ÷ %(new)s FLOP/s "
            "dense %(other)s peak: the same share of the 16-bit peak on either accelerator"
        )
    return Input(
        "accelerator_hours",
        hours.value * ratio,
        hours.low * ratio,
        hours.high * ratio,
        "derived",
        note,
        args=(("old", old_peak), ("new", new_peak), ("precision", precision))
        + ((("other", new_precision),) if new_precision != precision else ()),
    )


def whatif(
    entry: Entry,
    catalog: Catalog,
    region: str | None = None,
    pue: str | None = None,
    hardware: str | None = None,
) -> Result:
    """The entry's figures with the grid of `region`, the PUE preset `pue` (a provider's
    key or INDUSTRY) and the accelerator `hardware`, each None to keep the run's own.
    NotAllowed for a choice the basis cannot take; KeyError for an unknown key."""
    allowed = choices(entry, catalog)
    for name, given in ((REGION, region), (PUE, pue), (HARDWARE, hardware)):
        if given is not None and name not in allowed:
            raise NotAllowed(f"{entry.id}: a {entry_basis(entry)} entry cannot change its {name}")
    base = compute.compute_result(entry, catalog)
    hours, power, pue_input, ci = (
        base.accelerator_hours,
        base.power_w,
        base.pue,
        base.carbon_intensity,
    )
    if hardware is not None:
        precision = precision_of(entry, catalog)
        assert hours is not None and precision is not None and entry.training.hardware
        old = catalog.hardware[entry.training.hardware].peak_flops[precision]
        new = peak_at(catalog.hardware[hardware], precision)
        if new is None or hardware not in hardware_options(catalog, precision):
            raise NotAllowed(f"{hardware}: no peak FLOP/s at {precision}, or no power")
        hours = scaled_hours(hours, old, new[1], precision, new[0])
        power = compute.hardware_power(catalog, hardware)
    if pue is not None:
        series = None if pue == INDUSTRY else catalog.providers[pue]
        pue_input = compute.pue_of(catalog, series, pue_year(entry, catalog))
    if region is not None:
        ci = compute.intensity_of(catalog.regions[region], grid_year(entry, catalog))
    inputs = compute.Inputs(hours, power, pue_input, ci, base.utilization)
    return compute.result_of(entry, base.basis, inputs)


def extremes(catalog: Catalog, year: int) -> tuple[str, str]:
    """The cleanest and the dirtiest region of the catalog for `year`: the lowest and
    highest intensity of its nearest year with data (on a tie, the first in order), among
    the regions with a figure within compute.YEAR_WINDOW years of `year` (a cloud region
    whose figures start years later, opened since, was not a grid of that year). A figure
    of zero is left out: no grid emits nothing (a source's 0 is a gap in its data, as
    OWID's for the Central African Republic since 2013)."""
    cleanest = dirtiest = ""
    low = high = 0.0
    for key, region in catalog.regions.items():
        if abs(region.nearest_year(year) - year) > compute.YEAR_WINDOW:
            continue
        value = compute.intensity_of(region, year).value
        if value <= 0:
            continue
        if not cleanest or value < low:
            cleanest, low = key, value
        if not dirtiest or value > high:
            dirtiest, high = key, value
    return cleanest, dirtiest


def _triple(i: Input | None) -> list[float] | float | None:
    """value, low, high; one number when the three are equal (a stated input)."""
    if i is None:
        return None
    return i.value if i.low == i.value == i.high else [i.value, i.low, i.high]


def entry_inputs(result: Result, catalog: Catalog) -> dict[str, Any]:
    """What whatif.js needs of one entry: its resolved inputs, years and choices."""
    e = result.entry
    row: dict[str, Any] = {
        "b": result.basis,
        "gy": grid_year(e, catalog),
        "py": pue_year(e, catalog),
        "can": sorted(choices(e, catalog)),
        "h": _triple(result.accelerator_hours),
        "p": _triple(result.power_w),
        "u": _triple(result.pue),
        "c": _triple(result.carbon_intensity),
    }
    if result.basis == "reported-energy":
        row["e"] = e.reported.energy_mwh
    if result.basis == "reported-co2e":
        row["co2e"] = e.reported.co2e_t
        row["s"] = e.training.carbon_intensity
    if HARDWARE in row["can"]:
        precision = precision_of(e, catalog)
        assert precision is not None and e.training.hardware
        row |= {"hw": e.training.hardware, "pr": precision}
    return row


def export(
    results: Iterable[Result],
    catalog: Catalog,
    names: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """data/formula.json: the catalogs the choices draw on and every entry's inputs, and
    `names`: the regions' names in each other language (by `lang` tag, then region key)."""
    precisions = set()
    entries = {}
    for r in results:
        entries[r.entry.id] = entry_inputs(r, catalog)
        if "pr" in entries[r.entry.id]:
            precisions.add(entries[r.entry.id]["pr"])
    usable = {k for p in precisions for k in hardware_options(catalog, p)}
    years = {row["gy"] for row in entries.values()}
    return {
        "format": FORMAT,
        "window": compute.YEAR_WINDOW,
        "spread": compute.SINGLE_YEAR_SPREAD,
        "regions": {k: _region(r, years) for k, r in catalog.regions.items()},
        "pue": {
            **{k: {"n": s.name, "y": _years(s.pue)} for k, s in catalog.providers.items()},
            INDUSTRY: {"n": catalog.industry_pue.name, "y": _years(catalog.industry_pue.pue)},
        },
        "hardware": {
            k: {
                "n": h.name,
                "f": dict(h.peak_flops),
                "p": _triple(compute.hardware_power(catalog, k)),
            }
            for k, h in catalog.hardware.items()
            if k in usable
        },
        "entries": entries,
        "names": {tag: dict(sorted(by_key.items())) for tag, by_key in (names or {}).items()},
    }


def _region(region: Region, years: set[int]) -> dict[str, Any]:
    """A region's name, kind and the annual values the entries' years can reach (the
    nearest year to each, and the years within the window about it); a region on
    another's grid names it (`l`) instead of repeating its values."""
    row: dict[str, Any] = {"n": region.grid_name, "k": region.kind}
    if region.via:
        return row | {"l": region.via}
    kept = set()
    for year in years:
        used = region.nearest_year(year)
        kept |= {y for y in region.kg_per_kwh if abs(y - used) <= compute.YEAR_WINDOW}
    return row | {"y": _years({y: v for y, v in region.kg_per_kwh.items() if y in kept})}


def _years(values: Mapping[int, float]) -> dict[str, float]:
    return {str(y): v for y, v in values.items()}


def panel(entry: Entry, catalog: Catalog) -> dict[str, Any]:
    """What a model page's what-if panel needs to say: the choices open to the entry, and
    the precision an accelerator swap compares peaks at."""
    can = choices(entry, catalog)
    return {
        "can": sorted(can),
        "precision": precision_of(entry, catalog) if HARDWARE in can else None,
    }
