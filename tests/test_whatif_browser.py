"""What if on the model pages, in a real headless chromium: site/assets/whatif.js gives the
figures builder/whatif.py gives, for every shipped entry and a fixed sample of choices; it
rounds as builder/conventions.py does; and the panel a reader drives shows the builder's
figure, keeps its choice in the address and restores it on reload."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from builder import whatif
from builder.build import BuildReport
from builder.catalog import load_catalog
from builder.conventions import format_estimate, format_number

pytestmark = pytest.mark.browser

REGIONS = ("PL", "SE", "FR", "US", "IN", "WORLD")  # and each year's cleanest and dirtiest
HARDWARE = ("nvidia-h100-sxm", "nvidia-a100-40gb", "google-tpu-v4", "nvidia-v100-sxm2-32gb")
T5 = "/models/google/t5.html"


def _cases(report: BuildReport) -> list[dict[str, Any]]:
    """Every shipped entry with no choice, and with each sampled choice its basis allows."""
    catalog = load_catalog()
    regions = [*REGIONS, *(k for k, r in catalog.regions.items() if r.via)][:8]
    regions += [k for k, r in catalog.regions.items() if r.kind == "cloud-region"][:2]
    presets = [*catalog.providers, whatif.INDUSTRY]
    cases = []
    for r in report.results:
        e = r.entry
        can = whatif.choices(e, catalog)
        year = whatif.grid_year(e, catalog)
        choices: list[dict[str, str]] = [{}]
        if whatif.REGION in can:
            choices += [{"region": k} for k in (*regions, *whatif.extremes(catalog, year))]
        if whatif.PUE in can:
            choices += [{"pue": k} for k in presets]
        if whatif.HARDWARE in can:
            precision = whatif.precision_of(e, catalog)
            assert precision is not None
            usable = whatif.hardware_options(catalog, precision)
            choices += [{"hw": k} for k in HARDWARE if k in usable]
            if whatif.REGION in can and HARDWARE[0] in usable:
                choices.append({"region": "PL", "pue": whatif.INDUSTRY, "hw": HARDWARE[0]})
        for c in choices:
            got = whatif.whatif(e, catalog, c.get("region"), c.get("pue"), c.get("hw"))
            energy = got.energy_mwh, got.energy_mwh_low, got.energy_mwh_high
            cases.append(
                {
                    "id": e.id,
                    "choice": c,
                    "co2e": [got.co2e_t, got.co2e_t_low, got.co2e_t_high],
                    "energy": None if got.energy_mwh is None else list(energy),
                }
            )
    return cases


def _close(a: list[float] | None, b: list[float] | None) -> bool:
    if a is None or b is None:
        return a is b
    return all(math.isclose(x, y, rel_tol=1e-9, abs_tol=0) for x, y in zip(a, b, strict=True))


def test_the_browser_figures_equal_the_builders_for_every_entry(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    out, report = built_site
    cases = _cases(report)
    assert len({c["id"] for c in cases}) == len(report.results) > 300
    assert len(cases) > 3000
    page.goto(site_url + T5)
    got = page.evaluate(
        """async (cases) => {
            const data = await (await fetch("../../data/formula.json")).json();
            const w = window.leaderboardWhatif;
            return cases.map((c) => w.compute(data, c.id, c.choice));
        }""",
        cases,
    )
    wrong = [
        (c["id"], c["choice"], c["co2e"], g["co2e"])
        for c, g in zip(cases, got, strict=True)
        if not (_close(c["co2e"], g["co2e"]) and _close(c["energy"], g["energy"]))
    ]
    assert wrong == [], wrong[:5]
    # and the same cleanest and dirtiest region for each training year of the entries
    catalog = load_catalog()
    rows = json.loads((out / "data/formula.json").read_text())["entries"].values()
    years = sorted({row["gy"] for row in rows})
    ends = page.evaluate(
        """async (years) => {
            const data = await (await fetch("../../data/formula.json")).json();
            return years.map((y) => window.leaderboardWhatif.extremes(data, y));
        }""",
        years,
    )
    assert ends == [list(whatif.extremes(catalog, y)) for y in years]


NUMBERS = [
    0.0, 1.0, 0.5, 2.5, 0.125, 0.04321, 0.0449, 0.95, 0.995, 9.995, 99.95, 123.456, 999.5,
    1005.0, 11028.0, 12_345.678, 2_323.4, 15_049.9, 46.7, 85.7, 0.00012345, 0.000099,
    1.2345e15, 9.9999e16, 3.14159e21, 123456789.0, 0.1 + 0.2, 1 / 3, 2 / 3, 1e-5, 5e-5,
]  # fmt: skip


def test_the_browser_rounds_figures_as_the_builder_does(page: Page, site_url: str) -> None:
    numbers = NUMBERS + [x * 1.0001**k for k in range(0, 400, 7) for x in (0.731, 4.2e3)]
    page.goto(site_url + T5)
    got = page.evaluate(
        """(numbers) => {
            const w = window.leaderboardWhatif;
            const both = (x, d) => [w.formatEstimate(x, d), w.formatNumber(x, d)];
            return numbers.map((x) => [2, 3].map((d) => both(x, d)));
        }""",
        numbers,
    )
    expected = [[[format_estimate(x, d), format_number(x, d)] for d in (2, 3)] for x in numbers]
    wrong = [(x, g, e) for x, g, e in zip(numbers, got, expected, strict=True) if g != e]
    assert wrong == []


def test_choosing_a_region_and_a_pue_shows_the_builders_figure_and_the_address_keeps_it(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    _, report = built_site
    catalog = load_catalog()
    t5 = next(r.entry for r in report.results if r.entry.id == "google/t5")
    published = next(r for r in report.results if r.entry.id == "google/t5")
    expected = whatif.whatif(t5, catalog, region="PL", pue="google")
    requests: list[str] = []
    page.on("request", lambda req: requests.append(req.url))
    page.goto(site_url + T5)
    panel = page.locator("#whatif")
    expect(panel).to_be_visible()
    assert not any("formula.json" in u for u in requests)  # fetched only when used
    panel.get_by_role("button", name="Try other choices").click()
    expect(page.locator("#whatif-region option[value=PL]")).to_have_count(1)
    page.select_option("#whatif-region", "PL")
    page.select_option("#whatif-pue", "google")
    value = panel.locator(".whatif-co2e .value")
    expect(value).to_have_text(f"{format_estimate(expected.co2e_t)} t")
    low, high = format_estimate(expected.co2e_t_low, 2), format_estimate(expected.co2e_t_high, 2)
    expect(panel.locator(".whatif-co2e .range")).to_have_text(f"range {low}–{high} t")
    factor = format_estimate(expected.co2e_t / published.co2e_t, 2)
    expect(panel.locator(".whatif-co2e .factor")).to_have_text(f"× {factor} the published run")
    assert expected.energy_mwh is not None
    expect(panel.locator(".whatif-energy .value")).to_have_text(
        f"{format_estimate(expected.energy_mwh)} MWh"
    )
    assert parse_qs(urlsplit(page.url).query) == {"region": ["PL"], "pue": ["google"]}
    page.reload()
    expect(value).to_have_text(f"{format_estimate(expected.co2e_t)} t")
    expect(page.locator("#whatif-region")).to_have_value("PL")
    expect(page.locator("#whatif-pue")).to_have_value("google")
    # the shortcuts pick the catalog's cleanest and dirtiest grid of the training year
    clean, dirty = whatif.extremes(catalog, 2019)
    panel.get_by_role("button", name="Cleanest").click()
    expect(page.locator("#whatif-region")).to_have_value(clean)
    cleanest = whatif.whatif(t5, catalog, region=clean, pue="google")
    expect(value).to_have_text(f"{format_estimate(cleanest.co2e_t)} t")
    panel.get_by_role("button", name="Dirtiest").click()
    expect(page.locator("#whatif-region")).to_have_value(dirty)
    assert parse_qs(urlsplit(page.url).query)["region"] == [dirty]
    panel.get_by_role("button", name="Back to the published run").click()
    expect(value).to_have_text(f"{format_estimate(published.co2e_t)} t")
    assert urlsplit(page.url).query == ""


def test_an_accelerator_swap_states_its_assumption_in_chinese_too(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    _, report = built_site
    catalog = load_catalog()
    t5 = next(r.entry for r in report.results if r.entry.id == "google/t5")
    expected = whatif.whatif(t5, catalog, hardware="nvidia-h100-sxm")
    page.goto(f"{site_url}/zh{T5}?hw=nvidia-h100-sxm")
    panel = page.locator("#whatif")
    expect(panel.locator(".whatif-co2e .value")).to_have_text(
        f"{format_estimate(expected.co2e_t)} 吨"
    )
    expect(panel.locator(".whatif-assumption")).to_be_visible()
    assert "bf16" in panel.locator(".whatif-assumption").inner_text()
    expect(page.locator("#whatif-hw")).to_have_value("nvidia-h100-sxm")


def test_the_chinese_region_list_names_countries_in_chinese(page: Page, site_url: str) -> None:
    page.goto(f"{site_url}/zh{T5}?region=PL")
    region = page.locator("#whatif-region")
    expect(region).to_have_value("PL")
    chosen = region.locator("option:checked")
    expect(chosen).to_have_text("波兰 (PL)")
    expect(region.locator('option[value="WORLD"]')).to_have_text("世界 (WORLD)")
    # on the English page the same choice keeps its English name
    page.goto(f"{site_url}{T5}?region=PL")
    expect(page.locator("#whatif-region option:checked")).to_have_text("Poland (PL)")


def test_without_javascript_the_model_page_has_no_panel(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + T5)
    expect(page.locator("#whatif")).to_be_hidden()
    expect(page.locator("section.headline")).to_be_visible()
    context.close()


def test_the_choices_page_shows_the_largest_runs_on_the_cleanest_and_dirtiest_grid(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    _, report = built_site
    catalog = load_catalog()
    by_id = {r.entry.id: r for r in report.results}
    page.goto(site_url + "/choices/")
    rows = page.locator("table.largest-runs tbody tr")
    expect(rows).to_have_count(10)
    ids = [rows.nth(i).get_attribute("data-id") or "" for i in range(10)]
    largest = [
        r.entry.id
        for r in report.results
        if not r.entry.training.same_run_as and whatif.REGION in whatif.choices(r.entry, catalog)
    ]
    assert ids == largest[:10]  # report.results are in rank order
    for i, id_ in enumerate(ids):
        entry = by_id[id_].entry
        clean, dirty = whatif.extremes(catalog, whatif.grid_year(entry, catalog))
        low = whatif.whatif(entry, catalog, region=clean).co2e_t
        high = whatif.whatif(entry, catalog, region=dirty).co2e_t
        row = rows.nth(i)
        assert row.locator("td.clean").inner_text().startswith(format_estimate(low))
        assert row.locator("td.dirty").inner_text().startswith(format_estimate(high))
        assert row.locator("td.spread").inner_text() == f"{format_estimate(high / low, 2)}×"
        assert high / low > 100  # the grid alone moves each of them more than 100 times
    # a grid's name opens the model page's panel on that grid
    first = by_id[ids[0]].entry
    clean, _ = whatif.extremes(catalog, whatif.grid_year(first, catalog))
    rows.nth(0).locator("td").nth(2).locator("a").click()
    expect(page.locator("#whatif-region")).to_have_value(clean)
    shown = format_estimate(whatif.whatif(first, catalog, region=clean).co2e_t)
    expect(page.locator("#whatif .whatif-co2e .value")).to_have_text(f"{shown} t")


def test_the_choices_page_opens_with_the_seed_papers_case_one_choice_at_a_time(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    from builder.present import choices

    _, report = built_site
    catalog = load_catalog()
    published = next(r for r in report.results if r.entry.id == choices.SEED_CASE)
    case = choices.seed_case(published, catalog)
    assert case is not None
    page.goto(site_url + "/choices/")
    rows = page.locator("table.seed-case tbody tr")
    expect(rows).to_have_count(len(case.steps))
    for i, step in enumerate(case.steps):
        row = rows.nth(i)
        assert row.get_attribute("data-step") == step.change
        cells = row.locator("td")
        assert cells.nth(0).inner_text().startswith(format_estimate(step.result.co2e_t))
        factor = format_estimate(step.result.co2e_t / published.co2e_t, 2)
        assert cells.nth(1).inner_text() == factor
    spread = format_estimate(case.spread, 2)
    expect(
        page.get_by_text(f"From the dirtiest of these choices to the cleanest: {spread}×.")
    ).to_be_visible()
    # the cleanest step opens the model page's panel with all three choices made
    rows.nth(3).locator("th a").click()
    expect(page.locator("#whatif-hw")).to_have_value(choices.SEED_HARDWARE)
    expect(page.locator("#whatif-pue")).to_have_value(choices.SEED_PROVIDER)
    cleanest = case.steps[3]
    assert cleanest.region is not None
    expect(page.locator("#whatif-region")).to_have_value(cleanest.region.key)
    shown = format_estimate(cleanest.result.co2e_t)
    expect(page.locator("#whatif .whatif-co2e .value")).to_have_text(f"{shown} t")
