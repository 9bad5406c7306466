"""The model FLOP utilization a compute estimate assumes (builder/data/utilization.yaml):
a default value with its range, and the published figures that bound it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from builder.catalog_rows import Row

if TYPE_CHECKING:
    from builder.catalog import Source

UTILIZATION = "a utilization between 0 and 1"


@dataclass(frozen=True)
class Utilization:
    """Model FLOP utilization a compute estimate assumes when the entry states none."""

    value: float
    low: float
    high: float
    sources: tuple[Source, ...]
    note: str = ""


def utilization_from(top: Row, sources: Mapping[str, Source]) -> Utilization:
    """The default of a parsed utilization.yaml, each reported figure checked for its
    value and its source; a Problem, to be located, for what cannot be used."""
    for _, row in top.rows("reported", optional=True):
        row.number(("mfu",), row.data.get("mfu"), UTILIZATION)
        row.source("source", sources)
    default = top.row("default")
    value, low, high = (
        default.number((name,), default.data.get(name), UTILIZATION)
        for name in ("value", "low", "high")
    )
    if not 0 < low <= value <= high <= 1:
        raise default.problem((), "expected 0 < low <= value <= high <= 1")
    return Utilization(value, low, high, tuple(sources.values()), default.text("note", ""))
