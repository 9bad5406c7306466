"""Computed figures of some entries as Markdown: what a pull request adds, for its job summary."""

from __future__ import annotations

import re

from builder.conventions import format_number, is_flagged
from builder.entries.errors import EntryError, visible
from builder.entries.model import Result

_LABELS = {"power_w": "power", "pue": "PUE", "carbon_intensity": "grid intensity"}


# Markdown that could make entry text a link, an image, a code span, emphasis or a heading;
# `|` would end a table cell. Each is written with a backslash, which shows it as itself.
_MARKDOWN = re.compile(r"([\\`*_\[\]{}#!~|])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _cell(text: str) -> str:
    """Entry text as inert Markdown on one line: no HTML, links, images or table breaks."""
    one_line = visible(" ".join(text.splitlines()))  # any line break, \r included
    escaped = _MARKDOWN.sub(r"\\\1", one_line)
    return "".join(_HTML.get(c, c) for c in escaped)


def _code(text: str) -> str:
    """Text for a code span: a backtick would end it."""
    return visible(" ".join(text.splitlines())).replace("`", "'")


def _ratio(x: float | None) -> str:
    if x is None:
        return "—"
    flag = " ⚠" if is_flagged(x) else ""
    return f"{x:.2f}×{flag}"


def preview_markdown(results: list[Result], warnings: list[EntryError]) -> str:
    """A summary table, then each entry's inputs with provenance, then the warnings."""
    lines = [
        "### Computed figures",
        "",
        "| Entry | Accelerator-hours | Energy (MWh) | CO2e (t) | Range (t) | Reported CO2e (t) "
        "| Computed / reported | Quality |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        e = r.entry
        lines.append(
            f"| {_cell(e.name)} (`{e.id}`) "
            f"| {format_number(r.accelerator_hours.value if r.accelerator_hours else None)} "
            f"| {format_number(r.energy_mwh)} | {format_number(r.co2e_t)} "
            f"| {format_number(r.co2e_t_low)}–{format_number(r.co2e_t_high)} "
            f"| {format_number(e.reported.co2e_t)} | {_ratio(r.co2e_ratio)} | {r.quality} |"
        )
    for r in results:
        lines += ["", f"#### {_cell(r.entry.name)}", "", f"- basis: {r.basis}"]
        for i in r.inputs:
            where = f" — {i.citation.title} ({i.citation.url})" if i.citation else ""
            lines.append(
                f"- {i.name}: **{format_number(i.value, 4)}** "
                f"({i.provenance}: {_cell(i.basis)}{_cell(where)})"
            )
        if r.defaults:
            names = ", ".join(_LABELS[d] for d in r.defaults)
            lines.append(f"- Defaults used: {names}. State them if a source gives them.")
    if warnings:
        lines += ["", "### Warnings", ""]
        lines += [
            f"- `{_code(w.path)}:{w.line}`: {_cell(w.field)}: {_cell(w.message)}"
            + (f" ({_cell(w.hint)})" if w.hint else "")
            for w in warnings
        ]
    return "\n".join(lines) + "\n"
