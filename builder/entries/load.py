"""Read entry files into position-carrying trees; the only stage that reads entries.

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
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml

from builder.entries.errors import EntryError

MAX_FILE_BYTES = 64 * 1024
ENTRY_SUFFIX = ".yaml"
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


@dataclass(frozen=True, slots=True)
class RawEntry:
    """One entry file, read and parsed but not yet validated."""

    id: str
    path: str
    root: Node
    text: str


class _Abort(Exception):
    """Stops parsing a file at its first structural problem: the EntryError to report."""

    def __init__(
        self, path: str, line: int, col: int, message: str, hint: str = "", field: str = ""
    ) -> None:
        self.error = EntryError(path, line, col, field, message, hint)


_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks YAML counts (NEL, LS, PS are refused)
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


def _mark(m: Any) -> tuple[int, int]:
    return m.line + 1, m.column + 1


def parse_yaml(text: str, path: str) -> Node:
    """Parse one YAML document into a Node tree, refusing tags, anchors, aliases, duplicates."""
    try:
        return _parse_with(_Loader, text, path)
    except _Abort as abort:
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
        line, col, problem, hint = _explain(exc, text)
        line, col = _within(text, line, col)
        raise _Abort(path, line, col, f"invalid YAML: {problem}", hint) from None
    except yaml.YAMLError as exc:
        # Not located by the parser (the reader's complaints); read_entry catches those first.
        reason = getattr(exc, "reason", None) or str(exc).splitlines()[0]
        raise _Abort(path, 1, 1, f"invalid YAML: {reason}") from None
    return root


def _explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, int, str, str]:
    """Line, column, problem and hint of a parse error, placed where the mistake is."""
    mark = exc.problem_mark or exc.context_mark
    line, col = _mark(mark) if mark else (1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "").strip()
    unclosed = ("found unexpected end of stream", "found unexpected document indicator")
    if (
        exc.context_mark is not None
        and context == "while scanning a quoted scalar"
        and problem in unclosed
    ):
        qline, qcol = _mark(exc.context_mark)
        quote = _char_at(text, qline, qcol) or '"'
        return qline, qcol, "this quote is never closed", f"end the value with {quote}"
    if exc.context_mark is not None and context in (
        "while scanning an alias",
        "while scanning an anchor",
    ):
        aline, acol = _mark(exc.context_mark)
        char = _char_at(text, aline, acol) or "*"
        kind = "alias" if context.endswith("alias") else "anchor"
        return (
            aline,
            acol,
            f"a value starting with '{char}' is read as a YAML {kind}",
            "put the value in quotes",
        )
    if (
        exc.context_mark is not None
        and context in ("while parsing a flow sequence", "while parsing a flow mapping")
        and exc.problem_mark is not None
        and _at_end(text, exc.problem_mark.line)
    ):
        bline, bcol = _mark(exc.context_mark)
        opener = _char_at(text, bline, bcol) or "["
        closer = {"[": "]", "{": "}"}.get(opener, "]")
        return bline, bcol, f"this '{opener}' is never closed", f"close it with '{closer}'"
    if exc.problem_mark is not None and mark is exc.problem_mark:
        run_on = _run_on_quote(text, exc.problem_mark.line)
        if run_on is not None:
            qline, qcol, quote = run_on
            return (
                qline,
                qcol,
                f"the quote opened here is closed only on line {line}",
                f"end the value with {quote} on this line",
            )
    return line, col, problem, _yaml_hint(problem, text, line, col)


def _within(text: str, line: int, col: int) -> tuple[int, int]:
    """A position moved inside the file.

    The parser places the end of a file that lacks a final newline on a line after the
    last one; a message should point at a place the reader can see.
    """
    lines = _BREAK.split(text)
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, min(col, len(lines[line - 1]) + 1)


def _at_end(text: str, line0: int) -> bool:
    """True when nothing but blank lines follows the start of 0-based line `line0`."""
    return not any(rest.strip() for rest in _BREAK.split(text)[line0:])


def _char_at(text: str, line: int, col: int) -> str:
    lines = _BREAK.split(text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    return here[col - 1] if 0 < col <= len(here) else ""


def _run_on_quote(text: str, error_line: int) -> tuple[int, int, str] | None:
    """A quoted value that runs over several lines and ends on the line of a parse error.

    The usual cause is a missing closing quote: the value swallows the following lines
    up to the next quote character, and the parser complains only there.
    """
    try:
        for token in yaml.scan(text, Loader=_Loader):
            start, end = token.start_mark, token.end_mark
            if start.line > error_line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ("'", '"')
                and start.line < end.line == error_line
            ):
                line, col = _mark(start)
                return line, col, token.style
    except yaml.YAMLError:
        pass
    return None


def _yaml_hint(problem: str, text: str, line: int, col: int = 0) -> str:
    lines = _BREAK.split(text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here or "tab" in problem:
        return "indent with spaces; YAML does not allow tabs"
    if "mapping values are not allowed" in problem:
        return "quote a value that contains ': ', or fix the indentation"
    if (
        "could not find expected ':'" in problem
        or "expected <block end>" in problem
        or "did not find expected key" in problem
        or "did not find expected '-' indicator" in problem
    ):
        return "check the indentation of this line and the one above"
    if "flow" in problem or "expected ',' or" in problem:
        return "close every '[' with ']' and every '{' with '}'"
    if "cannot start any token" in problem:
        char = here[col - 1] if 0 < col <= len(here) else ""
        if char in ("@", "`"):
            return f"put a value that starts with '{char}' in quotes"
    if "unknown escape character" in problem:
        return "in double quotes write \\\\ for a backslash, or use single quotes"
    if "expected <document start>" in problem:
        return "one entry per file: remove the '...' line and what follows"
    if "expected node content" in problem:
        return "put the value in quotes"
    return ""


def _parse_document(events: Iterator[Any], path: str, text: str) -> Node:
    ev = next(events)  # StreamStart
    ev = next(events)
    if isinstance(ev, yaml.StreamEndEvent):
        raise _Abort(
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
        line, col = _mark(ev.start_mark)
        raise _Abort(
            path,
            line,
            col,
            "more than one YAML document",
            "remove the '---' separator; one entry per file",
        )
    return root


def _check_event(ev: Any, path: str, text: str) -> None:
    line, col = _mark(ev.start_mark)
    if isinstance(ev, yaml.AliasEvent):
        end = ev.end_mark.index if ev.end_mark is not None else len(text)
        rest = _BREAK.split(text[end:], maxsplit=1)[0].strip()
        if rest and not rest.startswith("#"):  # `*Important:* read this`: emphasis, not an alias
            raise _Abort(
                path,
                line,
                col,
                "a value starting with '*' is read as a YAML alias",
                "put the value in quotes",
            )
        raise _Abort(
            path,
            line,
            col,
            f"YAML alias '*{ev.anchor}' is not allowed",
            "write the value out in full",
        )
    if getattr(ev, "anchor", None):
        text_like = isinstance(ev, yaml.ScalarEvent) and not ev.style and ev.value
        raise _Abort(
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
        raise _Abort(
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
        raise _Abort(
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
                raise _Abort(
                    path,
                    key_line,
                    key_col,
                    f"duplicate key (first set on line {first})",
                    "keep one of the two",
                    field=name,
                )
            mapping[key] = value_node
            keys[key] = (key_line, key_col)
    raise _Abort(path, line, col, "unexpected YAML structure")  # pragma: no cover


def _parse_key(ev: Any, source: tuple[str, str]) -> tuple[str, int, int]:
    """A mapping key as written (`true` stays `true`), refusing anything but a short word."""
    path, text = source
    if ev.anchor is not None or ev.tag is not None:  # as in _parse_node
        _check_event(ev, path, text)
    mark = ev.start_mark
    line, col = mark.line + 1, mark.column + 1
    plain = isinstance(ev, yaml.ScalarEvent) and not ev.style
    if not isinstance(ev, yaml.ScalarEvent) or (plain and resolve_plain(ev.value) is None):
        raise _Abort(path, line, col, "a key must be a plain word", "write `name: value`")
    key = str(ev.value)
    if len(key) > MAX_KEY_LENGTH:
        raise _Abort(
            path,
            line,
            col,
            f"a key must be a short word, got {len(key):,} characters",
            "write `name: value`",
        )
    return key, line, col


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
# Names Windows reserves for devices in every folder: a checkout there cannot hold them.
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{i}" for d in ("com", "lpt") for i in range(1, 10)]
)
# What YAML refuses to read (control characters, U+FFFE/U+FFFF) and the line breaks it
# counts but editors and GitHub do not show (NEL, LS, PS), which would shift line numbers.
_UNREADABLE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_HIDDEN_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting line breaks as YAML does."""
    line, start = 1, 0
    for m in _BREAK.finditer(text, 0, index):
        line, start = line + 1, m.end()
    return line, index - start + 1


