"""The "choices matter" page: the largest runs of the leaderboard recomputed on the
catalog's cleanest and dirtiest grid for their training year (builder/whatif.py), so the
spread that where a model is trained makes is shown with the site's own figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from builder import whatif
from builder.catalog import Catalog, Region
from builder.entries.model import Result

SHOWN = 10  # the largest runs shown


@dataclass(frozen=True)
class ChoiceRow:
    """One run: as published, and on the cleanest and the dirtiest grid of its year."""

    published: Result
    year: int
    cleanest: Region
    clean: Result
    dirtiest: Region
    dirty: Result

    @property
    def spread(self) -> float:
        """How many times the dirtiest grid's CO2e is the cleanest's."""
        return self.dirty.co2e_t / self.clean.co2e_t


def choice_rows(results: Iterator[Result], catalog: Catalog, count: int = SHOWN) -> list[ChoiceRow]:
    """The first `count` runs of `results` (rank order) whose region can change, each
    training run once (a model that reuses another's run is left out)."""
    rows: list[ChoiceRow] = []
    for r in results:
        e = r.entry
        if e.training.same_run_as or whatif.REGION not in whatif.choices(e, catalog):
            continue
        year = whatif.grid_year(e, catalog)
        clean, dirty = whatif.extremes(catalog, year)
        rows.append(
            ChoiceRow(
                r,
                year,
                catalog.regions[clean],
                whatif.whatif(e, catalog, region=clean),
                catalog.regions[dirty],
                whatif.whatif(e, catalog, region=dirty),
            )
        )
        if len(rows) == count:
            break
    return rows
