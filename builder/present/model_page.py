"""What a model page shows of one result, in a reader's language: the basis in words, the
chain compute -> accelerator-hours -> energy -> CO2e with each link's provenance, and the
formula with the model's numbers.

Pure: a result, a gettext and a number formatter in; words and numbers out. The
methodology page's worked examples are made of the same pieces (`builder.present.examples`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from builder.conventions import N_, RANGE_DIGITS, SHOWN_DIGITS, significant
from builder.entries.model import Input, Result
from builder.present.i18n import SOURCE, Language, formats, translations

Gettext = Callable[[str], str]
Number = Callable[..., str]

# The bases in a reader's words; the keys are the dataset's values (builder/entries/schema.py).
BASIS_NAMES = {
    "hardware-time": N_("hardware and training time"),
    "reported-energy": N_("reported energy"),
    "reported-co2e": N_("reported CO2e"),
    "compute-estimate": N_("compute estimate"),
}
# How the figures follow, one sentence a basis (and its variants).
BASIS_SUMMARIES = {
    "hardware-time": N_(
        "the source states the accelerators and how long they trained; the builder "
        "multiplies the accelerator-hours by the power per accelerator, the PUE and the "
        "grid intensity."
    ),
    "reported-energy": N_(
        "the source states the training energy of the data centre; the builder multiplies "
        "it by the grid intensity."
    ),
    "reported-energy-it": N_(
        "the source states the training energy of the IT equipment; the builder multiplies "
        "it by the PUE, then by the grid intensity."
    ),
    "reported-co2e": N_(
        "the source states the emissions, taken as they are; the energy is unknown, as the "
        "source states no grid intensity to divide them by."
    ),
    "reported-co2e-intensity": N_(
        "the source states the emissions, taken as they are; the energy is the emissions "
        "divided by the grid intensity the source states."
    ),
    "compute-estimate": N_(
        "the source states the training compute; the builder divides it by the "
        "accelerator's peak FLOP/s and a utilization to give the accelerator-hours, then "
        "multiplies by the power, the PUE and the grid intensity."
    ),
}
# A link's provenance, as its badge reads.
LINK_PROVENANCE = {
    "stated": N_("stated by the source"),
    "reported": N_("reported by the source"),
    "derived": N_("derived"),
    "not-used": N_("stated, not used"),
    "not-stated": N_("not stated"),
    "skipped": N_("not used"),
    "unknown": N_("unknown"),
}
# The inputs a basis may take from a catalog, as the basis sentence names them.
ASSUMED_NAMES = {
    "utilization": N_("the utilization"),
    "power_w": N_("the power per accelerator"),
    "pue": N_("the PUE"),
    "carbon_intensity": N_("the grid intensity"),
}
LIST_SEPARATOR = {"zh": "、"}  # how a language separates a short list, by language (not region)


@dataclass(frozen=True)
class Link:
    """One link of the chain as a page shows it: words and numbers, ready to print."""

    key: str  # compute, hours, energy, co2e
    label: str
    value: str  # with its unit, or "—"
    range: str  # "low–high unit", or "" without a range
    provenance: str  # a key of LINK_PROVENANCE
    provenance_label: str
    how: str  # how the value follows from the link before it, or ""


@dataclass(frozen=True)
class BasisWords:
    """The basis of a result in words: its name, how the figures follow, what was assumed."""

    key: str
    name: str
    summary: str
    assumed: str


def used_inputs(r: Result) -> tuple[Input, ...]:
    """The inputs the basis takes from the entry or a catalog (accelerator-hours, derived
    from what the entry states, are not one of them)."""
    return tuple(i for i in r.inputs if i.name != "accelerator_hours")


def basis_words(r: Result, _: Gettext, language: Language = SOURCE) -> BasisWords:
    """The basis named and explained, for the top of a model page."""
    variant: str = r.basis
    if r.basis == "reported-energy" and r.entry.reported.energy_scope == "it":
        variant = "reported-energy-it"
    elif r.basis == "reported-co2e" and r.carbon_intensity is not None:
        variant = "reported-co2e-intensity"
    assumed = [_(ASSUMED_NAMES[i.name]) for i in used_inputs(r) if i.provenance == "default"]
    if r.basis == "compute-estimate":
        assumed.insert(0, _(N_("the peak FLOP/s")))
    if assumed:
        separator = LIST_SEPARATOR.get(language.code.partition("_")[0], ", ")
        said = _(N_("From the catalogs: %(inputs)s.")) % {"inputs": separator.join(assumed)}
    elif used_inputs(r):
        said = _(N_("Every input is stated by the source; nothing is assumed."))
    else:
        said = _(N_("A reported figure: no input is assumed."))
    return BasisWords(r.basis, _(BASIS_NAMES[r.basis]), _(BASIS_SUMMARIES[variant]), said)


def _factor(i: Input, n: Number, _: Gettext, unit: str = "") -> str:
    """An input as a step of the chain shows it: `400 W (default, 360–440)`, `0.5 (stated)`."""
    value = f"{n(i.value, 4)} {unit}".rstrip()
    if i.provenance == "default":
        if i.low != i.high:
            message = N_("%(value)s (default, %(low)s–%(high)s)")
            return _(message) % {"value": value, "low": n(i.low), "high": n(i.high)}
        return _(N_("%(value)s (default)")) % {"value": value}
    return _(N_("%(value)s (stated)")) % {"value": value}


def _amount(
    unit: str, value: float | None, low: float | None, high: float | None, n: Number, _: Gettext
) -> tuple[str, str]:
    """A link's value and range with the unit, as the language writes them."""
    if value is None:
        return "—", ""
    if low is None or high is None or low == high:
        return _(unit) % {"value": n(value)}, ""
    # an estimate: its digits no finer than its range (see conventions.RANGE_DIGITS)
    shown = _(unit) % {"value": n(significant(value, SHOWN_DIGITS))}
    return shown, _(N_("range %(low)s–%(high)s")) % {
        "low": n(significant(low, RANGE_DIGITS), RANGE_DIGITS),
        "high": _(unit) % {"value": n(significant(high, RANGE_DIGITS), RANGE_DIGITS)},
    }


