"""YAML text -> a tree of Nodes that keep their line and column.

YAML is read event by event (libyaml where available) rather than constructed,
so that every value keeps its line and column and so that the constructs an
entry has no use for -- tags, anchors, aliases, duplicate keys, deep nesting --
are refused before they can do anything: reading stops at the first one. Plain
scalars are resolved here with a small, explicit rule set: YAML 1.1's resolver
would read `11e9` as a string and `2019-10-01` as a date, and an entry wants
neither.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union

import yaml

from builder.entries.errors import EntryError
from builder.entries.yaml_messages import LINE_BREAK, explain, mark_position, within

# An entry nests four levels (sources, an item, its keys); anything far deeper is a mistake
# or an attack on the recursion of the later stages.
MAX_DEPTH = 16
MAX_KEY_LENGTH = 100
# Integers with more digits than this are read as floats: they are far outside every bound,
# and Python refuses to convert very long digit strings to int.
_MAX_INT_DIGITS = 18

try:  # libyaml is several times faster; the pure-Python parser is the fallback
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Scalar = Union[str, int, float, bool, None]  # noqa: UP007 - a runtime alias on Python 3.10


@dataclass(slots=True)
class Node:
    """A YAML value with the 1-based line and column where it starts."""

    value: Scalar | list[Node] | dict[str, Node]
    line: int
    column: int
    # For mappings: where each key was written, to point errors at the key.
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)
    quoted: bool = False
    # A scalar's YAML style: "" (plain), "'", '"', "|" (literal block) or ">" (folded block).
    style: str = ""

    def plain(self) -> Any:
        """The value with positions stripped: dicts, lists and scalars."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


class ParseAbort(Exception):
    """Stops parsing a file at its first structural problem: the EntryError to report."""

    def __init__(
        self, path: str, line: int, col: int, message: str, hint: str = "", field: str = ""
    ) -> None:
        self.error = EntryError(path, line, col, field, message, hint)


_INT = re.compile(r"[-+]?[0-9][0-9_]*\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_NONFINITE = {
    ".inf": math.inf,
    "+.inf": math.inf,
    "-.inf": -math.inf,
    ".Inf": math.inf,
    "+.Inf": math.inf,
    "-.Inf": -math.inf,
    ".INF": math.inf,
    "+.INF": math.inf,
    "-.INF": -math.inf,
    ".nan": math.nan,
    ".NaN": math.nan,
    ".NAN": math.nan,
}


_SPECIAL: dict[str, Scalar] = {
    **dict.fromkeys(_NULL, None),
    **dict.fromkeys(_TRUE, True),
    **dict.fromkeys(_FALSE, False),
    **_NONFINITE,
}
# Every number _INT or _FLOAT reads starts with one of these; other text is left as it is.
_NUMBER_START = frozenset("+-.0123456789")


def resolve_plain(text: str) -> Scalar:
    """Type of an unquoted scalar: null, bool, int, float (incl. 11e9, 10_000) or str."""
    if text in _SPECIAL:
        return _SPECIAL[text]
    if text[0] not in _NUMBER_START:  # not empty: "" is null
        return text
    if _INT.match(text) and not text.endswith("_"):
        digits = text.replace("_", "")
        if len(digits.lstrip("+-")) > _MAX_INT_DIGITS:
            return float(digits)  # inf when it overflows; the validator says so
        return int(digits)
    if _FLOAT.match(text) and any(c.isdigit() for c in text) and not text.endswith("_"):
        return float(text.replace("_", ""))
    return text


def parse_yaml(text: str, path: str) -> Node:
    """Parse one YAML document into a Node tree, refusing tags, anchors, aliases, duplicates."""
    try:
        return _parse_with(_Loader, text, path)
    except ParseAbort as abort:
        # libyaml 0.2.6 and newer scan a flow collection ahead and refuse deep nesting
        # before the parser hands over the event at which the loader's own, lower limit
        # would have stopped. The pure-Python parser scans lazily: read again with it, so
        # that the message is the loader's own, located where that limit is crossed.
        if _Loader is yaml.SafeLoader or _LIBYAML_DEPTH not in abort.error.message:
            raise
    return _parse_with(yaml.SafeLoader, text, path)


# What libyaml says when its own nesting limit is crossed (see parse_yaml).
_LIBYAML_DEPTH = "exceeded maximum nesting depth"


