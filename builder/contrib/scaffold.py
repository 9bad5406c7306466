"""`leaderboard new`: a commented entry file from flags or prompts, ready to fill in.

The draft states the keys of one basis (what the source discloses) and offers, commented
out, only the other keys an entry of that basis uses, all as builder/entries/schema.py
declares them.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from builder.contrib.bases import DISCLOSES
from builder.entries.json_schema import SCHEMA_PATH
from builder.entries.schema import BASES, BASIS_OPTIONS, ENTRY, Basis, Field, derive_basis


@dataclass
class Draft:
    """What the contributor told us; None means 'ask' (or leave commented out)."""

    name: str | None = None
    organization: str | None = None
    discloses: Basis | None = None  # None: the basis the answers give, or ask
    hardware: str | None = None
    accelerators: int | None = None
    days: float | None = None
    hours: float | None = None
    accelerator_hours: float | None = None
    flops: float | None = None
    energy_mwh: float | None = None
    energy_scope: str | None = None
    co2e_t: float | None = None
    carbon_intensity: float | None = None
    released: str | None = None
    region: str | None = None
    source_url: str | None = None
    source_title: str | None = None
    extra_notes: list[str] = field(default_factory=list)


# The key of the entry format each answer of a Draft fills in; its flag is the answer's
# name with hyphens (--accelerator-hours).
KEYS: Mapping[str, str] = {
    "hardware": "training.hardware",
    "accelerators": "training.accelerators",
    "days": "training.days",
    "hours": "training.hours",
    "accelerator_hours": "training.accelerator_hours",
    "flops": "training.flops",
    "region": "training.region",
    "carbon_intensity": "training.carbon_intensity",
    "energy_mwh": "reported.energy_mwh",
    "energy_scope": "reported.energy_scope",
    "co2e_t": "reported.co2e_t",
}
BASIS_NAMES: tuple[Basis, ...] = tuple(basis for basis, _ in BASES)


def flag(attr: str) -> str:
    """The command-line flag of a Draft answer."""
    return "--" + attr.replace("_", "-")


def given_keys(d: Draft) -> set[str]:
    """The keys of the entry format the answers so far fill in."""
    return {key for attr, key in KEYS.items() if getattr(d, attr) is not None}


def basis_of(d: Draft) -> Basis | None:
    """The basis the draft is for: the one the source discloses, else the one its answers
    give, else None (ask)."""
    return d.discloses or derive_basis(given_keys(d))


def basis_keys(basis: Basis, given: Collection[str] = ()) -> set[str]:
    """Every key of training and reported a draft of `basis` may state: the keys of its
    groups (of the first group complete in `given`, when one is) and its options."""
    groups = dict(BASES)[basis]
    complete = [group for group in groups if all(key in given for key in group)]
    return {key for group in complete[:1] or groups for key in group} | set(BASIS_OPTIONS[basis])


def slugify(text: str, suffix: str = "model") -> str:
    """A lowercase `[a-z0-9-]` slug for ids and file names; `suffix` follows a name Windows
    reserves (`con` -> `con-model`)."""
    from builder.entries.load import WINDOWS_RESERVED

    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "model"
    return f"{slug}-{suffix}" if slug in WINDOWS_RESERVED else slug


def _missing_for(d: Draft, basis: Basis) -> list[str]:
    """The answers a basis needs that are still missing, as flags."""
    given = given_keys(d)
    groups = dict(BASES)[basis]
    if any(all(key in given for key in group) for group in groups):
        return []
    common = set.intersection(*(set(group) for group in groups))
    by_key = {key: attr for attr, key in KEYS.items()}
    need = [flag(by_key[key]) for key in sorted(common) if key not in given]
    if len(groups) > 1:  # the training time, one way or another
        need.append("--accelerators with --days or --hours (or --accelerator-hours)")
    return need


def missing(d: Draft) -> list[str]:
    """Required answers still missing, as flag names."""
    need = [flag(attr) for attr in ("name", "organization") if not getattr(d, attr)]
    basis = basis_of(d)
    if basis is None:
        need.append("--discloses (" + ", ".join(BASIS_NAMES) + ")")
    else:
        need += _missing_for(d, basis)
    need += [flag(attr) for attr in ("source_url", "source_title") if not getattr(d, attr)]
    return need


def unused(d: Draft) -> list[str]:
    """Answers given that the draft's basis does not use, as flags."""
    basis = basis_of(d)
    if basis is None:
        return []
    wanted = basis_keys(basis)
    return [flag(attr) for attr, key in KEYS.items() if key in given_keys(d) - wanted]


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


