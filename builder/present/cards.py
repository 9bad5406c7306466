"""Share cards: the image a link to a page shows (`og:image`), one PNG per model and one
for the site, drawn from an SVG made here and rasterized with vl-convert.

A card holds the model's name, its CO2e with the range and the basis of the figure. Cards
are in English for every language: one card a model, shared by both, since a card in each
language would draw twice as many (and the rasterizer finds Chinese glyphs only where a
CJK font is installed). Each costs about 30 ms to draw; a build with a cache keeps a
model's card while its entry and the site-wide inputs are unchanged (see
`builder.present.site`).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from builder.conventions import BASIS_LABELS, format_estimate, format_number, model_path
from builder.hashing import content_key

# part of every model card's key: a change to how cards are drawn draws them again
CODE = content_key(Path(__file__).read_bytes())

CARD_SIZE = (1200, 630)  # the size Open Graph and most sites show large
SCALE = 0.5  # drawn at half size, 600 x 315, the smallest that previews still show large
INDEX_CARD = "cards/index.png"
_FONT = "sans-serif"  # the rasterizer's own default sans-serif face, which it finds fastest
_BG, _FG, _MUTED, _ACCENT = "#fbfbf8", "#1b1e1c", "#5b625e", "#1f6f4a"
TEXT_WIDTH = CARD_SIZE[0] - 70 - 50  # from the left margin to the right one


def card_path(entry_id: str) -> str:
    """Where a model's card is, below the site's root (shared by every language)."""
    return "cards/" + model_path(entry_id).removesuffix(".html") + ".png"


def _fit(text: str, size: int, bold: bool = False) -> tuple[str, int]:
    """A line and its font size within the card's text width: drawn smaller when long,
    down to three quarters of `size`, then cut with an ellipsis (widths estimated from
    a generous average advance of a sans-serif face)."""
    advance = 0.68 if bold else 0.6  # of the font size, per character
    fits = int(TEXT_WIDTH / (size * advance))
    if len(text) > fits:
        size = max(size * 3 // 4, int(TEXT_WIDTH / (len(text) * advance)))
        fits = int(TEXT_WIDTH / (size * advance))
    if len(text) > fits:
        text = text[: fits - 1].rstrip() + "…"
    return text, size


def _line(x: int, y: int, text: str, size: int, fill: str, weight: str = "400") -> str:
    return (
        f'<tspan x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" '
        f'fill="{fill}">{escape(text)}</tspan>'
    )


def card_svg(title: str, value: str, lines: list[str], site: str) -> str:
    """A card: a title, a large figure, a few lines under it, and the site's name.

    All its text is one <text> element: the rasterizer's cost is mostly per element.
    """
    width, height = CARD_SIZE
    head, head_size = _fit(title, 64, bold=True)
    big, big_size = _fit(value, 112, bold=True)
    spans = [
        _line(70, 130, head, head_size, _FG, "700"),
        _line(70, 300, big, big_size, _ACCENT, "700"),
    ]
    for n, line in enumerate(lines[:3]):
        text, size = _fit(line, 40)
        spans.append(_line(70, 380 + n * 56, text, size, _MUTED))
    spans.append(_line(70, height - 50, site, 30, _FG, "700"))
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}">',
            f'<rect width="{width}" height="{height}" fill="{_BG}"/>',
            f'<rect width="18" height="{height}" fill="{_ACCENT}"/>',
            f'<text font-family="{_FONT}">{"".join(spans)}</text>',
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
