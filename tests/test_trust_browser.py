"""What lets a reader check, correct, cite and print a page, in a real headless chromium:
the report and edit links, the entry's last change, the changes page built from a small
git repository of two commits, the citation's copy button, and the print stylesheet."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from builder.build import build_site
from builder.config import SiteConfig
from tests.test_history import git, needs_git, two_commits

pytestmark = [pytest.mark.browser, needs_git]

REPO = "https://github.com/example/leaderboard"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def trust_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site built from a git repository whose second commit adds BLOOM, served."""
    base = tmp_path_factory.mktemp("trust")
    entries = two_commits(base)
    assert git(base, "log", "--format=%s") == "Add BLOOM; T5 checked\nAdd T5 and GPT-3\n"
    out = base / "site"
    build_site(entries, out, SiteConfig(repo_url=REPO))
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    shutil.rmtree(out, ignore_errors=True)


def test_model_page_links_to_edit_and_report_and_states_the_last_change(
    page: Page, trust_site: str
) -> None:
    page.goto(trust_site + "/models/google/t5.html")
    edit = page.get_by_role("link", name="Edit this entry")
    expect(edit).to_have_attribute("href", f"{REPO}/blob/main/entries/google/t5.yaml")
    report = page.get_by_role("link", name="Report a problem with this entry")
    href = report.get_attribute("href") or ""
    assert href.startswith(f"{REPO}/issues/new?")
    query = parse_qs(urlsplit(href).query)
    assert query["template"] == ["report-problem.yml"]
    assert query["page"] == ["/models/google/t5.html"]
    assert query["title"] == ["Problem with T5 (google/t5)"]
    footer = page.locator("footer .entry-changed")
    expect(footer).to_have_text("Entry last changed April 2, 2026 (git).")
    expect(footer.locator("time")).to_have_attribute("datetime", "2026-04-02")
    general = page.locator("footer").get_by_role("link", name="Report a problem", exact=True)
    expect(general).to_have_attribute(
        "href",
        f"{REPO}/issues/new?template=report-problem.yml&title=Problem+on+%2Fmodels%2Fgoogle%2Ft5.html&page=%2Fmodels%2Fgoogle%2Ft5.html",
    )


def test_changes_page_lists_the_model_the_second_commit_added(page: Page, trust_site: str) -> None:
    page.goto(trust_site + "/")
    page.locator("footer").get_by_role("link", name="Data changes").click()
    expect(page).to_have_url(trust_site + "/changes/")
    days = page.locator("ol.changes > li")
    expect(days).to_have_count(2)
    newest = days.nth(0)
    expect(newest.locator("h2")).to_have_text("April 2, 2026")
    expect(newest).to_contain_text("Add BLOOM; T5 checked")
    expect(newest).to_contain_text("Renamed: openai/gpt-3 → openai/gpt-3-175b")
    added = newest.locator(".revision-parts > li", has_text="Added:")
    expect(added).to_have_text("Added: bigscience/bloom")
    added.get_by_role("link", name="bigscience/bloom").click()
    expect(page.locator("h1")).to_have_text("BLOOM")
    page.goto(trust_site + "/zh/changes/")
    expect(page.locator("ol.changes > li").nth(1)).to_contain_text("新增：google/t5, openai/gpt-3")


def test_copy_button_copies_the_entry_citation(browser: Browser, trust_site: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(trust_site + "/models/bigscience/bloom.html")
        block = page.locator("section.cite")
        expect(block.get_by_role("heading", name="Cite this entry")).to_be_visible()
        button = block.get_by_role("button", name="Copy").first
        expect(button).to_be_visible()
        button.click()
        expect(block.get_by_role("status").first).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("@misc{ml-training-emissions-leaderboard-bigscience-bloom,\n")
        assert "  note = {Entry bigscience/bloom (entries/bigscience/bloom.yaml)}\n" in copied
    finally:
        context.close()


def test_without_javascript_the_citation_shows_and_no_copy_button(
    browser: Browser, trust_site: str
) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(trust_site + "/data/")
        expect(page.locator("#cite-site-bib")).to_contain_text(
            "@misc{ml-training-emissions-leaderboard,"
        )
        expect(page.get_by_role("button", name="Copy")).to_have_count(0)
    finally:
        context.close()


def test_print_hides_navigation_and_prints_source_urls(page: Page, trust_site: str) -> None:
    page.goto(trust_site + "/models/google/t5.html")
    nav = page.locator(".site-header nav")
    languages = page.locator(".site-header .languages")
    expect(nav).to_be_visible()
    expect(languages).to_be_visible()
    whatif = page.locator(".whatif")
    expect(whatif).to_be_visible()  # the script showed the what-if panel
    page.emulate_media(media="print")
    expect(nav).to_be_hidden()
    expect(languages).to_be_hidden()
    expect(whatif).to_be_hidden()  # controls mean nothing on paper
    expect(page.get_by_role("button", name="Copy").first).to_be_hidden()
    source = page.locator("ol.sources a").first
    href = source.get_attribute("href")
    assert href and href.startswith("https://")
    after = source.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" <{href}>"'
    page.emulate_media(media="screen")
    assert source.evaluate("a => getComputedStyle(a, '::after').content") == "none"
