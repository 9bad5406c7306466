"""Share cards: the image a link to a page shows (`og:image`), one PNG per model and one
for the site, drawn from an SVG made here and rasterized with vl-convert.

A card holds the model's name, its CO2e with the range and the basis of the figure. Cards
are in English for every language: one card a model, shared by both. Their text is drawn
from glyph outlines shipped with the package (`builder/data/card-glyphs.json`, DejaVu
Sans, made by scripts/card_glyphs.py): one path a line, the same on every machine, and
about three times faster to rasterize than text, which the rasterizer shapes glyph by
glyph with the machine's fonts. A line with a character the outlines lack is drawn as
text. A build with a cache keeps a model's card while its entry and the site-wide inputs
are unchanged (see `builder.present.site`).
"""

from __future__ import annotations

import functools
import json
from html import escape
from pathlib import Path
from typing import Any

from builder.catalog import DATA_DIR
from builder.conventions import BASIS_LABELS, format_estimate, format_number, model_path
from builder.hashing import content_key

GLYPHS = DATA_DIR / "card-glyphs.json"
# part of every model card's key: a change to how cards are drawn draws them again
CODE = content_key(Path(__file__).read_bytes() + GLYPHS.read_bytes())

CARD_SIZE = (1200, 630)  # the size Open Graph and most sites show large
SCALE = 0.5  # drawn at half size, 600 x 315, the smallest that previews still show large
INDEX_CARD = "cards/index.png"
_FONT = "sans-serif"  # for a line the outlines cannot draw: the rasterizer's own face
_BG, _FG, _MUTED, _ACCENT = "#fbfbf8", "#1b1e1c", "#5b625e", "#1f6f4a"
TEXT_WIDTH = CARD_SIZE[0] - 70 - 50  # from the left margin to the right one


def card_path(entry_id: str) -> str:
    """Where a model's card is, below the site's root (shared by every language)."""
    return "cards/" + model_path(entry_id).removesuffix(".html") + ".png"


@functools.cache
def _glyphs() -> dict[str, Any]:
    glyphs: dict[str, Any] = json.loads(GLYPHS.read_text(encoding="utf-8"))
    return glyphs


def _width(text: str, size: float, weight: str) -> float:
    """The line's width at `size`: from the outlines' advances where they have every
    character, else from a generous average advance of a sans-serif face."""
    glyphs = _glyphs()
    face = glyphs[weight]
    if all(c in face for c in text):
        width: float = sum(face[c][0] for c in text) * size / glyphs["units_per_em"]
        return width
    return len(text) * size * (0.68 if weight == "700" else 0.6)


def _fit(text: str, size: int, weight: str = "400") -> tuple[str, int]:
    """A line and its font size within the card's text width: drawn smaller when long,
    down to three quarters of `size`, then cut with an ellipsis."""
    width = _width(text, size, weight)
    if width > TEXT_WIDTH:
        size = max(size * 3 // 4, int(size * TEXT_WIDTH / width))
    while len(text) > 1 and _width(text, size, weight) > TEXT_WIDTH:
        text = text.removesuffix("…")[:-1].rstrip() + "…"
    return text, size


def _line(x: int, y: int, text: str, size: int, fill: str, weight: str = "400") -> str:
    """A line as one path of its glyphs' outlines, or as a <text> when they lack one of
    its characters."""
    glyphs = _glyphs()
    face = glyphs[weight]
    if not all(c in face for c in text):
        return (
            f'<text font-family="{_FONT}" x="{x}" y="{y}" font-size="{size}" '
            f'font-weight="{weight}" fill="{fill}">{escape(text)}</text>'
        )
    pen, parts = 0, []
    for c in text:
        advance, start_x, start_y, outline = face[c]
        if outline:  # a space has none
            parts.append(f"M{pen + float(start_x):g},{start_y}{outline}")
        pen += advance
    scale = f"{size / glyphs['units_per_em']:.6g}"
    return (
        f'<path transform="translate({x},{y}) scale({scale},-{scale})" '
        f'd="{"".join(parts)}" fill="{fill}"/>'
    )


def card_svg(title: str, value: str, lines: list[str], site: str) -> str:
    """A card: a title, a large figure, a few lines under it, and the site's name."""
    width, height = CARD_SIZE
    head, head_size = _fit(title, 64, "700")
    big, big_size = _fit(value, 112, "700")
    drawn = [
        _line(70, 130, head, head_size, _FG, "700"),
        _line(70, 300, big, big_size, _ACCENT, "700"),
    ]
    for n, line in enumerate(lines[:3]):
        text, size = _fit(line, 40)
        drawn.append(_line(70, 380 + n * 56, text, size, _MUTED))
    drawn.append(_line(70, height - 50, site, 30, _FG, "700"))
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">',
            f'<rect width="{width}" height="{height}" fill="{_BG}"/>',
            f'<rect width="18" height="{height}" fill="{_ACCENT}"/>',
            *drawn,
            "</svg>",
        ]
    )


def model_card(
    name: str, organization: str, co2e_t: float, low: float, high: float, basis: str, site: str
) -> str:
    """A model's card: its CO2e with the range, and the basis of the figure."""
    lines = [f"{organization}: training emissions"]
    basis_line = f"Basis: {BASIS_LABELS.get(basis, basis)}"
    if low == high:  # a reported figure, as reported
        return card_svg(name, f"{format_number(co2e_t)} t CO2e", [*lines, basis_line], site)
    lines.append(f"range {format_estimate(low, 2)}–{format_estimate(high, 2)} t CO2e")
    return card_svg(name, f"{format_estimate(co2e_t)} t CO2e", [*lines, basis_line], site)


def png(svg: str) -> bytes:
    """The card as PNG, at SCALE."""
    import vl_convert  # loaded by the builds that draw a card only

    return bytes(vl_convert.svg_to_png(svg, scale=SCALE))
