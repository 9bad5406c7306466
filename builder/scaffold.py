"""`leaderboard new`: a commented entry file from flags or prompts, ready to fill in."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from builder.entry_schema import SCHEMA_PATH


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


def slugify(text: str) -> str:
    """A lowercase `[a-z0-9-]` slug for ids and file names."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "model"


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


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
        f"name: {_yaml_str(d.name)}",
        f"organization: {_yaml_str(d.organization)}",
        f"released: {d.released}"
        if d.released
        else "# released: 2024-05              # YYYY, YYYY-MM or YYYY-MM-DD",
        "# parameters: 7e9               # total parameter count",
        "# domain: language              # language | vision | speech | multimodal | code | "
        "science | other",
        "training:",
        f"  hardware: {d.hardware}          # a key of builder/data/hardware.yaml",
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
        f"  region: {d.region}"
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
        f"  - {{url: {_yaml_str(d.source_url)}, title: {_yaml_str(d.source_title)}}}",
    ]
    if d.extra_notes:
        lines.append("notes: |")
        lines += [
            f"  {line}" if line else "" for note in d.extra_notes for line in note.splitlines()
        ]
    else:
        lines += [
            "# notes: |",
            "#   How the sources computed their figures, where they differ from the formula.",
        ]
    return "\n".join(lines) + "\n"


def entry_path(entries_dir: Path, d: Draft) -> Path:
    """entries/<org-slug>/<model-slug>.yaml."""
    assert d.name and d.organization
    return entries_dir / slugify(d.organization) / f"{slugify(d.name)}.yaml"


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
