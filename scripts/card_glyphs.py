#!/usr/bin/env python3
"""Write builder/data/card-glyphs.json: the outlines and advances of the glyphs the share
cards draw (builder/present/cards.py), from DejaVu Sans and DejaVu Sans Bold.

A card drawn from these outlines needs no font on the machine that builds it and looks
the same on every one, and the rasterizer fills a few paths instead of shaping text
(about three times faster). Reading the fonts needs fontTools, which the build does not:

    pip install fonttools
    python3 scripts/card_glyphs.py [DejaVuSans.ttf DejaVuSans-Bold.ttf]

The fonts are Debian's fonts-dejavu-core by default. Their licence (Bitstream Vera, with
the DejaVu changes in the public domain) allows redistribution with this notice; it is
kept in builder/data/card-glyphs.LICENSE.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "builder" / "data" / "card-glyphs.json"
FONTS = Path("/usr/share/fonts/truetype/dejavu")
# Printable ASCII, Latin-1, Latin Extended-A, Greek, and the punctuation and signs cards
# write (dashes, quotes, ellipsis, the multiplication sign, subscript and superscript
# digits); a line with any other character is drawn as text.
CHARS = sorted(
    {chr(c) for c in range(0x20, 0x7F)}
    | {chr(c) for c in range(0xA0, 0x180)}
    | {chr(c) for c in range(0x391, 0x3CA)}
    | set("‐‑‒–—‘’‚“”„†‡•…‰′″‹›€™−≈≤≥·×⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉")
)


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}".rstrip("0").rstrip(".")


class RelativePen:
    """A glyph's outline as SVG path data in font units (y up): its first point absolute
    (`start`), every later one relative, so the glyph moves by changing `start` alone.
    The method names are fontTools' pen protocol."""

    def __init__(self) -> None:
        self.start: tuple[float, float] | None = None
        self.parts: list[str] = []
        self.at = (0.0, 0.0)
        self.subpath = (0.0, 0.0)

    def _rel(self, point: tuple[float, float]) -> str:
        dx, dy = point[0] - self.at[0], point[1] - self.at[1]
        self.at = point
        return f"{_number(dx)},{_number(dy)}"

    def moveTo(self, point: tuple[float, float]) -> None:
        if self.start is None:
            self.start, self.at = point, point
        else:
            self.parts.append("m" + self._rel(point))
        self.subpath = point

    def lineTo(self, point: tuple[float, float]) -> None:
        self.parts.append("l" + self._rel(point))

    def qCurveTo(self, *points: tuple[float, float]) -> None:
        # TrueType: implied on-curve points halfway between two off-curve ones
        *off, end = points
        if end is None:
            raise ValueError("a contour with no point on the curve: not drawn here")
        for i, control in enumerate(off):
            last = i == len(off) - 1
            target = (
                end
                if last
                else ((control[0] + off[i + 1][0]) / 2, (control[1] + off[i + 1][1]) / 2)
            )
            base = self.at
            c = f"{_number(control[0] - base[0])},{_number(control[1] - base[1])}"
            self.parts.append(f"q{c} " + self._rel(target))

    def curveTo(self, *points: tuple[float, float]) -> None:
        raise ValueError("a cubic outline: DejaVu's TrueType fonts have none")

    def closePath(self) -> None:
        self.parts.append("z")
        self.at = self.subpath

    endPath = closePath

    def addComponent(self, name: str, transform: Any) -> None:
        raise ValueError("components are decomposed before drawing")


def glyphs(path: Path) -> dict[str, list[Any]]:
    """Each character's [advance, start x, start y, relative path] in font units."""
    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    font = TTFont(path)
    cmap, glyph_set, metrics = font.getBestCmap(), font.getGlyphSet(), font["hmtx"].metrics
    found: dict[str, list[Any]] = {}
    for char in CHARS:
        name = cmap.get(ord(char))
        if name is None:
            continue
        recording = DecomposingRecordingPen(glyph_set)
        glyph_set[name].draw(recording)
        pen = RelativePen()
        recording.replay(pen)
        start = pen.start or (0, 0)
        found[char] = [metrics[name][0], _number(start[0]), _number(start[1]), "".join(pen.parts)]
    return found


def main(args: list[str]) -> int:
    regular, bold = (
        (Path(a) for a in args)
        if args
        else (
            FONTS / "DejaVuSans.ttf",
            FONTS / "DejaVuSans-Bold.ttf",
        )
    )
    from fontTools.ttLib import TTFont

    data = {
        "source": "DejaVu Sans and DejaVu Sans Bold (card-glyphs.LICENSE)",
        "units_per_em": TTFont(regular)["head"].unitsPerEm,
        "400": glyphs(regular),
        "700": glyphs(bold),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(
        f"{OUT.relative_to(ROOT)}: {len(data['400'])} + {len(data['700'])} glyphs, {OUT.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
