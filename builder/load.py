"""Read entry files into position-carrying trees; the only stage that reads entries.

YAML is read event by event (libyaml where available) rather than constructed,
so that every value keeps its line and column and so that the constructs an
entry has no use for -- tags, anchors, aliases, duplicate keys -- are refused
before they can do anything. Plain scalars are resolved here with a small,
explicit rule set: YAML 1.1's resolver would read `11e9` as a string and
`2019-10-01` as a date, and an entry wants neither.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from builder.errors import EntryError

MAX_FILE_BYTES = 64 * 1024
ENTRY_SUFFIX = ".yaml"

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

    def plain(self) -> Any:
        """The value with positions stripped: dicts, lists and scalars."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry file, read and parsed but not yet validated."""

    id: str
    path: str
    root: Node
    text: str


class _Abort(Exception):
    def __init__(self, error: EntryError) -> None:
        self.error = error


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


def resolve_plain(text: str) -> Scalar:
    """Type of an unquoted scalar: null, bool, int, float (incl. 11e9, 10_000) or str."""
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in _NONFINITE:
        return _NONFINITE[text]
    if _INT.match(text) and not text.endswith("_"):
        return int(text.replace("_", ""))
    if _FLOAT.match(text) and any(c.isdigit() for c in text) and not text.endswith("_"):
        return float(text.replace("_", ""))
    return text


def _mark(m: Any) -> tuple[int, int]:
    return m.line + 1, m.column + 1


def parse_yaml(text: str, path: str) -> Node:
    """Parse one YAML document into a Node tree, refusing tags, anchors, aliases, duplicates."""
    events = yaml.parse(text, Loader=_Loader)
    try:
        root = _parse_document(events, path)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _mark(mark) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise _Abort(
            EntryError(
                path, line, col, "", f"invalid YAML: {problem}", _yaml_hint(problem, text, line)
            )
        ) from None
    except yaml.YAMLError as exc:
        raise _Abort(EntryError(path, 1, 1, "", f"invalid YAML: {exc}")) from None
    return root


def _yaml_hint(problem: str, text: str, line: int) -> str:
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here or "tab" in problem:
        return "indent with spaces; YAML does not allow tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or fix the indentation"
    if "could not find expected ':'" in problem or "expected <block end>" in problem:
        return "check the indentation of this line and the one above"
    if "flow" in problem or "expected ',' or" in problem:
        return "close every '[' with ']' and every '{' with '}'"
    return ""


def _parse_document(events: Iterator[Any], path: str) -> Node:
    ev = next(events)  # StreamStart
    ev = next(events)
    if isinstance(ev, yaml.StreamEndEvent):
        raise _Abort(
            EntryError(
                path,
                1,
                1,
                "",
                "the file is empty",
                "start from `leaderboard new` or copy an existing entry",
            )
        )
    root = _parse_node(next(events), events, path)
    ev = next(events)  # DocumentEnd
    ev = next(events)
    if not isinstance(ev, yaml.StreamEndEvent):
        line, col = _mark(ev.start_mark)
        raise _Abort(
            EntryError(
                path,
                line,
                col,
                "",
                "more than one YAML document",
                "remove the '---' separator; one entry per file",
            )
        )
    return root


