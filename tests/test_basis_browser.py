"""The basis of each model in a real headless chromium: what a reader sees near the headline
(the basis named, the chain with each link's provenance), the link to a reused run, the
methodology's worked examples, on a phone and in Chinese. The site is built from
tests/fixtures/basis-site: one entry per basis, and one that reuses another's run."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page

from builder.build import build_site
from builder.config import SiteConfig

from .conftest import FIXTURES

pytestmark = pytest.mark.browser

ENTRIES = FIXTURES / "basis-site" / "entries"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def basis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture entries built and served on a free loopback port."""
    out = tmp_path_factory.mktemp("basis") / "_site"
    build_site(ENTRIES, out, SiteConfig())
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def reader(page: Page) -> Iterator[Page]:
    """A page that fails the test on any console error."""
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type in ("error", "warning"):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == []


def _links(page: Page) -> list[tuple[str, str, str]]:
    """Each link of the model page's chain as read: label, value, provenance."""
    items = page.locator("section.basis ol.chain > li")
    return [
        (
            item.locator(".label").inner_text(),
            item.locator(".value").inner_text(),
            item.locator(".prov").inner_text(),
        )
        for item in items.all()
    ]


# What each model page must say: the basis sentence's start, the chain as read, and words
# its steps must show (the fixtures' figures come from the shipped catalogs, so the
# defaults are checked by their provenance, not their value).
EXPECTED = {
    "hardware-time": (
        "Basis: hardware and training time — the source states the accelerators",
        [
            ("Compute", "—", "not stated"),
            ("Accelerator-hours", "15,360 h", "derived"),
            ("Energy", None, "derived"),
            ("CO2e", None, "derived"),
        ],
        ["64 accelerators × 10 days × 24 h, both stated", "W (default,", "PUE", "(default,"],
    ),
    "reported-energy": (
        "Basis: reported energy — the source states the training energy of the IT equipment",
        [
            ("Compute", "—", "not stated"),
            ("Accelerator-hours", "—", "not used"),
            ("Energy", None, "reported by the source"),
            ("CO2e", None, "derived"),
        ],
        ["100 MWh of the IT equipment × PUE", "× 0.5 kg CO2e/kWh (stated)"],
    ),
    "reported-co2e": (
        "Basis: reported CO2e — the source states the emissions, taken as they are; "
        "the energy is unknown",
        [
            ("Compute", "—", "not stated"),
            ("Accelerator-hours", "—", "not used"),
            ("Energy", "—", "unknown"),
            ("CO2e", "30 t", "reported by the source"),
        ],
        ["no grid intensity is stated to divide the CO2e by", "as reported"],
    ),
    "compute-estimate": (
        "Basis: compute estimate — the source states the training compute",
        [
            ("Compute", "1.00e23 FLOP", "stated by the source"),
            ("Accelerator-hours", "253,000 h", "derived"),  # an estimate: 3 digits
            ("Energy", None, "derived"),
            ("CO2e", None, "derived"),
        ],
        [
            "275 TFLOP/s bf16 peak, from the hardware catalog",
            "utilization 0.4 (default, 0.2–0.6)",
            "PUE 1.1 (stated)",
            "× 0.4 kg CO2e/kWh (stated)",
        ],
    ),
}


@pytest.mark.parametrize("basis", list(EXPECTED))
def test_the_model_page_names_its_basis_and_draws_the_chain(
    reader: Page, basis_url: str, basis: str
) -> None:
    sentence, links, steps = EXPECTED[basis]
    reader.goto(f"{basis_url}/models/allenai/{basis}.html")
    assert reader.locator("section.basis .basis-name").inner_text().startswith(sentence)
    seen = _links(reader)
    assert [(label, prov) for label, _, prov in seen] == [(lab, p) for lab, _, p in links]
    for (_, value, _), (_, expected, _) in zip(seen, links, strict=True):
        if expected is not None:
            assert value == expected
        else:
            assert value != "—"
    chain = reader.locator("section.basis ol.chain").inner_text()
    for words in steps:
        assert words in chain, (words, chain)
    # the basis names its methodology section, which exists
    reader.locator("section.basis .basis-name a").click()
    reader.wait_for_url(f"{basis_url}/methodology/#basis-{basis}")
    assert reader.locator(f"#basis-{basis} ol.chain > li").count() == 4