def _parse_with(loader_class: Any, text: str, path: str) -> Node:
    try:
        loader = loader_class(text)
        try:
            # The parser's events one by one (what yaml.parse yields, without its generator);
            # reading stops at the end of the stream, before the parser would return None.
            root = _parse_document(iter(loader.get_event, None), path, text)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        line, col, problem, hint = explain(exc, text, _Loader)
        line, col = within(text, line, col)
        raise ParseAbort(path, line, col, f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as exc:
        # Not located by the parser (the reader's complaints); read_entry catches those first.
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise ParseAbort(path, 1, 1, f"invalid YAML: {reason}") from None
    return root


def _parse_document(events: Iterator[Any], path: str, text: str) -> Node:
    ev = next(events)  # StreamStart
    ev = next(events)
    if isinstance(ev, yaml.StreamEndEvent):
        raise ParseAbort(
            path,
            1,
            1,
            "the file is empty",
            "start from `leaderboard new` or copy an existing entry",
        )
    root = _parse_node(next(events), events, (path, text), 1, "")
    ev = next(events)  # DocumentEnd
    ev = next(events)
    if not isinstance(ev, yaml.StreamEndEvent):
        line, col = mark_position(ev.start_mark)
        raise ParseAbort(
            path,
            line,
            col,
            "more than one YAML document",
            "remove the '---' separator; one entry per file",
        )
    return root


def _check_event(ev: Any, path: str, text: str) -> None:
    line, col = mark_position(ev.start_mark)
    if isinstance(ev, yaml.AliasEvent):
        end = ev.end_mark.index if ev.end_mark is not None else len(text)
        rest = LINE_BREAK.split(text[end:], maxsplit=1)[0].strip()
        if rest and not rest.startswith("#"):  # `*Important:* read this`: emphasis, not an alias
            raise ParseAbort(
                path,
                line,
                col,
                "a value starting with '*' is read as a YAML alias",
                "put the value in quotes",
            )
        raise ParseAbort(
            path,
            line,
            col,
            f"YAML alias '*{ev.anchor}' is not allowed",
            "write the value out in full",
        )
    if getattr(ev, "anchor", None):
        text_like = isinstance(ev, yaml.ScalarEvent) and not ev.style and ev.value
        raise ParseAbort(
            path,
            line,
            col,
            # `organization: &AI Labs` was meant as text
            f"YAML anchor '&{ev.anchor}' is not allowed",
            "put text that starts with '&' in quotes"
            if text_like
            else "write the value out in full",
        )
    tag = getattr(ev, "tag", None)
    implicit = getattr(ev, "implicit", True)
    explicit = (
        tag is not None
        and tag != "!"
        and (not implicit if isinstance(implicit, bool) else not any(implicit))
    )
    if explicit:
        shown = str(tag).replace("tag:yaml.org,2002:", "!!")
        raise ParseAbort(
            path,
            line,
            col,
            f"YAML tag '{shown}' is not allowed",
            "remove the tag; write a plain value",
        )


def _parse_node(
    ev: Any, events: Iterator[Any], source: tuple[str, str], depth: int, where: str
) -> Node:
    """One node and everything below it; `where` names it (`training.days`) for messages."""
    path, text = source
    # Only an event with an anchor (aliases have one too) or a tag can be refused.
    if ev.anchor is not None or ev.tag is not None:
        _check_event(ev, path, text)
    mark = ev.start_mark
    line, col = mark.line + 1, mark.column + 1
    if isinstance(ev, yaml.ScalarEvent):
        style = ev.style or ""
        quoted = style in ("'", '"', "|", ">")
        value: Scalar = ev.value if quoted else resolve_plain(ev.value)
        return Node(value, line, col, quoted=quoted, style=style)
    if depth > MAX_DEPTH:
        raise ParseAbort(
            path,
            line,
            col,
            f"nested more than {MAX_DEPTH} levels deep",
            "an entry nests only a few levels; check the brackets and the indentation",
            field=where,
        )
    if isinstance(ev, yaml.SequenceStartEvent):
        items: list[Node] = []
        for child in events:
            if isinstance(child, yaml.SequenceEndEvent):
                return Node(items, line, col)
            items.append(_parse_node(child, events, source, depth + 1, f"{where}[{len(items)}]"))
    if isinstance(ev, yaml.MappingStartEvent):
        mapping: dict[str, Node] = {}
        keys: dict[str, tuple[int, int]] = {}
        for child in events:
            if isinstance(child, yaml.MappingEndEvent):
                return Node(mapping, line, col, keys=keys)
            key, key_line, key_col = _parse_key(child, source)
            name = f"{where}.{key}" if where else key
            value_node = _parse_node(next(events), events, source, depth + 1, name)
            if key in mapping:
                first = keys[key][0]
                raise ParseAbort(
                    path,
                    key_line,
                    key_col,
                    f"duplicate key (first set on line {first})",
                    "keep one of the two",
                    field=name,
                )
            mapping[key] = value_node
            keys[key] = (key_line, key_col)
    raise ParseAbort(path, line, col, "unexpected YAML structure")  # pragma: no cover


def _parse_key(ev: Any, source: tuple[str, str]) -> tuple[str, int, int]:
    """A mapping key as written (`true` stays `true`), refusing anything but a short word."""
    path, text = source
    if ev.anchor is not None or ev.tag is not None:  # as in _parse_node
        _check_event(ev, path, text)
    mark = ev.start_mark
    line, col = mark.line + 1, mark.column + 1
    plain = isinstance(ev, yaml.ScalarEvent) and not ev.style
    if not isinstance(ev, yaml.ScalarEvent) or (plain and resolve_plain(ev.value) is None):
        raise ParseAbort(path, line, col, "a key must be a plain word", "write `name: value`")
    key = str(ev.value)
    if len(key) > MAX_KEY_LENGTH:
        raise ParseAbort(
            path,
            line,
            col,
            f"a key must be a short word, got {len(key):,} characters",
            "write `name: value`",
        )
    return key, line, col
