"""Rows of the reference catalogs (builder/data/*.yaml) as parsed, and their errors located.

builder/catalog.py turns each file's rows into values through `Row`; what is wrong in
a row is raised as a `Problem` (the keys that lead to it) and reported, inside
`located`, as a CatalogError naming the file and line.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import yaml

from builder.entries.errors import ProjectFileInvalid

try:
    LOADER: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    LOADER = yaml.SafeLoader

Cited = TypeVar("Cited")  # what a catalog's sources: section holds


class CatalogError(ProjectFileInvalid):
    """A catalog file that cannot be used: `file:line: what is wrong (what to do)`."""


class Problem(Exception):
    """What is wrong at `at` (the keys from the top of `file` down); located to a line
    only when raised, since the fast parse keeps no lines."""

    def __init__(self, file: str, at: tuple[object, ...], message: str) -> None:
        super().__init__(message)
        self.file, self.at, self.message = file, at, message


def shown(path: Path) -> str:
    """A file's path as errors name it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (OSError, ValueError):
        return str(path)


def nearest_keys(key: str, choices: list[str], n: int = 3) -> list[str]:
    """Closest catalog keys to a mistyped one, for 'did you mean' hints: prefixes first."""
    folded = key.casefold()
    found = [c for c in sorted(choices) if c.casefold().startswith(folded)][:n]
    by_fold = {c.casefold(): c for c in choices}
    for match in difflib.get_close_matches(folded, list(by_fold), n=n, cutoff=0.5):
        if by_fold[match] not in found:
            found.append(by_fold[match])
    return found[:n]


@contextlib.contextmanager
def located(folder: Path) -> Iterator[None]:
    """Report a Problem raised inside as a CatalogError located in its file in `folder`."""
    try:
        yield
    except Problem as problem:
        raise CatalogError(_locate(problem, folder)) from None


def _locate(problem: Problem, folder: Path) -> str:
    """`file:line: keys: message`, the line found by composing the file's YAML again
    (slow, but only when something is wrong)."""
    path = folder / problem.file
    line = 1
    try:
        node: yaml.Node | None = yaml.compose(path.read_bytes(), Loader=LOADER)
    except (OSError, yaml.YAMLError):
        node = None
    for key in problem.at:
        if isinstance(node, yaml.MappingNode):
            found = next((kv for kv in node.value if kv[0].value == str(key)), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    keys = "".join(f"{key}: " for key in problem.at)
    return f"{shown(path)}:{line}: {keys}{problem.message}"


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


class Row:
    """One mapping in a catalog file and where it is, so that what is wrong in it can
    be located."""

    def __init__(self, file: str, at: tuple[object, ...], data: object) -> None:
        if not isinstance(data, dict):
            raise Problem(file, at, f"expected a mapping of fields, not {_kind(data)}")
        self.file, self.at, self.data = file, at, data

    def problem(self, keys: tuple[object, ...], message: str) -> Problem:
        """What is wrong at `keys` below this row (none: the row itself)."""
        return Problem(self.file, (*self.at, *keys), message)

    def text(self, field: str, default: str | None = None) -> str:
        value = self.data.get(field)
        if value is None:
            if default is None:
                raise self.problem((), f"missing '{field}' (add `{field}:` to it)")
            return default
        if isinstance(value, (dict, list)):
            raise self.problem((field,), f"expected text, not {_kind(value)}")
        return str(value)

    def optional_text(self, field: str) -> str | None:
        return self.text(field) if self.data.get(field) is not None else None

    def number(self, keys: tuple[object, ...], value: object, what: str = "a number") -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.problem(keys, f"expected {what}, not {_kind(value)}")
        return float(value)

    def optional(self, field: str, what: str = "a number") -> Any:
        """A number given as it is written (int or float), or None."""
        value = self.data.get(field)
        if value is not None:
            self.number((field,), value, what)
        return value

    def row(self, field: str) -> Row:
        if field not in self.data:
            raise self.problem((), f"missing '{field}:'")
        return Row(self.file, (*self.at, field), self.data[field])

    def rows(self, field: str, optional: bool = False) -> Iterator[tuple[str, Row]]:
        if optional and self.data.get(field) is None:
            return
        table = self.row(field)
        for key, value in table.data.items():
            yield str(key), Row(self.file, (*table.at, key), value)

    def by_year(self, field: str) -> dict[int, Any]:
        """A mapping of years to values as given (checked by the caller)."""
        table = self.row(field)
        years: dict[int, Any] = {}
        for year, value in table.data.items():
            if isinstance(year, bool) or not str(year).isdigit():
                raise table.problem((year,), f"expected a year such as 2021, not {year!r}")
            years[int(year)] = value
        return years

    def texts(self, field: str) -> tuple[str, ...]:
        value = self.data.get(field) or []
        if not isinstance(value, list) or any(isinstance(v, (dict, list)) for v in value):
            raise self.problem((field,), "expected a list of names, such as [a, b]")
        return tuple(value)

    def source(self, field: str, sources: Mapping[str, Cited], key: object = None) -> Cited:
        key = self.data.get(field) if key is None else key
        if key is None:
            raise self.problem((), f"missing '{field}' (the key of a row under sources:)")
        if str(key) not in sources:
            near = nearest_keys(str(key), list(sources))
            hint = f"did you mean {', '.join(near)}? " if near else ""
            raise self.problem(
                (field,), f"'{key}' is not defined under sources: ({hint}or add it there)"
            )
        return sources[str(key)]
