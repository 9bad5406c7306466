"""Raw entry trees -> Entry values, or every error found in them (not just the first)."""

from __future__ import annotations

import datetime
import difflib
import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from builder.entries.errors import EntryError
from builder.entries.load import Node, RawEntry
from builder.entries.model import Entry, Reported, SourceRef, Training
from builder.entries.schema import ENTRY, Field

KeyLookup = Callable[[], Iterable[str]]
HardwareLookup = Callable[[], Mapping[str, bool]]

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


# Markdown the renderer handles in bounded time. Python-Markdown recurses once per nested
# list or quote (a few thousand `1. ` on one line exhaust the stack), and some patterns
# cost time quadratic in the length of a paragraph or in the number of '[' (each scans
# for its ']') and '<' (each is tried as raw HTML).
MARKDOWN_MAX_DEPTH = 10
MARKDOWN_MAX_PARAGRAPH = 4000
MARKDOWN_MAX_MARKS = 200
_MARK_HINTS = {
    "[": "link to fewer documents; list the others under sources",
    "<": "write 'less than' in words; HTML tags are removed anyway",
}
_MD_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|\Z))")
_MD_BLANK = re.compile(r"\n[ \t]*\n")


class _Collector:
    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.errors: list[EntryError] = []
        self.lines: dict[str, int] = {}

    def add(
        self, node_or_pos: Node | tuple[int, int], field: str, message: str, hint: str = ""
    ) -> None:
        if isinstance(node_or_pos, Node):
            line, col = node_or_pos.line, node_or_pos.column
        else:
            line, col = node_or_pos
        self.errors.append(EntryError(self.path, line, col, field, message, hint))


