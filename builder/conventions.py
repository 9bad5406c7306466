"""What every stage agrees on, said once: domains, page paths, the flag threshold, rounding.

Entries, the computation, the exports, the pages, the charts and the contributor
tools all import these names, so a change here reaches every output together.
This module imports nothing from the builder, so that any of them may use it.
"""

from __future__ import annotations

import math
from typing import overload


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown.

    scripts/update-translations runs Babel with `--keywords N_`: every literal passed
    to a function of this name, in any module, becomes a message of the catalogs.
    """
    return message


# What a model works on, in the order charts colour them and filters list them. Each key
# is also its English label (a message of the catalogs).
DOMAINS: tuple[str, ...] = (
    N_("language"),
    N_("code"),
    N_("vision"),
    N_("multimodal"),
    N_("speech"),
    N_("science"),
    N_("other"),
)
# An entry that gives no domain is shown as this one.
UNKNOWN_DOMAIN = N_("unknown")
CHART_DOMAINS: tuple[str, ...] = (*DOMAINS, UNKNOWN_DOMAIN)


# Each basis of the figures (see builder/entries/schema.py BASES, in that order) and the
# short label the leaderboard shows for it.
BASIS_LABELS: dict[str, str] = {
    "hardware-time": N_("Hardware × time"),
    "reported-energy": N_("Reported energy"),
    "reported-co2e": N_("Reported CO2e"),
    "compute-estimate": N_("Compute estimate"),
}


def model_path(entry_id: str) -> str:
    """A model page's path below a language's root, e.g. `models/google/t5.html`."""
    return f"models/{entry_id}.html"


# Computed and reported figures whose ratio is further than this from 1 are flagged.
FLAG_RATIO = 0.10
FLAG_PERCENT = f"{FLAG_RATIO:.0%}"  # as the pages' text writes it: "10%"


def is_flagged(ratio: float | None) -> bool:
    """True when computed and reported differ by more than FLAG_RATIO."""
    return ratio is not None and abs(ratio - 1.0) > FLAG_RATIO


# Significant digits of every figure the site publishes as data (dataset, chart data)...
FIGURE_DIGITS = 6
# ...and of a figure written for people (pages, previews, messages).
SHOWN_DIGITS = 3
# A figure shown with a range is an estimate: it keeps SHOWN_DIGITS significant digits, its
# bounds RANGE_DIGITS, whole digits included (11,028 reads 11,000; 2,323–15,049 reads
# 2,300–15,000), so no digit claims more than the range allows.
RANGE_DIGITS = 2


@overload
def significant(x: None, digits: int = FIGURE_DIGITS) -> None: ...
@overload
def significant(x: float, digits: int = FIGURE_DIGITS) -> float: ...
def significant(x: float | None, digits: int = FIGURE_DIGITS) -> float | None:
    """`x` rounded to `digits` significant digits; an integer when it is a whole number.

    The one rounding of figures: the dataset, the chart data and the text people read
    (format_number) all go through it, so they never disagree about a value.
    """
    if x is None:
        return None
    if x == 0 or not math.isfinite(x):
        return x
    rounded = round(x, digits - 1 - math.floor(math.log10(abs(x))))
    if float(rounded).is_integer() and abs(rounded) < 1e15:
        return int(rounded)
    return rounded


def format_number(x: float | None, digits: int = SHOWN_DIGITS) -> str:
    """A figure for people: `digits` significant digits, thousands separators, '—' if unknown.

    Whole digits are never dropped: 123456 stays `123,456` at three digits.
    """
    if x is None:
        return "—"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 15 or magnitude < -4:
        return f"{x:.{digits - 1}e}".replace("e+", "e")
    decimals = max(0, digits - 1 - magnitude)
    shown = significant(x, digits) if decimals else round(x)
    text = f"{shown:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float) -> str:
    """A count with thousands separators, or a measured value to FIGURE_DIGITS digits."""
    return f"{value:,}" if isinstance(value, int) else format_number(value, FIGURE_DIGITS)


def format_estimate(x: float | None, digits: int = SHOWN_DIGITS) -> str:
    """A figure that carries a range: `digits` significant digits, whole digits too.

    Unlike format_number, which keeps every whole digit (123,456), an estimate drops what
    its range makes meaningless: 11,028 at three digits is `11,000`.
    """
    return format_number(significant(x, digits), digits)
