"""`leaderboard new`: a commented entry file from flags or prompts, ready to fill in."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builder.entries.json_schema import SCHEMA_PATH
from builder.entries.schema import ENTRY, Field


@dataclass
class Draft:
    """What the contributor told us; None means 'ask' (or leave commented out)."""

    name: str | None = None
    organization: str | None = None
    hardware: str | None = None
    accelerators: int | None = None
    days: float | None = None
    hours: float | None = None
    accelerator_hours: float | None = None
    released: str | None = None
    region: str | None = None
    source_url: str | None = None
    source_title: str | None = None
    extra_notes: list[str] = field(default_factory=list)


def slugify(text: str, suffix: str = "model") -> str:
    """A lowercase `[a-z0-9-]` slug for ids and file names; `suffix` follows a name Windows
    reserves (`con` -> `con-model`)."""
    from builder.entries.load import WINDOWS_RESERVED

    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "model"
    return f"{slug}-{suffix}" if slug in WINDOWS_RESERVED else slug


def missing(d: Draft) -> list[str]:
    """Required answers still missing, as flag names."""
    need = []
    for attr, flag in (
        ("name", "--name"),
        ("organization", "--organization"),
        ("hardware", "--hardware"),
        ("source_url", "--source-url"),
        ("source_title", "--source-title"),
    ):
        if not getattr(d, attr):
            need.append(flag)
    if d.accelerator_hours is None and (
        d.accelerators is None or (d.days is None and d.hours is None)
    ):
        need.append("--accelerators with --days or --hours (or --accelerator-hours)")
    return need


_YAML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def yaml_text(text: str) -> str:
    """`text` as a double-quoted YAML scalar on one line that reads back as exactly `text`.

    Line breaks, quotes, backslashes and every character that does not print are written
    as escapes, so no value can end the line and start a key of its own.
    """
    out = []
    for c in text:
        if c in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[c])
        elif c.isprintable():
            out.append(c)
        elif ord(c) <= 0xFF:
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) <= 0xFFFF:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


def yaml_word(text: str) -> str:
    """A key-like value (`nvidia-v100`, `2024-05`) as written, anything else quoted."""
    from builder.entries.yaml_tree import resolve_plain

    return text if _PLAIN.match(text) and resolve_plain(text) == text else yaml_text(text)


def yaml_notes(lines: list[str]) -> list[str]:
    """`notes:` as a literal block when every line can be one, else as one quoted scalar."""
    if not lines:
        return []
    text = "\n".join(lines)
    if any(not (c.isprintable() or c in "\n\t") for c in text):
        return [f"notes: {yaml_text(text)}"]
    # An explicit indentation keeps a first line that starts with spaces inside the block.
    indicator = "|2" if text[0] in " \t" else "|"
    return [f"notes: {indicator}"] + [f"  {line}" if line else "" for line in text.split("\n")]


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _example(spec: Field) -> str:
    """A field's declared example as YAML."""
    example = spec.example
    if isinstance(example, float) and abs(example) >= 1e6:
        return re.sub(r"e\+?0*(\d)", r"e\1", f"{example:g}")  # 1.7e+06 -> 1.7e6
    if isinstance(example, (int, float)):
        return _num(example)
    return yaml_word(str(example))


def _explained(spec: Field, indent: str) -> list[str]:
    """A field's declared meaning, unit and choices as comment lines."""
    text = spec.description + (f" Unit: {spec.unit}." if spec.unit else "")
    if spec.choices:
        text += " One of: " + " | ".join(spec.choices) + "."
    return textwrap.wrap(
        text, width=88, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# "
    )


def _fields(
    spec: Field, given: dict[str, list[str]], indent: str, examples: bool = False
) -> list[str]:
    """The lines of an object's fields in declared order, each below its meaning: a given
    one as its lines in `given`, any other commented out with its example (or, with
    `examples`, set to it), so that deleting a '# ' gives a valid line."""
    lines: list[str] = []
    for field_name, sub in spec.fields.items():
        lines += _explained(sub, indent)
        if field_name in given:
            lines += given[field_name]
            continue
        mark = "" if examples else "# "
        if sub.kind == "object":
            lines.append(f"{indent}{mark}{field_name}:")
            nested = _fields(sub, {}, indent + "  ", examples=True)
            lines += [f"{indent}{mark}{line[len(indent) :]}" for line in nested]
        elif sub.kind == "list" or sub.example is None:
            lines.append(f"{indent}{mark}{field_name}:")
        else:
            lines.append(f"{indent}{mark}{field_name}: {_example(sub)}")
    return lines


