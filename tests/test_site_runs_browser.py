"""The basis of every row and the sums over training runs, in a real headless chromium.

The site is some of the shipped entries (folders with no reused run, one leaderboard
page in all) plus the runs fixtures (tests/fixtures/runs): one model on each basis, and a
model that reuses another's training run.
Every expected figure is worked out here from the dataset the same build publishes.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from builder.build import build_site
from builder.config import SiteConfig
from builder.present.site import PAGE_SIZE

from .conftest import ENTRIES, FIXTURES

pytestmark = pytest.mark.browser

RUNS = FIXTURES / "runs" / "entries"
# at most one leaderboard page (50 rows) with the fixtures
SHIPPED = ("openai", "tii", "bigscience", "eleutherai", "allenai", "huggingface", "salesforce")
LABELS = {
    "hardware-time": "Hardware × time",
    "reported-energy": "Reported energy",
    "reported-co2e": "Reported CO2e",
    "compute-estimate": "Compute estimate",
}
ROWS = "#leaderboard tbody tr"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def runs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Shipped entries and the runs fixtures, built and served: (its URL, its folder)."""
    base = tmp_path_factory.mktemp("runs")
    for folder in SHIPPED:
        shutil.copytree(ENTRIES / folder, base / "entries" / folder)
    shutil.copytree(RUNS, base / "entries", dirs_exist_ok=True)
    build_site(base / "entries", base / "site", SiteConfig())
    handler = functools.partial(_Quiet, directory=str(base / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", base / "site"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def dataset(runs_site: tuple[str, Path]) -> list[dict[str, Any]]:
    """The published dataset's rows."""
    rows: list[dict[str, Any]] = json.loads(
        (runs_site[1] / "data" / "leaderboard.json").read_text(encoding="utf-8")
    )
    assert len(rows) <= PAGE_SIZE, "the tests read every row on the first page"
    return rows


@pytest.fixture()
def opened(page: Page, runs_site: tuple[str, Path]) -> Iterator[Page]:
    """The leaderboard, watched for script errors."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(runs_site[0] + "/")
    yield page
    assert errors == []


def _basis_cells(page: Page) -> list[str]:
    return page.locator(f"{ROWS} td.basis").all_inner_texts()


def test_every_row_shows_its_basis(opened: Page, dataset: list[dict[str, Any]]) -> None:
    assert opened.locator("#leaderboard thead th[data-key=basis]").inner_text() == "Basis"
    links = opened.locator(f"{ROWS} th > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    ids = [link.removeprefix("./models/").removesuffix(".html") for link in links]
    shown = dict(zip(ids, _basis_cells(opened), strict=True))
    assert shown == {row["id"]: LABELS[row["basis"]] for row in dataset}
    assert set(shown.values()) == set(LABELS.values())


def test_the_basis_filter_narrows_the_rows_and_the_url_keeps_it(
    opened: Page, dataset: list[dict[str, Any]]
) -> None:
    total = len(dataset)
    expect(opened.locator(ROWS)).to_have_count(total)
    options = opened.locator("#f-basis option").all_inner_texts()
    assert options == ["All", *LABELS.values()]
    for basis, label in LABELS.items():
        opened.select_option("#f-basis", label=label)
        wanted = sorted(row["name"] for row in dataset if row["basis"] == basis)
        assert 0 < len(wanted) < total
        expect(opened.locator(ROWS)).to_have_count(len(wanted))
        assert sorted(opened.locator(f"{ROWS} th > a").all_inner_texts()) == wanted
        assert set(_basis_cells(opened)) == {label}
        expected_count = f"Showing {len(wanted)} of {total} models"
        expect(opened.locator("#row-count")).to_have_text(expected_count)
        assert parse_qs(urlsplit(opened.url).query)["basis"] == [basis]
    # with another filter: hardware-time rows of one organization
    opened.select_option("#f-basis", label="Hardware × time")
    opened.select_option("#f-org", label="Allen Institute for AI")
    wanted = sorted(
        row["name"]
        for row in dataset
        if row["basis"] == "hardware-time" and row["organization_key"] == "allenai"
    )
    expect(opened.locator(ROWS)).to_have_count(len(wanted))
    assert sorted(opened.locator(f"{ROWS} th > a").all_inner_texts()) == wanted
    # a shared link opens the same view
    opened.goto(opened.url)
    assert opened.input_value("#f-basis") == "hardware-time"
    expect(opened.locator(ROWS)).to_have_count(len(wanted))
    opened.click("#filters button[type=reset]")
    expect(opened.locator(ROWS)).to_have_count(total)
    expect(opened.locator("#row-count")).to_have_text(f"Showing all {total} models")


def test_the_basis_column_sorts(opened: Page) -> None:
    opened.locator("th[data-key=basis] button").click()
    assert opened.locator("th[data-key=basis]").get_attribute("aria-sort") == "ascending"
    keys = opened.locator(f"{ROWS} td.basis").evaluate_all(
        "cells => cells.map(c => c.dataset.value)"
    )
    assert keys == sorted(keys) and len(set(keys)) == len(LABELS)


def test_a_same_run_row_is_marked_and_links_to_its_run(
    opened: Page, runs_site: tuple[str, Path]
) -> None:
    marks = opened.locator(f"{ROWS} .same-run")
    expect(marks).to_have_count(1)
    row = opened.locator(ROWS, has=opened.locator(".same-run"))
    assert row.locator("th > a").inner_text() == "Fixture Chat"
    assert marks.inner_text() == "same run as Fixture Base"
    marks.locator("a").click()
    opened.wait_for_url(runs_site[0] + "/models/allenai/fixture-base.html")
    assert opened.locator("h1").inner_text() == "Fixture Base"


def test_the_model_column_sorts_by_name_alone(opened: Page) -> None:
    opened.locator("th[data-key=model] button").click()
    names = opened.locator(f"{ROWS} th > a").all_inner_texts()
    assert names == sorted(names, key=str.lower)


def _sums(dataset: list[dict[str, Any]]) -> tuple[float, float, dict[int, float]]:
    """The total skipping same-run rows, the naive total, and the per-year sums."""
    own = [row for row in dataset if not row["same_run_as"]]
    years: dict[int, float] = {}
    for row in own:
        if row["released"]:
            year = int(row["released"][:4])
            years[year] = years.get(year, 0.0) + row["co2e_t"]
    return sum(r["co2e_t"] for r in own), sum(r["co2e_t"] for r in dataset), years


def test_the_total_counts_each_training_run_once(
    opened: Page, dataset: list[dict[str, Any]]
) -> None:
    total, naive, _ = _sums(dataset)
    reused = [row for row in dataset if row["same_run_as"]]
    assert len(reused) == 1 and naive - total == pytest.approx(reused[0]["co2e_t"])
    totals = opened.locator("#key-total")
    # the dataset's figures are rounded to 6 significant digits; the page sums the exact ones
    assert float(totals.get_attribute("data-co2e") or "nan") == pytest.approx(total, rel=1e-5)
    assert float(totals.get_attribute("data-co2e") or "nan") != pytest.approx(naive, rel=1e-5)
    assert totals.get_attribute("data-runs") == str(len(dataset) - 1)
    assert totals.get_attribute("data-reused") == "1"
    shown = totals.locator(".value").inner_text().split(" t")[0]
    # an estimate with a range shows 3 significant digits
    assert float(shown.replace(",", "")) == pytest.approx(total, rel=5e-3)
    text = totals.inner_text()
    assert f"{len(dataset) - 1} training runs, each counted once" in text
    assert "another model's run, here 1, are listed but not added again" in text
    # the row count still counts every model
    expect(opened.locator("#row-count")).to_have_text(f"Showing all {len(dataset)} models")


def test_the_per_year_chart_sums_each_training_run_once(
    opened: Page, runs_site: tuple[str, Path], dataset: list[dict[str, Any]]
) -> None:
    _, _, years = _sums(dataset)
    spec = json.loads((runs_site[1] / "charts" / "co2e-by-year.json").read_text("utf-8"))
    drawn = spec["datasets"]["rows"]
    assert [row["year"] for row in drawn] == sorted(years)
    for row in drawn:
        assert row["co2e_t"] == pytest.approx(years[row["year"]], rel=1e-5), row
    # 2021 holds the reused run's model: its run is in the sum once
    chat = next(row for row in dataset if row["name"] == "Fixture Chat")
    assert chat["released"].startswith("2021")
    figure = opened.locator("#chart-co2e-by-year")
    assert "each run is counted once" in figure.locator(".chart-desc").inner_text().lower()
    figure.scroll_into_view_if_needed()
    opened.wait_for_function(
        "el => el.classList.contains('drawn')", arg=figure.element_handle(), timeout=15_000
    )
    expect(figure.locator("svg .mark-rect path")).to_have_count(len(years))
    top = json.loads((runs_site[1] / "charts" / "top-emitters.json").read_text("utf-8"))
    assert "Fixture Chat" not in {row["name"] for row in top["datasets"]["rows"]}


def test_the_chinese_leaderboard_says_the_same(page: Page, runs_site: tuple[str, Path]) -> None:
    page.goto(runs_site[0] + "/zh/")
    assert page.locator("#leaderboard thead th[data-key=basis]").inner_text() == "依据"
    assert page.locator("#leaderboard thead th[data-key=hardware]").inner_text() == "硬件"
    page.select_option("#f-basis", label="报告的 CO2e")
    assert set(_basis_cells(page)) == {"报告的 CO2e"}
    page.click("#filters button[type=reset]")
    assert page.locator(f"{ROWS} .same-run").inner_text() == "与 Fixture Base 为同一训练过程"
    assert "每个训练过程只计一次" in page.locator("#key-total").inner_text()


def test_a_phone_shows_cards_not_a_sideways_page(page: Page, runs_site: tuple[str, Path]) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(runs_site[0] + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth")  # cards, nothing aside
    row = page.locator(f"{ROWS}").first
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"
    box = page.locator("#f-basis").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_axe_reports_no_violations_with_every_basis_and_a_reused_run(
    page: Page, runs_site: tuple[str, Path], prefix: str
) -> None:
    import axe_playwright_python

    script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    page.goto(runs_site[0] + prefix + "/")
    page.evaluate(script)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]] == []
