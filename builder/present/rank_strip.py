"""A model's place among all entries: the rank strip of its page, over a histogram of
every entry's CO2e (one shared image)."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from html import escape

from builder.entries.model import Result
from builder.present.i18n import SOURCE, Language, formats, translations

# The rank strip's axis is fixed, so a model page depends on its own figures and rank only.
AXIS_MIN_T, AXIS_MAX_T = 1e-3, 1e5
STRIP_WIDTH, STRIP_HEIGHT, STRIP_PAD = 640, 64, 12
BINS = 48


def _strip_x(value: float) -> float:
    lo, hi = math.log10(AXIS_MIN_T), math.log10(AXIS_MAX_T)
    v = min(max(value, AXIS_MIN_T), AXIS_MAX_T)
    return STRIP_PAD + (math.log10(v) - lo) / (hi - lo) * (STRIP_WIDTH - 2 * STRIP_PAD)


def distribution_svg(co2e_t: Iterable[float]) -> str:
    """All entries' CO2e (t) as a histogram on the strip's log axis: one shared image."""
    lo, hi = math.log10(AXIS_MIN_T), math.log10(AXIS_MAX_T)
    counts = [0] * BINS
    for value in co2e_t:
        v = min(max(value, AXIS_MIN_T), AXIS_MAX_T * 0.999999)
        counts[int((math.log10(v) - lo) / (hi - lo) * BINS)] += 1
    top = max(counts) or 1
    step = (STRIP_WIDTH - 2 * STRIP_PAD) / BINS
    bars = "".join(
        f'<rect x="{STRIP_PAD + i * step:.1f}" y="{38 - 20 * c / top:.1f}" '
        f'width="{step - 1:.1f}" height="{20 * c / top:.1f}"/>'
        for i, c in enumerate(counts)
        if c
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {STRIP_WIDTH} {STRIP_HEIGHT}"'
        f' width="{STRIP_WIDTH}" height="{STRIP_HEIGHT}"><g fill="#8a948e" opacity="0.7">'
        f"{bars}</g></svg>\n"
    )


def rank_strip(
    r: Result, rank: tuple[int, int], total: int, root: str, language: Language = SOURCE
) -> str:
    """A small inline SVG: where this model sits on a log axis of CO2e, over all entries;
    `rank` is its best and worst rank among `total` training runs."""
    _ = translations(language).gettext
    fmt = formats(language)
    best, worst = rank
    shown = fmt.integer(best) if best == worst else f"{fmt.integer(best)}–{fmt.integer(worst)}"
    spread = r.co2e_t_low != r.co2e_t_high
    label = _(
        "%(model)s ranks %(rank)s of %(total)s training runs by emissions (%(co2e)s t CO2e); "
        "where ranges overlap, a rank is a range. The bars show how many models fall at "
        "each level."
    ) % {
        "model": r.entry.name,
        "rank": shown,
        "total": fmt.integer(total),
        "co2e": fmt.estimate(r.co2e_t) if spread else fmt.number(r.co2e_t),
    }
    axis = _strip_axis(language)
    place = _("#%(rank)s of %(total)s") % {"rank": shown, "total": fmt.integer(total)}
    mx = _strip_x(r.co2e_t)
    return (
        f'<svg class="rank-strip" viewBox="0 0 {STRIP_WIDTH} {STRIP_HEIGHT}" role="img" '
        f'aria-labelledby="rank-title" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="rank-title">{escape(label)}</title>'
        f'<image href="{escape(root)}charts/distribution.svg" x="0" y="0" '
        f'width="{STRIP_WIDTH}" height="{STRIP_HEIGHT}"/>'
        f'<line x1="{STRIP_PAD}" x2="{STRIP_WIDTH - STRIP_PAD}" y1="38" y2="38" class="baseline"/>'
        f"{axis}"
        f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="14" y2="40" class="me-line"/>'
        f'<circle cx="{mx:.1f}" cy="38" r="6" class="me"/>'
        f'<text x="{min(max(mx, 40), STRIP_WIDTH - 40):.1f}" y="11" class="me-label">'
        f"{escape(place)}</text></svg>"
    )


@functools.cache
def _strip_axis(language: Language) -> str:
    """The strip's decade labels, the same on every model page of a language."""
    fmt = formats(language)
    unit = translations(language).gettext("%(value)s t")
    decades = range(round(math.log10(AXIS_MIN_T)), round(math.log10(AXIS_MAX_T)) + 1)
    shown = [d for d in decades if d % 2 == 1]
    # The end labels align inward, so that no language's wider units are clipped.
    anchor = {shown[0]: ' text-anchor="start"', shown[-1]: ' text-anchor="end"'}
    return "".join(
        f'<text x="{_strip_x(10.0**d):.1f}" y="56" class="axis-label"{anchor.get(d, "")}>'
        f"{escape(unit % {'value': fmt.number(10.0**d)})}</text>"
        for d in shown
    )
