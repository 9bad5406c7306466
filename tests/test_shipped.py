"""What ships with the package so a first build draws nothing (builder.incremental.shipped):
each file is what its inputs make."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from builder.build import build_site
from builder.catalog import DATA_DIR
from builder.config import SiteConfig
from builder.incremental import charts, shipped
from builder.present.chart_static import NARROW_SUFFIX, static_svg

from .conftest import ENTRIES, ROOT

REFRESH = "refresh with: python -m builder.incremental.shipped entries"


def _locked(package: str) -> str:
    lock = (ROOT / "requirements" / "test.txt").read_text(encoding="utf-8")
    found = re.findall(rf"^{re.escape(package)}==(\S+)", lock, re.M)
    assert len(set(found)) == 1, found
    return str(found[0])


def test_one_bundle_ships_and_it_is_the_locked_vl_converts() -> None:
    bundles = sorted(p.name for p in DATA_DIR.glob("vega-bundle-*.js"))
    assert bundles == [f"vega-bundle-{_locked('vl-convert-python')}.js"], REFRESH
    assert charts.vl_convert_version() == _locked("vl-convert-python")


@pytest.mark.slow
def test_the_shipped_bundle_is_what_vl_convert_makes() -> None:
    import vl_convert

    made = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    kept = shipped.read(shipped.bundle_path(charts.vl_convert_version()))
    assert kept == made, REFRESH


@pytest.mark.slow
def test_the_shipped_chart_templates_are_those_of_the_charts_module_now() -> None:
    kept = shipped.read(shipped.templates_path(charts.chart_inputs()))
    assert kept is not None, f"no shipped templates for the chart code and catalogs; {REFRESH}"
    assert kept == charts.chart_templates()
    assert len(list(shipped.STORE.glob("templates-*.json"))) == 1, REFRESH


@pytest.mark.slow
def test_a_build_with_the_shipped_svgs_draws_the_same_svgs(tmp_path: Path) -> None:
    """Each SVG of the shipped site (from the store where it holds it) is what vl-convert
    draws of the spec beside it."""
    out = tmp_path / "out"
    build_site(ENTRIES, out, SiteConfig(), cache_dir=None)
    renderer = charts.svg_renderer()
    specs = sorted(out.glob("**/charts/*.json"))
    assert len(specs) >= 8
    from_store = 0
    for spec in specs:
        text = spec.read_text(encoding="utf-8")
        svg = spec.with_suffix(".svg").read_text(encoding="utf-8")
        assert svg == static_svg(json.loads(text)), spec
        from_store += shipped.read(shipped.svg_path(text, renderer)) is not None
        narrow = spec.with_name(spec.stem + NARROW_SUFFIX + ".svg")
        if narrow.exists():  # the lead chart's image for a phone, drawn from its narrow spec
            narrow_text = charts.narrow_text(text)
            assert narrow.read_text(encoding="utf-8") == static_svg(json.loads(narrow_text))
            from_store += shipped.read(shipped.svg_path(narrow_text, renderer)) is not None
    if from_store == 0:  # entries changed since the store's refresh: slower, not wrong
        pytest.skip(f"the store holds none of the shipped site's SVGs; {REFRESH}")
