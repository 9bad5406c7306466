"""Computed figures of some entries as Markdown: what a pull request adds, for its job summary."""

from __future__ import annotations

import re

from builder.contrib.bases import MEANS
from builder.conventions import format_estimate, format_number, is_flagged
from builder.entries.errors import EntryError, visible
from builder.entries.model import Input, Result

_LABELS = {
    "power_w": "power",
    "pue": "PUE",
    "carbon_intensity": "grid intensity",
    "utilization": "utilization",
}


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


def _range(low: float | None, high: float | None) -> str:
    """A range's bounds, rounded as the site rounds them (`format_estimate`, 2 digits);
    a range of no width keeps its whole digits."""
    if low == high:
        return f"{format_number(low)}–{format_number(high)}"
    return f"{format_estimate(low, 2)}–{format_estimate(high, 2)}"


def _shown(value: float | None, low: float | None, high: float | None) -> str:
    """A figure as the site shows it: 3 significant digits when it has a range, else whole."""
    return format_number(value) if low == high == value else format_estimate(value)


def _figure(value: float, low: float, high: float, unit: str = "") -> str:
    """**value** unit, with its range when it has one."""
    shown = f"**{_shown(value, low, high)}**" + (f" {unit}" if unit else "")
    return shown if low == high == value else f"{shown}, range {_range(low, high)}"


def _of(i: Input) -> str:
    """An input's value, range and provenance in a few words."""
    ranged = "" if i.low == i.high == i.value else f"{_range(i.low, i.high)}, "
    return f"{_LABELS.get(i.name, i.name)} **{format_number(i.value)}** ({ranged}{i.provenance})"


def _compute_link(r: Result) -> str:
    flops = r.entry.training.flops
    if flops is None:
        return "not stated"
    use = {
        "compute-estimate": "stated; where the chain starts",
        "hardware-time": "stated; checked against the training time, not used",
    }.get(r.basis, "stated; not used by this basis")
    return f"**{format_number(flops)}** FLOP — {use}"


def _hours_link(r: Result) -> str:
    h = r.accelerator_hours
    if h is None:
        return "not used: the source's figures start later in the chain"
    if r.basis == "compute-estimate" and r.utilization is not None:
        how = f"derived: compute ÷ (peak FLOP/s × {_of(r.utilization)})"
    else:
        how = "stated" if h.provenance == "stated" else f"derived: {_cell(h.basis)}"
    return f"{_figure(h.value, h.low, h.high)} — {how}"


def _energy_link(r: Result) -> str:
    if r.energy_mwh is None or r.energy_mwh_low is None or r.energy_mwh_high is None:
        return "not computed: the source states no grid intensity to divide the CO2e by"
    figure = _figure(r.energy_mwh, r.energy_mwh_low, r.energy_mwh_high, "MWh")
    reported = format_number(r.entry.reported.energy_mwh)
    if r.basis == "reported-energy" and r.pue is not None:
        how = f"reported {reported} MWh of IT equipment × {_of(r.pue)}"
    elif r.basis == "reported-energy":
        how = "reported, for the whole facility (cooling and power delivery included)"
    elif r.basis == "reported-co2e":
        how = "derived: reported CO2e ÷ the stated grid intensity"
    else:
        parts = [i for i in (r.power_w, r.pue) if i is not None]
        how = "derived: accelerator-hours × " + " × ".join(_of(i) for i in parts)
    return f"{figure} — {how}"


def _co2e_link(r: Result) -> str:
    figure = _figure(r.co2e_t, r.co2e_t_low, r.co2e_t_high, "t")
    if r.basis == "reported-co2e":
        return f"{figure} — reported"
    assert r.carbon_intensity is not None
    return f"{figure} — derived: energy × {_of(r.carbon_intensity)}"


def _hours_cell(r: Result) -> str:
    h = r.accelerator_hours
    return format_number(None) if h is None else _shown(h.value, h.low, h.high)


def chain_lines(r: Result) -> list[str]:
    """The entry's basis in words, then each link of compute -> accelerator-hours ->
    energy -> CO2e with its figure, range and provenance."""
    lines = [f"- Basis: **{r.basis}**, {MEANS[r.basis]}."]
    same = r.entry.training.same_run_as
    if same:
        lines.append(f"- Same run as `{_code(same)}`: shown, but not counted again in totals.")
    lines += [
        "- Chain (compute → accelerator-hours → energy → CO2e):",
        f"  1. compute: {_compute_link(r)}",
        f"  2. accelerator-hours: {_hours_link(r)}",
        f"  3. energy: {_energy_link(r)}",
        f"  4. CO2e: {_co2e_link(r)}",
    ]
    return lines


def preview_markdown(results: list[Result], warnings: list[EntryError]) -> str:
    """A summary table, then each entry's basis, chain and inputs with provenance, then
    the warnings."""
    lines = [
        "### Computed figures",
        "",
        "| Entry | Basis | Accelerator-hours | Energy (MWh) | CO2e (t) | Range (t) "
        "| Reported CO2e (t) | Computed / reported | Quality |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        e = r.entry
        lines.append(
            f"| {_cell(e.name)} (`{e.id}`) | {r.basis} "
            f"| {_hours_cell(r)} "
            f"| {_shown(r.energy_mwh, r.energy_mwh_low, r.energy_mwh_high)} "
            f"| {_shown(r.co2e_t, r.co2e_t_low, r.co2e_t_high)} "
            f"| {_range(r.co2e_t_low, r.co2e_t_high)} "
            f"| {format_number(e.reported.co2e_t)} | {_ratio(r.co2e_ratio)} | {r.quality} |"
        )
    for r in results:
        lines += ["", f"#### {_cell(r.entry.name)}", "", *chain_lines(r)]
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
