"""The built site in a real headless chromium: what a reader sees and does."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Route, expect

from builder.build import BuildReport
from builder.present.site import PAGE_SIZE

pytestmark = pytest.mark.browser

NUMERIC_COLUMNS = ["hours", "energy", "co2e", "net", "quality", "ratio", "rank"]
# The view with every column shown: some are hidden until the reader picks them.
EVERY_COLUMN = "/?cols=co2e,rank,org,released,basis,ratio,hardware,hours,energy,net,quality"


@pytest.fixture()
def watched(page: Page, site_url: str) -> Iterator[Page]:
    """A page that records console errors and blocks (and records) any request off the server."""
    errors: list[str] = []
    outside: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning"):
            errors.append(f"{msg.type}: {msg.text}")

    def on_route(route: Route, request: Request) -> None:
        if request.url.startswith(site_url + "/") or request.url == site_url:
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.route("**/*", on_route)
    yield page
    assert errors == [], "console errors"
    assert outside == [], "requests left the site"


def visible_values(page: Page, key: str) -> list[float | None]:
    """The sort values of a column, in the order the visible rows show them."""
    return page.evaluate(
        """key => {
            const table = document.getElementById('leaderboard');
            const col = [...table.tHead.rows[0].cells].findIndex(th => th.dataset.key === key);
            return [...table.tBodies[0].rows].filter(r => !r.hidden).map(r => {
                const v = r.cells[col].getAttribute('data-value');
                return v === null || v === '' ? null : Number(v);
            });
        }""",
        key,
    )


def _is_sorted(values: list[float | None], descending: bool) -> bool:
    known = [v for v in values if v is not None]
    if values[: len(known)] != known:  # unknown values must come last
        return False
    return known == sorted(known, reverse=descending)


def test_default_order_is_co2e_descending(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/")
    header = watched.locator("th[data-key=co2e]")
    assert header.get_attribute("aria-sort") == "descending"
    assert _is_sorted(visible_values(watched, "co2e"), descending=True)


@pytest.mark.parametrize("key", NUMERIC_COLUMNS)
def test_numeric_column_sorts_by_value_both_ways(watched: Page, site_url: str, key: str) -> None:
    watched.goto(site_url + EVERY_COLUMN)
    header = watched.locator(f"th[data-key={key}]")
    button = header.locator("button")
    seen = set()
    for _ in range(2):
        before = header.get_attribute("aria-sort")
        button.click()
        # the first sort may wait for the rows the script fetches after load
        watched.wait_for_function(
            "([el, before]) => (el.getAttribute('aria-sort') || '') !== (before || '')",
            arg=[header.element_handle(), before],
        )
        direction = header.get_attribute("aria-sort")
        assert direction in ("ascending", "descending")
        seen.add(direction)
        values = visible_values(watched, key)
        assert any(v is not None for v in values)
        assert _is_sorted(values, descending=direction == "descending"), values
    assert seen == {"ascending", "descending"}
    query = parse_qs(urlsplit(watched.url).query)
    if "sort" in query:  # the default order leaves it out
        assert query["sort"] == [key]
    else:
        assert key == "co2e"


def test_sorting_works_from_the_keyboard(watched: Page, site_url: str) -> None:
    watched.goto(site_url + EVERY_COLUMN)
    watched.locator("th[data-key=energy] button").focus()
    watched.keyboard.press("Enter")
    header = watched.locator("th[data-key=energy]")
    expect(header).to_have_attribute("aria-sort", "descending")  # once the rows are in
    assert _is_sorted(visible_values(watched, "energy"), descending=True)
    watched.keyboard.press("Space")
    expect(header).to_have_attribute("aria-sort", "ascending")


def test_text_sort_orders_names(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/")
    watched.locator("th[data-key=model] button").click()
    # the first sort waits for every row (data/rows.json): its heading says when it is done
    expect(watched.locator("th[data-key=model]")).to_have_attribute("aria-sort", "ascending")
    names = watched.locator("#leaderboard tbody tr:not([hidden]) th").all_inner_texts()
    assert names == sorted(names, key=str.lower)


def test_search_narrows_rows_and_the_url_keeps_it(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/")
    watched.locator("#filters").wait_for()  # every row is loaded: the filters are shown
    total = int(watched.locator("#leaderboard").get_attribute("data-total") or 0)
    watched.fill("#f-q", "llama")
    # the filter applies once every row has arrived (data/rows.json): the count says so
    expect(watched.locator("#row-count")).not_to_have_text(f"Showing all {total} models")
    rows = watched.locator("#leaderboard tbody tr:not([hidden])")
    names = rows.locator("th").all_inner_texts()
    assert 0 < len(names) < total
    assert all("llama" in n.lower() for n in names)
    assert parse_qs(urlsplit(watched.url).query)["q"] == ["llama"]
    assert watched.locator("#row-count").inner_text() == f"Showing {len(names)} of {total} models"
    # A shared link opens the same view (once every row is loaded: the filters are shown).
    watched.goto(watched.url)
    watched.locator("#filters").wait_for()
    assert watched.input_value("#f-q") == "llama"
    assert watched.locator("#leaderboard tbody tr:not([hidden])").count() == len(names)


def test_select_and_year_filters_combine_with_sorting(watched: Page, site_url: str) -> None:
    watched.goto(site_url + EVERY_COLUMN)
    everything = watched.locator("#leaderboard tbody tr:not([hidden])").count()
    watched.select_option("#f-org", label="Meta")  # Meta and Meta AI: one organization
    watched.fill("#f-from", "2024")
    watched.locator("th[data-key=hours] button").click()
    expect(watched.locator("th[data-key=hours]")).to_have_attribute("aria-sort", "descending")
    expect(watched.locator("#row-count")).not_to_contain_text("Showing all")
    shown = watched.locator("#leaderboard tbody tr:not([hidden])")
    assert 0 < shown.count() < everything
    for org, year in zip(
        shown.locator("td.c-org").all_inner_texts(),
        shown.locator("td.c-released").all_inner_texts(),
        strict=True,
    ):
        assert org in ("Meta", "Meta AI")
        assert int(year[:4]) >= 2024
    query = parse_qs(urlsplit(watched.url).query)
    assert query["org"] == ["meta"] and query["from"] == ["2024"] and query["sort"] == ["hours"]
    count = shown.count()
    watched.goto(watched.url)
    # the filters apply once every row has arrived (data/rows.json, after the load event)
    expect(watched.locator("#leaderboard tbody tr:not([hidden])")).to_have_count(count)
    assert watched.locator("th[data-key=hours]").get_attribute("aria-sort") == "descending"
    watched.click("button[type=reset]")
    # The form clears its fields after the reset event: wait for the rows to follow (the
    # table holds only the rows shown, so its count must be taken before filtering).
    expect(watched.locator("#leaderboard tbody tr:not([hidden])")).to_have_count(everything)


def test_every_chart_draws_marks(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/")
    figures = watched.locator("figure[data-chart]")
    assert figures.count() == 4
    for i in range(4):
        figure = figures.nth(i)
        figure.scroll_into_view_if_needed()
        watched.wait_for_function(
            "el => el.classList.contains('drawn')", arg=figure.element_handle(), timeout=15_000
        )
        marks = figure.locator("svg .mark-symbol path, svg .mark-rect path, svg .mark-rule line")
        assert marks.count() > 0
        assert figure.locator("img").count() == 0  # the fallback gave way to the drawn chart


def _first_drawn_bar(page: Page) -> Locator:
    """The largest emitter's bar, once vega-embed has drawn the chart."""
    figure = page.locator("#chart-top-emitters")
    figure.scroll_into_view_if_needed()
    bar = figure.locator("svg .mark-rect path").first
    bar.wait_for(timeout=15_000)
    return bar


