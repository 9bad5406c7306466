"""Sums over the leaderboard: the total CO2e and the CO2e of each release year.

A model that reuses another entry's training run (`training.same_run_as`) is listed and
ranked like any other, but its emissions are that run's, already counted with the entry
it names: every sum here skips it, so that each training run is counted once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

# What a sum needs of one model: its release year (None when not given), its CO2e in
# tonnes, and the id whose run it reuses (None for a run of its own).
Figure = tuple[int | None, float, str | None]


class Total(NamedTuple):
    """The CO2e of the listed models, each training run counted once."""

    co2e_t: float
    runs: int  # models counted: those with a training run of their own
    reused: int  # models left out: they reuse another model's run


class YearSum(NamedTuple):
    """The CO2e of the training runs of the models released in one year."""

    year: int
    co2e_t: float
    runs: int


def total(figures: Iterable[Figure]) -> Total:
    """The CO2e of all `figures`, skipping the models that reuse another's run."""
    co2e, runs, reused = 0.0, 0, 0
    for _, co2e_t, same_run_as in figures:
        if same_run_as:
            reused += 1
        else:
            co2e += co2e_t
            runs += 1
    return Total(co2e, runs, reused)


def by_year(figures: Iterable[Figure]) -> list[YearSum]:
    """CO2e summed per release year, years in order, skipping the models that reuse
    another's run and those with no release year."""
    sums: dict[int, tuple[float, int]] = {}
    for year, co2e_t, same_run_as in figures:
        if same_run_as or year is None:
            continue
        co2e, runs = sums.get(year, (0.0, 0))
        sums[year] = (co2e + co2e_t, runs + 1)
    return [YearSum(year, *sums[year]) for year in sorted(sums)]