def yaml_number(x: float) -> str:
    """A number as YAML that reads back as itself: 64, 3.5, 3.6e21."""
    if float(x).is_integer() and abs(x) < 1e16:
        return str(int(x))
    return re.sub(r"e\+?0*(\d)", r"e\1", repr(float(x)))  # 3.6e+21 -> 3.6e21


def _example(spec: Field) -> str:
    """A field's declared example as YAML."""
    example = spec.example
    if isinstance(example, float) and abs(example) >= 1e6:
        return re.sub(r"e\+?0*(\d)", r"e\1", f"{example:g}")  # 1.7e+06 -> 1.7e6
    if isinstance(example, (int, float)):
        return yaml_number(example)
    return yaml_word(str(example))


def _explained(spec: Field, indent: str) -> list[str]:
    """A field's declared meaning, unit and choices as comment lines."""
    text = spec.description + (f" Unit: {spec.unit}." if spec.unit else "")
    if spec.choices:
        text += " One of: " + " | ".join(spec.choices) + "."
    return textwrap.wrap(
        text, width=88, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# "
    )


Keep = Callable[[str], bool]


def _fields(
    spec: Field,
    given: Mapping[str, list[str]],
    indent: str,
    examples: bool = False,
    keep: Keep = lambda dotted: True,
    prefix: str = "",
) -> list[str]:
    """The lines of an object's fields in declared order, each below its meaning: a given
    one as its lines in `given`, any other that `keep` (given its dotted name) keeps
    commented out with its example (or, with `examples`, set to it), so that deleting a
    '# ' gives a valid line."""
    lines: list[str] = []
    for field_name, sub in spec.fields.items():
        dotted = prefix + field_name
        if field_name in given:
            lines += _explained(sub, indent) + given[field_name]
            continue
        if not keep(dotted):
            continue
        mark = "" if examples else "# "
        if sub.kind == "object":
            nested = _fields(sub, {}, indent + "  ", True, keep, dotted + ".")
            if not nested:
                continue
            lines += [*_explained(sub, indent), f"{indent}{mark}{field_name}:"]
            lines += [f"{indent}{mark}{line[len(indent) :]}" for line in nested]
        elif sub.kind == "list" or sub.example is None:
            lines += [*_explained(sub, indent), f"{indent}{mark}{field_name}:"]
        else:
            lines += [*_explained(sub, indent), f"{indent}{mark}{field_name}: {_example(sub)}"]
    return lines


def _value(value: object) -> str:
    if isinstance(value, (int, float)):
        return yaml_number(value)
    return yaml_word(str(value))


def _sections(d: Draft, keep: Keep) -> dict[str, list[str]]:
    """training: and reported: with the answers given, and the keys `keep` keeps below them."""
    by_section: dict[str, dict[str, list[str]]] = {"training": {}, "reported": {}}
    for attr, key in KEYS.items():
        value = getattr(d, attr)
        if value is not None:
            section, name = key.split(".")
            by_section[section][name] = [f"  {name}: {_value(value)}"]
    return {
        section: [
            f"{section}:",
            *_fields(ENTRY.fields[section], given, "  ", False, keep, f"{section}."),
        ]
        for section, given in by_section.items()
        if given
    }


def render_entry(d: Draft, depth_to_root: int = 2) -> str:
    """The entry file text: given values set, and the other keys of the draft's basis
    commented out with what they mean, all as the entry format declares them."""
    assert d.name and d.organization and d.source_url and d.source_title
    basis = basis_of(d)
    assert basis is not None
    wanted = basis_keys(basis, given_keys(d))

    def keep(dotted: str) -> bool:
        return "." not in dotted or dotted.split(".")[0] == "links" or dotted in wanted

    up = "../" * depth_to_root
    given = {
        "name": [f"name: {yaml_text(d.name)}"],
        "organization": [f"organization: {yaml_text(d.organization)}"],
        **_sections(d, keep),
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
        *textwrap.wrap(
            f"Basis: {basis}. The source discloses {DISCLOSES[basis]}; the keys commented "
            "out below are the others an entry of this basis uses.",
            width=88,
            initial_indent="# ",
            subsequent_indent="# ",
        ),
        *_fields(ENTRY, given, "", keep=keep),
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