def test_chart_point_links_to_its_model(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/")
    # the bar's left end: the range rule starts further right. A first click selects
    # the model; a second, on the selected model, opens its page.
    _first_drawn_bar(watched).click(position={"x": 8, "y": 8})
    watched.wait_for_function("location.search.includes('model=')")
    box = _first_drawn_bar(watched).bounding_box()  # drawn again, ringed
    assert box is not None
    watched.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] / 2)
    watched.wait_for_url(re.compile(r"/models/[a-z0-9-]+/[a-z0-9-]+\.html$"), timeout=10_000)
    assert watched.locator("h1").inner_text()


def test_without_javascript_the_table_reads_in_default_order(
    browser: object, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/")
    _, report = built_site
    # each row's first link names its model (a reused run's row then names the run)
    names = page.locator("#leaderboard tbody th > a:first-of-type").all_inner_texts()
    size = int(page.locator("#leaderboard").get_attribute("data-page-size") or 0)
    assert names == [r.entry.name for r in report.results][:size]
    if len(report.results) > size:  # the rest, page by page, linked from the index
        page.locator("nav.pager a[rel=next]").first.click()
        page.wait_for_url("**/ranking/2/")
        page.wait_for_load_state()
        rest = page.locator("#leaderboard tbody th > a:first-of-type").all_inner_texts()
        assert rest == [r.entry.name for r in report.results][size : 2 * size]
        page.goto(site_url + "/")
    assert not page.locator("#filters").is_visible()
    assert page.locator("figure[data-chart] img").count() == 4  # static SVG fallbacks
    context.close()


def test_model_page_shows_inputs_provenance_and_formula(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/models/google/t5.html")
    assert watched.locator("h1").inner_text() == "T5"
    inputs = watched.locator("table.inputs tbody")
    assert inputs.locator("text=Mean power per accelerator").count() == 1
    assert inputs.locator(".prov-stated").count() >= 3
    formula = watched.locator("pre.formula").inner_text()
    assert "× 310 W" in formula and "PUE 1.12" in formula and "0.545" in formula
    assert watched.locator("table.compare").inner_text().count("×") >= 2
    edit = watched.get_by_role("link", name="Edit this entry")
    assert edit.get_attribute("href") == (
        "https://github.com/example/leaderboard/blob/main/entries/google/t5.yaml"
    )
    strip = watched.locator("svg.rank-strip")
    assert strip.locator("title").text_content().startswith("T5 ranks ")
    # a rank where ranges overlap is a range, among the training runs (each counted once)
    assert re.fullmatch(r"#\d+(–\d+)? of \d+", strip.locator(".me-label").text_content())


def test_model_page_names_defaults_and_their_catalog(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/models/openai/gpt-2.html")
    defaults = watched.locator("table.inputs .prov-default")
    assert defaults.count() == 3
    basis = watched.locator("table.inputs").inner_text()
    assert ("World average grid" in basis and "TDP" not in basis) or "measured" in basis
    links = watched.locator("table.inputs a")
    assert links.count() >= 3
    assert watched.locator("text=In everyday terms").count() == 1


@pytest.mark.parametrize(
    "path",
    ["/", "/models/google/t5.html", "/methodology/", "/zh/", "/zh/models/google/t5.html"],
)
def test_axe_reports_no_violations(watched: Page, site_url: str, path: str) -> None:
    import axe_playwright_python

    script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    watched.goto(site_url + path)
    watched.evaluate(script)
    result = watched.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    violations = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
    ]
    assert violations == []


def test_every_page_loads_without_errors_or_outside_requests(
    watched: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    out, _ = built_site
    failed: list[str] = []
    watched.on(
        "response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    for html in sorted(out.rglob("*.html")):
        rel = html.relative_to(out).as_posix()
        if rel == "404.html":
            continue
        watched.goto(f"{site_url}/{rel.removesuffix('index.html')}")
    assert failed == []


def test_mobile_width_has_no_page_level_horizontal_scroll(page: Page, site_url: str) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/models/meta/llama-3-1-405b.html", "/methodology/"):
        page.goto(site_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, (path, width)


def test_dark_theme_follows_the_system(page: Page, site_url: str) -> None:
    page.emulate_media(color_scheme="dark")
    page.goto(site_url + "/")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="light")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark != light
    assert dark == "rgb(21, 24, 22)"


LARGE_SITE_WORDS = {
    "": ("Showing all 450 models", "Page 1 of 9 · models 1–50 of 450"),
    "/zh": ("显示全部 450 个模型", "第 1 页，共 9 页 · 第 1–50 个模型，共 450 个"),
}


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_large_leaderboard_pages_sorts_and_filters_every_row(
    page: Page, large_site_url: str, prefix: str
) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(large_site_url + prefix + "/?cols=co2e,energy")
    every, first_page = LARGE_SITE_WORDS[prefix]
    expect(page.locator("#row-count")).to_have_text(every)
    assert page.locator("#leaderboard tbody tr").count() == PAGE_SIZE == 50
    expect(page.locator(".pager-status")).to_have_text(first_page)
    page.locator("th[data-key=energy] button").click()
    page.locator("th[data-key=energy] button").click()  # ascending: smallest of all 450 first
    first = visible_values(page, "energy")
    assert _is_sorted(first, descending=False)
    page.click(".pager button[data-step='1']")
    second = visible_values(page, "energy")
    assert len(second) == PAGE_SIZE and min(v for v in second if v is not None) >= max(
        v for v in first if v is not None
    )
    assert parse_qs(urlsplit(page.url).query)["page"] == ["2"]
    page.fill("#f-q", "tsinghua")  # the organization's catalog name, not its entries' text
    expect(page.locator("#row-count")).not_to_have_text(every)
    assert 0 < page.locator("#leaderboard tbody tr").count() < PAGE_SIZE
    links = page.locator("#leaderboard tbody th a").evaluate_all("as => as.map(a => a.href)")
    assert links and all(f"{prefix}/models/tsinghua/" in href for href in links)
    assert errors == []


def test_large_leaderboard_static_pages_read_without_javascript(
    browser: object, large_site_url: str
) -> None:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(large_site_url + "/")
    assert page.locator("#leaderboard tbody tr").count() == PAGE_SIZE
    page.click("nav.pager a[rel=next]")
    page.wait_for_load_state()
    assert page.url.endswith("/ranking/2/")
    assert page.locator("#leaderboard tbody tr").count() == PAGE_SIZE
    page.locator("#leaderboard tbody th a").first.click()
    assert "/models/" in page.url and page.locator("h1").count() == 1
    context.close()


def test_chinese_leaderboard_sorts_filters_and_draws_charts(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/zh" + EVERY_COLUMN)
    assert watched.locator("html").get_attribute("lang") == "zh-Hans"
    headers = watched.locator("#leaderboard thead th").all_inner_texts()
    assert headers[:4] == ["模型", "CO2e（吨）", "排名", "机构"]
    assert "CO2e（吨）" in headers
    watched.locator("#filters").wait_for()
    total = int(watched.locator("#leaderboard").get_attribute("data-total") or 0)
    assert watched.locator("#row-count").inner_text() == f"显示全部 {total} 个模型"
    # Sort by energy, then filter by organization and year: the same machinery as English.
    watched.locator("th[data-key=energy] button").click()
    header = watched.locator("th[data-key=energy]")
    # the first sort waits for every row (data/rows.json): its heading says when it is done
    expect(header).to_have_attribute("aria-sort", "descending")
    assert _is_sorted(visible_values(watched, "energy"), descending=True)
    watched.select_option("#f-org", label="Meta")
    watched.fill("#f-from", "2024")
    shown = watched.locator("#leaderboard tbody tr:not([hidden])")
    assert 0 < shown.count() < total
    assert set(shown.locator("td.c-org").all_inner_texts()) <= {"Meta", "Meta AI"}
    assert all(
        d.startswith(("2024年", "2025年", "2026年"))
        for d in shown.locator("td.c-released").all_inner_texts()
    )
    assert _is_sorted(visible_values(watched, "energy"), descending=True)
    assert (
        watched.locator("#row-count").inner_text() == f"显示 {shown.count()} 个模型，共 {total} 个"
    )
    # The release column sorts by date, not by the Chinese text of the date.
    watched.locator("#filters button[type=reset]").click()
    watched.locator("th[data-key=released] button").click()
    released = watched.evaluate(
        """() => [...document.querySelectorAll('#leaderboard tbody tr:not([hidden])')]
            .map(tr => tr.querySelector('.c-released').dataset.value).filter(Boolean)"""
    )
    assert released == sorted(released) and len(released) > 10
    figure = watched.locator("#chart-co2e-by-date")
    figure.scroll_into_view_if_needed()
    watched.wait_for_function(
        "el => el.classList.contains('drawn')", arg=figure.element_handle(), timeout=15_000
    )
    assert figure.locator("svg .mark-symbol path").count() > 10
    axis_titles = " ".join(figure.locator("svg .role-axis-title text").all_text_contents())
    assert "发布日期" in axis_titles and "训练排放量" in axis_titles
    assert figure.locator("figcaption").inner_text() == "按发布日期的排放量"


def test_chinese_chart_tooltip_is_translated(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/zh/")
    _first_drawn_bar(watched).hover(position={"x": 8, "y": 8})
    tooltip = watched.locator("#vg-tooltip-element")
    expect(tooltip).to_be_visible(timeout=5_000)
    text = tooltip.inner_text()
    assert "模型" in text and "机构" in text and "吨 CO2e" in text


def test_language_switch_lands_on_the_same_model(watched: Page, site_url: str) -> None:
    watched.goto(site_url + "/models/google/t5.html")
    watched.locator(".languages a[hreflang=zh-Hans]").click()
    watched.wait_for_url(site_url + "/zh/models/google/t5.html")
    assert watched.locator("html").get_attribute("lang") == "zh-Hans"
    assert watched.locator("h1").inner_text() == "T5"
    headings = watched.locator("h2").all_inner_texts()  # the what-if panel's among them
    assert headings.index("数值如何得出") + 1 == headings.index("输入")
    assert watched.locator("table.inputs").inner_text().count("由条目给出") >= 1
    assert watched.locator("svg.rank-strip title").text_content().startswith("按训练排放量，T5 在")
    watched.locator(".languages a[hreflang=en]").click()
    watched.wait_for_url(site_url + "/models/google/t5.html")
    assert watched.locator("html").get_attribute("lang") == "en"
    # From the Chinese leaderboard, a row leads to the Chinese page of its model.
    watched.goto(site_url + "/zh/?q=T5")
    watched.locator("#leaderboard tbody a[href$='google/t5.html']").click()
    watched.wait_for_url(site_url + "/zh/models/google/t5.html")
