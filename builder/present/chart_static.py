"""Chart specs as drawn into static images (the SVG fallbacks), and the vega bundle.

A static image cannot follow links or show tooltips, and a scatter plot of thousands of
models would draw most of its points over one another: `static_spec` leaves out what an
image cannot use and keeps only the points a reader can tell apart.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

from builder.present.chart_style import LABELLED

# A static scatter plot keeps one point per cell of this many pixels and colour.
STATIC_CELL_PX = 2
# The lead chart's image for a phone (screens below 40rem): its plot this many pixels
# wide, so that on a phone 390 px wide the image is shown as drawn, its labels at their size.
NARROW_WIDTH = 256
NARROW_SUFFIX = "-narrow"


def _position(channel: dict[str, Any], value: Any) -> float | None:
    """Where a value falls along a continuous channel, in the units its scale is linear in."""
    try:
        if channel.get("type") == "temporal":
            return float(datetime.date.fromisoformat(value).toordinal())
        number = float(value)
        if channel.get("scale", {}).get("type") == "log":
            return math.log10(number) if number > 0 else None
        return number
    except (TypeError, ValueError):
        return None


def _thinned(
    rows: list[dict[str, Any]], enc: dict[str, Any], size: tuple[float, float]
) -> list[dict[str, Any]]:
    """The rows a reader can tell apart on a static scatter plot of `size` pixels.

    Points drawn within the same STATIC_CELL_PX cell in the same colour hide one
    another (a circle here is about 9 px wide), so only the last drawn of them is
    kept, besides the LABELLED largest by y, which the chart names. The number of
    points drawn is then bounded by the image's cells and colours, not by the number
    of models.
    """
    x, y = enc["x"], enc["y"]
    colour = enc.get("color", {}).get("field")
    placed = [(_position(x, r.get(x["field"])), _position(y, r.get(y["field"]))) for r in rows]
    xs = [px for px, _ in placed if px is not None]
    ys = [py for _, py in placed if py is not None]
    if not xs or not ys:
        return rows
    x0, y0 = min(xs), min(ys)
    sx = (max(xs) - x0) * STATIC_CELL_PX / size[0] or 1.0
    sy = (max(ys) - y0) * STATIC_CELL_PX / size[1] or 1.0
    last: dict[tuple[int, int, Any], int] = {}
    for i, (px, py) in enumerate(placed):
        if px is not None and py is not None:
            last[(int((px - x0) / sx), int((py - y0) / sy), rows[i].get(colour))] = i
    # the points a chart names (the largest by y) are kept, wherever they fall
    named = sorted(
        (i for i, (_, py) in enumerate(placed) if py is not None),
        key=lambda i: -(placed[i][1] or 0.0),
    )[:LABELLED]
    kept = sorted({*last.values(), *named})
    fields = [c["field"] for c in (x, y, enc.get("color", {})) if "field" in c]
    fields += [f for f in ("name",) if f in rows[0]]
    return [{f: rows[i].get(f) for f in fields} for i in kept]


def _mark_type(part: dict[str, Any]) -> Any:
    mark = part.get("mark")
    return mark.get("type") if isinstance(mark, dict) else mark


def static_spec(spec: dict[str, Any], width: int = 720) -> dict[str, Any]:
    """A spec as drawn into a static image: fixed width, and nothing an image cannot use.

    Links, tooltips and the pointer do nothing in an <img>, and ARIA attributes on
    every mark are unread there (the <img> has its own text alternative), so they are
    left out; a scatter plot keeps only the points a reader can tell apart.
    """
    if isinstance(spec.get("width"), int):  # drawn for a given width (`narrow_spec`)
        width = spec["width"]
    config = {**spec.get("config", {}), "aria": False}
    # "container" width means nothing offline: the static rendering has a fixed width.
    static: dict[str, Any] = {**spec, "width": width, "config": config}
    if "layer" in static:
        static["layer"] = [dict(layer) for layer in static["layer"]]
    for part in [static, *static.get("layer", [])]:
        if "encoding" in part:
            part["encoding"] = {
                k: v for k, v in part["encoding"].items() if k not in ("href", "tooltip")
            }
        if isinstance(part.get("mark"), dict):
            part["mark"] = {k: v for k, v in part["mark"].items() if k != "cursor"}
    # a scatter plot is its points' layer (the others name a few of them)
    layers = [static, *static.get("layer", [])]
    points = next((p for p in layers if _mark_type(p) in ("circle", "point")), None)
    enc = points.get("encoding", {}) if points else {}
    continuous = ("quantitative", "temporal")
    rows = static.get("datasets", {}).get("rows")
    if points and rows and all(enc.get(c, {}).get("type") in continuous for c in "xy"):
        height = static.get("height", 300)
        size = (float(width), float(height if isinstance(height, int | float) else 300))
        static["datasets"] = {**static["datasets"], "rows": _thinned(rows, enc, size)}
    if "datasets" in static:  # what filters choose from (`pool`): no image shows it
        static["datasets"] = {k: v for k, v in static["datasets"].items() if k != "pool"}
    return static


def narrow_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """A chart's spec drawn for a phone's column: NARROW_WIDTH wide and 260 tall, five
    ticks along x, the legend under the plot. Its width is a number, which `static_spec`
    keeps."""
    config = spec.get("config", {})
    legend = {**config.get("legend", {}), "orient": "bottom", "direction": "horizontal"}
    return {
        **spec,
        "width": NARROW_WIDTH,
        "height": 260,
        "config": {**config, "legend": legend | {"columns": 4}, "axisX": {"tickCount": 5}},
    }


def static_svg(spec: dict[str, Any], width: int = 720) -> str:
    """A static SVG of a chart's spec, for readers without JavaScript (rendered offline)."""
    import vl_convert

    return slim_svg(vl_convert.vegalite_to_svg(static_spec(spec, width)))