def _check_event(ev: Any, path: str) -> None:
    line, col = _mark(ev.start_mark)
    if isinstance(ev, yaml.AliasEvent):
        raise _Abort(
            EntryError(
                path,
                line,
                col,
                "",
                f"YAML alias '*{ev.anchor}' is not allowed",
                "write the value out in full",
            )
        )
    if getattr(ev, "anchor", None):
        raise _Abort(
            EntryError(
                path,
                line,
                col,
                "",
                f"YAML anchor '&{ev.anchor}' is not allowed",
                "write the value out in full",
            )
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
        raise _Abort(
            EntryError(
                path,
                line,
                col,
                "",
                f"YAML tag '{shown}' is not allowed",
                "remove the tag; write a plain value",
            )
        )


def _parse_node(ev: Any, events: Iterator[Any], path: str) -> Node:
    _check_event(ev, path)
    line, col = _mark(ev.start_mark)
    if isinstance(ev, yaml.ScalarEvent):
        quoted = ev.style in ("'", '"', "|", ">")
        value: Scalar = ev.value if quoted else resolve_plain(ev.value)
        return Node(value, line, col, quoted=quoted)
    if isinstance(ev, yaml.SequenceStartEvent):
        items: list[Node] = []
        for child in events:
            if isinstance(child, yaml.SequenceEndEvent):
                return Node(items, line, col)
            items.append(_parse_node(child, events, path))
    if isinstance(ev, yaml.MappingStartEvent):
        mapping: dict[str, Node] = {}
        keys: dict[str, tuple[int, int]] = {}
        for child in events:
            if isinstance(child, yaml.MappingEndEvent):
                return Node(mapping, line, col, keys=keys)
            key_node = _parse_node(child, events, path)
            if not isinstance(key_node.value, (str, int, float, bool)) or key_node.value is None:
                raise _Abort(
                    EntryError(
                        path,
                        key_node.line,
                        key_node.column,
                        "",
                        "a key must be a plain word",
                        "write `name: value`",
                    )
                )
            key = key_node.value if isinstance(key_node.value, str) else str(key_node.value)
            value_node = _parse_node(next(events), events, path)
            if key in mapping:
                first = keys[key][0]
                raise _Abort(
                    EntryError(
                        path,
                        key_node.line,
                        key_node.column,
                        key,
                        f"duplicate key (first set on line {first})",
                        "keep one of the two",
                    )
                )
            mapping[key] = value_node
            keys[key] = (key_node.line, key_node.column)
    raise _Abort(EntryError(path, line, col, "", "unexpected YAML structure"))  # pragma: no cover


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


def entry_id(path: Path, root: Path) -> str:
    """`<org>/<model>` from a file path below the entries folder."""
    rel = path.resolve().relative_to(root.resolve()).with_suffix("")
    return rel.as_posix()


def check_id(entry_id_: str, path: str) -> EntryError | None:
    """Ids are `<org>/<model>`, each part lowercase letters, digits and single hyphens."""
    parts = entry_id_.split("/")
    if len(parts) != 2:
        return EntryError(
            path,
            1,
            1,
            "",
            f"entry files live at entries/<org>/<model>{ENTRY_SUFFIX}",
            f"move it so its id has two parts, not '{entry_id_}'",
        )
    for part in parts:
        if not _SLUG.match(part):
            suggestion = re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") or "model"
            return EntryError(
                path,
                1,
                1,
                "",
                f"'{part}' in the path is not a valid id part "
                "(lowercase letters, digits and single hyphens)",
                f"rename it to '{suggestion}'",
            )
    return None


def read_entry(path: Path, root: Path, display: str | None = None) -> RawEntry | EntryError:
    """Read and parse one entry file; return the raw tree or the first error that stops parsing."""
    shown = display or path.as_posix()
    try:
        data = path.read_bytes()
    except OSError as exc:
        return EntryError(shown, 1, 1, "", f"cannot read the file: {exc.strerror}")
    if len(data) > MAX_FILE_BYTES:
        return EntryError(
            shown,
            1,
            1,
            "",
            f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
            "shorten the notes; link to long material instead",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return EntryError(
            shown, 1, 1, "", "file starts with a byte-order mark", "save it as UTF-8 without BOM"
        )
    if b"\x00" in data:
        return EntryError(
            shown,
            1,
            1,
            "",
            "file contains NUL bytes; it looks binary",
            "entries are UTF-8 YAML text",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return EntryError(
            shown,
            line,
            col,
            "",
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
            "save the file as UTF-8",
        )
    id_ = entry_id(path, root)
    bad_id = check_id(id_, shown)
    if bad_id is not None:
        return bad_id
    try:
        tree = parse_yaml(text, shown)
    except _Abort as abort:
        return abort.error
    return RawEntry(id=id_, path=shown, root=tree, text=text)


def find_entry_files(target: Path) -> list[Path]:
    """Every entry file at or below `target`, sorted; a file is returned as itself."""
    if target.is_file():
        return [target]
    return sorted(p for p in target.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def entries_root_for(path: Path) -> Path:
    """The entries folder of a file: the nearest ancestor named `entries`, else the grandparent."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if parent.name == "entries":
            return parent
    return resolved.parent.parent
