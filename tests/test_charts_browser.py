"""The index page's charts in a real headless chromium: when vega loads, how the charts
follow the table's filters and the selected model, what they download and share, their
scale switch, legend, axis labels and colours in both colour schemes."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import vl_convert
from playwright.sync_api import Locator, Page, Request, expect

from builder.build import BuildReport
from builder.present.chart_static import NARROW_SUFFIX, narrow_spec, static_spec

pytestmark = pytest.mark.browser

CHART_IDS = ("co2e-by-date", "co2e-by-year", "energy-vs-compute", "top-emitters")
# the marks of the points (the legend's symbols are marks too, in another group)
POINTS = "svg .role-mark.layer_0_marks path"
Y_LABELS = "svg [aria-label^='Y-axis'] .role-axis-label text"


@pytest.fixture()
def charted(page: Page, site_url: str) -> Iterator[Page]:
    """A page that records console errors and every request it makes."""
    errors: list[str] = []
    requests: list[str] = []

    def on_request(request: Request) -> None:
        requests.append(request.url)

    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.on("request", on_request)
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    assert errors == [], "console errors"


def _drawn(page: Page, chart_id: str) -> Locator:
    figure = page.locator(f"#chart-{chart_id}")
    figure.scroll_into_view_if_needed()
    page.wait_for_function(
        "el => el.classList.contains('drawn')", arg=figure.element_handle(), timeout=20_000
    )
    return figure


def _spec(built_site: tuple[Path, BuildReport], chart_id: str) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(
        (built_site[0] / "charts" / f"{chart_id}.json").read_text("utf-8")
    )
    return spec


def _view_ids(page: Page) -> list[str]:
    """The ids the table's filters keep now, as the page last announced them."""
    ids: list[str] = page.evaluate("window.__lastView.ids")
    return ids


RECORD_VIEW = """
document.addEventListener('leaderboard:view', e => { window.__lastView = e.detail; });
"""


def _click_bar(page: Page, figure: Locator) -> None:
    """Click the first bar, near its left end and halfway down (chromium's box of a
    stroked SVG path reaches well beyond it, so a point near its corner can miss)."""
    box = figure.locator("svg .mark-rect path").first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.15, box["y"] + box["height"] / 2)


def test_vega_loads_only_once_the_reader_acts_near_a_chart(charted: Page, site_url: str) -> None:
    charted.goto(site_url + "/")
    charted.locator("#filters").wait_for()
    charted.wait_for_timeout(800)
    # the lead chart is on the first screen, but nothing is fetched before the reader acts
    requests: list[str] = charted.requests  # type: ignore[attr-defined]
    assert not any("vega-bundle" in u for u in requests)
    assert not any(u.endswith(".json") and "/charts/" in u for u in requests)
    assert charted.locator("figure[data-chart] img").count() == 4  # the static images show
    charted.mouse.move(200, 200)  # the reader is here, at the top of the page
    _drawn(charted, "co2e-by-date")
    _drawn(charted, "top-emitters")
    assert sum("vega-bundle" in u for u in requests) == 1


