"""The basis on the pages, without a browser: the methodology's worked examples are what
compute_result gives the same entries, its page prints them, a catalog that breaks one
fails the build, and the chain's words per basis (tests/fixtures/bases, test catalog)."""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from pathlib import Path

import pytest

from builder.catalog import load_catalog
from builder.compute import compute_result
from builder.config import SiteConfig
from builder.entries.errors import BuildFailed
from builder.entries.gather import check_paths
from builder.entries.model import Result
from builder.present.examples import EXAMPLES, HEADER, worked_examples
from builder.present.i18n import LANGUAGES, SOURCE, formats, translations
from builder.present.model_page import basis_words, chain
from builder.present.pages import LanguagePages
from builder.present.site_pages import _site_pages

from .test_bases import catalog, results  # noqa: F401  (fixtures: the test catalog and results)


def _figures(r: Result) -> tuple[object, ...]:
    return (
        r.basis,
        r.accelerator_hours and (r.accelerator_hours.value, r.accelerator_hours.low),
        r.energy_mwh,
        r.energy_mwh_low,
        r.energy_mwh_high,
        r.co2e_t,
        r.co2e_t_low,
        r.co2e_t_high,
        r.defaults,
        r.quality,
    )


def test_each_worked_example_is_what_compute_result_gives_its_entry(tmp_path: Path) -> None:
    """The example written as an entry file and checked as `check` does, computed apart."""
    for example in EXAMPLES:
        path = tmp_path / "entries" / "allenai" / f"{example.basis}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HEADER + example.text, encoding="utf-8")
    entries, errors = check_paths([tmp_path / "entries"])
    assert errors == []
    by_basis = {e.id.split("/")[1]: compute_result(e, load_catalog()) for e in entries}
    shown = worked_examples(load_catalog())
    assert [example.basis for example, _ in shown] == [
        "hardware-time",
        "reported-energy",
        "reported-co2e",
        "compute-estimate",
    ]
    for example, r in shown:
        assert r.basis == example.basis
        assert _figures(r) == _figures(by_basis[example.basis])


def _methodology(language: object = SOURCE) -> str:
    renderer = LanguagePages(language, load_catalog(), SiteConfig())  # type: ignore[arg-type]
    (page,) = [a for a in _site_pages(renderer) if a.path.endswith("methodology/index.html")]
    return page.make().decode("utf-8")


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda lang: lang.code)
def test_the_methodology_prints_each_examples_computed_figures(language: object) -> None:
    html = _methodology(language)
    fmt = formats(language)  # type: ignore[arg-type]
    _ = translations(language).gettext  # type: ignore[arg-type]
    for example, r in worked_examples(load_catalog()):
        start = html.index(f'id="basis-{example.basis}"')
        section = _text(html[start : html.index("</section>", start)])
        for link in chain(r, _, fmt.number):
            assert f"{link.label} {link.value}" in section, (example.basis, link)
            assert link.range in section
        co2e = _("%(value)s t") % {"value": fmt.number(r.co2e_t)}
        assert co2e in section
        assert basis_words(r, _, language).summary in section  # type: ignore[arg-type]


def test_a_catalog_that_breaks_an_example_fails_with_the_validators_message() -> None:
    real = load_catalog()
    hardware = {k: v for k, v in real.hardware.items() if k != "google-tpu-v4"}
    with pytest.raises(BuildFailed) as caught:
        worked_examples(dataclasses.replace(real, hardware=hardware))
    message = str(caught.value)
    assert message.startswith("builder/present/examples.py (compute-estimate):")
    assert "training.hardware" in message and "google-tpu-v4" in message


def _words(r: Result) -> list[tuple[str, str, str]]:
    _ = translations(SOURCE).gettext
    return [(link.key, link.value, link.provenance) for link in chain(r, _, formats(SOURCE).number)]


def test_the_chain_of_each_basis(results: dict[str, Result]) -> None:  # noqa: F811
    assert _words(results["allenai/compute-estimate"]) == [
        ("compute", "3.60e21 FLOP", "stated"),
        ("hours", "25,000 h", "derived"),
        ("energy", "11 MWh", "derived"),
        ("co2e", "4.4 t", "derived"),
    ]
    assert _words(results["allenai/reported-energy-facility"]) == [
        ("compute", "—", "not-stated"),
        ("hours", "—", "skipped"),
        ("energy", "100 MWh", "reported"),
        ("co2e", "50 t", "derived"),
    ]
    assert _words(results["allenai/reported-co2e"])[2:] == [
        ("energy", "100 MWh", "derived"),
        ("co2e", "30 t", "reported"),
    ]
    assert _words(results["allenai/reported-co2e-only"])[2] == ("energy", "—", "unknown")
    assert _words(results["allenai/hardware-time"])[1] == ("hours", "15,360 h", "derived")


def test_the_basis_sentence_names_what_was_assumed(results: dict[str, Result]) -> None:  # noqa: F811
    _ = translations(SOURCE).gettext
    said = {key: basis_words(r, _).assumed for key, r in results.items()}
    assert said["allenai/compute-estimate"] == (
        "From the catalogs: the peak FLOP/s, the utilization, the power per accelerator."
    )
    assert said["allenai/compute-estimate-stated"] == "From the catalogs: the peak FLOP/s."
    assert said["allenai/reported-energy-facility"] == (
        "Every input is stated by the source; nothing is assumed."
    )
    assert said["allenai/reported-co2e-only"] == "A reported figure: no input is assumed."


@pytest.mark.slow
def test_a_rebuild_shows_the_new_name_of_a_reused_run(tmp_path: Path) -> None:
    import shutil

    from builder.build import build_site

    from .conftest import FIXTURES

    entries = tmp_path / "entries"
    shutil.copytree(FIXTURES / "basis-site" / "entries", entries)
    out, cache = tmp_path / "site", tmp_path / "cache"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    page = out / "models" / "allenai" / "same-run.html"
    assert "Reuses the training run of <a" in page.read_text(encoding="utf-8")
    reused = entries / "allenai" / "hardware-time.yaml"
    text = reused.read_text(encoding="utf-8")
    reused.write_text(text.replace("name: Hardware Time Example", "name: Renamed Run"), "utf-8")
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert ">Renamed Run</a>" in page.read_text(encoding="utf-8")
    assert ">Renamed Run</a>" in (out / "zh" / "models" / "allenai" / "same-run.html").read_text(
        encoding="utf-8"
    )