def _fmt(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        x = int(x)
    return f"{x:g}" if isinstance(x, float) else str(x)


def _shown(text: str, limit: int = 60) -> str:
    """User text quoted in a message, cut short so one bad value cannot flood the output."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe(value: Any) -> str:
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


def _check_value(node: Node, spec: Field, name: str, out: _Collector) -> Any:
    """Check one value against its declaration; return the clean value or None on error."""
    value = node.value
    if spec.kind == "object":
        if not isinstance(value, dict):
            out.add(
                node,
                name,
                f"must be a mapping of keys, got {_describe(value)}",
                "write one `key: value` per line, indented below",
            )
            return None
        return _check_mapping(node, spec, name, out)
    if spec.kind == "list":
        if not isinstance(value, list):
            out.add(
                node,
                name,
                f"must be a list, got {_describe(value)}",
                "write each item on its own line starting with '- '",
            )
            return None
        if len(value) < spec.min_items:
            out.add(
                node,
                name,
                f"needs at least {spec.min_items} item" + ("s" if spec.min_items > 1 else ""),
                "add `- {url: ..., title: ...}`" if name == "sources" else "",
            )
            return None
        assert spec.item is not None
        items = [
            _check_value(child, spec.item, f"{name}[{i}]", out) for i, child in enumerate(value)
        ]
        return None if any(i is None for i in items) else items
    if spec.kind in ("number", "integer"):
        return _check_number(node, spec, name, out)
    if spec.kind == "date":
        return _check_date(node, name, out)
    if not isinstance(value, str):
        hint = "put the value in quotes" if isinstance(value, (int, float, bool)) else ""
        out.add(node, name, f"must be text, got {_describe(value)}", hint)
        return None
    control = _CONTROL.search(value)
    if control is not None:
        out.add(
            node,
            name,
            f"must not contain the control character U+{ord(control.group()):04X}",
            "remove it; in double quotes it is written as an escape such as \\0",
        )
        return None
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
        return None
    text = value.strip()
    if not text:
        out.add(node, name, "must not be empty")
        return None
    if spec.max_length is not None and len(value) > spec.max_length:
        out.add(node, name, f"must be at most {spec.max_length:,} characters, got {len(value):,}")
        return None
    if spec.kind == "url":
        return _check_url(node, text, name, out)
    if spec.kind == "enum" and text not in spec.choices:
        close = difflib.get_close_matches(text, spec.choices, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(spec.choices)
        out.add(node, name, f"'{_shown(text)}' is not allowed", hint)
        return None
    if spec.kind == "markdown":
        return value if _check_markdown(node, value, name, out) else None
    return text


def _text_position(node: Node, index: int, out: _Collector) -> tuple[int, int]:
    """File position of character `index` of a scalar's value.

    Exact for a literal block (`notes: |`), whose lines are the file's lines below the
    key; any other style folds lines, so the value's own start is the best place to point.
    """
    if node.style != "|":
        return node.line, node.column
    line = node.line + node.value.count("\n", 0, index) + 1 if isinstance(node.value, str) else 0
    file_lines = out.text.splitlines()
    here = file_lines[line - 1] if 0 < line <= len(file_lines) else ""
    if not here.strip():
        return node.line, node.column
    return line, len(here) - len(here.lstrip()) + 1


def _markdown_depth(line: str) -> int:
    """How many lists and quotes a Markdown line is nested in, by indentation and markers."""
    expanded = line.expandtabs(4)
    depth = (len(expanded) - len(expanded.lstrip(" "))) // 4
    pos = 0
    while True:
        marker = _MD_CONTAINER.match(line, pos)
        if marker is None or marker.end() == pos:
            return depth
        depth += 1
        pos = marker.end()


def _check_markdown(node: Node, value: str, name: str, out: _Collector) -> bool:
    """Refuse Markdown that would take the renderer unbounded time or stack."""
    start = 0
    for line in value.split("\n"):
        depth = _markdown_depth(line)
        if depth > MARKDOWN_MAX_DEPTH:
            out.add(
                _text_position(node, start, out),
                name,
                f"lists and quotes nest {depth} levels deep here, "
                f"over the limit of {MARKDOWN_MAX_DEPTH}",
                "flatten the nesting",
            )
            return False
        start += len(line) + 1
    start = 0
    for gap in [*_MD_BLANK.finditer(value), None]:
        end = gap.start() if gap else len(value)
        length = len(value[start:end].strip())
        if length > MARKDOWN_MAX_PARAGRAPH:
            first = start + len(value[start:end]) - len(value[start:end].lstrip())
            out.add(
                _text_position(node, first, out),
                name,
                f"a paragraph of {length:,} characters is over the "
                f"{MARKDOWN_MAX_PARAGRAPH:,}-character limit",
                "split it with blank lines",
            )
            return False
        start = gap.end() if gap else len(value)
    for mark, hint in _MARK_HINTS.items():
        count = value.count(mark)
        if count > MARKDOWN_MAX_MARKS:
            over = -1
            for _ in range(MARKDOWN_MAX_MARKS + 1):
                over = value.index(mark, over + 1)
            out.add(
                _text_position(node, over, out),
                name,
                f"has {count:,} '{mark}' characters, over the limit of {MARKDOWN_MAX_MARKS}",
                hint,
            )
            return False
    return True


def _check_number(node: Node, spec: Field, name: str, out: _Collector) -> Any:
    value = node.value
    unit = f" {spec.unit}" if spec.unit else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        hint = ""
        if isinstance(value, str) and node.quoted:
            hint = "remove the quotes"
        elif isinstance(value, str) and re.search(r"\d", value):
            hint = "write a plain number such as 1.7e6 or 10_000, without units or commas"
        out.add(node, name, f"must be a number, got {_describe(value)}", hint)
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
        out.add(node, name, f"must be a whole number, got {_fmt(value)}")
        return None
    if spec.exclusive_minimum is not None and value <= spec.exclusive_minimum:
        out.add(node, name, f"must be > {_fmt(spec.exclusive_minimum)}{unit}, got {_fmt(value)}")
        return None
    if spec.minimum is not None and value < spec.minimum:
        out.add(node, name, f"must be >= {_fmt(spec.minimum)}{unit}, got {_fmt(value)}")
        return None
    if spec.maximum is not None and value > spec.maximum:
        out.add(
            node,
            name,
            f"must be <= {_fmt(spec.maximum)}{unit} (plausibility bound), got {_fmt(value)}",
            "check the unit and the number of zeros",
        )
        return None
    return int(value) if spec.kind == "integer" else value


def _written(node: Node, out: _Collector) -> str:
    """The file's text from where a node starts to the end of that line."""
    lines = out.text.splitlines()
    here = lines[node.line - 1] if 0 < node.line <= len(lines) else ""
    return here[node.column - 1 :]


def _check_date(node: Node, name: str, out: _Collector) -> str | None:
    value = node.value
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    match = _DATE.match(text)
    if not match:
        out.add(
            node, name, f"must be a date as YYYY, YYYY-MM or YYYY-MM-DD, got {_describe(value)}"
        )
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


def _check_url(node: Node, text: str, name: str, out: _Collector) -> str | None:
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


def _check_mapping(node: Node, spec: Field, name: str, out: _Collector) -> dict[str, Any] | None:
    assert isinstance(node.value, dict)
    prefix = f"{name}." if name else ""
    clean: dict[str, Any] = {}
    ok = True
    for key, child in node.value.items():
        line, col = node.keys[key]
        # one copy of "training.pue" for all entries, not one each: the build keeps them all
        path = sys.intern(prefix + key)
        out.lines.setdefault(path, line)
        if key not in spec.fields:
            close = difflib.get_close_matches(key, list(spec.fields), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else "allowed keys: " + ", ".join(spec.fields)
            )
            out.add((line, col), path, "unknown key", hint)
            ok = False
            continue
        if child.value is None:
            continue  # an empty value means "not given"
        checked = _check_value(child, spec.fields[key], path, out)
        if checked is None:
            ok = False
        else:
            clean[key] = checked
    for key, sub in spec.fields.items():
        if (
            sub.required
            and key not in clean
            and key in node.value
            and node.value[key].value is None
        ):
            out.add(node.value[key], prefix + key, "is required but empty")
            ok = False
        elif sub.required and key not in node.value:
            out.add(
                node,
                prefix + key,
                "required key is missing",
                f"add `{key}:`"
                + (f", for example `{key}: {sub.example}`" if sub.example is not None else ""),
            )
            ok = False
    return clean if ok else None


def _check_training(
    node: Node,
    training: dict[str, Any],
    out: _Collector,
    hardware_index: HardwareLookup,
    region_keys: KeyLookup,
) -> bool:
    """Rules that span several keys: the duration, and catalog lookups."""
    fields = node.value if isinstance(node.value, dict) else {}

    def where(key: str) -> Node:
        return fields.get(key, node)

    ok = True
    has = {k for k in ("accelerators", "hours", "days", "accelerator_hours") if k in training}
    if {"hours", "days"} <= has:
        out.add(where("days"), "training.days", "give hours or days, not both")
        ok = False
    elif "accelerator_hours" in has and has & {"hours", "days"}:
        key = "hours" if "hours" in has else "days"
        out.add(
            where(key),
            f"training.{key}",
            "give accelerator_hours or accelerators with hours/days, not both",
            "keep the one the source states",
        )
        ok = False
    elif has == {"accelerators"}:
        out.add(
            where("accelerators"),
            "training.accelerators",
            "needs the training time: add hours or days",
            "or give accelerator_hours instead",
        )
        ok = False
    elif has and has <= {"hours", "days"}:
        key = "hours" if "hours" in has else "days"
        out.add(
            where(key),
            f"training.{key}",
            "needs the number of accelerators",
            "add `accelerators:`, or give accelerator_hours instead",
        )
        ok = False
    elif not has:
        out.add(
            node,
            "training",
            "missing the training time",
            "give accelerators with hours or days, or accelerator_hours",
        )
        ok = False

    hardware = training.get("hardware")
    if isinstance(hardware, str):
        index = hardware_index()
        keys = sorted(index)
        if hardware in index and not index[hardware] and "power_w" not in training:
            out.add(
                where("hardware"),
                "training.power_w",
                f"required for '{hardware}': the hardware catalog has no published power for it",
                "state the source's power per accelerator as power_w",
            )
            ok = False
        if hardware not in keys:
            hint = _catalog_hint(hardware, keys, "builder/data/hardware.yaml")
            out.add(where("hardware"), "training.hardware", f"unknown hardware '{hardware}'", hint)
            ok = False
    region = training.get("region")
    if isinstance(region, str):
        keys = sorted(region_keys())
        if region not in keys:
            hint = _catalog_hint(region, keys, "builder/data/grid.yaml")
            out.add(where("region"), "training.region", f"unknown region '{region}'", hint)
            ok = False
    return ok


def _catalog_hint(value: str, keys: list[str], catalog_file: str) -> str:
    """'did you mean ...?' with the nearest catalog keys, or where the keys are listed."""
    from builder.catalog import nearest_keys

    near = nearest_keys(value, keys)
    return (
        "did you mean " + ", ".join(f"'{k}'" for k in near) + "?" if near else f"see {catalog_file}"
    )


def validate_entry(
    raw: RawEntry, hardware_index: HardwareLookup, region_keys: KeyLookup
) -> Entry | list[EntryError]:
    """Check one raw entry against format v1 and the catalogs."""
    out = _Collector(raw.path, raw.text)
    root = raw.root
    if not isinstance(root.value, dict):
        out.add(
            root,
            "",
            f"an entry must be a mapping of keys, got {_describe(root.value)}",
            "start with `name: ...` on the first line",
        )
        return out.errors
    clean = _check_mapping(root, ENTRY, "", out)
    training_node = root.value.get("training")
    if training_node is not None and isinstance(training_node.value, dict):
        # The cross-key rules run even when single keys failed, to report everything at once.
        # Text as the single-key check cleans it, so ' nvidia-v100' is looked up as written.
        given = {
            k: v.value.strip() if isinstance(v.value, str) else v.value
            for k, v in training_node.value.items()
            if v.value is not None
        }
        _check_training(training_node, given, out, hardware_index, region_keys)
    if out.errors or clean is None:
        return sorted(set(out.errors))
    return _to_entry(raw, clean, out.lines)


def _to_entry(raw: RawEntry, data: dict[str, Any], lines: dict[str, int]) -> Entry:
    t = data["training"]
    r = data.get("reported", {})
    return Entry(
        id=raw.id,
        path=raw.path,
        name=data["name"],
        organization=data["organization"],
        released=data.get("released"),
        parameters=data.get("parameters"),
        domain=data.get("domain"),
        links=dict(data.get("links", {})),
        training=Training(
            hardware=t["hardware"],
            accelerators=t.get("accelerators"),
            hours=t.get("hours"),
            days=t.get("days"),
            accelerator_hours=t.get("accelerator_hours"),
            power_w=t.get("power_w"),
            pue=t.get("pue"),
            region=t.get("region"),
            carbon_intensity=t.get("carbon_intensity"),
            net_carbon_intensity=t.get("net_carbon_intensity"),
            year=t.get("year"),
            flops=t.get("flops"),
        ),
        reported=Reported(
            energy_mwh=r.get("energy_mwh"),
            co2e_t=r.get("co2e_t"),
            net_co2e_t=r.get("net_co2e_t"),
        ),
        sources=tuple(SourceRef(url=s["url"], title=s["title"]) for s in data["sources"]),
        notes=data.get("notes", ""),
        lines=lines,
    )


class Named(Protocol):
    """An entry, or what a build keeps of one: its id and its file's path."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...


def check_unique_ids(entries: Iterable[Named]) -> list[EntryError]:
    """Two files may not give the same id, even when they differ only by case or suffix."""
    seen: dict[str, Named] = {}
    errors = []
    for entry in sorted(entries, key=lambda e: e.path):
        key = entry.id.casefold()
        if key in seen:
            errors.append(
                EntryError(
                    entry.path,
                    1,
                    1,
                    "",
                    f"id '{entry.id}' is already used by {seen[key].path}",
                    "rename one of the two files",
                )
            )
        else:
            seen[key] = entry
    return errors
