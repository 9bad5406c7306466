"""What a model page shows of one result, in a reader's language: the formula with the
model's numbers, from where its basis enters the chain."""

from __future__ import annotations

from collections.abc import Callable

from builder.entries.model import Result
from builder.present.i18n import SOURCE, Language, formats, translations


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
