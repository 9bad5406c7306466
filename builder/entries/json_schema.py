"""The JSON Schema of the entry format, generated from builder/entries/schema.py and the catalogs.

Editors with a YAML language server use it to complete and check entries as
they are typed. The validator stays the authority: a few rules need the file
path or the calendar (ids, real dates) and are only in the validator.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from builder.catalog import Catalog

from builder.entries.schema import (
    BASES,
    ENTRY,
    FORMAT_VERSION,
    AnyOf,
    Excludes,
    Field,
    Rule,
    ValueSet,
)

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


class _Catalogs:
    """What the schema takes from the catalogs: their keys, and the sets rules depend on."""

    def __init__(self, hardware: dict[str, bool], regions: list[str]) -> None:
        self.keys = {"hardware": sorted(hardware), "region": sorted(regions)}
        self.value_sets: dict[ValueSet, list[str]] = {
            "hardware without a published power": sorted(
                name for name, has_power in hardware.items() if not has_power
            )
        }


def _required(*names: str) -> dict[str, Any]:
    """All of `names` given; a dotted name (training.hours) is a key of a nested object."""
    out: dict[str, Any] = {"required": sorted({name.split(".")[0] for name in names})}
    nested: dict[str, list[str]] = {}
    for name in names:
        head, dot, rest = name.partition(".")
        if dot:
            nested.setdefault(head, []).append(rest)
    if nested:
        out["properties"] = {head: _required(*rest) for head, rest in sorted(nested.items())}
    return out


def _rule(rule: Rule, catalogs: _Catalogs) -> dict[str, Any] | None:
    """One cross-key rule as a schema, or None when the catalogs make it hold everywhere."""
    if isinstance(rule, Excludes):
        if len(rule.others) == 1:
            return {"not": _required(rule.name, *rule.others), "description": rule.message}
        return {
            "if": _required(rule.name),
            "then": {"not": {"anyOf": [_required(other) for other in rule.others]}},
            "description": rule.message,
        }
    if isinstance(rule, AnyOf):
        return {
            "anyOf": [_required(*group) for group in rule.groups],
            "description": rule.summary,
        }
    values = catalogs.value_sets[rule.values]
    if not values:
        return None
    head, dot, key = rule.when.partition(".")
    condition: dict[str, Any] = (
        {
            "properties": {head: {"properties": {key: {"enum": values}}, "required": [key]}},
            "required": [head],
        }
        if dot
        else {"properties": {rule.when: {"enum": values}}, "required": [rule.when]}
    )
    if rule.bases:  # only where the basis needs the power: hardware with the training time
        groups = [group for basis, groups in BASES if basis in rule.bases for group in groups]
        condition = {"allOf": [condition, {"anyOf": [_required(*g) for g in groups]}]}
    return {"if": condition, "then": _required(rule.name), "description": rule.summary}


def _object(spec: Field, catalogs: _Catalogs) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {
            field_name: _field(sub, catalogs) for field_name, sub in spec.fields.items()
        },
        "additionalProperties": False,
    }
    required = [field_name for field_name, sub in spec.fields.items() if sub.required]
    if required:
        out["required"] = required
    return out


def _text(spec: Field) -> dict[str, Any]:
    if spec.kind == "date":
        return {
            "anyOf": [
                {"type": "integer", "minimum": 1950, "maximum": 2100},
                {
                    "type": "string",
                    "pattern": r"^(19[5-9][0-9]|20[0-9]{2}|2100)(-(0[1-9]|1[0-2])"
                    r"(-(0[1-9]|[12][0-9]|3[01]))?)?$",
                },
            ]
        }
    if spec.kind == "enum":
        return {"type": "string", "enum": list(spec.choices)}
    if spec.kind == "url":
        return {
            "type": "string",
            "format": "uri",
            "pattern": r"^https?://[^\s<>]+$",
            "maxLength": spec.max_length,
        }
    out: dict[str, Any] = {"type": "string", "minLength": 1}
    if spec.max_length is not None:
        out["maxLength"] = spec.max_length
    if spec.kind == "string":
        out["pattern"] = r"\S"
    return out


def _field(spec: Field, catalogs: _Catalogs) -> dict[str, Any]:
    description = spec.description + (f" Unit: {spec.unit}." if spec.unit else "")
    out: dict[str, Any]
    if spec.kind == "object":
        out = _object(spec, catalogs)
    elif spec.kind == "list":
        assert spec.item is not None
        out = {
            "type": "array",
            "items": _field(spec.item, catalogs),
            "minItems": spec.min_items,
        }
    elif spec.kind in ("number", "integer"):
        out = _number(spec)
    elif spec.catalog:
        out = {"type": "string", "enum": catalogs.keys[spec.catalog]}
    else:
        out = _text(spec)
    out["description"] = description
    rules = [schema for rule in spec.rules if (schema := _rule(rule, catalogs)) is not None]
    if rules:
        out["allOf"] = rules
    if spec.example is not None and spec.kind not in ("object", "list"):
        out["examples"] = [spec.example]
    if not spec.required and spec.kind not in ("object", "list"):
        # An empty value (`pue:`) means "not given".
        out = {"anyOf": [out, {"type": "null"}], "description": description}
    return out


def entry_schema(hardware: dict[str, bool], regions: list[str]) -> dict[str, Any]:
    """The schema as a dict; `hardware` maps keys to whether the catalog has a default power."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"ML training emissions leaderboard entry, format version {FORMAT_VERSION}",
        **_field(ENTRY, _Catalogs(hardware, regions)),
    }


def schema_text(catalog: Catalog | None = None) -> str:
    """The schema as the stable JSON text that is committed and published, with the keys
    of `catalog` (None: the shipped catalogs, read now)."""
    if catalog is None:
        from builder import catalog as catalogs

        catalog = catalogs.load_catalog()
    schema = entry_schema(catalog.hardware_index(), sorted(catalog.regions))
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
