"""Epoch AI's "Data on Notable AI Models" (CC BY 4.0), read as rows: the columns an entry
can use. The shipped copy and its credit are in builder/data/epoch/."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from builder.catalog import DATA_DIR

EPOCH_CSV = DATA_DIR / "epoch" / "notable_ai_models.csv"
EPOCH_URL = "https://epoch.ai/data/notable-ai-models"
EPOCH_CREDIT = "Epoch AI, Data on Notable AI Models"
SNAPSHOT_ACCESSED = "2026-01-26"  # when the shipped copy was taken from Epoch's site

# Epoch's confidence labels, from the least to the most sure; rows without a label rank
# with "Unknown".
CONFIDENCE = ("Unknown", "Speculative", "Likely", "Confident")


class EpochError(Exception):
    """The CSV cannot be read as Epoch's: a missing file or column."""


@dataclass(frozen=True)
class EpochRow:
    """The columns of one row that an entry can use; None where the cell is empty."""

    line: int  # in the CSV file, for messages
    model: str
    organization: str
    released: str | None
    domain: str
    parameters: float | None
    flops: float | None
    hardware: str  # Epoch's name(s) of the training hardware, comma-separated
    quantity: float | None
    hours: float | None
    utilization: float | None
    power_w: float | None
    confidence: str
    link: str
    reference: str
    time_notes: str
    compute_notes: str
    precision: str  # Epoch's numerical format: FP32, TF32, FP16, BF16, FP8 or empty


_COLUMNS = {
    "model": "Model",
    "organization": "Organization",
    "released": "Publication date",
    "domain": "Domain",
    "parameters": "Parameters",
    "flops": "Training compute (FLOP)",
    "hardware": "Training hardware",
    "quantity": "Hardware quantity",
    "hours": "Training time (hours)",
    "utilization": "Hardware utilization (MFU)",
    "power_w": "Training power draw (W)",
    "confidence": "Confidence",
    "link": "Link",
    "reference": "Reference",
    "time_notes": "Training time notes",
    "compute_notes": "Training compute notes",
    "precision": "Numerical format",
}
_NUMBERS = frozenset({"parameters", "flops", "quantity", "hours", "utilization", "power_w"})


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 and value == value and value != float("inf") else None


def read_rows(text: str) -> list[EpochRow]:
    """The rows of Epoch's CSV, as text; EpochError if a column the drafts need is missing."""
    reader = csv.DictReader(io.StringIO(text))
    absent = [c for c in _COLUMNS.values() if c not in (reader.fieldnames or [])]
    if absent:
        raise EpochError(f"not Epoch's notable-models CSV: no column {', '.join(absent)}")
    rows = []
    for cells in reader:
        values: dict[str, object] = {}
        for attr, column in _COLUMNS.items():
            cell = (cells.get(column) or "").strip()
            values[attr] = _number(cell) if attr in _NUMBERS else cell
        values["released"] = values["released"] or None
        values["confidence"] = values["confidence"] or "Unknown"
        rows.append(EpochRow(line=reader.line_num, **values))  # type: ignore[arg-type]
    return rows


def read_csv(path: Path) -> list[EpochRow]:
    """Epoch's CSV at `path`; EpochError, naming the file, when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise EpochError(
            f"{path}: file not found (download the CSV from {EPOCH_URL} and pass --csv)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EpochError(f"{path}: cannot be read ({exc})") from None
    try:
        return read_rows(text)
    except EpochError as exc:
        raise EpochError(f"{path}: {exc}") from None


def sure_enough(row: EpochRow, minimum: str) -> bool:
    """Whether the row's confidence label is at least `minimum`."""
    rank = {label: i for i, label in enumerate(CONFIDENCE)}
    return rank.get(row.confidence, 0) >= rank[minimum]


# How an entry's source names the row it cites: row “GPT-4” (as import-epoch writes it)
# or row 'GPT-4'.
_ROW = re.compile(r"\brow (?:“([^”]+)”|'([^']+)')")


def row_cited(url: str, title: str) -> str | None:
    """The model name of the Epoch row a source cites, if it is Epoch's dataset."""
    if url.rstrip("/") != EPOCH_URL:
        return None
    found = _ROW.search(title)
    return (found.group(1) or found.group(2)) if found else None


def cited_row(titles: Iterable[tuple[str, str]]) -> str | None:
    """The Epoch row an entry cites (drafted from or compared with), by its sources'
    (url, title) pairs; None if it cites none."""
    for url, title in titles:
        name = row_cited(url, title)
        if name is not None:
            return name
    return None
