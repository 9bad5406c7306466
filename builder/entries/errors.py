"""Errors that carry the place they come from: file, line, column and field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from builder.entries.yaml_tree import Node


@dataclass(frozen=True, order=True)
class EntryError:
    """One problem in one entry file, located to a line and column (1-based)."""

    path: str
    line: int
    column: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"  # or "warning": shown, but does not fail a check

    def format(self) -> str:
        """Render as `path:line:col: field: message (hint)`; warnings say so."""
        where = f"{self.path}:{self.line}:{self.column}: "
        level = "warning: " if self.severity == "warning" else ""
        field = f"{self.field}: " if self.field else ""
        hint = f" ({self.hint})" if self.hint else ""
        return visible(f"{where}{level}{field}{self.message}{hint}")

    def format_github(self) -> str:
        """Render as a GitHub workflow annotation, shown on the pull request's lines."""
        text = f"{self.field}: {self.message}" if self.field else self.message
        if self.hint:
            text += f" ({self.hint})"
        return (
            f"::{self.severity} file={_escape_property(self.path)},line={self.line},"
            f"col={self.column},title={_escape_property(self.field or 'entry')}::"
            f"{_escape_data(text)}"
        )


class Collector:
    """The errors found while one entry is checked, and the line of each key met."""

    def __init__(self, path: str, text: str = "") -> None:
        self.path = path
        self.text = text
        self.errors: list[EntryError] = []
        self.lines: dict[str, int] = {}

    def add(
        self, node_or_pos: Node | tuple[int, int], field: str, message: str, hint: str = ""
    ) -> None:
        if isinstance(node_or_pos, tuple):
            line, col = node_or_pos
        else:
            line, col = node_or_pos.line, node_or_pos.column
        self.errors.append(EntryError(self.path, line, col, field, message, hint))


def visible(text: str, keep: str = "") -> str:
    """Text safe to print on one terminal line: what a terminal would act on is shown as escapes.

    Control characters (escape sequences, line breaks), format characters (bidi overrides,
    zero-width characters) and other characters that print nothing are written the way
    Python writes them in a string, e.g. `\\x1b`, `\\n`, `\\u202e`. Characters in `keep` stay.
    """
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or c in keep else c.encode("unicode_escape").decode("ascii")
        for c in text
    )


def _escape_data(text: str) -> str:
    text = visible(text, keep="\r\n")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class EntriesInvalid(Exception):
    """Raised by a stage when one or more entries are invalid; carries every error."""

    def __init__(self, errors: list[EntryError]) -> None:
        self.errors = sorted(errors)
        super().__init__(summarize(self.errors))


class BuildFailed(Exception):
    """A build problem that is not in an entry (missing folder, unwritable output)."""


class ProjectFileInvalid(BuildFailed):
    """A file the build reads besides the entries (a catalog, a translation) that cannot
    be used, as `file:line: message`: the run fails as it does for an invalid entry."""


def summarize(errors: list[EntryError]) -> str:
    """`N errors in M files`, for the last line of a failed run."""
    files = len({e.path for e in errors})
    return f"{_plural(len(errors), 'error')} in {_plural(files, 'file')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
