"""The entry format is declared once, in builder/entries/schema.py: the validator and the
JSON Schema both follow the rules across keys declared there."""

from __future__ import annotations

import dataclasses
import itertools
import re
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

FIELD_LINE = re.compile(r"^( *)(# )?( *)([a-z0-9_]+):(?: |$)")
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
            13,
            "training.hardware",
            "needs the training time: add hours or days",
            "or give accelerator_hours instead",
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
    across = tuple(r for r in schema.ENTRY_RULES if not rule_reads(r, "training.days"))
    declared = dataclasses.replace(with_training_rules(*kept), rules=across)
    monkeypatch.setattr(validate, "ENTRY", declared)
    monkeypatch.setattr(json_schema, "ENTRY", declared)
    text = entry_text({"hours": "48", "days": "2"})
    assert isinstance(check(text), Entry)
    assert schema_validator().is_valid(parse_yaml(text, "model.yaml").plain())


def rule_reads(rule: Any, field_name: str) -> bool:
    return field_name in schema.rule_keys(rule)


def field_paths(spec: Field, prefix: str = "") -> set[str]:
    paths = set()
    for field_name, sub in spec.fields.items():
        paths.add(prefix + field_name)
        paths |= field_paths(sub, f"{prefix}{field_name}.")
        if sub.item is not None:
            paths |= field_paths(sub.item, f"{prefix}{field_name}[].")
    return paths


def test_new_comments_every_field_of_its_basis_and_each_uncomments_to_a_valid_entry() -> None:
    from builder.contrib.scaffold import Draft, basis_keys, given_keys, render_entry

    draft = Draft(
        name="Tiny LM",
        organization="Example Lab",
        hardware="nvidia-h100-sxm",
        accelerators=64,
        days=3.5,
        source_url="https://example.org/tiny-lm",
        source_title="Report, Table 3",
    )
    text = render_entry(draft)
    written: set[str] = set()
    parents: list[str] = []
    for line in text.splitlines():
        match = FIELD_LINE.match(line)
        if match:
            depth = (len(match.group(1)) + len(match.group(3))) // 2
            parents[depth:] = [match.group(4)]
            written.add(".".join(parents))
    # Every declared field but those of training and reported that an entry of the
    # draft's basis does not use (the other ways to give the duration among them).
    used = basis_keys("hardware-time", given_keys(draft))
    unused = {
        f for f in field_paths(ENTRY) if "." in f and f.split(".")[0] in ("training", "reported")
    } - used
    assert unused == {
        "training.hours",
        "training.accelerator_hours",
        "training.precision",
        "training.utilization",
        "reported.energy_scope",
    }
    assert written == field_paths(ENTRY) - {"sources[].url", "sources[].title"} - unused
    for name, spec in ENTRY.fields["training"].fields.items():
        if f"training.{name}" in used:
            assert spec.description.split(";")[0].split(" (")[0] in text.replace("\n  # ", " ")

    # Every field commented out uncomments to a valid entry, with the declared example as
    # its value.
    lines = []
    for line in text.splitlines():
        match = FIELD_LINE.match(line)
        if match and match.group(2):
            line = match.group(1) + line[match.end(2) :]
        elif line.startswith("#   # "):
            line = "  # " + line[len("#   # ") :]
        lines.append(line)
    result = check("\n".join(lines) + "\n")
    assert isinstance(result, Entry), [error.format() for error in result]
    assert result.training.power_w == 310 and result.reported.co2e_t == 46.7
    assert result.parameters == 11e9 and result.training.flops == 4.05e22


def test_the_field_reference_in_contributing_is_written_from_the_declaration() -> None:
    from builder.entries.reference import DOCUMENT, refreshed

    text = DOCUMENT.read_text(encoding="utf-8")
    assert refreshed(text) == text, "refresh it: python -m builder.entries.reference"


def test_docs_name_only_declared_fields() -> None:
    from tests.conftest import ROOT

    declared = field_paths(ENTRY)
    field_name = re.compile(r"`((?:training|reported|links|sources)(?:\[\])?\.[a-z0-9_]+)`")
    for doc in ("README.md", "CONTRIBUTING.md", "site/pages/contribute.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        named = set(field_name.findall(text))
        assert named <= declared, (doc, named - declared)
