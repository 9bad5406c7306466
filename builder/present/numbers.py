"""Numbers as people read them; shared by pages, charts and previews."""

from __future__ import annotations

import math


def format_number(x: float | int | None, digits: int = 3) -> str:
    """A figure for people: `digits` significant digits, thousands separators, '—' if unknown."""
    if x is None:
        return "—"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 15 or magnitude < -4:
        return f"{x:.{digits - 1}e}".replace("e+", "e")
    decimals = max(0, digits - 1 - magnitude)
    text = f"{round(x, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: int | float) -> str:
    """A count with thousands separators, or a measured value to 6 significant digits."""
    return f"{value:,}" if isinstance(value, int) else format_number(value, 6)
