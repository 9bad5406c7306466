"""The "choices matter" page: the case of the seed paper's Table 1 (one model recomputed
one choice of data centre, processor and grid at a time), and the largest runs of the
leaderboard recomputed on the catalog's cleanest and dirtiest grid for their training year
(builder/whatif.py), so the spread these choices make is shown with the site's own figures."""

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


# The case of Patterson et al. 2021, Table 1: the Transformer (big) of Vaswani et al. 2017,
# trained on 8 P100 GPUs in an average data centre, recomputed one choice at a time.
SEED_CASE = "google/transformer-big"
SEED_PROVIDER = "google"  # a hyperscale fleet's PUE, from the PUE catalog
SEED_HARDWARE = "google-tpu-v2"  # the accelerator its authors' company had that year


@dataclass(frozen=True)
class SeedStep:
    """One step of the seed case: the choice made (`change`), with the figures of every
    choice made so far ("dirtiest": the published run on the dirtiest grid instead)."""

    change: str  # "published", "pue", "hardware", "region" or "dirtiest"
    result: Result
    region: Region | None = None


@dataclass(frozen=True)
class SeedCase:
    """The seed paper's case: its steps and what they name."""

    steps: tuple[SeedStep, ...]
    year: int
    provider: str  # the fleet's name, and its key in the PUE catalog
    provider_key: str
    hardware: str  # the accelerators' names: the run's, the one it moves to, and its key
    moved_to: str
    moved_to_key: str

    @property
    def spread(self) -> float:
        """How many times the dirtiest step's CO2e is the cleanest's."""
        by = {s.change: s.result.co2e_t for s in self.steps}
        return by["dirtiest"] / by["region"]


def seed_case(published: Result, catalog: Catalog) -> SeedCase | None:
    """The seed case for this result, or None when its entry or the catalog cannot take
    every choice (an edited entry, a catalog without the accelerator or the fleet)."""
    e = published.entry
    can = whatif.choices(e, catalog)
    precision = whatif.precision_of(e, catalog)
    if (
        can != {whatif.REGION, whatif.PUE, whatif.HARDWARE}
        or precision is None
        or SEED_HARDWARE not in whatif.hardware_options(catalog, precision)
        or SEED_PROVIDER not in catalog.providers
        or not e.training.hardware
    ):
        return None
    year = whatif.grid_year(e, catalog)
    clean, dirty = whatif.extremes(catalog, year)
    pue, hw = SEED_PROVIDER, SEED_HARDWARE
    steps = (
        SeedStep("published", published),
        SeedStep("pue", whatif.whatif(e, catalog, pue=pue)),
        SeedStep("hardware", whatif.whatif(e, catalog, pue=pue, hardware=hw)),
        SeedStep(
            "region",
            whatif.whatif(e, catalog, region=clean, pue=pue, hardware=hw),
            catalog.regions[clean],
        ),
        SeedStep("dirtiest", whatif.whatif(e, catalog, region=dirty), catalog.regions[dirty]),
    )
    return SeedCase(
        steps,
        year,
        catalog.providers[pue].name,
        pue,
        catalog.hardware[e.training.hardware].name,
        catalog.hardware[hw].name,
        hw,
    )
