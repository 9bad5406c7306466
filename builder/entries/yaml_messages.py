"""What a YAML parser's complaint means for an entry, placed where the mistake is.

The parsers report where they gave up, which is often far below the mistake (a quote
never closed swallows the lines after it); these functions find the place and the fix.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks YAML counts (NEL, LS, PS are refused)


def mark_position(mark: Any) -> tuple[int, int]:
    """A parser mark's 1-based line and column."""
    return mark.line + 1, mark.column + 1


def explain(exc: yaml.MarkedYAMLError, text: str, loader_class: Any) -> tuple[int, int, str, str]:
    """Line, column, problem and hint of a parse error, placed where the mistake is."""
    mark = exc.problem_mark or exc.context_mark
    line, col = mark_position(mark) if mark else (1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    context = (exc.context or "").strip()
    unclosed = ("found unexpected end of stream", "found unexpected document indicator")
    if (
        exc.context_mark is not None
        and context == "while scanning a quoted scalar"
        and problem in unclosed
    ):
        qline, qcol = mark_position(exc.context_mark)
        quote = _char_at(text, qline, qcol) or '"'
        return qline, qcol, "this quote is never closed", f"end the value with {quote}"
    if exc.context_mark is not None and context in (
        "while scanning an alias",
        "while scanning an anchor",
    ):
        aline, acol = mark_position(exc.context_mark)
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
        bline, bcol = mark_position(exc.context_mark)
        opener = _char_at(text, bline, bcol) or "["
        closer = {"[": "]", "{": "}"}.get(opener, "]")
        return bline, bcol, f"this '{opener}' is never closed", f"close it with '{closer}'"
    if exc.problem_mark is not None and mark is exc.problem_mark:
        run_on = _run_on_quote(text, exc.problem_mark.line, loader_class)
        if run_on is not None:
            qline, qcol, quote = run_on
            return (
                qline,
                qcol,
                f"the quote opened here is closed only on line {line}",
                f"end the value with {quote} on this line",
            )
    return line, col, problem, _yaml_hint(problem, text, line, col)


def within(text: str, line: int, col: int) -> tuple[int, int]:
    """A position moved inside the file.

    The parser places the end of a file that lacks a final newline on a line after the
    last one; a message should point at a place the reader can see.
    """
    lines = LINE_BREAK.split(text)
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, min(col, len(lines[line - 1]) + 1)


def _at_end(text: str, line0: int) -> bool:
    """True when nothing but blank lines follows the start of 0-based line `line0`."""
    return not any(rest.strip() for rest in LINE_BREAK.split(text)[line0:])


def _char_at(text: str, line: int, col: int) -> str:
    lines = LINE_BREAK.split(text)
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    return here[col - 1] if 0 < col <= len(here) else ""


def _run_on_quote(text: str, error_line: int, loader_class: Any) -> tuple[int, int, str] | None:
    """A quoted value that runs over several lines and ends on the line of a parse error.

    The usual cause is a missing closing quote: the value swallows the following lines
    up to the next quote character, and the parser complains only there.
    """
    try:
        for token in yaml.scan(text, Loader=loader_class):
            start, end = token.start_mark, token.end_mark
            if start.line > error_line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ("'", '"')
                and start.line < end.line == error_line
            ):
                line, col = mark_position(start)
                return line, col, token.style
    except yaml.YAMLError:
        pass
    return None


def _yaml_hint(problem: str, text: str, line: int, col: int = 0) -> str:
    lines = LINE_BREAK.split(text)
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
