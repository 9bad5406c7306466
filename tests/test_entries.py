"""The shipped entries: cited with locators, and either reproducing their sources or saying why."""

from __future__ import annotations

import re

import pytest

from builder.catalog import load_catalog
from builder.compute import compute_results
from builder.entries.gather import check_paths
from builder.entries.model import Result

from .conftest import ENTRIES

REPRODUCE_WITHIN = 0.02
EXPLAINED = "**Reported vs computed:**"
LOCATOR = re.compile(
    r"\b(table|section|sec\.|§|appendix|page|pp?\.|figure|fig\.|card|chapter|paragraph|readme|"
    r"footnote|row)",  # "row": the row of a data table, e.g. Epoch's dataset
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def results() -> list[Result]:
    entries, errors = check_paths([ENTRIES])
    assert errors == []
    return compute_results(entries, load_catalog())


def test_at_least_sixty_entries(results: list[Result]) -> None:
    assert len(results) >= 60


def test_every_entry_cites_a_source_with_a_locator(results: list[Result]) -> None:
    missing = [
        r.entry.id for r in results if not any(LOCATOR.search(s.title) for s in r.entry.sources)
    ]
    assert missing == []


def test_reported_figures_reproduce_or_the_notes_say_why(results: list[Result]) -> None:
    unexplained = []
    reproduced = 0
    for r in results:
        ratios = [x for x in (r.energy_ratio, r.co2e_ratio) if x is not None]
        if not ratios:
            continue
        if all(abs(x - 1) <= REPRODUCE_WITHIN for x in ratios):
            reproduced += 1
        elif EXPLAINED not in r.entry.notes:
            unexplained.append((r.entry.id, ratios))
    assert unexplained == []
    assert reproduced >= 15  # Patterson, Strubell, LLaMA, Granite, LaMDA, GLaM...


def test_entries_that_state_every_input_reproduce_their_source(results: list[Result]) -> None:
    """With power, PUE and intensity all stated, the formula is the source's own arithmetic."""
    off = []
    for r in results:
        if r.defaults or r.co2e_ratio is None or EXPLAINED in r.entry.notes:
            continue
        if abs(r.co2e_ratio - 1) > REPRODUCE_WITHIN:
            off.append((r.entry.id, r.co2e_ratio))
    assert off == []
