"""The leaderboard table in a real headless chromium: its columns, its fit on every screen,
its ranges and ranks, and the view it keeps in the URL."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from builder.build import BuildReport
from builder.present.ranks import Spread, rank_ranges
from builder.present.site import PAGE_SIZE

pytestmark = pytest.mark.browser

# Every `leaderboard:view` event the page dispatches, kept for the test to read.
RECORD_VIEWS = """
window.__views = [];
document.addEventListener('leaderboard:view', e => window.__views.push(e.detail));
"""


def _row_ids(page: Page) -> list[str]:
    return page.locator("#leaderboard tbody tr").evaluate_all("rs => rs.map(r => r.dataset.id)")


def test_the_filtered_view_is_announced_in_table_order(page: Page, site_url: str) -> None:
    page.add_init_script(RECORD_VIEWS)
    page.goto(site_url + "/")
    page.wait_for_function("window.__views.length > 0")
    views = page.evaluate("window.__views")
    total = int(page.locator("#leaderboard").get_attribute("data-total") or 0)
    shown = _row_ids(page)
    assert len(views) == 1, "one event once the rows are in place"
    assert views[0]["total"] == total == len(views[0]["ids"]) == len(set(views[0]["ids"]))
    assert views[0]["ids"][: len(shown)] == shown
    assert "meta/llama-3-1-405b" in views[0]["ids"]
    page.select_option("#f-org", "meta")  # the rows arrive, then the view is announced
    page.wait_for_function("window.__views.length == 2")
    last = page.evaluate("window.__views.at(-1)")
    assert last["total"] == total
    rows = _row_ids(page)  # this page's rows: the first of the view's, in its order
    assert last["ids"][: len(rows)] == rows and 0 < len(rows) <= len(last["ids"]) < total
    assert all(i.startswith("meta/") for i in last["ids"])
    page.locator("th[data-key=model] button").click()  # the order follows the sort
    page.wait_for_function("window.__views.length == 3")
    after = page.evaluate("window.__views.at(-1)")
    assert after["ids"][: len(rows)] == _row_ids(page)
    assert sorted(after["ids"]) == sorted(last["ids"]) and after["ids"] != last["ids"]


def test_the_view_spans_every_page_of_a_large_leaderboard(page: Page, large_site_url: str) -> None:
    page.add_init_script(RECORD_VIEWS)
    page.goto(large_site_url + "/")
    page.wait_for_function("window.__views.length > 0")
    view = page.evaluate("window.__views.at(-1)")
    assert view["total"] == 450 and len(view["ids"]) == 450 == len(set(view["ids"]))
    assert view["ids"][:PAGE_SIZE] == _row_ids(page)


CORE = ["model", "co2e", "rank", "org", "released", "basis", "ratio"]
OPTIONAL = ["hardware", "hours", "energy", "net", "quality"]
OPTIONAL += ["co2e-flop", "energy-flop", "co2e-param", "energy-param"]  # efficiency


def _shown_headers(page: Page) -> list[str]:
    """The keys of the column headings a reader sees, fully inside the viewport."""
    return page.evaluate(
        """() => [...document.querySelectorAll('#leaderboard thead th')].filter(th => {
            const box = th.getBoundingClientRect();
            return box.width > 0 && box.left >= 0 && box.right <= innerWidth + 0.5;
        }).map(th => th.dataset.key)"""
    )


@pytest.mark.parametrize("width", [1280, 1024])
def test_the_core_columns_fit_a_desktop_screen(page: Page, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(site_url + "/")
    expect(page.locator("#leaderboard")).to_have_class(re.compile("sortable"))
    assert _shown_headers(page) == CORE
    wrap = page.evaluate(
        "(w => [w.scrollWidth, w.clientWidth])(document.getElementById('table-wrap'))"
    )
    assert wrap[0] <= wrap[1], "the core columns need no sideways scroll"
    row = page.locator("#leaderboard tbody tr").first
    for key in OPTIONAL:
        expect(row.locator(f".c-{key}")).to_be_hidden()
    expect(row.locator(".c-co2e strong")).to_be_visible()
    expect(row.locator(".c-co2e .range")).to_have_text(re.compile(r"^range [\d,.]+–[\d,.]+ t$"))
    expect(row.locator(".c-co2e svg.whisker .dot")).to_have_count(1)


def test_a_phone_shows_cards_with_the_co2e_first(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site_url + "/")
    expect(page.locator("#leaderboard")).to_have_class(re.compile("sortable"))
    row = page.locator("#leaderboard tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"
    assert page.locator("#leaderboard thead").evaluate("t => t.getBoundingClientRect().width") <= 1
    cells = row.evaluate(
        """r => [...r.children].filter(c => c.getBoundingClientRect().height > 0).map(c => {
            const box = c.getBoundingClientRect();
            return [c.className.match(/c-(\\w+)/)[1], box.top, box.left, box.right];
        })"""
    )
    assert [c[0] for c in cells] == CORE  # the model's name, then its CO2e, then the rest
    assert all(left >= 0 and right <= 390 for _, _, left, right in cells)
    name, co2e = cells[0], cells[1]
    assert co2e[1] > name[1] and all(co2e[1] < c[1] for c in cells[2:])
    # Reached, the table shows the first model's CO2e within the screen, not 800 px aside.
    page.locator("#leaderboard caption").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('leaderboard').scrollIntoView()")
    figure = row.locator(".c-co2e strong").bounding_box()
    assert figure is not None and figure["x"] >= 0 and figure["y"] + figure["height"] <= 844
    label = row.locator(".c-co2e").evaluate("c => getComputedStyle(c, '::before').content")
    assert label == '"CO2e (t)"'
    # still a table, its cells headed, for assistive technology
    assert page.get_by_role("table").count() == 1
    assert page.get_by_role("columnheader", name="CO2e (t)").count() == 1


PAGES = [
    "/",
    "/ranking/2/",
    "/models/meta/llama-3-1-405b.html",
    "/methodology/",
    "/data/",
    "/about/",
]


@pytest.mark.parametrize("width", [320, 390, 1024, 1280])
def test_no_page_scrolls_sideways(page: Page, site_url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    wide = []
    for path in PAGES + ["/zh" + p for p in PAGES]:
        page.goto(site_url + path)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll != width:
            wide.append((path, scroll))
    assert wide == []


def test_the_column_chooser_changes_columns_and_the_url_keeps_them(
    page: Page, site_url: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + "/?org=meta")
    chooser = page.locator("#columns")
    chooser.locator("summary").click()
    page.get_by_role("checkbox", name="Energy (MWh)").check()
    page.get_by_role("checkbox", name="Basis").uncheck()
    expected = ["model", "co2e", "rank", "org", "released", "ratio", "energy"]
    assert _shown_headers(page) == expected
    query = parse_qs(urlsplit(page.url).query)
    assert query["cols"] == ["co2e,rank,org,released,ratio,energy"]
    assert query["org"] == ["meta"]  # the filters stay
    page.reload()
    expect(page.locator("#leaderboard")).to_have_class(re.compile("sortable"))
    assert _shown_headers(page) == expected
    assert page.locator("#f-org").input_value() == "meta"
    page.locator("#columns summary").click()
    expect(page.get_by_role("checkbox", name="Energy (MWh)")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Basis")).not_to_be_checked()
    page.keyboard.press("Escape")  # the list closes, the focus back on its button
    expect(page.get_by_role("checkbox", name="Basis")).to_be_hidden()
    expect(page.locator("#columns summary")).to_be_focused()
    page.get_by_role("button", name="Clear", exact=True).click()  # clears filters, not columns
    expect(page.locator("#leaderboard tbody tr")).to_have_count(PAGE_SIZE)
    assert _shown_headers(page) == expected
    assert "cols=" in page.url and "org=" not in page.url


def test_without_javascript_every_column_is_there(browser: Browser, site_url: str) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    page.goto(site_url + "/")
    heads = page.locator("#leaderboard thead th")
    assert heads.count() == len(CORE + OPTIONAL)
    for i in range(heads.count()):
        expect(heads.nth(i)).to_be_visible()
    context.close()


def test_header_and_model_column_stay_in_view_with_a_sign_of_more(
    page: Page, site_url: str
) -> None:
    page.set_viewport_size({"width": 1024, "height": 700})
    page.goto(site_url + "/?cols=" + ",".join(CORE[1:] + OPTIONAL))
    expect(page.locator("#table-frame")).to_have_class(re.compile("more-right"))
    page.evaluate(
        "(w => { w.scrollTop = 600; w.scrollLeft = 300; })(document.getElementById('table-wrap'))"
    )
    expect(page.locator("#table-frame")).to_have_class(re.compile("more-left"))
    # the three boxes are read in one frame: the page above the table can still move
    # (the lead chart's image loading, then its interactive chart and tools replacing it),
    # which moves the table with its header, but not the header within the table
    scrolled, wrap, head, name = page.evaluate(
        """() => [document.getElementById('table-wrap').scrollTop].concat(
          ['#table-wrap', '#leaderboard thead th', '#leaderboard tbody th']
            .map(s => document.querySelector(s).getBoundingClientRect())
            .map(b => ({x: b.x, y: b.y})))"""
    )
    assert scrolled == 600, "the rows scrolled under the header"
    assert abs(head["y"] - wrap["y"]) < 2, "the header sticks to the top"
    assert abs(name["x"] - wrap["x"]) < 2, "the model column sticks to the left"


def test_rank_ranges_show_the_ties_the_ranges_allow(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    out, _ = built_site
    with (out / "data" / "leaderboard.csv").open(encoding="utf-8") as f:
        listed = list(csv.DictReader(f))
    ranges = rank_ranges(
        [
            Spread(
                r["id"], float(r["co2e_t_low"]), float(r["co2e_t_high"]), r["same_run_as"] or None
            )
            for r in listed
        ]
    )
    expected = {
        r["id"]: str(best) if best == worst else f"{best}–{worst}"
        for r, (best, worst) in zip(listed, ranges, strict=True)
    }
    assert any("–" in text for text in expected.values()), "the shipped data has ties"
    page.goto(site_url + "/")
    shown = page.locator("#leaderboard tbody tr").evaluate_all(
        "rs => rs.map(r => [r.dataset.id, r.querySelector('.c-rank').textContent])"
    )
    assert len(shown) == PAGE_SIZE
    assert {i: t for i, t in shown} == {i: expected[i] for i, _ in shown}
    page.locator("th[data-key=rank] button").click()  # ascending: best rank first
    # the first sort waits for every row (data/rows.json): its heading says when it is done
    expect(page.locator("th[data-key=rank]")).to_have_attribute("aria-sort", "ascending")
    order = page.locator("#leaderboard tbody tr .c-rank").all_text_contents()
    bests = [int(t.split("–")[0].replace(",", "")) for t in order]
    assert bests == sorted(bests) and bests[0] == 1


@pytest.mark.parametrize(
    ("prefix", "message", "clear"),
    [
        ("", "No model matches these filters.", "Clear the filters"),
        ("/zh", "没有符合这些筛选条件的模型。", "清除筛选"),
    ],
)
def test_an_empty_filter_says_so_and_offers_to_clear(
    page: Page, site_url: str, prefix: str, message: str, clear: str
) -> None:
    page.goto(site_url + prefix + "/")
    page.fill("#f-q", "no such model anywhere")
    rows = page.locator("#leaderboard tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_class("empty")
    expect(rows.first.locator("p")).to_have_text(message)
    page.get_by_role("button", name=clear).click()
    expect(rows).to_have_count(PAGE_SIZE)
    assert page.locator("#f-q").input_value() == ""
    assert "q=" not in page.url


def test_the_language_switch_keeps_the_view(page: Page, site_url: str) -> None:
    page.goto(site_url + "/?org=meta&cols=co2e,rank,energy")
    link = page.locator(".languages a[hreflang]")
    assert (link.get_attribute("href") or "").endswith("zh/?org=meta&cols=co2e,rank,energy")
    page.select_option("#f-basis", "hardware-time")
    expect(link).to_have_attribute("href", re.compile(r"zh/\?org=meta&basis=hardware-time&cols="))
    link.click()
    page.wait_for_url(re.compile(r"/zh/\?"))
    expect(page.locator("#leaderboard")).to_have_class(re.compile("sortable"))
    assert page.locator("#f-org").input_value() == "meta"
    assert page.locator("#f-basis").input_value() == "hardware-time"
    assert _shown_headers(page) == ["model", "co2e", "rank", "energy"]
    back = page.locator(".languages a[hreflang]")
    assert "?org=meta&basis=hardware-time&cols=co2e,rank,energy" in (
        back.get_attribute("href") or ""
    )
