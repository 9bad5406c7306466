"""`leaderboard new`: a commented entry file from flags or prompts, ready to fill in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builder.conventions import DOMAINS
from builder.entries.json_schema import SCHEMA_PATH


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
    from builder.entries.load import resolve_plain

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


def render_entry(d: Draft, depth_to_root: int = 2) -> str:
    """The entry file text: given values set, the rest commented with what they mean."""
    assert d.name and d.organization and d.hardware and d.source_url and d.source_title
    up = "../" * depth_to_root
    lines = [
        f"# yaml-language-server: $schema={up}{SCHEMA_PATH}",
        "# One model's training run. State only what the sources state, each with a locator",
        "# (table, section, page) in the source title; leave the rest out and a documented",
        "# default applies. Check with: leaderboard check <this file>",
        f"name: {yaml_text(d.name)}",
        f"organization: {yaml_text(d.organization)}",
        f"released: {yaml_word(d.released)}"
        if d.released
        else "# released: 2024-05              # YYYY, YYYY-MM or YYYY-MM-DD",
        "# parameters: 7e9               # total parameter count",
        f"# domain: language              # {' | '.join(DOMAINS)}",
        "training:",
        f"  hardware: {yaml_word(d.hardware)}          # a key of builder/data/hardware.yaml",
    ]
    if d.accelerator_hours is not None:
        lines.append(f"  accelerator_hours: {_num(d.accelerator_hours)}   # total GPU/chip-hours")
    else:
        assert d.accelerators is not None
        lines.append(f"  accelerators: {d.accelerators}")
        lines.append(
            f"  days: {_num(d.days)}" if d.days is not None else f"  hours: {_num(d.hours or 0)}"
        )
    lines += [
        f"  region: {yaml_word(d.region)}"
        if d.region
        else "  # region: US                  # country (US), US state (US-GA) or cloud region "
        "(gcp-us-central1)",
        "  # power_w: 400                # mean W per accelerator, only if the source states it",
        "  # pue: 1.1                    # data-centre PUE, only if stated",
        "  # carbon_intensity: 0.4       # kg CO2e/kWh, location-based, only if stated",
        "  # net_carbon_intensity: 0.1   # kg CO2e/kWh, market-based, only if stated",
        "  # year: 2024                  # year training ran",
        "  # flops: 1e24                 # total training compute, if stated",
        "# reported:                     # the sources' own figures, if any",
        "#   energy_mwh: 100",
        "#   co2e_t: 40",
        "#   net_co2e_t: 0",
        "sources:",
        f"  - {{url: {yaml_text(d.source_url)}, title: {yaml_text(d.source_title)}}}",
    ]
    if d.extra_notes:
        lines += yaml_notes(d.extra_notes)
    else:
        lines += [
            "# notes: |",
            "#   How the sources computed their figures, where they differ from the formula.",
        ]
    return "\n".join(lines) + "\n"


def entry_path(entries_dir: Path, d: Draft) -> Path:
    """entries/<org-slug>/<model-slug>.yaml."""
    assert d.name and d.organization
    return entries_dir / slugify(d.organization, "org") / f"{slugify(d.name)}.yaml"


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