def chain(r: Result, _: Gettext, n: Number) -> list[Link]:
    """The four links compute -> accelerator-hours -> energy -> CO2e of a result."""

    def link(key: str, label: str, amount: tuple[str, str], provenance: str, how: str) -> Link:
        value, shown_range = amount
        return Link(
            key, _(label), value, shown_range, provenance, _(LINK_PROVENANCE[provenance]), how
        )

    links = [link("compute", N_("Compute"), *_compute(r, _, n))]
    links.append(link("hours", N_("Accelerator-hours"), *_hours(r, _, n)))
    links.append(link("energy", N_("Energy"), *_energy(r, _, n)))
    links.append(link("co2e", N_("CO2e"), *_co2e(r, _, n)))
    return links


Parts = tuple[tuple[str, str], str, str]  # (value, range), provenance, how


def _compute(r: Result, _: Gettext, n: Number) -> Parts:
    flops = r.entry.training.flops
    amount = _amount(N_("%(value)s FLOP"), flops, None, None, n, _)
    if flops is None:
        return amount, "not-stated", ""
    if r.basis == "compute-estimate":
        return amount, "stated", ""
    return amount, "not-used", _(N_("the figures start further along the chain"))


def _hours(r: Result, _: Gettext, n: Number) -> Parts:
    hours = r.accelerator_hours
    if hours is None:
        return ("—", ""), "skipped", ""
    amount = _amount(N_("%(value)s h"), hours.value, hours.low, hours.high, n, _)
    peak = dict(hours.args).get("peak")
    if r.utilization is not None and isinstance(peak, (int, float)):
        how = _(
            N_(
                "compute ÷ (%(peak)s TFLOP/s %(precision)s peak, from the hardware catalog, × "
                "utilization %(utilization)s) ÷ 3600 s"
            )
        ) % {
            "peak": n(peak / 1e12, 4),
            "precision": str(dict(hours.args).get("precision", "")),
            "utilization": _factor(r.utilization, n, _),
        }
        return amount, "derived", how
    if hours.provenance == "stated":
        return amount, "stated", ""
    return amount, "derived", hours.explain(_, n)


