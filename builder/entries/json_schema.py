"""The JSON Schema of the entry format, generated from builder/entries/schema.py and the catalogs.

Editors with a YAML language server use it to complete and check entries as
they are typed. The validator stays the authority: a few rules need the file
path or the calendar (ids, real dates) and are only in the validator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from builder.entries.schema import ENTRY, FORMAT_VERSION, Field

SCHEMA_PATH = "schema/entry.schema.json"


def _number(spec: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "integer" if spec.kind == "integer" else "number"}
    if spec.exclusive_minimum is not None:
        out["exclusiveMinimum"] = spec.exclusive_minimum
    if spec.minimum is not None:
        out["minimum"] = spec.minimum
    if spec.maximum is not None:
        out["maximum"] = spec.maximum
    return out


def _field(spec: Field, hardware: list[str], regions: list[str], name: str = "") -> dict[str, Any]:
    description = spec.description + (f" Unit: {spec.unit}." if spec.unit else "")
    out: dict[str, Any]
    if spec.kind == "object":
        out = {
            "type": "object",
            "properties": {k: _field(v, hardware, regions, k) for k, v in spec.fields.items()},
            "additionalProperties": False,
        }
        required = [k for k, v in spec.fields.items() if v.required]
        if required:
            out["required"] = required
    elif spec.kind == "list":
        assert spec.item is not None
        out = {
            "type": "array",
            "items": _field(spec.item, hardware, regions),
            "minItems": spec.min_items,
        }
    elif spec.kind in ("number", "integer"):
        out = _number(spec)
    elif spec.kind == "date":
        out = {
            "anyOf": [
                {"type": "integer", "minimum": 1950, "maximum": 2100},
                {
                    "type": "string",
                    "pattern": r"^(19[5-9][0-9]|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])"
                    r"(-(0[1-9]|[12][0-9]|3[01]))?)?$",
                },
            ]
        }
    elif spec.kind == "enum":
        out = {"type": "string", "enum": list(spec.choices)}
    elif spec.kind == "url":
        out = {
            "type": "string",
            "format": "uri",
            "pattern": r"^https?://[^\s<>]+$",
            "maxLength": spec.max_length,
        }
    else:
        out = {"type": "string", "minLength": 1}
        if spec.max_length is not None:
            out["maxLength"] = spec.max_length
        if spec.kind == "string":
            out["pattern"] = r"\S"
    if name == "hardware":
        out = {"type": "string", "enum": hardware}
    elif name == "region":
        out = {"type": "string", "enum": regions}
    out["description"] = description
    if spec.example is not None and spec.kind not in ("object", "list"):
        out["examples"] = [spec.example]
    if not spec.required and spec.kind not in ("object", "list"):
        # An empty value (`pue:`) means "not given".
        out = {"anyOf": [out, {"type": "null"}], "description": description}
    return out


def entry_schema(hardware: dict[str, bool], regions: list[str]) -> dict[str, Any]:
    """The schema as a dict; `hardware` maps keys to whether the catalog has a default power."""
    keys = sorted(hardware)
    schema = _field(ENTRY, keys, sorted(regions))
    training = schema["properties"]["training"]
    unpowered = sorted(k for k, has_power in hardware.items() if not has_power)
    training["allOf"] = [
        {"not": {"required": ["hours", "days"]}, "description": "give hours or days, not both"},
        {
            "if": {"required": ["accelerator_hours"]},
            "then": {"not": {"anyOf": [{"required": ["hours"]}, {"required": ["days"]}]}},
            "description": "give accelerator_hours or accelerators with hours/days, not both",
        },
        {
            "anyOf": [
                {"required": ["accelerator_hours"]},
                {"required": ["accelerators", "hours"]},
                {"required": ["accelerators", "days"]},
            ],
            "description": "the training time: accelerators with hours or days, or "
            "accelerator_hours",
        },
    ]
    if unpowered:
        training["allOf"].append(
            {
                "if": {"properties": {"hardware": {"enum": unpowered}}, "required": ["hardware"]},
                "then": {"required": ["power_w"]},
                "description": "power_w is required for hardware without a published power",
            }
        )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"ML training emissions leaderboard entry, format version {FORMAT_VERSION}",
        **schema,
    }


def schema_text(cache_dir: Path | None = None) -> str:
    """The schema as the stable JSON text that is committed and published (`cache_dir`:
    the build cache's folder, where parsed catalogs are kept, or None)."""
    from builder.incremental import memo

    schema = entry_schema(memo.hardware_index(cache_dir), list(memo.region_keys(cache_dir)))
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
