"""Results -> the dataset: CSV, JSON and a Frictionless datapackage.json, one column list for all.

The column list is also what the data page's dictionary is rendered from, so
the documentation cannot disagree with the files.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from builder.catalog_organizations import organization_key
from builder.conventions import BASIS_LABELS, N_, significant
from builder.entries.model import Input, Result
from builder.present import efficiency

Value = str | int | float | None


@dataclass(frozen=True)
class Column:
    """One dataset column: its name (units in the name), type, unit and meaning."""

    name: str
    type: str  # Frictionless type: string, number, integer, date
    unit: str
    description: str
    get: Callable[[Result], Value]
    values: tuple[str, ...] = ()  # the only values it may hold, when there is such a list


def _value(i: Input | None) -> float | None:
    return None if i is None else i.value


def _part(i: Input | None, name: str) -> str | None:
    """An input's provenance or basis; None (an empty cell) when the basis has no such input."""
    return None if i is None else str(getattr(i, name))


def _rounded(get: Callable[[Result], float | None]) -> Callable[[Result], Value]:
    return lambda r: significant(get(r))


COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "string",
        "",
        N_("Entry id: the file path below entries/ without .yaml."),
        lambda r: r.entry.id,
    ),
    Column("name", "string", "", N_("Model name as published."), lambda r: r.entry.name),
    Column(
        "organization",
        "string",
        "",
        N_("Organization that trained the model."),
        lambda r: r.entry.organization,
    ),
    Column(
        "organization_key",
        "string",
        "",
        N_(
            "Organization key: the entry's folder below entries/, one per organization "
            "(Meta and Meta AI share one), named in builder/data/organizations.yaml."
        ),
        lambda r: organization_key(r.entry.id),
    ),
    Column(
        "released",
        "string",
        "",
        N_("First public release: YYYY, YYYY-MM or YYYY-MM-DD."),
        lambda r: r.entry.released,
    ),
    Column(
        "domain",
        "string",
        "",
        N_("language, vision, speech, multimodal, code, science or other."),
        lambda r: r.entry.domain,
    ),
    Column(
        "parameters",
        "number",
        "parameters",
        N_("Total parameter count."),
        lambda r: significant(r.entry.parameters),
    ),
    Column(
        "basis",
        "string",
        "",
        N_(
            "Where the entry's figures enter the chain compute → accelerator-hours → energy → "
            "CO2e, derived from the keys the entry gives: hardware-time (accelerators × time or "
            "accelerator-hours, on a catalog accelerator), reported-energy (the energy its "
            "source reports), reported-co2e (the CO2e its source reports) or compute-estimate "
            "(training FLOP ÷ (peak FLOP/s × utilization))."
        ),
        lambda r: r.basis,
        tuple(BASIS_LABELS),
    ),
    Column(
        "same_run_as",
        "string",
        "",
        N_(
            "Id of the entry whose training run this model reuses (a tuned or renamed model), "
            "empty for a run of its own. Its figures are that run's: the site's total and "
            "per-year sums count them once, with that entry, and skip this row."
        ),
        lambda r: r.entry.training.same_run_as,
    ),
    Column(
        "hardware",
        "string",
        "",
        N_("Accelerator key in the hardware catalog."),
        lambda r: r.entry.training.hardware,
    ),
    Column(
        "accelerators",
        "integer",
        "accelerators",
        N_("Accelerators used at once, if stated."),
        lambda r: r.entry.training.accelerators,
    ),
    Column(
        "accelerator_hours",
        "number",
        "h",
        N_("Total accelerator-hours."),
        lambda r: significant(_value(r.accelerator_hours)),
    ),
    Column(
        "utilization",
        "number",
        "",
        N_(
            "Model FLOP utilization (0-1) a compute estimate assumed: stated by the source or "
            "the catalog default; empty for the other bases."
        ),
        lambda r: significant(_value(r.utilization)),
    ),
    Column(
        "power_w",
        "number",
        "W",
        N_("Mean power per accelerator used in the formula."),
        lambda r: significant(_value(r.power_w)),
    ),
    Column(
        "power_w_provenance",
        "string",
        "",
        N_("stated (by the entry) or default (catalog)."),
        lambda r: _part(r.power_w, "provenance"),
    ),
    Column(
        "power_w_basis",
        "string",
        "",
        N_("Where the power figure comes from."),
        lambda r: _part(r.power_w, "basis"),
    ),
    Column(
        "pue",
        "number",
        "",
        N_("Data-centre power usage effectiveness used in the formula."),
        lambda r: significant(_value(r.pue)),
    ),
    Column(
        "pue_provenance",
        "string",
        "",
        N_("stated or default."),
        lambda r: _part(r.pue, "provenance"),
    ),
    Column(
        "pue_basis", "string", "", N_("Where the PUE comes from."), lambda r: _part(r.pue, "basis")
    ),
    Column(
        "region", "string", "", N_("Grid region key, if stated."), lambda r: r.entry.training.region
    ),
    Column(
        "carbon_intensity_kg_per_kwh",
        "number",
        "kg CO2e/kWh",
        N_("Location-based grid intensity used in the formula."),
        lambda r: significant(_value(r.carbon_intensity)),
    ),
    Column(
        "carbon_intensity_provenance",
        "string",
        "",
        N_("stated or default."),
        lambda r: _part(r.carbon_intensity, "provenance"),
    ),
    Column(
        "carbon_intensity_basis",
        "string",
        "",
        N_("Where the grid intensity comes from."),
        lambda r: _part(r.carbon_intensity, "basis"),
    ),
    Column(
        "net_carbon_intensity_kg_per_kwh",
        "number",
        "kg CO2e/kWh",
        N_("Market-based intensity, only where the entry states one."),
        lambda r: significant(r.net_carbon_intensity),
    ),
    Column(
        "energy_mwh",
        "number",
        "MWh",
        N_("Standardized training energy."),
        lambda r: significant(r.energy_mwh),
    ),
    Column(
        "energy_mwh_low",
        "number",
        "MWh",
        N_("Low end of the energy range."),
        lambda r: significant(r.energy_mwh_low),
    ),
    Column(
        "energy_mwh_high",
        "number",
        "MWh",
        N_("High end of the energy range."),
        lambda r: significant(r.energy_mwh_high),
    ),
    Column(
        "co2e_t",
        "number",
        "t CO2e",
        N_("Standardized location-based emissions."),
        lambda r: significant(r.co2e_t),
    ),
    Column(
        "co2e_t_low",
        "number",
        "t CO2e",
        N_("Low end of the emissions range."),
        lambda r: significant(r.co2e_t_low),
    ),
    Column(
        "co2e_t_high",
        "number",
        "t CO2e",
        N_("High end of the emissions range."),
        lambda r: significant(r.co2e_t_high),
    ),
    Column(
        "net_co2e_t",
        "number",
        "t CO2e",
        N_("Market-based emissions from a stated net intensity; never offsets subtracted."),
        lambda r: significant(r.net_co2e_t),
    ),
    Column(
        "reported_energy_mwh",
        "number",
        "MWh",
        N_("Energy the sources report."),
        lambda r: significant(r.entry.reported.energy_mwh),
    ),
    Column(
        "reported_co2e_t",
        "number",
        "t CO2e",
        N_("Location-based emissions the sources report."),
        lambda r: significant(r.entry.reported.co2e_t),
    ),
    Column(
        "reported_net_co2e_t",
        "number",
        "t CO2e",
        N_("Net emissions the sources report."),
        lambda r: significant(r.entry.reported.net_co2e_t),
    ),
    Column(
        "energy_ratio",
        "number",
        "",
        N_("Computed energy / reported energy."),
        lambda r: significant(r.energy_ratio),
    ),
    Column(
        "co2e_ratio",
        "number",
        "",
        N_("Computed CO2e / reported CO2e."),
        lambda r: significant(r.co2e_ratio),
    ),
    Column(
        "flops",
        "number",
        "FLOP",
        N_("Total training compute, if stated."),
        lambda r: significant(r.entry.training.flops),
    ),
    Column(
        "quality",
        "string",
        "",
        N_("high: power, PUE and intensity all stated; medium: one default; low: two or three."),
        lambda r: r.quality,
    ),
    Column(
        "defaults",
        "string",
        "",
        N_("Inputs taken from the catalogs, separated by spaces."),
        lambda r: " ".join(r.defaults),
    ),
    Column(
        "source_url",
        "string",
        "",
        N_("The entry's first source."),
        lambda r: r.entry.sources[0].url,
    ),
    # the efficiency columns come last, so that a reader by position keeps working
    *(
        Column(name, "number", unit, description, _rounded(efficiency.column_value(field, end)))
        for name, unit, description, field, end in efficiency.COLUMN_SPECS
    ),
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Value, column: Column) -> str:
    """Text as a spreadsheet will show it and never run: OWASP's leading-quote defence."""
    if value is None:
        return ""
    if column.type == "string":
        text = str(value)
        return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text
    return str(value)


