"""The efficiency columns of the leaderboard in a real headless chromium: hidden at first,
shown from the column chooser, sortable, with the figures of the dataset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from builder.build import BuildReport

pytestmark = pytest.mark.browser

COLUMNS = {
    "co2e-flop": "co2e_t_per_1e21_flop",
    "energy-flop": "energy_mwh_per_1e21_flop",
    "co2e-param": "co2e_t_per_billion_params",
    "energy-param": "energy_mwh_per_billion_params",
}


@pytest.mark.parametrize("key", sorted(COLUMNS))
def test_an_efficiency_column_is_chosen_and_sorted(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport], key: str
) -> None:
    rows = json.loads((built_site[0] / "data" / "leaderboard.json").read_text("utf-8"))
    column = COLUMNS[key]
    page.goto(site_url + "/")
    header = page.locator(f"th[data-key={key}]")
    expect(header).to_be_hidden()  # not a default column
    page.locator("#columns summary").click()
    page.locator(f"#columns input[value={key}]").check()
    expect(header).to_be_visible()
    assert f"{key}" in page.url
    header.locator("button").click()  # numbers: largest first, unknown last
    expect(header).to_have_attribute("aria-sort", "descending")
    values = page.locator(f"#leaderboard tbody td.c-{key}").evaluate_all(
        "cs => cs.map(c => c.dataset.value)"
    )
    known = sorted((r[column] for r in rows if r[column] is not None), reverse=True)
    shown = [float(v) for v in values if v]
    assert shown == pytest.approx(known[: len(shown)], rel=1e-5)
    assert len(shown) == min(len(known), len(values)) and len(shown) > 10
    if len(known) < len(values):
        assert all(not v for v in values[len(known) :])