def test_a_chart_follows_the_filters(
    charted: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    charted.add_init_script(RECORD_VIEW)
    charted.goto(site_url + "/")
    figure = _drawn(charted, "co2e-by-date")
    rows = _spec(built_site, "co2e-by-date")["datasets"]["rows"]
    expect(figure.locator(POINTS)).to_have_count(len(rows))
    charted.select_option("#f-org", "meta")  # announced once every row has arrived
    charted.wait_for_function("window.__lastView.ids.every(i => i.startsWith('meta/'))")
    ids = set(_view_ids(charted))
    meta = [r for r in rows if r["id"] in ids]
    assert 0 < len(meta) < len(rows) and all(r["id"].startswith("meta/") for r in meta)
    expect(figure.locator(POINTS)).to_have_count(len(meta))
    # the caption says the chart shows only what the filters keep
    total = len(built_site[1].results)
    expect(figure.locator(".chart-filtered")).to_have_text(
        f"Of the {len(ids)} models the table's filters keep, out of {total:,}"
    )
    # the largest bars are Meta's now, in order
    top = _drawn(charted, "top-emitters")
    pool = _spec(built_site, "top-emitters")["datasets"]["pool"]
    expected = [r["name"] for r in pool if r["id"] in ids][:15]
    expect(top.locator("svg .role-axis-label text")).to_contain_text(expected[:3])
    names = top.locator("svg .role-axis-label text").all_text_contents()
    assert [n for n in names if n in {r["name"] for r in pool}] == expected
    # the per-year sums of Meta's runs
    years = _drawn(charted, "co2e-by-year")
    runs = [r for r in _spec(built_site, "co2e-by-year")["datasets"]["pool"] if r["id"] in ids]
    expect(years.locator("svg .mark-rect path")).to_have_count(len({r["year"] for r in runs}))
    charted.click("#filters button[type=reset]")
    expect(figure.locator(POINTS)).to_have_count(len(rows))
    expect(figure.locator(".chart-filtered")).to_be_hidden()


def test_the_legend_lists_only_domains_with_data(
    charted: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    charted.goto(site_url + "/")
    figure = _drawn(charted, "co2e-by-date")
    rows = _spec(built_site, "co2e-by-date")["datasets"]["rows"]
    legend = figure.locator("svg .role-legend-label text")
    assert sorted(legend.all_text_contents()) == sorted({r["domain"] for r in rows})
    charted.select_option("#f-domain", "vision")
    expect(legend).to_have_text(["vision"])


def test_axis_labels_read_as_powers_of_ten(charted: Page, site_url: str) -> None:
    charted.goto(site_url + "/")
    labels: list[str] = []
    for chart_id in CHART_IDS:
        figure = _drawn(charted, chart_id)
        labels += figure.locator("svg .role-axis-label text").all_text_contents()
    assert labels and not [t for t in labels if re.search(r"\de[+-]?\d", t)]
    compute = _drawn(charted, "energy-vs-compute").locator("svg .role-axis-label text")
    assert any(re.fullmatch(r"10[⁰¹²³⁴⁵⁶⁷⁸⁹]{2}", t) for t in compute.all_text_contents())


def test_the_log_linear_switch_is_kept_in_the_address(charted: Page, site_url: str) -> None:
    charted.goto(site_url + "/")
    figure = _drawn(charted, "co2e-by-date")
    switch = figure.locator(".chart-scale input")
    assert switch.is_checked()
    axis = figure.locator(Y_LABELS)
    assert "0.01" in axis.all_text_contents()  # a log axis reaches below 1
    switch.uncheck()
    expect(axis.first).to_have_text("0")  # a linear axis starts at zero
    assert parse_qs(urlsplit(charted.url).query)["linear"] == ["co2e-by-date"]
    charted.goto(charted.url)
    figure = _drawn(charted, "co2e-by-date")
    assert not figure.locator(".chart-scale input").is_checked()
    expect(figure.locator(Y_LABELS).first).to_have_text("0")
    figure.locator(".chart-scale input").check()
    assert "linear" not in parse_qs(urlsplit(charted.url).query)
    # the bar charts have no log scale to switch
    assert not _drawn(charted, "co2e-by-year").locator(".chart-scale").is_visible()


def test_downloads_png_svg_and_the_shown_rows_as_csv(
    charted: Page, site_url: str, built_site: tuple[Path, BuildReport]
) -> None:
    charted.add_init_script(RECORD_VIEW)
    charted.goto(site_url + "/")
    charted.select_option("#f-org", "google")
    charted.wait_for_function("window.__lastView.ids.every(i => i.startsWith('google/'))")
    figure = _drawn(charted, "co2e-by-date")
    ids = set(_view_ids(charted))
    shown = [r for r in _spec(built_site, "co2e-by-date")["datasets"]["rows"] if r["id"] in ids]
    expect(figure.locator(POINTS)).to_have_count(len(shown))
    files = {}
    for kind in ("png", "svg", "csv"):
        with charted.expect_download() as download:
            figure.locator(f"[data-download={kind}]").click()
        assert download.value.suggested_filename == f"co2e-by-date.{kind}"
        files[kind] = Path(download.value.path()).read_bytes()
    assert files["png"][:8] == b"\x89PNG\r\n\x1a\n" and len(files["png"]) > 5_000
    root = ET.fromstring(files["svg"])
    assert root.tag == "{http://www.w3.org/2000/svg}svg" and b"<svg" in files["svg"]
    lines = files["csv"].decode("utf-8").splitlines()
    assert lines[0].split(",")[:3] == ["id", "name", "organization"]
    assert len(lines) == 1 + len(shown) > 1
    assert {line.split(",")[0] for line in lines[1:]} == {r["id"] for r in shown}


def test_share_link_names_the_chart_and_the_view(charted: Page, site_url: str) -> None:
    charted.goto(site_url + "/?org=openai")
    figure = _drawn(charted, "top-emitters")
    href = figure.locator(".chart-share").get_attribute("href") or ""
    assert href.endswith("?org=openai#chart-top-emitters")
    source = figure.locator(".chart-source")
    assert "CC BY 4.0" in source.inner_text()
    assert source.locator("a[href='https://creativecommons.org/licenses/by/4.0/']").count() == 1
    charted.goto(site_url + href)  # the link opens the chart: drawn at once, filtered
    figure = charted.locator("#chart-top-emitters")
    charted.wait_for_function(
        "el => el.classList.contains('drawn')", arg=figure.element_handle(), timeout=20_000
    )
    names = figure.locator("svg .role-axis-label text").all_text_contents()
    assert "GPT-4" in names and "Llama 3.1 405B" not in names


def test_a_click_selects_a_model_and_its_row(charted: Page, site_url: str) -> None:
    charted.goto(site_url + "/")
    figure = _drawn(charted, "top-emitters")
    _click_bar(charted, figure)
    query = parse_qs(urlsplit(charted.url).query)
    selected = query["model"][0]
    line = figure.locator(".chart-selected")
    expect(line).to_be_visible()
    name = line.locator("a").inner_text()
    row = charted.locator(f"#leaderboard tr[data-id='{selected}']")
    expect(row).to_have_class(re.compile(r"\bchart-selected\b"))
    assert name in row.inner_text()
    # the other charts ring and name it
    by_date = _drawn(charted, "co2e-by-date")
    expect(by_date.locator("svg .role-mark text", has_text=name)).to_have_count(1)
    # the selection survives a filter, and a second click opens the model's page
    charted.select_option("#f-org", selected.split("/")[0])
    charted.wait_for_function("/org=.*model=/.test(location.search)")
    charted.wait_for_timeout(500)  # the charts draw again after a filter
    assert parse_qs(urlsplit(charted.url).query)["model"] == [selected]
    figure.scroll_into_view_if_needed()
    _click_bar(charted, figure)
    charted.wait_for_url(re.compile(r"/models/[a-z0-9-]+/[a-z0-9-]+\.html$"), timeout=10_000)
    assert charted.locator("h1").inner_text() == name


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _rgb(css: str) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in re.findall(r"[\d.]+", css)[:3])
    return r, g, b


PAINT = """figure => {
  const bg = getComputedStyle(document.body).backgroundColor;
  const text = [...figure.querySelectorAll('svg text')]
    .filter(t => t.textContent.trim() && getComputedStyle(t).opacity !== '0')
    .map(t => [t.textContent, getComputedStyle(t).fill, getComputedStyle(t).fillOpacity]);
  const rules = [...figure.querySelectorAll('svg .mark-rule.role-mark line')]
    .map(l => [getComputedStyle(l).stroke, getComputedStyle(l).strokeOpacity]);
  return {bg, text, rules};
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_chart_text_and_whiskers_contrast_with_the_page(
    page: Page, site_url: str, scheme: str
) -> None:
    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
    page.goto(site_url + "/")
    for chart_id in CHART_IDS:
        figure = _drawn(page, chart_id)
        paint = figure.evaluate(PAINT)
        bg = _rgb(paint["bg"])
        assert paint["text"], chart_id
        for text, fill, opacity in paint["text"]:
            assert float(opacity) == 1, (chart_id, text)
            assert _contrast(_rgb(fill), bg) >= 4.5, (chart_id, text, fill, paint["bg"])
        if chart_id == "top-emitters":  # the range whiskers
            assert paint["rules"]
            for stroke, opacity in paint["rules"]:
                assert float(opacity) == 1 and _contrast(_rgb(stroke), bg) >= 3, stroke
    if scheme == "dark":
        assert _luminance(_rgb(paint["bg"])) < 0.05  # the dark scheme did apply


def test_a_year_only_release_date_shows_as_the_year(charted: Page, site_url: str) -> None:
    charted.goto(site_url + "/")
    figure = _drawn(charted, "co2e-by-date")
    # each point's text alternative holds its tooltip's fields
    point = figure.locator(f"{POINTS}[aria-label*='Model: Falcon-40B;']")
    label = point.get_attribute("aria-label") or ""
    assert "Released: 2023;" in label and "2023-01" not in label
    dated = figure.locator(f"{POINTS}[aria-label*='Model: GPT-3;']").get_attribute("aria-label")
    assert "Released: 2020-05;" in (dated or "")


# Each image drawn twice as large as it is, on white, its pixels compared with another's.
SAME_PIXELS = """async ([first, second]) => {
  async function pixels(text) {
    const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth * 2;
    canvas.height = img.naturalHeight * 2;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(img, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    return context.getImageData(0, 0, canvas.width, canvas.height).data;
  }
  const [a, b] = [await pixels(first), await pixels(second)];
  let differ = 0, inked = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) differ++;
    if (a[i] !== 255) inked++;
  }
  return { length: a.length === b.length, differ, inked };
}"""


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_the_static_images_draw_what_vega_drew_with_fewer_elements(
    page: Page, built_site: tuple[Path, BuildReport], prefix: str
) -> None:
    # drawn on a blank page: the site's own pages allow no blob: images
    for svg_file in sorted((built_site[0] / prefix / "charts").glob("*.svg")):
        narrow = svg_file.stem.endswith(NARROW_SUFFIX)
        spec_file = svg_file.with_name(svg_file.stem.removesuffix(NARROW_SUFFIX) + ".json")
        if not spec_file.exists():  # the distribution strip is drawn by the builder alone
            continue
        spec = json.loads(spec_file.read_text("utf-8"))
        served = svg_file.read_text("utf-8")
        vega = vl_convert.vegalite_to_svg(static_spec(narrow_spec(spec) if narrow else spec))
        elements = len(re.findall(r"<[a-z]", served))
        assert elements < len(re.findall(r"<[a-z]", vega)), svg_file.name
        compared = page.evaluate(SAME_PIXELS, [vega, served])
        assert compared["length"] and compared["inked"] > 10_000, svg_file.name
        assert compared["differ"] == 0, (svg_file.name, compared)


@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_a_phone_shows_the_lead_chart_drawn_for_its_width(
    page: Page, site_url: str, prefix: str
) -> None:
    """Below 40rem the lead chart's image is the one drawn for a phone's column, shown at
    nearly its drawn size, so its labels read at their size; wider, the full one. (The
    page is not touched: a reader acting near a chart has vega draw it in the image's
    place.)"""
    image = "#chart-co2e-by-date .chart img"
    loaded = f"document.querySelector('{image}').complete"
    size = "el => [el.currentSrc, el.naturalWidth, el.getBoundingClientRect().width]"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site_url}{prefix}/")
    page.wait_for_function(loaded)
    src, natural, shown = page.locator(image).evaluate(size)
    assert src.endswith("/charts/co2e-by-date-narrow.svg"), src
    assert natural <= 390 and shown >= 0.9 * natural, (natural, shown)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site_url}{prefix}/")
    page.wait_for_function(loaded)
    src, natural, shown = page.locator(image).evaluate(size)
    assert src.endswith("/charts/co2e-by-date.svg") and natural > 700 and shown > 700, src


# The text of an SVG document outside its own box: [text, left, right, top, bottom, width,
# height] for each such label.
TEXT_OUTSIDE = """() => {
  const root = document.documentElement;
  const [width, height] = [root.width.baseVal.value, root.height.baseVal.value];
  return [...document.querySelectorAll("text")]
    .map(t => [t.textContent, t.getBoundingClientRect()])
    .filter(([, b]) => b.left < -0.5 || b.top < -0.5
      || b.right > width + 0.5 || b.bottom > height + 0.5)
    .map(([text, b]) => [text, b.left, b.right, b.top, b.bottom, width, height]);
}"""


@pytest.mark.parametrize("prefix", ["", "zh/"])
def test_the_static_images_text_lies_within_them_in_a_browser(
    page: Page, site_url: str, built_site: tuple[Path, BuildReport], prefix: str
) -> None:
    """vl-convert lays an image out with the builder's fonts and a browser draws its text
    with the reader's: with faces of the same widths (chart_style.FONT) every label, the
    legend's last one included, stays within the image."""
    page.set_viewport_size({"width": 1600, "height": 1200})  # larger than any image
    charts = built_site[0] / prefix / "charts"
    images = [  # the distribution strip, drawn by the builder alone, has no text
        f for f in sorted(charts.glob("*.svg")) if f.stem.removesuffix(NARROW_SUFFIX) in CHART_IDS
    ]
    assert len(images) == len(CHART_IDS) + 1  # and the lead chart's phone image
    for svg_file in images:
        page.goto(f"{site_url}/{prefix}charts/{svg_file.name}")
        assert page.locator("text").count() > 5, svg_file.name
        assert page.evaluate(TEXT_OUTSIDE) == [], svg_file.name
