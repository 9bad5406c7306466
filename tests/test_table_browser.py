"""The leaderboard table in a real headless chromium: its columns, its fit on every screen,
its ranges and ranks, and the view it keeps in the URL."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

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
    page.select_option("#f-org", "meta")
    last = page.evaluate("window.__views.at(-1)")
    assert last["total"] == total
    assert last["ids"] == _row_ids(page) and 0 < len(last["ids"]) < total
    assert all(i.startswith("meta/") for i in last["ids"])
    page.locator("th[data-key=model] button").click()  # the order follows the sort
    after = page.evaluate("window.__views.at(-1)")
    assert after["ids"] == _row_ids(page) and sorted(after["ids"]) == sorted(last["ids"])
    assert after["ids"] != last["ids"]


def test_the_view_spans_every_page_of_a_large_leaderboard(page: Page, large_site_url: str) -> None:
    page.add_init_script(RECORD_VIEWS)
    page.goto(large_site_url + "/")
    page.wait_for_function("window.__views.length > 0")
    view = page.evaluate("window.__views.at(-1)")
    assert view["total"] == 450 and len(view["ids"]) == 450 == len(set(view["ids"]))
    assert view["ids"][:200] == _row_ids(page)