def _check_characters(text: str, path: str) -> EntryError | None:
    found = _UNREADABLE.search(text)
    if found is None:
        return None
    char = found.group()
    line, col = _position(text, found.start())
    if char in _HIDDEN_BREAKS:
        return EntryError(
            path,
            line,
            col,
            "",
            f"file contains U+{ord(char):04X} {_HIDDEN_BREAKS[char]}, "
            "a line break editors do not show",
            "replace it with a space or a newline",
        )
    return EntryError(
        path,
        line,
        col,
        "",
        f"file contains the control character U+{ord(char):04X}",
        "delete it; entries are plain text",
    )


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
    for part, kind in zip(parts, ("org", "model"), strict=True):
        if part in WINDOWS_RESERVED:
            return EntryError(
                path,
                1,
                1,
                "",
                f"'{part}' in the path is a reserved file name on Windows",
                f"rename it, for example to '{part}-{kind}'",
            )
    return None


def read_entry(path: Path, root: Path, display: str | None = None) -> RawEntry | EntryError:
    """Read and parse one entry file; return the raw tree or the first error that stops parsing."""
    shown = display or path.as_posix()
    # Checked before reading: a link could point at any file on the machine, and the
    # messages below would quote from it.
    if path.is_symlink():
        return EntryError(
            shown,
            1,
            1,
            "",
            "entry files must be regular files, not symbolic links",
            "replace the link with the file itself",
        )
    try:
        id_ = entry_id(path, root)
    except ValueError:  # a linked folder leads outside the entries folder
        return EntryError(
            shown,
            1,
            1,
            "",
            "the file resolves to a path outside the entries folder",
            "entries must not be reached through symbolic links",
        )
    try:
        with path.open("rb") as handle:  # never more than the limit in memory
            data = handle.read(MAX_FILE_BYTES + 1)
        size = path.stat().st_size if len(data) > MAX_FILE_BYTES else len(data)
    except OSError as exc:
        return EntryError(shown, 1, 1, "", f"cannot read the file: {exc.strerror}")
    if len(data) > MAX_FILE_BYTES:
        return EntryError(
            shown,
            1,
            1,
            "",
            f"file is {max(size, len(data)):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit",
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
        # Counted in characters and line breaks as for every other message, not in bytes.
        before = data[: exc.start].decode("utf-8", errors="replace")
        line, col = _position(before, len(before))
        return EntryError(
            shown,
            line,
            col,
            "",
            f"invalid UTF-8 byte 0x{data[exc.start]:02x}",
            "save the file as UTF-8",
        )
    bad_id = check_id(id_, shown)
    if bad_id is not None:
        return bad_id
    bad_char = _check_characters(text, shown)
    if bad_char is not None:
        return bad_char
    try:
        tree = parse_yaml(text, shown)
    except _Abort as abort:
        return abort.error
    return RawEntry(id=id_, path=shown, root=tree, text=text)


def find_entry_files(target: Path) -> list[Path]:
    """Every entry file at or below `target`, sorted; a file is returned as itself."""
    if target.is_file():
        return [target]
    return sorted(Path(name) for name in entry_file_names(target))


def _suffix(name: str) -> str:
    """A file name's suffix as `Path.suffix` gives it (`.yaml` alone has none)."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def entry_file_names(folder: Path) -> list[str]:
    """The paths of every `.yaml`/`.yml` file below `folder`, as strings sorted as strings.

    The same files `folder.rglob("*")` finds (linked folders are not entered, linked files
    are listed), walked with `os.scandir` so that no `Path` is made per file: a rebuild of
    many entries looks at each name once and opens only the files that changed.
    """
    found: list[str] = []
    pending = [os.fspath(folder)]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as listing:
                items = list(listing)
        except OSError:  # vanished or unreadable: skipped, as rglob skips it
            continue
        for item in items:
            # as Path joins them: `Path(".") / "x"` is `x`, not `./x`
            child = item.name if current == "." else os.path.join(current, item.name)
            try:
                if item.is_dir() and not item.is_symlink():
                    pending.append(child)
                elif _suffix(item.name) in (".yaml", ".yml") and item.is_file():
                    found.append(child)
            except OSError:
                continue
    found.sort()
    return found


def entries_root_for(path: Path) -> Path:
    """The entries folder of a file: the nearest ancestor named `entries`, else the grandparent."""
    resolved = path.resolve()
    for parent in resolved.parents:
        if parent.name == "entries":
            return parent
    return resolved.parent.parent
