"""The entry format is declared once, in builder/entries/schema.py: the validator and the
JSON Schema both follow the rules across keys declared there."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import jsonschema
import pytest

from builder import catalog
from builder.entries import json_schema, schema, validate
from builder.entries.errors import EntryError
from builder.entries.load import RawEntry
from builder.entries.model import Entry
from builder.entries.schema import ENTRY, Excludes, Field
from builder.entries.yaml_tree import parse_yaml

DURATION = ("accelerators", "hours", "days", "accelerator_hours")
DURATION_VALUES = {"accelerators": "8", "hours": "48", "days": "2", "accelerator_hours": "384"}


def entry_text(training: dict[str, str]) -> str:
    lines = ["name: Model", "organization: Lab", "training:", "  hardware: nvidia-v100"]
    lines += [f"  {field_name}: {value}" for field_name, value in training.items()]
    lines += ["sources:", '  - {url: "https://example.org/paper", title: "Paper, Table 1"}']
    return "\n".join(lines) + "\n"


def check(text: str) -> Entry | list[EntryError]:
    raw = RawEntry("lab/model", "entries/lab/model.yaml", parse_yaml(text, "model.yaml"), text)
    return validate.validate_entry(raw, catalog.hardware_index, catalog.region_keys)


def schema_validator() -> jsonschema.Draft202012Validator:
    document = json_schema.entry_schema(catalog.hardware_index(), list(catalog.region_keys()))
    return jsonschema.Draft202012Validator(document)


def with_training_rules(*rules: Any) -> Field:
    training = ENTRY.fields["training"]
    fields = {**ENTRY.fields, "training": dataclasses.replace(training, rules=rules)}
    return dataclasses.replace(ENTRY, fields=fields)


@pytest.mark.parametrize(
    "given", [combo for size in range(5) for combo in itertools.combinations(DURATION, size)]
)
def test_validator_and_schema_agree_on_every_way_to_give_the_duration(
    given: tuple[str, ...],
) -> None:
    text = entry_text({field_name: DURATION_VALUES[field_name] for field_name in given})
    raw_tree = parse_yaml(text, "model.yaml").plain()
    accepted = isinstance(check(text), Entry)
    assert accepted == schema_validator().is_valid(raw_tree), given


def test_duration_messages_point_at_the_key_to_change() -> None:
    errors = check(entry_text({"hours": "48", "days": "2"}))
    assert isinstance(errors, list)
    assert [(e.line, e.field, e.message) for e in errors] == [
        (6, "training.days", "give hours or days, not both")
    ]
    errors = check(entry_text({}))
    assert isinstance(errors, list)
    assert [(e.line, e.column, e.field, e.message, e.hint) for e in errors] == [
        (
            4,
            3,
            "training",
            "missing the training time",
            "give accelerators with hours or days, or accelerator_hours",
        )
    ]


def test_a_rule_declared_once_is_enforced_by_the_validator_and_the_schema(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rule = Excludes("pue", ("power_w",), "give pue or power_w, not both", "keep one")
    declared = with_training_rules(*schema.TRAINING_RULES, rule)
    monkeypatch.setattr(validate, "ENTRY", declared)
    monkeypatch.setattr(json_schema, "ENTRY", declared)
    text = entry_text({"accelerators": "8", "days": "2", "power_w": "300", "pue": "1.1"})

    errors = check(text)
    assert isinstance(errors, list)
    assert [(e.line, e.column, e.field, e.message, e.hint) for e in errors] == [
        (7, 12, "training.power_w", "give pue or power_w, not both", "keep one")
    ]
    refusals = [
        error.schema.get("description")
        for error in schema_validator().iter_errors(parse_yaml(text, "model.yaml").plain())
    ]
    assert refusals == ["give pue or power_w, not both"]
    assert isinstance(check(entry_text({"accelerators": "8", "days": "2", "pue": "1.1"})), Entry)


def test_a_rule_taken_out_of_the_declaration_is_no_longer_enforced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = [rule for rule in schema.TRAINING_RULES if rule_reads(rule, "days") is False]
    declared = with_training_rules(*kept)
    monkeypatch.setattr(validate, "ENTRY", declared)
    monkeypatch.setattr(json_schema, "ENTRY", declared)
    text = entry_text({"hours": "48", "days": "2"})
    assert isinstance(check(text), Entry)
    assert schema_validator().is_valid(parse_yaml(text, "model.yaml").plain())


def rule_reads(rule: Any, field_name: str) -> bool:
    return field_name in schema.rule_keys(rule)
