"""How the site-wide charts look: theme colours, domain colours and axis labels.

The colours are the page's light theme (site/assets/style.css `:root`), so the static
images match it; charts.js swaps each of them for the value the page's CSS custom
property has when it draws (`THEMED`), so a drawn chart follows the reader's colour
scheme, dark mode included.
"""

from __future__ import annotations

from typing import Any

# The light theme's colours, by the CSS custom property charts.js reads in their place.
THEMED: dict[str, str] = {
    "--fg": "#1b1e1c",  # chart text: labels of points, whiskers, the selected point's ring
    "--muted": "#5b625e",  # axis and legend text
    "--line": "#d9ddd8",  # gridlines, axis lines and ticks
    "--accent": "#1f6f4a",  # bars
}
FG, MUTED, LINE, ACCENT = (THEMED[k] for k in ("--fg", "--muted", "--line", "--accent"))

# Vega's "tableau10" scheme, in order: each domain keeps its colour whatever the chart
# shows, so a legend that lists only the domains with data does not recolour the rest.
TABLEAU10 = (
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)

# The largest points of a scatter plot named on it, by their value on the y axis.
LABELLED = 3


# The charts' text: faces with Arial's metrics. A static image is laid out once, by
# vl-convert with the builder's fonts, and its text drawn later with the reader's. With
# the page's system-ui the two differ (DejaVu Sans is 17% wider than Liberation Sans),
# which cut the lead chart's last legend label off in a browser. Arial (Windows, macOS),
# Helvetica (Apple) and Liberation Sans (Linux) share one set of advance widths, so the
# image's text fits wherever one of them is, and the drawn chart that replaces the image
# looks the same.
FONT = "Arial, Helvetica, Liberation Sans, sans-serif"


def base_config() -> dict[str, Any]:
    """The charts' shared configuration (light theme)."""
    text = {"labelColor": MUTED, "titleColor": MUTED}
    return {
        "background": "transparent",
        "font": FONT,
        "axis": {**text, "gridColor": LINE, "domainColor": LINE, "tickColor": LINE},
        "legend": text,
        "title": {"color": MUTED, "anchor": "start"},
        "text": {"color": FG},
        "rule": {"color": FG},
        "bar": {"color": ACCENT},
        "view": {"stroke": None},
    }


def colour_scale(shown: list[str], labels: dict[str, str], keys: tuple[str, ...]) -> dict[str, Any]:
    """A domain colour scale of only the domains (by key) that have data, each in the
    colour of its place in `keys`."""
    order = [k for k in keys if k in shown]
    return {
        "domain": [labels[k] for k in order],
        "range": [TABLEAU10[keys.index(k) % len(TABLEAU10)] for k in order],
    }


def _superscript(expr: str) -> str:
    """A vega expression: the digits and minus sign of the string `expr` as superscripts."""
    for plain, raised in zip("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹", strict=True):
        expr = f"replace({expr}, regexp('{plain}', 'g'), '{raised}')"
    return expr


def axis_label_expr(small: float = 1e-3, large: float = 1e6) -> str:
    """A vega expression labelling a quantitative axis: plain numbers with thousands
    separators between `small` and `large`, powers of ten beyond ("10²¹", "3×10²¹")
    instead of vega's "1e+21"; the ticks vega leaves unlabelled stay so."""
    v = "datum.value"
    exponent = f"floor(log(abs({v})) / LN10 + 1e-9)"
    mantissa = f"({v} / pow(10, {exponent}))"
    power = (
        f"(abs({mantissa} - 1) < 1e-9 ? '' : format({mantissa}, '.2~g') + '×') + '10' + "
        + _superscript(f"format({exponent}, 'd')")
    )
    plain = f"format({v}, ',~g')"
    # vega's own label is empty where it leaves a tick unlabelled (between a log
    # axis's decades, when they are crowded): those stay unlabelled
    return (
        f"datum.label === '' ? '' : {v} == 0 ? '0' : "
        f"abs({v}) >= {large:g} || abs({v}) < {small:g} ? {power} : {plain}"
    )
