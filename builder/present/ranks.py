"""Ranks that show their ties: where CO2e ranges overlap, the ranks a model could take.

A training run's rank range is the best and the worst rank it could have if each run's
true CO2e lay anywhere in its low–high range:

- best = 1 + the number of other runs whose low exceeds its high (they are surely above);
- worst = the number of runs, itself included, whose high reaches its low (any of them
  could be above it, or level).

Runs are counted once: a model that reuses another's training run (`same_run_as`) is not
a competitor of its own, and takes the rank range of the run it reuses. A model with no
spread and no overlap gets one rank (best == worst). The rank of the point estimates
always lies within the range.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import NamedTuple


class Spread(NamedTuple):
    """What ranking needs of a model: its id, CO2e range, and the run it reuses, if any."""

    id: str
    low: float
    high: float
    same_run_as: str | None = None


def rank_ranges(models: Sequence[Spread]) -> list[tuple[int, int]]:
    """Each model's (best, worst) rank among the distinct training runs, in input order."""
    runs = [m for m in models if m.same_run_as is None]
    lows = sorted(m.low for m in runs)
    highs = sorted(m.high for m in runs)
    own: dict[str, tuple[int, int]] = {}
    for m in runs:
        above = len(lows) - bisect.bisect_right(lows, m.high)  # lows > high
        reach = len(highs) - bisect.bisect_left(highs, m.low)  # highs >= low
        own[m.id] = (1 + above, max(1 + above, reach))
    ranges = []
    for m in models:
        found = own.get(m.same_run_as or m.id)
        if found is None:  # a run that is not listed: ranked by its own figures
            above = len(lows) - bisect.bisect_right(lows, m.high)
            reach = len(highs) - bisect.bisect_left(highs, m.low) + 1
            found = (1 + above, max(1 + above, reach))
        ranges.append(found)
    return ranges


# The one logarithmic axis every drawn CO2e range shares, so their widths compare: whole
# decades of tonnes, 10**-5 t (10 g) to 10**6 t, which holds every model listed so far;
# a figure outside sits at the axis's end. Fixed, so that a row never depends on others.
AXIS_DECADES = (-5, 6)


def axis_position(value: float) -> float:
    """log10 of `value` (tonnes), clamped to AXIS_DECADES, to 3 decimals: an x of the
    range's drawing, whose viewBox spans the axis."""
    start, end = AXIS_DECADES
    if value <= 0:
        return float(start)
    return round(min(float(end), max(float(start), math.log10(value))), 3)