def render_entry(d: Draft, depth_to_root: int = 2) -> str:
    """The entry file text: given values set, the rest commented out with what they mean,
    all as the entry format declares them."""
    assert d.name and d.organization and d.hardware and d.source_url and d.source_title
    up = "../" * depth_to_root
    training: dict[str, list[str]] = {"hardware": [f"  hardware: {yaml_word(d.hardware)}"]}
    if d.accelerator_hours is not None:
        training["accelerator_hours"] = [f"  accelerator_hours: {_num(d.accelerator_hours)}"]
    else:
        assert d.accelerators is not None
        training["accelerators"] = [f"  accelerators: {d.accelerators}"]
        if d.days is not None:
            training["days"] = [f"  days: {_num(d.days)}"]
        else:
            training["hours"] = [f"  hours: {_num(d.hours or 0)}"]
    if d.region:
        training["region"] = [f"  region: {yaml_word(d.region)}"]
    given = {
        "name": [f"name: {yaml_text(d.name)}"],
        "organization": [f"organization: {yaml_text(d.organization)}"],
        "training": ["training:", *_fields(ENTRY.fields["training"], training, "  ")],
        "sources": [
            "sources:",
            f"  - {{url: {yaml_text(d.source_url)}, title: {yaml_text(d.source_title)}}}",
        ],
    }
    if d.released:
        given["released"] = [f"released: {yaml_word(d.released)}"]
    if d.extra_notes:
        given["notes"] = yaml_notes(d.extra_notes)
    lines = [
        f"# yaml-language-server: $schema={up}{SCHEMA_PATH}",
        "# One model's training run. State only what the sources state, each with a locator",
        "# (table, section, page) in the source title; leave the rest out and a documented",
        "# default applies. Check with: leaderboard check <this file>",
        *_fields(ENTRY, given, ""),
    ]
    return "\n".join(lines) + "\n"


def entry_path(entries_dir: Path, d: Draft) -> Path:
    """entries/<org>/<model-slug>.yaml, <org> the organizations catalog's key for the
    organization named (by its name or an alias), or else the slug of the name, for a
    new row of builder/data/organizations.yaml."""
    assert d.name and d.organization
    from builder.catalog import load_catalog
    from builder.catalog_organizations import folder_for

    org = folder_for(d.organization, load_catalog().organizations)
    return entries_dir / (org or slugify(d.organization, "org")) / f"{slugify(d.name)}.yaml"


def prompt_missing(
    d: Draft,
    ask: Callable[[str, Iterable[str]], str],
    hardware_keys: list[str],
    region_keys: list[str],
) -> None:
    """Fill the missing answers by asking; `ask(question, completions)` returns the answer."""
    if not d.name:
        d.name = ask("Model name (as published): ", ())
    if not d.organization:
        d.organization = ask("Organization: ", ())
    while d.hardware not in hardware_keys:
        d.hardware = ask("Hardware key (Tab completes, e.g. nvidia-h100-sxm): ", hardware_keys)
    if d.accelerator_hours is None and d.accelerators is None:
        answer = ask("Accelerator count (empty if the source gives total accelerator-hours): ", ())
        if answer.strip():
            d.accelerators = int(answer)
        else:
            d.accelerator_hours = float(ask("Total accelerator-hours: ", ()))
    if d.accelerators is not None and d.days is None and d.hours is None:
        d.days = float(ask("Training time in days: ", ()))
    if not d.released:
        d.released = ask("Released (YYYY, YYYY-MM or YYYY-MM-DD; empty to skip): ", ()) or None
    if d.region is None:
        region = ask("Region where it trained (Tab completes; empty if unknown): ", region_keys)
        d.region = region or None
    if not d.source_url:
        d.source_url = ask("Source URL: ", ())
    if not d.source_title:
        d.source_title = ask("Source title with a locator (e.g. 'Paper, Table 2'): ", ())