def test_a_reported_co2e_figure_says_no_input_was_assumed(reader: Page, basis_url: str) -> None:
    reader.goto(f"{basis_url}/models/allenai/reported-co2e.html")
    quality = reader.locator(".headline .figure").filter(has_text="Data quality")
    assert quality.locator(".range").inner_text() == "a reported figure, no input assumed"
    assert "A reported figure: no input is assumed." in reader.locator(".basis-name").inner_text()
    reader.goto(f"{basis_url}/models/allenai/compute-estimate.html")
    quality = reader.locator(".headline .figure").filter(has_text="Data quality")
    # utilization and power from the catalogs; PUE and grid intensity stated
    assert quality.locator(".range").inner_text() == "inputs from catalog defaults: 2 of 4"


def test_a_reused_run_links_to_its_model_and_is_not_counted_again(
    reader: Page, basis_url: str
) -> None:
    reader.goto(f"{basis_url}/models/allenai/same-run.html")
    note = reader.locator("p.same-run")
    assert note.inner_text() == (
        "Reuses the training run of Hardware Time Example: its figures are that run's, "
        "and it is not counted again in totals and aggregates."
    )
    note.locator("a").click()
    reader.wait_for_url(f"{basis_url}/models/allenai/hardware-time.html")
    assert reader.locator("h1").inner_text() == "Hardware Time Example"
    assert reader.locator("p.same-run").count() == 0


def test_the_chain_is_one_column_on_a_phone_and_a_row_on_a_wide_screen(
    reader: Page, basis_url: str
) -> None:
    for width, stacked in ((360, True), (1200, False)):
        reader.set_viewport_size({"width": width, "height": 800})
        reader.goto(f"{basis_url}/models/allenai/compute-estimate.html")
        boxes = [li.bounding_box() for li in reader.locator("section.basis ol.chain > li").all()]
        assert all(box is not None for box in boxes)
        xs = [round(box["x"]) for box in boxes if box]
        ys = [round(box["y"]) for box in boxes if box]
        if stacked:
            assert len(set(xs)) == 1 and ys == sorted(ys) and len(set(ys)) == 4
        else:
            assert len(set(ys)) == 1 and xs == sorted(xs) and len(set(xs)) == 4
        assert reader.evaluate("document.documentElement.scrollWidth") <= width


def test_the_chinese_page_names_the_basis_and_links_within_its_language(
    reader: Page, basis_url: str
) -> None:
    reader.goto(f"{basis_url}/zh/models/allenai/compute-estimate.html")
    assert (
        reader.locator(".basis-name").inner_text().startswith("依据：算力估算 — 来源给出了训练算力")
    )
    assert [prov for _, _, prov in _links(reader)] == ["来源给出", "推算", "推算", "推算"]
    assert "1.00e23 FLOP" in reader.locator("ol.chain").inner_text()
    reader.goto(f"{basis_url}/zh/models/allenai/same-run.html")
    reader.locator("p.same-run a").click()
    reader.wait_for_url(f"{basis_url}/zh/models/allenai/hardware-time.html")
    reader.goto(f"{basis_url}/zh/models/allenai/reported-co2e.html")
    reader.locator(".basis-name a").click()
    reader.wait_for_url(f"{basis_url}/zh/methodology/#basis-reported-co2e")


def test_the_methodology_shows_a_worked_example_per_basis(reader: Page, basis_url: str) -> None:
    reader.goto(f"{basis_url}/methodology/")
    sections = reader.locator("section.basis-method")
    assert [s.get_attribute("id") for s in sections.all()] == [
        "basis-hardware-time",
        "basis-reported-energy",
        "basis-reported-co2e",
        "basis-compute-estimate",
    ]
    estimate = reader.locator("#basis-compute-estimate")
    text = estimate.inner_text()
    assert "the catalog's default 0.4 with the range 0.2 to 0.6" in text
    assert estimate.locator("a[href='https://arxiv.org/abs/2204.02311']").count() == 1
    assert "flops: 1e23" in estimate.locator("pre code").inner_text()
    assert "1.00e23 FLOP ÷ (275 TFLOP/s × 0.4) ÷ 3600 s = 252,525 h" in text
    reader.goto(f"{basis_url}/methodology/hardware/")
    assert reader.locator("#hw-google-tpu-v4").inner_text().count("bf16 275") == 1


@pytest.mark.parametrize(
    "path",
    ["/models/allenai/compute-estimate.html", "/methodology/", "/zh/models/allenai/same-run.html"],
)
def test_axe_reports_no_violations_on_the_basis_pages(
    reader: Page, basis_url: str, path: str
) -> None:
    import axe_playwright_python

    script = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
    reader.goto(basis_url + path)
    reader.evaluate(script)
    result = reader.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    assert [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]] == []
