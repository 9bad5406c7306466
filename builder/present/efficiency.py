"""Efficiency, normalized: a model's CO2e and energy per unit of what it was trained to be.

Two denominators: training compute (per 10^21 FLOP, the entry's `training.flops`) and size
(per billion parameters, the entry's `parameters`). Each ratio divides the standardized
figure and both ends of its range by the same denominator, which the entry states without
a range, so the ratio's range is the figure's range scaled. A ratio is None where the
denominator is unknown (or zero), or where the figure is (the energy of a reported-CO2e
entry without a stated intensity).

The dataset, the leaderboard's optional columns and the model pages all take their
numbers from here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from builder.conventions import N_
from builder.entries.model import Result

FLOP_UNIT = 1e21  # "per 10^21 FLOP": a zettaFLOP, the scale of today's large runs
PARAMETER_UNIT = 1e9  # "per billion parameters"


@dataclass(frozen=True)
class Ratio:
    """A figure per unit of a denominator, with its range."""

    value: float
    low: float
    high: float


def per_unit(
    value: float | None, low: float | None, high: float | None, amount: float | None, unit: float
) -> Ratio | None:
    """`value` (and its range) per `unit` of `amount`; None when either is unknown.

    E.g. 500 t with range 400-700 t over 2e22 FLOP, per 1e21 FLOP: 25 t (20-35 t).
    """
    if value is None or amount is None or amount <= 0:
        return None
    scale = amount / unit
    low = value if low is None else low
    high = value if high is None else high
    return Ratio(value / scale, low / scale, high / scale)


@dataclass(frozen=True)
class Efficiency:
    """The four normalized figures of one result (each None where it cannot be known)."""

    co2e_per_flop: Ratio | None  # t CO2e per 10^21 FLOP
    energy_per_flop: Ratio | None  # MWh per 10^21 FLOP
    co2e_per_parameter: Ratio | None  # t CO2e per billion parameters
    energy_per_parameter: Ratio | None  # MWh per billion parameters

    @property
    def known(self) -> bool:
        """Whether any of the four can be given."""
        return any(
            x is not None
            for x in (
                self.co2e_per_flop,
                self.energy_per_flop,
                self.co2e_per_parameter,
                self.energy_per_parameter,
            )
        )


def efficiency(r: Result) -> Efficiency:
    """The normalized figures of `r`, from its standardized CO2e and energy."""
    flops, parameters = r.entry.training.flops, r.entry.parameters
    co2e = (r.co2e_t, r.co2e_t_low, r.co2e_t_high)
    energy = (r.energy_mwh, r.energy_mwh_low, r.energy_mwh_high)
    return Efficiency(
        co2e_per_flop=per_unit(*co2e, flops, FLOP_UNIT),
        energy_per_flop=per_unit(*energy, flops, FLOP_UNIT),
        co2e_per_parameter=per_unit(*co2e, parameters, PARAMETER_UNIT),
        energy_per_parameter=per_unit(*energy, parameters, PARAMETER_UNIT),
    )


def _end(field: str, end: str, r: Result) -> float | None:
    ratio: Ratio | None = getattr(efficiency(r), field)
    return None if ratio is None else getattr(ratio, end)


# The dataset's efficiency columns: name (units in it), unit, meaning, and which figure and end.
COLUMN_SPECS: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "co2e_t_per_1e21_flop",
        "t CO2e / 10^21 FLOP",
        N_("Standardized CO2e per 10^21 FLOP of stated training compute (co2e_t / flops × 1e21)."),
        "co2e_per_flop",
        "value",
    ),
    (
        "co2e_t_per_1e21_flop_low",
        "t CO2e / 10^21 FLOP",
        N_("Low end of the range of CO2e per 10^21 FLOP."),
        "co2e_per_flop",
        "low",
    ),
    (
        "co2e_t_per_1e21_flop_high",
        "t CO2e / 10^21 FLOP",
        N_("High end of the range of CO2e per 10^21 FLOP."),
        "co2e_per_flop",
        "high",
    ),
    (
        "energy_mwh_per_1e21_flop",
        "MWh / 10^21 FLOP",
        N_(
            "Standardized energy per 10^21 FLOP of stated training compute "
            "(energy_mwh / flops × 1e21)."
        ),
        "energy_per_flop",
        "value",
    ),
    (
        "energy_mwh_per_1e21_flop_low",
        "MWh / 10^21 FLOP",
        N_("Low end of the range of energy per 10^21 FLOP."),
        "energy_per_flop",
        "low",
    ),
    (
        "energy_mwh_per_1e21_flop_high",
        "MWh / 10^21 FLOP",
        N_("High end of the range of energy per 10^21 FLOP."),
        "energy_per_flop",
        "high",
    ),
    (
        "co2e_t_per_billion_params",
        "t CO2e / 10^9 parameters",
        N_("Standardized CO2e per billion parameters (co2e_t / parameters × 1e9)."),
        "co2e_per_parameter",
        "value",
    ),
    (
        "co2e_t_per_billion_params_low",
        "t CO2e / 10^9 parameters",
        N_("Low end of the range of CO2e per billion parameters."),
        "co2e_per_parameter",
        "low",
    ),
    (
        "co2e_t_per_billion_params_high",
        "t CO2e / 10^9 parameters",
        N_("High end of the range of CO2e per billion parameters."),
        "co2e_per_parameter",
        "high",
    ),
    (
        "energy_mwh_per_billion_params",
        "MWh / 10^9 parameters",
        N_("Standardized energy per billion parameters (energy_mwh / parameters × 1e9)."),
        "energy_per_parameter",
        "value",
    ),
    (
        "energy_mwh_per_billion_params_low",
        "MWh / 10^9 parameters",
        N_("Low end of the range of energy per billion parameters."),
        "energy_per_parameter",
        "low",
    ),
    (
        "energy_mwh_per_billion_params_high",
        "MWh / 10^9 parameters",
        N_("High end of the range of energy per billion parameters."),
        "energy_per_parameter",
        "high",
    ),
)


def column_value(field: str, end: str) -> Callable[[Result], float | None]:
    """The getter of one efficiency column."""
    return functools.partial(_end, field, end)
