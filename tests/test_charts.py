"""The site-wide charts' static images: what they keep, and what they leave out."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from builder.present import charts


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    return charts.spec_templates()


def _row(name: str, released: str, co2e_t: float, domain: str = "language") -> dict[str, Any]:
    return {
        "name": name,
        "organization": "Org",
        "released": released,
        "domain": domain,
        "co2e_t": co2e_t,
        "url": f"models/{name}.html",
    }


def _by_date(templates: dict[str, dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {**templates["co2e-by-date"], "datasets": {"rows": rows}}


def test_a_static_scatter_plot_keeps_one_point_per_cell_and_colour(
    templates: dict[str, dict[str, Any]],
) -> None:
    rows = [
        _row("first", "2015-01-01", 0.01),  # the corners set the scale: 10 years by 7 decades
        _row("under", "2020-01-01", 100.0),
        _row("over", "2020-01-01", 100.5),  # 0.002 decades away: the same 2-pixel cell
        _row("other-colour", "2020-01-01", 100.0, domain="vision"),
        _row("apart", "2020-03-01", 100.0),  # two months: more than a 2-pixel cell away
        _row("last", "2025-01-01", 100_000.0),
    ]
    spec = _by_date(templates, rows)
    before = copy.deepcopy(spec)
    static = charts.static_spec(spec)
    assert spec == before  # the interactive spec is left as it was
    kept = static["datasets"]["rows"]
    # the point drawn last of two in one cell is the one a reader sees: it stays
    assert [(r["released"], r["co2e_t"], r["domain"]) for r in kept] == [
        ("2015-01-01", 0.01, "language"),
        ("2020-01-01", 100.5, "language"),
        ("2020-01-01", 100.0, "vision"),
        ("2020-03-01", 100.0, "language"),
        ("2025-01-01", 100_000.0, "language"),
    ]
    assert set(kept[0]) == {"released", "co2e_t", "domain"}  # names and links are not drawn


def test_a_static_image_has_no_links_tooltips_or_pointer(
    templates: dict[str, dict[str, Any]],
) -> None:
    for chart_id, spec in templates.items():
        rows = [_row("a", "2020-01-01", 10.0), _row("b", "2021-01-01", 20.0)]
        static = charts.static_spec({**spec, "datasets": {"rows": rows}}, width=640)
        assert static["width"] == 640 and static["config"]["aria"] is False, chart_id
        for part in [static, *static.get("layer", [])]:
            assert not {"href", "tooltip"} & set(part.get("encoding", {})), chart_id
            mark = part.get("mark")
            assert not isinstance(mark, dict) or "cursor" not in mark, chart_id
        if chart_id != "co2e-by-year":  # a year's sum links to no one model
            assert "href" in str(spec), chart_id  # while the interactive spec keeps them


def test_the_bar_chart_keeps_every_row(templates: dict[str, dict[str, Any]]) -> None:
    rows = [_row(f"m{i}", "2020-01-01", 10.0) for i in range(charts.TOP_EMITTERS)]
    spec = {**templates["top-emitters"], "datasets": {"rows": rows}}
    assert charts.static_spec(spec)["datasets"]["rows"] == rows


def test_the_drawn_image_has_one_circle_per_kept_point_and_nothing_to_follow(
    templates: dict[str, dict[str, Any]],
) -> None:
    # 400 models on one day with emissions a hair apart: one visible point, drawn once
    crowd = [_row(f"m{i}", "2022-06-01", 50.0 * (1 + i * 1e-6)) for i in range(400)]
    spread = [_row("low", "2016-01-01", 0.01), _row("high", "2025-01-01", 90_000.0)]
    svg = charts.static_svg(_by_date(templates, crowd + spread))
    marks = re.search(r'<g class="mark-symbol[^>]*>(.*?)</g>', svg, re.S)
    assert marks is not None
    assert marks.group(1).count("<path") == 3
    assert "<a " not in svg and "aria-label" not in svg and "models/m" not in svg
