"""The index's headline and the site-wide small things, in a real headless chromium: the key
figures and where they lead, the order of the index, no layout shift from the filters,
the methodology's contents and catalog pages, the data's date and the share cards."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Page, Route

from builder.build import BuildReport

pytestmark = pytest.mark.browser

KEY_FIGURES = ["key-largest", "key-total", "key-trend", "key-published"]
RANGE = re.compile(r"×?[\d,.]+×?[–-]×?[\d,.]+×?")  # "range 10,274–167,616 t", "×2–×2.9"


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_each_key_figure_shows_with_a_range_and_a_link(
    page: Page, site_url: str, prefix: str
) -> None:
    page.goto(f"{site_url}{prefix}/")
    for key in KEY_FIGURES:
        figure = page.locator(f"#{key}")
        assert figure.is_visible(), key
        assert re.search(r"\d", figure.locator(".value").inner_text()), key
        shown = figure.locator(".range").inner_text()
        if key == "key-published":  # a count: it is shown out of the whole, not as a range
            assert re.search(r"\d+\D+\d+", shown), shown
        else:
            assert RANGE.search(shown), f"{key}: {shown!r}"
        assert figure.locator("a.evidence").count() == 1, key
    assert page.locator("h1").inner_text() != ""


def test_the_largest_run_links_to_its_model_page_with_the_same_figure(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + "/")
    figure = page.locator("#key-largest")
    value = figure.locator(".value").inner_text().split(" t")[0]
    first_row = page.locator("#leaderboard tbody tr").first
    figure.locator("a.evidence").click()
    page.wait_for_load_state()
    assert "/models/" in page.url
    assert value in page.locator(".headline").inner_text()
    page.go_back()
    # the largest run is the table's first row, or the second when the first reuses it
    assert first_row.locator("th a").inner_text() != ""


def test_the_total_and_trend_links_lead_to_the_table_and_the_date_chart(
    page: Page, site_url: str
) -> None:
    page.goto(site_url + "/")
    total = page.locator("#key-total")
    shown = float(total.locator(".value").inner_text().split(" t")[0].replace(",", ""))
    assert shown == pytest.approx(float(total.get_attribute("data-co2e") or "nan"), rel=5e-3)
    total.locator("a.evidence").click()
    assert urlsplit(page.url).fragment == "leaderboard"
    assert page.locator("#leaderboard").is_visible()
    page.goto(site_url + "/")
    page.locator("#key-trend a.evidence").click()
    assert urlsplit(page.url).fragment == "chart-co2e-by-date"
    chart = page.locator("#chart-co2e-by-date")
    box = chart.bounding_box()
    assert box is not None and box["y"] < page.viewport_size["height"]  # scrolled into view


def test_the_published_figure_leads_to_the_table_sorted_by_the_comparison(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    _, report = built_site
    reported = [r for r in report.results if r.co2e_ratio is not None]
    page.goto(site_url + "/")
    count = int(page.locator("#key-published .value").inner_text().split()[0])
    assert count >= len(reported) > 0
    page.locator("#key-published a.evidence").click()
    page.wait_for_function("document.getElementById('filters').hidden === false")
    assert page.locator("th[data-key=ratio]").get_attribute("aria-sort") == "descending"
    first = page.locator("#leaderboard tbody tr:not([hidden])").first
    assert re.search(r"\d\.\d\d×", first.locator("td.c-ratio").inner_text())


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_the_index_reads_figures_then_the_date_chart_then_the_table(
    page: Page, site_url: str, prefix: str
) -> None:
    page.goto(f"{site_url}{prefix}/")
    order = page.evaluate(
        """() => ['.key-figures', '#chart-co2e-by-date', '#filters', '#leaderboard',
                  '#chart-co2e-by-year'].map(s => document.querySelector(s))
             .map(el => el.getBoundingClientRect().top + window.scrollY)"""
    )
    assert order == sorted(order), order
    assert len(set(order)) == len(order)


def _layout_shifts(page: Page) -> float:
    return float(page.evaluate("window.__cls"))


CLS_OBSERVER = """
window.__cls = 0;
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__cls += entry.value;
  }
}).observe({type: 'layout-shift', buffered: true});
"""


@pytest.mark.parametrize("width", [1280, 390])
def test_revealing_the_filters_shifts_nothing(page: Page, site_url: str, width: int) -> None:
    """The filters' script runs with the layout already in place: CLS 0. The charts are
    left out (their images and drawing are the charts' own matter), so what is measured
    is the form appearing."""

    def no_charts(route: Route) -> None:
        route.abort()

    page.route(re.compile(r".*/(charts/.*|vendor/vega-bundle\.js|charts\.js)$"), no_charts)
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(CLS_OBSERVER)
    page.goto(site_url + "/")
    page.wait_for_function("document.getElementById('filters').hidden === false")
    page.wait_for_timeout(300)
    assert page.locator("#filters").is_visible()
    assert _layout_shifts(page) == 0


def test_without_a_script_the_filters_take_no_space(browser: object, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(site_url + "/")
    assert page.locator("#filters").bounding_box() is None  # display: none
    context.close()


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_the_methodology_contents_lead_to_its_sections_and_catalog_pages(
    page: Page, site_url: str, prefix: str
) -> None:
    page.goto(f"{site_url}{prefix}/methodology/")
    links = page.locator("nav.toc a")
    assert links.count() >= 8
    for href in links.evaluate_all("els => els.map(a => a.getAttribute('href'))"):
        assert href.startswith("#")
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href
    page.locator("nav.toc a").nth(1).click()  # the second section, "Ranges"
    target = unquote(urlsplit(page.url).fragment)
    box = page.locator(f"[id='{target}']").bounding_box()
    assert box is not None and -5 <= box["y"] < 200  # the heading is at the top
    catalogs = page.locator(".catalog-links a")
    assert catalogs.count() == 3
    for i, (name, row) in enumerate(
        [("hardware", "#hw-nvidia-v100"), ("pue", "#pue-google"), ("grid", "#grid-US")]
    ):
        page.goto(f"{site_url}{prefix}/methodology/")
        page.locator(".catalog-links a").nth(i).click()
        page.wait_for_load_state()
        assert page.url.endswith(f"{prefix}/methodology/{name}/")
        assert page.locator("h1").inner_text() != ""
        assert page.locator(f"table.catalog {row}").count() == 1, row
        page.locator("nav.crumbs a").click()
        assert page.url.endswith(f"{prefix}/methodology/")


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_the_data_date_shows_on_the_index(page: Page, site_url: str, prefix: str) -> None:
    page.goto(f"{site_url}{prefix}/")
    when = page.locator("#updated time")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", when.get_attribute("datetime") or "")
    assert when.is_visible() and when.inner_text() != ""


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize(
    "path", ["/", "/zh/", "/models/google/t5.html", "/zh/models/google/t5.html", "/methodology/"]
)
def test_each_page_names_a_share_card_that_is_a_png(page: Page, site_url: str, path: str) -> None:
    page.goto(site_url + path)
    image = page.locator("meta[property='og:image']").get_attribute("content") or ""
    width = page.locator("meta[property='og:image:width']").get_attribute("content")
    height = page.locator("meta[property='og:image:height']").get_attribute("content")
    url = page.evaluate("u => new URL(u, location.href).href", image)
    response = page.request.get(url)
    assert response.ok, url
    assert response.headers["content-type"] == "image/png"
    assert _png_size(response.body()) == (int(width or 0), int(height or 0))
    if "/models/" in path:
        assert url.endswith("/cards/models/google/t5.png")
    else:
        assert url.endswith("/cards/index.png")


def test_model_equivalents_carry_the_range(page: Page, site_url: str) -> None:
    page.goto(site_url + "/models/meta/llama-3-1-405b.html")
    items = page.locator("ul.equivalents li")
    assert items.count() >= 1
    for text in items.all_inner_texts():
        assert RANGE.search(text), text
