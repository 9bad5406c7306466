"""Limits on the Markdown of an entry's notes, so that rendering it takes bounded time."""

from __future__ import annotations

import re

from builder.entries.errors import Collector
from builder.entries.yaml_tree import Node

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


def _text_position(node: Node, index: int, out: Collector) -> tuple[int, int]:
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


def check_markdown(node: Node, value: str, name: str, out: Collector) -> bool:
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
