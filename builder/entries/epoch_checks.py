"""Warnings from a comparison with Epoch AI's "Data on Notable AI Models".

An entry and Epoch's row of the same model (the row the entry cites, or else the row of
the same name) should agree where both give a figure:
- accelerator-hours within a tenth of Epoch's, where both give hardware time;
- the cluster's power (accelerators × power × PUE) within 2× of Epoch's training power
  draw, where Epoch gives one;
and an entry whose figures come from a row Epoch labels Speculative is pointed out.
A paragraph of the notes that starts with `**Epoch:**` explains a disagreement, and
silences the first two warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from builder.conventions import format_number
from builder.entries.errors import EntryError
from builder.entries.model import Result
from builder.entries.plausibility import normal_name
from builder.epoch_rows import EpochRow
from builder.epoch_rows import cited_row as cited_by

HOURS_GAP = 0.10  # accelerator-hours further apart than this, as a share of Epoch's
POWER_FACTOR = 2.0  # cluster power further than this factor from Epoch's power draw
EXPLAINED = "**Epoch:**"


def cited_row(r: Result) -> str | None:
    """The name of the Epoch row an entry cites, if it cites one."""
    return cited_by((s.url, s.title) for s in r.entry.sources)


def row_of(r: Result, rows: Mapping[str, EpochRow]) -> EpochRow | None:
    """Epoch's row of the entry's model: the one it cites, else the one of its name.
    `rows`: by normalized model name."""
    cited = cited_row(r)
    return rows.get(normal_name(cited if cited is not None else r.entry.name))


def _warn(r: Result, field: str, message: str, hint: str) -> EntryError:
    line = r.entry.lines.get(field, r.entry.lines.get("training", 1))
    return EntryError(r.entry.path, line, 1, field, message, hint, severity="warning")


def _hint(row: EpochRow) -> str:
    return (
        f"check both against the primary source; if the entry is right, say why in a notes "
        f"paragraph starting '{EXPLAINED}' (Epoch's row “{row.model}”)"
    )


def hours_gap(r: Result, row: EpochRow) -> float | None:
    """The entry's accelerator-hours over Epoch's, minus one; None where either lacks them."""
    if r.basis != "hardware-time" or r.accelerator_hours is None:
        return None
    if not (row.quantity and row.hours):
        return None
    return r.accelerator_hours.value / (row.quantity * row.hours) - 1


def power_factor(r: Result, row: EpochRow) -> float | None:
    """The entry's cluster power over Epoch's training power draw; None where either
    lacks it."""
    accelerators = r.entry.training.accelerators
    if not (row.power_w and accelerators and r.power_w and r.pue):
        return None
    return accelerators * r.power_w.value * r.pue.value / row.power_w


def check_result(r: Result, row: EpochRow) -> list[EntryError]:
    """The warnings about one entry and Epoch's row of its model."""
    warnings = []
    explained = EXPLAINED in r.entry.notes
    gap = hours_gap(r, row)
    if gap is not None and abs(gap) > HOURS_GAP and not explained:
        theirs = (row.quantity or 0) * (row.hours or 0)
        warnings.append(
            _warn(
                r,
                "training",
                f"{format_number(r.accelerator_hours.value if r.accelerator_hours else 0)} "
                f"accelerator-hours, {abs(gap):.0%} {'above' if gap > 0 else 'below'} Epoch's "
                f"{format_number(theirs)} ({format_number(row.quantity or 0)} × "
                f"{format_number(row.hours or 0)} h)",
                _hint(row),
            )
        )
    factor = power_factor(r, row)
    if factor is not None and not 1 / POWER_FACTOR <= factor <= POWER_FACTOR and not explained:
        warnings.append(
            _warn(
                r,
                "training",
                f"the cluster draws {format_number(factor * (row.power_w or 0) / 1e6)} MW "
                f"(accelerators × power × PUE), {factor:.2f}x Epoch's training power draw of "
                f"{format_number((row.power_w or 0) / 1e6)} MW",
                _hint(row),
            )
        )
    if row.confidence == "Speculative" and cited_row(r) is not None:
        warnings.append(
            _warn(
                r,
                "sources",
                f"Epoch labels its row “{row.model}” Speculative",
                "prefer a figure the developer states; keep the entry only with a note that "
                "its figures are Epoch's speculation",
            )
        )
    return warnings


def check_all(results: Iterable[Result], rows: Iterable[EpochRow]) -> list[EntryError]:
    """Every warning of the comparison with Epoch's rows."""
    by_name = {normal_name(row.model): row for row in rows}
    warnings = []
    for r in results:
        row = row_of(r, by_name)
        if row is not None:
            warnings += check_result(r, row)
    return warnings
