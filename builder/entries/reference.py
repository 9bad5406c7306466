"""The field reference in CONTRIBUTING.md, written from the declared entry format.

Refresh it with `python -m builder.entries.reference`; a test fails while it is stale.
"""

from __future__ import annotations

from pathlib import Path

from builder.entries.schema import ENTRY, AnyOf, Excludes, Field, Rule

BEGIN = "<!-- fields: generated from builder/entries/schema.py -->"
END = "<!-- end of fields -->"
DOCUMENT = Path(__file__).resolve().parents[2] / "CONTRIBUTING.md"


def _rows(spec: Field, prefix: str) -> list[str]:
    rows = []
    for field_name, sub in spec.fields.items():
        path = prefix + field_name
        meaning = sub.description + (
            " One of: " + ", ".join(sub.choices) + "." if sub.choices else ""
        )
        required = "yes" if sub.required else ""
        rows.append(f"| `{path}` | {sub.kind} | {sub.unit} | {required} | {meaning} |")
        item = sub.item if sub.item is not None else sub
        rows += _rows(item, f"{path}[]." if sub.kind == "list" else f"{path}.")
    return rows


def _rule_text(rule: Rule) -> str:
    text = rule.message if isinstance(rule, Excludes) else rule.summary
    return "give " + text.split(": ", 1)[-1] if isinstance(rule, AnyOf) else text


def _rules(spec: Field, prefix: str) -> list[str]:
    lines = []
    for field_name, sub in spec.fields.items():
        for rule in sub.rules:
            lines.append(f"- `{prefix}{field_name}`: {_rule_text(rule)}.")
        lines += _rules(sub, f"{prefix}{field_name}.")
    return lines


def field_reference() -> str:
    """The Markdown between BEGIN and END: a table of every field, then the rules across keys."""
    header = ["| Field | Type | Unit | Required | Meaning |", "| --- | --- | --- | --- | --- |"]
    top = [f"- {_rule_text(rule)}." for rule in ENTRY.rules]
    return "\n".join([*header, *_rows(ENTRY, ""), "", *top, *_rules(ENTRY, "")]) + "\n"


def refreshed(document: str) -> str:
    """`document` with the text between the markers replaced by the current reference."""
    before, rest = document.split(BEGIN + "\n", 1)
    _, after = rest.split(END, 1)
    return f"{before}{BEGIN}\n{field_reference()}{END}{after}"


if __name__ == "__main__":
    DOCUMENT.write_text(refreshed(DOCUMENT.read_text(encoding="utf-8")), encoding="utf-8")
