"""The shared formula of Patterson et al. 2021 (arXiv 2104.10350): pure maths, units in names.

accelerator_hours = accelerators x hours
energy_kwh        = accelerator_hours x power_w / 1000 x pue
co2e_t            = energy_mwh x carbon_intensity   (kg/kWh == t/MWh)
"""

from __future__ import annotations

HOURS_PER_DAY = 24.0


def accelerator_hours(accelerators: float, hours: float) -> float:
    """Accelerator-hours of a run: count x wall-clock hours."""
    return accelerators * hours


def energy_kwh(accelerator_hours: float, power_w: float, pue: float) -> float:
    """Facility energy in kWh: device energy scaled by the data centre's PUE."""
    return accelerator_hours * power_w / 1000.0 * pue


def co2e_t(energy_mwh: float, carbon_intensity_kg_per_kwh: float) -> float:
    """Tonnes CO2e: MWh x kg/kWh (the two units cancel to t/MWh)."""
    return energy_mwh * carbon_intensity_kg_per_kwh


def ratio(computed: float, reported: float | None) -> float | None:
    """Computed over reported, or None where nothing was reported (or reported zero)."""
    if reported is None or reported == 0:
        return None
    return computed / reported
