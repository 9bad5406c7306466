"""Comparing models in a real headless chromium: ticking 2 or 4 rows of the leaderboard,
in English and in Chinese, opens a page with their inputs side by side, their CO2e on
one axis and the factors of the gap; a fifth tick and an unknown id are met with words."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from builder.build import BuildReport

pytestmark = pytest.mark.browser

TWO = ["meta/llama-3-1-405b", "google/t5"]
FOUR = ["meta/llama-3-1-405b", "openai/gpt-3", "google/meena", "google/t5"]
FIFTH = "google/switch-transformer"
# what each language's page says (the words a reader sees)
WORDS = {
    "": {
        "compare": "Compare",
        "full": "At most 4 models can be compared",
        "gap": "What drives the gap",
    },
    "/zh": {"compare": "对比", "full": "最多只能对比 4 个模型", "gap": "差距从何而来"},
}
INPUTS = {
    "accelerator-hours": "accelerator_hours",
    "power": "power_w",
    "pue": "pue",
    "intensity": "carbon_intensity_kg_per_kwh",
}


def _dataset(built_site: tuple[Path, BuildReport]) -> dict[str, dict[str, object]]:
    rows = json.loads((built_site[0] / "data" / "leaderboard.json").read_text("utf-8"))
    return {row["id"]: row for row in rows}


def _find(page: Page, model_id: str, data: dict[str, dict[str, object]]) -> Locator:
    """The model's checkbox, found as a reader finds a model not on the first page: by
    typing its name into the search."""
    page.fill("#f-q", str(data[model_id]["name"]))
    return page.locator(f"tr[data-id='{model_id}'] input.pick")


def _tick(page: Page, prefix: str, ids: list[str], data: dict[str, dict[str, object]]) -> None:
    for model_id in ids:
        _find(page, model_id, data)
        name = f"{WORDS[prefix]['compare']} {data[model_id]['name']}"
        box = page.get_by_role("checkbox", name=name, exact=True)
        box.check()
        expect(box).to_be_checked()


def _compare_ids(url: str, key: str) -> list[str]:
    return parse_qs(urlsplit(url).query)[key][0].split(",")


def _check_compare_page(
    page: Page, prefix: str, ids: list[str], data: dict[str, dict[str, object]]
) -> None:
    expect(page.locator(".compare-table")).to_be_visible()
    heads = page.locator(".compare-table thead th[data-id]")
    expect(heads).to_have_count(len(ids))
    assert heads.evaluate_all("hs => hs.map(h => h.dataset.id)") == ids
    for i, model_id in enumerate(ids):
        expect(heads.nth(i)).to_have_text(str(data[model_id]["name"]))
        link = heads.nth(i).locator("a")
        assert (link.get_attribute("href") or "").endswith(f"models/{model_id}.html")
    # inputs with their provenance, in the page's language
    power = page.locator(".compare-table tr[data-key=power] td")
    expect(power).to_have_count(len(ids))
    stated = "stated" if not prefix else "已给出"
    for i, model_id in enumerate(ids):
        cell = power.nth(i).inner_text()
        assert str(data[model_id]["power_w"]) in cell.replace(",", "")
        if data[model_id]["power_w_provenance"] == "stated":
            assert stated in cell
    co2e = page.locator(".compare-table tr[data-key=co2e] td")
    expect(co2e).to_have_count(len(ids))
    # one shared axis, a dot and a range line per model, placed by their CO2e
    marks = page.locator("svg.compare-axis g.model")
    expect(marks).to_have_count(len(ids))
    xs = [
        float(marks.nth(i).locator("circle").get_attribute("cx") or "nan") for i in range(len(ids))
    ]
    by_co2e = sorted(range(len(ids)), key=lambda i: float(data[ids[i]]["co2e_t"]))  # type: ignore[arg-type]
    assert sorted(range(len(ids)), key=lambda i: xs[i]) == by_co2e
    assert page.locator("svg.compare-axis").count() == 1
    # the gap: largest over smallest CO2e, one factor per input, multiplying to the ratio
    expect(page.get_by_role("heading", name=WORDS[prefix]["gap"])).to_be_visible()
    large = max(ids, key=lambda i: float(data[i]["co2e_t"]))  # type: ignore[arg-type]
    small = min(ids, key=lambda i: float(data[i]["co2e_t"]))  # type: ignore[arg-type]
    ratio = float(data[large]["co2e_t"]) / float(data[small]["co2e_t"])  # type: ignore[arg-type]
    factors = page.locator(".gap-table tbody tr")
    expect(factors).to_have_count(4)
    product = 1.0
    for key, column in INPUTS.items():
        cell = page.locator(f".gap-table tr[data-key={key}] td.factor")
        expect(cell).to_be_visible()
        factor = float(cell.get_attribute("data-factor") or "nan")
        want = float(data[large][column]) / float(data[small][column])  # type: ignore[arg-type]
        assert factor == pytest.approx(want, rel=1e-12)
        product *= factor
    # the dataset keeps 6 significant digits of each figure: equal to that rounding
    assert product == pytest.approx(ratio, rel=1e-4)
    shown = float(page.locator(".gap-product").get_attribute("data-product") or "nan")
    assert math.isclose(shown, product, rel_tol=1e-12)
    # the other language's link keeps the choice
    other = page.locator(".languages a[hreflang]").get_attribute("href") or ""
    assert _compare_ids(other, "ids") == _compare_ids(page.url, "ids")


@pytest.mark.parametrize("prefix", ["", "/zh"], ids=["en", "zh"])
def test_two_models_ticked_in_the_table_open_their_comparison(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport], prefix: str
) -> None:
    data = _dataset(built_site)
    page.goto(site_url + prefix + "/")
    go = page.locator("#compare-go")
    expect(go).to_be_disabled()
    _tick(page, prefix, TWO[:1], data)
    expect(go).to_be_disabled()  # one is not a comparison
    _tick(page, prefix, TWO[1:], data)
    expect(go).to_be_enabled()
    expect(go).to_contain_text("2")
    assert _compare_ids(page.url, "compare") == TWO
    # the choice survives the rows' being replaced by every row (fetched) and filtered
    for model_id in TWO:
        kept = _find(page, model_id, data)
        expect(kept).to_be_checked()
        others = page.locator(f"#leaderboard tbody tr:not([data-id='{model_id}']) input.pick")
        assert not any(others.evaluate_all("bs => bs.map(b => b.checked)"))
    assert _compare_ids(page.url, "compare") == TWO
    assert parse_qs(urlsplit(page.url).query)["q"] == [data[TWO[-1]]["name"]]
    # and a reload of the address
    page.fill("#f-q", "")
    page.reload()
    expect(go).to_be_enabled()
    expect(go).to_contain_text("2")
    for model_id in TWO:
        expect(_find(page, model_id, data)).to_be_checked()
    go.click()
    page.wait_for_url(re.compile(re.escape(prefix) + r"/compare/\?ids="))
    assert _compare_ids(page.url, "ids") == TWO
    _check_compare_page(page, prefix, TWO, data)


@pytest.mark.parametrize("prefix", ["", "/zh"], ids=["en", "zh"])
def test_four_models_compare_and_a_fifth_tick_is_refused(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport], prefix: str
) -> None:
    data = _dataset(built_site)
    page.goto(site_url + prefix + "/")
    _tick(page, prefix, FOUR, data)
    go = page.locator("#compare-go")
    expect(go).to_be_enabled()
    fifth = _find(page, FIFTH, data)
    fifth.click()
    expect(fifth).not_to_be_checked()
    message = page.locator("#compare-msg")
    expect(message).to_be_visible()
    expect(message).to_contain_text(WORDS[prefix]["full"])
    expect(go).to_contain_text("4")
    assert _compare_ids(page.url, "compare") == FOUR
    go.click()
    page.wait_for_url(re.compile(re.escape(prefix) + r"/compare/\?ids="))
    _check_compare_page(page, prefix, FOUR, data)


@pytest.mark.parametrize("prefix", ["", "/zh"], ids=["en", "zh"])
def test_an_unknown_id_in_the_address_is_named(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport], prefix: str
) -> None:
    data = _dataset(built_site)
    page.goto(f"{site_url}{prefix}/compare/?ids=meta/llama-3-1-405b,nobody/no-such-model,google/t5")
    notice = page.locator(".notice.refused")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("“nobody/no-such-model”")
    # the models it does know are still compared
    _check_compare_page(page, prefix, TWO, data)


def test_one_model_asks_for_another(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    page.goto(site_url + "/compare/?ids=google/t5")
    expect(page.locator(".notice")).to_contain_text("Choose at least two models")
    expect(page.locator(".compare-table")).to_have_count(0)
    back = page.get_by_role("link", name="Back to the leaderboard with these models ticked")
    back.click()
    expect(page.locator("#compare-go")).to_contain_text("1")
    expect(_find(page, "google/t5", _dataset(built_site))).to_be_checked()


def test_a_reported_figure_is_not_split_into_inputs(page: Page, site_url: str) -> None:
    page.goto(site_url + "/compare/?ids=meta/llama-3-1-405b,deepmind/gemma-2")
    expect(page.locator(".compare-table")).to_be_visible()
    expect(page.locator(".gap-reported")).to_contain_text("cannot be split")
    expect(page.locator(".gap-table")).to_have_count(0)


def test_the_table_and_its_choice_are_left_alone_without_a_script(
    browser: object, site_url: str
) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(site_url + "/")
    expect(page.locator("#compare-bar")).to_be_hidden()
    first = page.locator("#leaderboard tbody tr").first
    expect(first).to_be_visible()
    expect(first.locator("input.pick")).to_have_count(1)
    expect(first.locator("input.pick")).to_be_hidden()
    page.goto(site_url + "/compare/")
    expect(page.locator("noscript, main p").filter(has_text="script")).not_to_have_count(0)
    context.close()