# What vega writes into an SVG that draws nothing, and the lines it writes one element
# each. Only lines on whole pixels are joined (axes, grids, ticks): chromium draws a
# path at fractional positions a shade differently from the lines it replaces.
_NUMBER = r"-?\d+"
_EMPTY_TEXT = re.compile(r"<text\b[^>]*/>")  # the labels of hidden ticks: no text at all
_EMPTY_BACKGROUND = re.compile(r'<path class="background"[^>]* d="M0,0h0v0h0Z"[^>]*/>')
_LINE = re.compile(
    rf'<line transform="translate\(({_NUMBER}),({_NUMBER})\)" x2="({_NUMBER})" y2="({_NUMBER})"'
    r"((?: [a-z-]+=\"[^\"]*\")*)/>"
)


def slim_svg(svg: str) -> str:
    """The same picture with fewer elements: what an <img> lays out, element by element,
    on the reader's main thread (the shipped lead chart: 722 elements, 463 after).

    Empty labels and zero-size backgrounds are dropped, and each run of lines with the
    same style on whole pixels (a grid, an axis's ticks) becomes one path of as many
    segments. Nothing else changes: chromium draws the result pixel for pixel as it
    draws vega's (tests/test_charts_browser.py).
    """
    svg = _EMPTY_BACKGROUND.sub("", _EMPTY_TEXT.sub("", svg))
    out: list[str] = []
    run: list[re.Match[str]] = []

    def close_run() -> None:
        if run:
            path = "".join(f"M{m[1]},{m[2]}l{m[3]},{m[4]}" for m in run)
            style = run[0][5] if ' fill="' in run[0][5] else ' fill="none"' + run[0][5]
            out.append(f'<path d="{path}"{style}/>')
            run.clear()

    end = 0
    for line in _LINE.finditer(svg):
        if not (run and run[-1].end() == line.start() and run[-1][5] == line[5]):
            close_run()
            out.append(svg[end : line.start()])
        run.append(line)
        end = line.end()
    close_run()
    out.append(svg[end:])
    return "".join(out)


def javascript_bundle() -> str:
    """vega, vega-lite and vega-embed as one classic script, no CDN references."""
    import vl_convert

    bundle: str = vl_convert.javascript_bundle()  # type: ignore[call-arg]
    return bundle
