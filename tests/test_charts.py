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
        _row("third", "2023-01-01", 20_000.0),  # the three largest, which the chart names
        _row("second", "2024-01-01", 50_000.0),
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
        ("2023-01-01", 20_000.0, "language"),
        ("2024-01-01", 50_000.0, "language"),
        ("2025-01-01", 100_000.0, "language"),
    ]
    # names label the largest points; links and tooltips are not drawn
    assert set(kept[0]) == {"released", "co2e_t", "domain", "name"}


def test_a_static_scatter_plot_keeps_the_points_it_names(
    templates: dict[str, dict[str, Any]],
) -> None:
    rows = [
        _row("first", "2015-01-01", 0.01),
        _row("big", "2025-01-01", 100_000.0),
        _row("hides-big", "2025-01-01", 100_000.5),  # drawn later, in the same cell
        _row("small", "2020-01-01", 1.0),
    ]
    kept = [r["name"] for r in charts.static_spec(_by_date(templates, rows))["datasets"]["rows"]]
    assert kept == ["first", "big", "hides-big", "small"]
    rows.append(_row("hides-small", "2020-01-01", 1.001))  # not named: it hides "small"
    kept = [r["name"] for r in charts.static_spec(_by_date(templates, rows))["datasets"]["rows"]]
    assert "small" not in kept and "hides-small" in kept and "big" in kept


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
        assert "tooltip" in str(spec), chart_id  # while the interactive spec keeps them
        if chart_id != "co2e-by-year":  # a year's sum is no one model to point at
            assert "'cursor': 'pointer'" in str(spec), chart_id


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
    # the crowd's point, the two ends, and the crowd's next largest: the chart names
    # the three largest
    assert marks.group(1).count("<path") == 4
    assert "<a " not in svg and "aria-label" not in svg and "models/m" not in svg


def test_static_axes_read_powers_of_ten_and_name_the_largest(
    templates: dict[str, dict[str, Any]],
) -> None:
    rows = [
        {**_row(f"m{i}", f"20{10 + i}-01-01", 10.0**i), "flops": 10.0 ** (18 + i)} for i in range(8)
    ]
    rows = [{**r, "energy_mwh": r["co2e_t"] * 3} for r in rows]
    svg = charts.static_svg({**templates["energy-vs-compute"], "datasets": {"rows": rows}})
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    assert "10²¹" in texts and "10,000" in texts
    assert not [t for t in texts if re.search(r"\de[+-]?\d", t)]
    assert {"m7", "m6", "m5"} <= set(texts) and "m4" not in texts  # the three largest named