def _energy(r: Result, _: Gettext, n: Number) -> Parts:
    amount = _amount(N_("%(value)s MWh"), r.energy_mwh, r.energy_mwh_low, r.energy_mwh_high, n, _)
    power, pue, ci = r.power_w, r.pue, r.carbon_intensity
    if r.accelerator_hours is not None and power is not None and pue is not None:
        how = _(N_("× %(power)s × PUE %(pue)s")) % {
            "power": _factor(power, n, _, "W"),
            "pue": _factor(pue, n, _),
        }
        return amount, "derived", how
    if r.basis == "reported-energy":
        reported = r.entry.reported.energy_mwh
        if pue is not None:
            how = _(N_("%(energy)s MWh of the IT equipment × PUE %(pue)s")) % {
                "energy": n(reported, 4),
                "pue": _factor(pue, n, _),
            }
            return amount, "reported", how
        return amount, "reported", _(N_("the data centre's energy, as reported"))
    if r.energy_mwh is not None and ci is not None:
        how = _(N_("CO2e ÷ %(intensity)s")) % {"intensity": _factor(ci, n, _, "kg CO2e/kWh")}
        return amount, "derived", how
    return amount, "unknown", _(N_("no grid intensity is stated to divide the CO2e by"))


def _co2e(r: Result, _: Gettext, n: Number) -> Parts:
    amount = _amount(N_("%(value)s t"), r.co2e_t, r.co2e_t_low, r.co2e_t_high, n, _)
    if r.basis == "reported-co2e":
        return amount, "reported", _(N_("as reported"))
    ci = r.carbon_intensity
    assert ci is not None  # every other basis resolves the intensity
    how = _(N_("× %(intensity)s")) % {"intensity": _factor(ci, n, _, "kg CO2e/kWh")}
    return amount, "derived", how


def formula_text(r: Result, language: Language = SOURCE) -> list[str]:
    """The formula with this model's numbers, one step a line, from where the basis enters."""
    n = formats(language).number
    _ = translations(language).gettext
    lines = _energy_lines(r, n)
    if r.basis == "reported-co2e":
        if r.energy_mwh is not None and r.carbon_intensity is not None:
            lines.append(
                f"{n(r.co2e_t, 4)} t CO2e ÷ {n(r.carbon_intensity.value, 3)} "
                f"kg CO2e/kWh = {n(r.energy_mwh, 4)} MWh"
            )
        else:
            lines.append(_("%(co2e)s t CO2e, as reported") % {"co2e": n(r.co2e_t, 4)})
    elif r.energy_mwh is not None and r.carbon_intensity is not None:
        lines.append(
            f"{n(r.energy_mwh, 4)} MWh × {n(r.carbon_intensity.value, 3)} "
            f"kg CO2e/kWh = {n(r.co2e_t, 4)} t CO2e"
        )
    if r.net_co2e_t is not None and r.net_carbon_intensity is not None:
        lines.append(
            _("%(mwh)s MWh × %(intensity)s kg CO2e/kWh (net) = %(co2e)s t CO2e net")
            % {
                "mwh": n(r.energy_mwh, 4),
                "intensity": n(r.net_carbon_intensity, 3),
                "co2e": n(r.net_co2e_t, 4),
            }
        )
    return lines


def _energy_lines(r: Result, n: Callable[..., str]) -> list[str]:
    """The steps to the energy: compute to accelerator-hours (a compute estimate),
    accelerator-hours to energy, or the reported energy times the PUE."""
    lines = []
    hours, power, pue, u = r.accelerator_hours, r.power_w, r.pue, r.utilization
    peak = dict(hours.args).get("peak") if hours is not None else None
    if u is not None and hours is not None and isinstance(peak, (int, float)):
        lines.append(
            f"{n(r.entry.training.flops)} FLOP ÷ ({n(peak / 1e12)} TFLOP/s × {n(u.value, 3)}) "
            f"÷ 3600 s = {n(hours.value, 4)} h"
        )
    if hours is not None and power is not None and pue is not None and r.energy_mwh is not None:
        lines.append(
            f"{n(hours.value, 4)} h × {n(power.value, 4)} W "
            f"÷ 1000 × PUE {n(pue.value, 3)} = {n(r.energy_mwh * 1000, 4)} kWh "
            f"= {n(r.energy_mwh, 4)} MWh"
        )
    elif pue is not None and r.entry.reported.energy_mwh is not None:
        lines.append(
            f"{n(r.entry.reported.energy_mwh, 4)} MWh × PUE {n(pue.value, 3)} "
            f"= {n(r.energy_mwh, 4)} MWh"
        )
    return lines
