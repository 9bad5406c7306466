"""Results -> chart specs (Altair -> Vega-Lite dicts), their static SVG fallbacks, and rank strips.

Specs are data: each chart is declared once and the rows are injected as
values, so the spec is stable byte for byte for the same input. Nothing here
writes files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from builder.model import Result
from builder.numbers import format_number

TOP_EMITTERS = 15
DOMAIN_ORDER = ["language", "code", "vision", "multimodal", "speech", "science", "other", "unknown"]


@dataclass(frozen=True)
class Chart:
    """One site-wide chart: an id, a title, a text alternative and its Vega-Lite spec."""

    id: str
    title: str
    description: str
    spec: dict[str, Any]


def _released_date(released: str | None) -> str | None:
    if not released:
        return None
    parts = released.split("-")
    return "-".join(parts + ["01"] * (3 - len(parts)))


def _row(r: Result) -> dict[str, Any]:
    e = r.entry
    return {
        "name": e.name,
        "organization": e.organization,
        "released": _released_date(e.released),
        "domain": e.domain or "unknown",
        "hardware": e.training.hardware,
        "co2e_t": round(r.co2e_t, 4),
        "co2e_low": round(r.co2e_t_low, 4),
        "co2e_high": round(r.co2e_t_high, 4),
        "energy_mwh": round(r.energy_mwh, 4),
        "flops": e.training.flops,
        "url": f"models/{e.id}/",
    }


def _base_config() -> dict[str, Any]:
    return {
        "background": "transparent",
        "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        "axis": {"labelColor": "#5b625e", "titleColor": "#5b625e", "gridColor": "#d9ddd880"},
        "legend": {"labelColor": "#5b625e", "titleColor": "#5b625e"},
        "title": {"color": "#5b625e", "anchor": "start"},
        "view": {"stroke": None},
    }


def build_charts(results: list[Result]) -> list[Chart]:
    """The three site-wide charts of the index page."""
    import altair as alt

    rows = [_row(r) for r in results]
    color = alt.Color(
        "domain:N", title="Domain", scale=alt.Scale(domain=DOMAIN_ORDER, scheme="tableau10")
    )
    tooltip_common = [
        alt.Tooltip("name:N", title="Model"),
        alt.Tooltip("organization:N", title="Organization"),
    ]

    dated = [r for r in rows if r["released"]]
    by_date = (
        alt.Chart(alt.Data(values=dated))  # type: ignore[no-untyped-call]
        .mark_circle(size=70, opacity=0.85, cursor="pointer")
        .encode(
            x=alt.X("released:T", title="Release date"),
            y=alt.Y(
                "co2e_t:Q",
                title="Training emissions (t CO2e, log scale)",
                scale=alt.Scale(type="log"),
            ),
            color=color,
            href="url:N",
            tooltip=[
                *tooltip_common,
                alt.Tooltip("released:T", title="Released", format="%Y-%m"),
                alt.Tooltip("co2e_t:Q", title="t CO2e", format=",.3~r"),
            ],
        )
        .properties(width="container", height=340)
        .configure(**_base_config())
    )

    with_flops = [r for r in rows if r["flops"]]
    by_flops = (
        alt.Chart(alt.Data(values=with_flops))  # type: ignore[no-untyped-call]
        .mark_circle(size=70, opacity=0.85, cursor="pointer")
        .encode(
            x=alt.X(
                "flops:Q",
                title="Training compute (FLOP, log scale)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format=".0e"),
            ),
            y=alt.Y(
                "energy_mwh:Q",
                title="Training energy (MWh, log scale)",
                scale=alt.Scale(type="log"),
            ),
            color=color,
            href="url:N",
            tooltip=[
                *tooltip_common,
                alt.Tooltip("flops:Q", title="FLOP", format=".3~e"),
                alt.Tooltip("energy_mwh:Q", title="MWh", format=",.3~r"),
            ],
        )
        .properties(width="container", height=340)
        .configure(**_base_config())
    )

    top = sorted(rows, key=lambda r: (-r["co2e_t"], r["name"]))[:TOP_EMITTERS]
    order = [r["name"] for r in top]
    base = alt.Chart(alt.Data(values=top)).encode(  # type: ignore[no-untyped-call]
        y=alt.Y("name:N", title=None, sort=order),
        href="url:N",
        tooltip=[
            *tooltip_common,
            alt.Tooltip("co2e_t:Q", title="t CO2e", format=",.3~r"),
            alt.Tooltip("co2e_low:Q", title="low", format=",.3~r"),
            alt.Tooltip("co2e_high:Q", title="high", format=",.3~r"),
        ],
    )
    bars = base.mark_bar(cursor="pointer", color="#3f8f66").encode(
        x=alt.X("co2e_t:Q", title="Training emissions (t CO2e) with range")
    )
    ranges = base.mark_rule(color="#1b1e1c", strokeWidth=1.5).encode(
        x="co2e_low:Q", x2="co2e_high:Q"
    )
    top_chart = (
        alt.layer(bars, ranges)
        .properties(width="container", height=TOP_EMITTERS * 22)
        .configure(**_base_config())
    )

    dated_n, flops_n = len(dated), len(with_flops)
    return [
        Chart(
            "co2e-by-date",
            "Emissions by release date",
            f"Scatter plot of {dated_n} models: training emissions in tonnes CO2e on a log "
            "scale against release date, coloured by domain. Each point links to its model.",
            by_date.to_dict(validate=False),
        ),
        Chart(
            "energy-vs-compute",
            "Energy against training compute",
            f"Log-log scatter plot of the {flops_n} models whose sources state their training "
            "compute: energy in MWh against FLOP.",
            by_flops.to_dict(validate=False),
        ),
        Chart(
            "top-emitters",
            f"The {len(top)} largest emitters",
            f"Bar chart of the {len(top)} models with the largest standardized training "
            "emissions, each with a line showing its low-high range.",
            top_chart.to_dict(validate=False),
        ),
    ]


def static_svg(spec: dict[str, Any], width: int = 720) -> str:
    """A static SVG of a spec, for readers without JavaScript (rendered offline)."""
    import vl_convert

    fixed = {**spec, "width": width}
    if "layer" in fixed and "width" in spec:
        fixed["width"] = width
    svg: str = vl_convert.vegalite_to_svg(fixed)
    return svg


def javascript_bundle() -> str:
    """vega, vega-lite and vega-embed as one classic script, no CDN references."""
    import vl_convert

    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    return bundle


def rank_strip(results: list[Result], highlight: str, width: int = 640, height: int = 64) -> str:
    """A small inline SVG: every entry's CO2e on a log axis, this model marked, with its rank."""
    values = sorted(r.co2e_t for r in results)
    lo, hi = math.log10(values[0]), math.log10(values[-1])
    span = (hi - lo) or 1.0
    pad = 12

    def x(v: float) -> float:
        return pad + (math.log10(v) - lo) / span * (width - 2 * pad)

    me = next(r for r in results if r.entry.id == highlight)
    rank = 1 + sum(1 for r in results if r.co2e_t > me.co2e_t)
    label = (
        f"{me.entry.name} ranks {rank} of {len(results)} by training emissions "
        f"({format_number(me.co2e_t)} t CO2e; entries range from "
        f"{format_number(values[0])} to {format_number(values[-1])} t)."
    )
    ticks = "".join(
        f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="18" y2="38" class="tick"/>' for v in values
    )
    decades = range(math.ceil(lo), math.floor(hi) + 1)
    axis = "".join(
        f'<text x="{x(10.0**d):.1f}" y="56" class="axis-label">{_decade(d)}</text>' for d in decades
    )
    mx = x(me.co2e_t)
    return (
        f'<svg class="rank-strip" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="rank-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="rank-title">{escape(label)}</title>'
        f'<line x1="{pad}" x2="{width - pad}" y1="28" y2="28" class="baseline"/>{ticks}{axis}'
        f'<circle cx="{mx:.1f}" cy="28" r="7" class="me"/>'
        f'<text x="{min(max(mx, 40), width - 40):.1f}" y="12" class="me-label">'
        f"#{rank} of {len(results)}</text></svg>"
    )


def _decade(d: int) -> str:
    value = 10.0**d
    if value >= 1:
        return f"{value:,.0f} t"
    return f"{value:g} t"