def rows_of(results: list[Result]) -> list[dict[str, Value]]:
    """One dict per result, keys in column order."""
    return [{c.name: c.get(r) for c in COLUMNS} for r in results]


def _csv_line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def row_texts(r: Result) -> tuple[str, str]:
    """One row as a CSV line and as an indented JSON object (as inside the array)."""
    row = {c.name: c.get(r) for c in COLUMNS}
    line = _csv_line([_csv_cell(row[c.name], c) for c in COLUMNS])
    obj = json.dumps(row, ensure_ascii=False, indent=1, allow_nan=False)
    return line, "\n".join(" " + part for part in obj.split("\n"))


def export_files(rows: Iterable[tuple[str, str]]) -> tuple[bytes, bytes]:
    """The dataset as CSV (RFC 4180, LF line ends, header first) and as a JSON array,
    both encoded in UTF-8, from each row's texts (`row_texts`, which a build may keep).

    Each file is encoded row by row into one buffer, so that a large dataset is not held
    whole as text and as bytes at once.
    """
    table, body = io.BytesIO(), io.BytesIO()
    table.write(_csv_line([c.name for c in COLUMNS]).encode("utf-8"))
    body.write(b"[\n")
    for i, (line, obj) in enumerate(rows):
        table.write(line.encode("utf-8"))
        body.write(b",\n" if i else b"")
        body.write(obj.encode("utf-8"))
    if body.tell() == 2:  # no rows
        return table.getvalue(), b"[]\n"
    body.write(b"\n]\n")
    return table.getvalue(), body.getvalue()


