"""The index's key figures: what the leaderboard finds, computed from the summaries.

Four figures lead the index, each with its range and the evidence it rests on:

- the largest training run: the model with the highest CO2e among those with a run of
  their own, with its range;
- the total of the listed runs, each counted once (models with `same_run_as` skipped,
  as in `builder.present.sums`); its range adds up the low ends and the high ends of the
  runs' ranges, so it assumes the defaults err the same way for every run, the widest
  reading;
- the trend: how many times larger the largest run of a release year gets each year,
  from a least-squares line through the logarithm of each year's largest run over the
  last `TREND_YEARS` release years with data; its range is the slope plus and minus one
  standard error of the fit;
- how many models' developers publish their own energy or CO2e figure, and from how
  many organizations: a count, with the number of models it is out of.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from builder.present.ranked import Summary

TREND_YEARS = 8  # release years the trend is fitted over, the latest with data last
TREND_MIN_YEARS = 3  # fewer years with data than this: no trend is stated


class Largest(NamedTuple):
    """The largest training run: its entry's id and its CO2e with range, in tonnes."""

    id: str
    co2e_t: float
    low: float
    high: float


class RunTotal(NamedTuple):
    """The CO2e of every listed run, each counted once, with the sums of the range ends."""

    co2e_t: float
    low: float
    high: float
    runs: int
    reused: int


class Trend(NamedTuple):
    """Growth factor per year of the largest run of each release year, with its range."""

    factor: float
    low: float
    high: float
    first_year: int
    last_year: int
    years: int  # release years with data in the span, each one point of the fit


class Published(NamedTuple):
    """Models whose developers publish an energy or CO2e figure of their own."""

    models: int
    organizations: int
    of_models: int
    of_organizations: int


class KeyFigures(NamedTuple):
    """What the index leads with; None where the entries give nothing to state."""

    largest: Largest | None
    total: RunTotal
    trend: Trend | None
    published: Published


def largest(summaries: Sequence[Summary]) -> Largest | None:
    """The run with the highest CO2e (ties: the first id), skipping reused runs."""
    runs = [s for s in summaries if not s.same_run_as]
    if not runs:
        return None
    top = min(runs, key=lambda s: (-s.co2e_t, s.id))
    return Largest(top.id, top.co2e_t, top.co2e_t_low, top.co2e_t_high)


def run_total(summaries: Sequence[Summary]) -> RunTotal:
    """The sum of every run's CO2e and of its range ends, each run once."""
    runs = [s for s in summaries if not s.same_run_as]
    return RunTotal(
        math.fsum(s.co2e_t for s in runs),
        math.fsum(s.co2e_t_low for s in runs),
        math.fsum(s.co2e_t_high for s in runs),
        len(runs),
        len(summaries) - len(runs),
    )


def fit_growth(points: Sequence[tuple[int, float]]) -> tuple[float, float]:
    """Least squares of log10(value) on year: the growth factor per year, and the
    standard error of the slope (in log10 units; 0 with two points, which fit exactly).

    Every value must be positive and the years distinct, at least two of them.
    """
    n = len(points)
    xs = [float(year) for year, _ in points]
    ys = [math.log10(value) for _, value in points]
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    sxx = math.fsum((x - mean_x) ** 2 for x in xs)
    slope = math.fsum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    if n <= 2:
        return 10**slope, 0.0
    pairs = zip(xs, ys, strict=True)
    residual = math.fsum((y - mean_y - slope * (x - mean_x)) ** 2 for x, y in pairs)
    return 10**slope, math.sqrt(residual / (n - 2) / sxx)


def trend(summaries: Sequence[Summary], span: int = TREND_YEARS) -> Trend | None:
    """The growth per year of each release year's largest run, over the last `span`
    years up to the latest release year; None with fewer than TREND_MIN_YEARS years."""
    top: dict[int, float] = {}
    for s in summaries:
        if s.same_run_as or s.year is None or s.co2e_t <= 0:
            continue
        top[s.year] = max(top.get(s.year, 0.0), s.co2e_t)
    if not top:
        return None
    last = max(top)
    points = sorted((year, co2e) for year, co2e in top.items() if year > last - span)
    if len(points) < TREND_MIN_YEARS:
        return None
    factor, error = fit_growth(points)
    slope = math.log10(factor)
    return Trend(
        factor, 10 ** (slope - error), 10 ** (slope + error), points[0][0], last, len(points)
    )


def published(summaries: Sequence[Summary]) -> Published:
    """How many models, and organizations, publish a figure of their own."""
    own = [s for s in summaries if s.reported]
    return Published(
        len(own),
        len({s.organization_key for s in own}),
        len(summaries),
        len({s.organization_key for s in summaries}),
    )


def key_figures(summaries: Sequence[Summary]) -> KeyFigures:
    """The index's four key figures."""
    return KeyFigures(
        largest(summaries), run_total(summaries), trend(summaries), published(summaries)
    )
