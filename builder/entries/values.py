"""Checks of single values against their declaration: text, numbers, dates and links."""

from __future__ import annotations

import datetime
import difflib
import math
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from builder.entries.errors import Collector
from builder.entries.markdown_limits import check_markdown
from builder.entries.schema import Field
from builder.entries.yaml_tree import Node

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?\Z")
# Characters no text field may hold (a double-quoted YAML string can write them as escapes):
# C0 and C1 controls but tab, newline and carriage return, and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Fields whose text names something: characters that show nothing (Unicode format
# characters: bidi controls, zero-width characters, soft hyphens, tags; and the Hangul
# fillers, which are letters that draw as blanks) could make two names look alike or reorder
# what a reader sees.
_PLAIN_NAMES = frozenset({"name", "organization"})
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")


def _invisible(text: str) -> str | None:
    """The first character of `text` that shows nothing, or None."""
    if text.isascii():
        return None
    return next((c for c in text if c in _FILLERS or unicodedata.category(c) == "Cf"), None)


def format_number(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    return f"{x:g}" if isinstance(x, float) else str(x)


def _shown(text: str, limit: int = 60) -> str:
    """User text quoted in a message, cut short so one bad value cannot flood the output."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text '{shown}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def check_scalar(node: Node, spec: Field, name: str, out: Collector) -> Any:
    """Check a value that is not an object or a list; the clean value, or None on error."""
    if spec.kind in ("number", "integer"):
        return check_number(node, spec, name, out)
    if spec.kind == "date":
        return check_date(node, name, out)
    value = node.value
    if not isinstance(value, str):
        hint = "put the value in quotes" if isinstance(value, (int, float, bool)) else ""
        out.add(node, name, f"must be text, got {describe(value)}", hint)
        return None
    if not _check_characters(node, value, name, out):
        return None
    text = value.strip()
    if not text:
        out.add(node, name, "must not be empty")
        return None
    if spec.max_length is not None and len(value) > spec.max_length:
        out.add(node, name, f"must be at most {spec.max_length:,} characters, got {len(value):,}")
        return None
    if spec.kind == "url":
        return check_url(node, text, name, out)
    if spec.kind == "enum" and text not in spec.choices:
        close = difflib.get_close_matches(text, spec.choices, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(spec.choices)
        out.add(node, name, f"'{_shown(text)}' is not allowed", hint)
        return None
    if spec.kind == "markdown":
        return value if check_markdown(node, value, name, out) else None
    return text


def _check_characters(node: Node, value: str, name: str, out: Collector) -> bool:
    """Refuse control characters anywhere, and invisible ones in the names of things."""
    control = _CONTROL.search(value)
    if control is not None:
        out.add(
            node,
            name,
            f"must not contain the control character U+{ord(control.group()):04X}",
            "remove it; in double quotes it is written as an escape such as \\0",
        )
        return False
    hidden = _invisible(value) if name in _PLAIN_NAMES else None
    if hidden is not None:
        out.add(
            node,
            name,
            f"must not contain the invisible character U+{ord(hidden):04X} "
            f"{unicodedata.name(hidden, '')}".rstrip(),
            "delete it: it changes how the text reads or compares without showing; "
            "in double quotes it would be an escape such as \\u202e",
        )
        return False
    return True


def check_number(node: Node, spec: Field, name: str, out: Collector) -> Any:
    value = node.value
    unit = f" {spec.unit}" if spec.unit else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = ""
        if isinstance(value, str) and node.quoted:
            hint = "remove the quotes"
        elif isinstance(value, str) and re.search(r"\d", value):
            hint = "write a plain number such as 1.7e6 or 10_000, without units or commas"
        out.add(node, name, f"must be a number, got {describe(value)}", hint)
        return None
    if isinstance(value, float) and not math.isfinite(value):
        written = _written(node, out)
        hint = (
            "it is too large for a number; check the unit and the number of zeros"
            if re.match(r"[-+]?[0-9]", written)
            else ""
        )
        out.add(node, name, f"must be a finite number, got {value}", hint)
        return None
    if spec.kind == "integer" and not float(value).is_integer():
        out.add(node, name, f"must be a whole number, got {format_number(value)}")
        return None
    if spec.exclusive_minimum is not None and value <= spec.exclusive_minimum:
        out.add(
            node,
            name,
            f"must be > {format_number(spec.exclusive_minimum)}{unit}, got {format_number(value)}",
        )
        return None
    if spec.minimum is not None and value < spec.minimum:
        out.add(
            node,
            name,
            f"must be >= {format_number(spec.minimum)}{unit}, got {format_number(value)}",
        )
        return None
    if spec.maximum is not None and value > spec.maximum:
        out.add(
            node,
            name,
            f"must be <= {format_number(spec.maximum)}{unit} (plausibility bound), "
            f"got {format_number(value)}",
            "check the unit and the number of zeros",
        )
        return None
    return int(value) if spec.kind == "integer" else value


def _written(node: Node, out: Collector) -> str:
    """The file's text from where a node starts to the end of that line."""
    lines = out.text.splitlines()
    here = lines[node.line - 1] if 0 < node.line <= len(lines) else ""
    return here[node.column - 1 :]


def check_date(node: Node, name: str, out: Collector) -> str | None:
    value = node.value
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    match = _DATE.match(text)
    if not match:
        out.add(node, name, f"must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {describe(value)}")
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        datetime.date(year, month or 1, day or 1)
    except ValueError:
        out.add(node, name, f"'{text}' is not a real date")
        return None
    if not 1950 <= year <= 2100:
        out.add(node, name, f"year must be between 1950 and 2100, got {year}")
        return None
    return text


def check_url(node: Node, text: str, name: str, out: Collector) -> str | None:
    try:
        parts = urlsplit(text)
    except ValueError:  # an unclosed '[' of an IPv6 address, characters NFKC would change
        out.add(node, name, f"'{_shown(text)}' is not a valid web address")
        return None
    if parts.scheme not in ("http", "https"):
        shown = f"a '{_shown(parts.scheme)}:' link" if parts.scheme else f"'{_shown(text)}'"
        out.add(
            node,
            name,
            f"only http and https links are allowed, got {shown}",
            "link to the document's web address",
        )
        return None
    if not parts.netloc or any(c.isspace() for c in text) or "<" in text or ">" in text:
        hint = "write a space as %20" if " " in text.strip() else ""
        out.add(node, name, f"'{_shown(text)}' is not a valid web address", hint)
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError:
        out.add(
            node,
            name,
            f"'{_shown(text)}' has an invalid port",
            "a port is a number from 0 to 65535; most links have none",
        )
        return None
    return text