def to_csv(results: list[Result]) -> str:
    """The dataset as CSV text (RFC 4180, LF line ends, header first)."""
    return export_files(map(row_texts, results))[0].decode("utf-8")


def to_json(results: list[Result]) -> str:
    """The dataset as a JSON array of row objects."""
    return export_files(map(row_texts, results))[1].decode("utf-8")


def datapackage(base_url: str, version: str) -> dict[str, Any]:
    """A Frictionless Data Package descriptor for the two files."""
    fields = [
        {
            "name": c.name,
            "type": c.type,
            "description": c.description + (f" Unit: {c.unit}." if c.unit else ""),
            **({"constraints": {"enum": list(c.values)}} if c.values else {}),
        }
        for c in COLUMNS
    ]
    # same_run_as names a row of the same table (resource "" is the table itself)
    reuses = {"fields": ["same_run_as"], "reference": {"resource": "", "fields": ["id"]}}
    schema = {
        "fields": fields,
        "primaryKey": ["id"],
        "foreignKeys": [reuses],
        "missingValues": [""],
    }
    return {
        "name": "ml-training-emissions",
        "title": "ML training emissions leaderboard",
        "version": version,
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "title": "Creative Commons Attribution 4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
            }
        ],
        "homepage": base_url or "/",
        "resources": [
            {
                "name": "leaderboard",
                "path": "leaderboard.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            },
            {
                "name": "leaderboard-json",
                "path": "leaderboard.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "schema": schema,
            },
        ],
    }
