"""Hugging Face model cards: draft an entry from `co2_eq_emissions`, and write that block back.

The model card specification gives `emissions` in grams of CO2e; many cards write
kilograms in that field. The importer never guesses silently: it says which
unit it used, why, and what the figure would be in the other unit.
"""

from __future__ import annotations

import math
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

import yaml

from builder.catalog import Catalog
from builder.contrib.bases import DISCLOSES, MEANS
from builder.contrib.scaffold import yaml_notes, yaml_number, yaml_text, yaml_word
from builder.conventions import format_value, significant
from builder.entries.model import Result
from builder.entries.schema import BASES, Basis, derive_basis
from builder.entries.yaml_tree import Node, ParseAbort, parse_yaml

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)


class CardError(Exception):
    """The card cannot be read as a Hugging Face model card with an emissions block."""

    def __init__(self, message: str, line: int = 0, column: int = 0, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint

    def located(self, path: str) -> str:
        """`path:line:col: message (hint)`, or `path: message` when it is about the whole card."""
        where = f"{path}:{self.line}:{self.column}: " if self.line else f"{path}: "
        return where + self.message + (f" ({self.hint})" if self.hint else "")


@dataclass(frozen=True)
class Todo:
    """Something the card did not give, and the part of the draft that asks for it:
    `required` when the draft is not valid without it."""

    where: str  # training, reported or sources
    text: str
    required: bool = False


@dataclass
class Imported:
    """What a card gave, mapped to entry fields, with notes on every doubt."""

    co2e_t: float | None = None
    hardware: str | None = None
    accelerators: int | None = None
    days: float | None = None
    hours: float | None = None
    accelerator_hours: float | None = None
    region: str | None = None
    notes: list[str] = field(default_factory=list)

    def given(self) -> set[str]:
        """The keys of the entry format the card fills in."""
        return {key for attr, key in _KEYS.items() if getattr(self, attr) is not None}

    @property
    def basis(self) -> Basis | None:
        """The basis of the draft: hardware-time when the card gives the hardware and its
        time, else reported-co2e when it gives the emissions (None: neither)."""
        return derive_basis(self.given())

    def todo(self, card_url: str | None) -> list[Todo]:
        """What is left to fill in: each thing once, as the draft asks for it."""
        given, out = self.given(), []
        if self.basis is None:  # either figure gives the draft a basis
            text = (
                "co2e_t: the card's emissions value is missing or not a number "
                "(or give the training time)"
            )
            out.append(Todo("reported", text, True))
        if self.basis != "hardware-time":
            if "training.hardware" not in given:
                out.append(Todo("training", "hardware: a key of builder/data/hardware.yaml"))
            timed = any(
                all(key in given for key in group if key != "training.hardware")
                for group in dict(BASES)["hardware-time"]
            )
            if not timed:
                text = "training time: accelerators with days or hours, or accelerator_hours"
                out.append(Todo("training", text))
        if card_url is None:
            out.append(Todo("sources", "the card's address as a source (or pass --url)", True))
        return out


_KEYS = {
    "co2e_t": "reported.co2e_t",
    "hardware": "training.hardware",
    "accelerators": "training.accelerators",
    "days": "training.days",
    "hours": "training.hours",
    "accelerator_hours": "training.accelerator_hours",
    "region": "training.region",
}


def _front_matter(text: str) -> tuple[Node, str]:
    """The front matter as a position-carrying tree, lines counted in the card, and the body.

    Read as entries are read: anchors, aliases, tags and duplicate keys are refused, so a
    card cannot make the reader expand an alias bomb.
    """
    text = text.lstrip("\ufeff")
    match = FRONT_MATTER.match(text)
    if not match:
        raise CardError("no YAML front matter (the card must start with a '---' block)")
    offset = text.count("\n", 0, match.start(1))
    try:
        root = parse_yaml(match.group(1), "card")
    except ParseAbort as abort:
        e = abort.error
        field = f"{e.field}: " if e.field else ""
        raise CardError(
            f"front matter: {field}{e.message}", e.line + offset, e.column, e.hint
        ) from None
    _shift(root, offset)
    if not isinstance(root.value, dict):
        raise CardError("front matter is not a mapping", root.line, root.column)
    return root, text[match.end() :]


def _shift(node: Node, lines: int) -> None:
    """Move a tree's positions down by `lines`, from the front matter's to the card's."""
    node.line += lines
    if isinstance(node.value, dict):
        node.keys = {k: (line + lines, col) for k, (line, col) in node.keys.items()}
        children: list[Node] = list(node.value.values())
    elif isinstance(node.value, list):
        children = node.value
    else:
        return
    for child in children:
        _shift(child, lines)


def read_card(text: str) -> tuple[dict[str, Any], str]:
    """Front matter as a mapping, and the card's Markdown body."""
    root, body = _front_matter(text)
    meta: dict[str, Any] = root.plain()
    return meta, body


def _tokens(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+|\d+", text.casefold()))


def match_hardware(text: str, catalog: Catalog) -> str | None:
    """The catalog key a free-text hardware name most likely means, or None."""
    words = _tokens(text)
    best: tuple[int, int, str] | None = None
    for key in catalog.hardware:
        parts = key.split("-")[1:]  # drop the vendor
        model_parts = [p for p in parts if re.search(r"\d", p) or p in ("tpu", "gaudi")]
        wanted = _tokens(" ".join(parts))
        if not model_parts or not _tokens(" ".join(model_parts)) <= words:
            continue
        score = len(wanted & words)
        candidate = (score, -len(wanted - words), key)
        if best is None or candidate > best:
            best = candidate
    return best[2] if best else None


def match_region(text: str, catalog: Catalog) -> str | None:
    """A grid key for a free-text location: a cloud region code or a country or state name."""
    folded = text.casefold().strip()
    for prefix in ("", "aws-", "gcp-", "azure-"):
        if prefix + folded in catalog.regions:
            return prefix + folded
    for key, region in catalog.regions.items():
        if region.kind in ("country", "us-state") and (
            re.search(rf"\b{re.escape(region.name.split(' (')[0].casefold())}\b", folded)
        ):
            return key
    return None


def import_card(text: str, catalog: Catalog) -> Imported:
    """Map a card's `co2_eq_emissions` to entry fields."""
    root, body = _front_matter(text)
    assert isinstance(root.value, dict)
    meta: dict[str, Any] = root.plain()
    block = meta.get("co2_eq_emissions")
    if block is None:
        raise CardError("the front matter has no co2_eq_emissions block")
    if isinstance(block, (int, float)) and not isinstance(block, bool):
        block = {"emissions": block}
    if not isinstance(block, dict):
        raise CardError("co2_eq_emissions is neither a number nor a mapping")
    out = Imported()
    emissions = block.get("emissions")
    if isinstance(emissions, float) and not math.isfinite(emissions):
        node = root.value["co2_eq_emissions"]
        if isinstance(node.value, dict):
            node = node.value["emissions"]
        raise CardError(
            f"co2_eq_emissions.emissions: must be a finite number, got {emissions}",
            node.line,
            node.column,
            "write the figure in grams as a plain number",
        )
    if isinstance(emissions, (int, float)) and not isinstance(emissions, bool) and emissions > 0:
        out.co2e_t = _emissions_t(float(emissions), body, out.notes)
    hardware_text = str(block.get("hardware_used") or "")
    if hardware_text:
        _read_hardware(hardware_text, catalog, out)
    location = str(block.get("geographical_location") or "")
    if location:
        out.region = match_region(location, catalog)
        out.notes.append(
            f"The card's geographical_location is '{location}'"
            + (f"; read as region {out.region}." if out.region else "; no grid region matched it.")
        )
    for key in ("source", "training_type"):
        if block.get(key):
            out.notes.append(f"The card's {key} is '{block[key]}'.")
    return out


_COUNT = re.compile(r"\s*(\d+)\s*(?:x|×|\*)\s*", re.IGNORECASE)
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_ACCELERATOR_HOURS = re.compile(
    _NUMBER + r"\s*(?:gpu|tpu|chip|accelerator)[- ]?hours?\b", re.IGNORECASE
)
_DURATION = re.compile(_NUMBER + r"\s*(hours?|hrs?|days?)\b", re.IGNORECASE)


def _read_hardware(text: str, catalog: Catalog, out: Imported) -> None:
    """The accelerator, its count and the training time that `hardware_used` gives
    ("8 x A100 80GB for 3 days", "4 TPU v3, 1,200 TPU-hours"), with a note of the reading."""
    count = _COUNT.match(text)
    if count:
        out.accelerators = int(count.group(1))
    out.hardware = match_hardware(text, catalog)
    read = [out.hardware] if out.hardware else []
    total = _ACCELERATOR_HOURS.search(text)
    duration = None if total else _DURATION.search(text)
    if total:
        out.accelerator_hours = float(total.group(1).replace(",", ""))
        out.accelerators = None  # the total stands for accelerators x time
        read.append(f"{format_value(out.accelerator_hours)} accelerator-hours")
    elif duration and out.accelerators:
        value = float(duration.group(1).replace(",", ""))
        if duration.group(2).casefold().startswith("d"):
            out.days = value
        else:
            out.hours = value
        unit = "days" if out.days is not None else "h"
        read.append(f"{out.accelerators} accelerators for {format_value(value)} {unit}")
    out.notes.append(
        f"The card's hardware_used is '{text}'"
        + (f"; read as {', '.join(read)}." if read else "; no catalog key matched it.")
    )


_KG_IN_TEXT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:kg|kilograms?)(?=co2|\b)", re.IGNORECASE)
_GRAMS_IN_TEXT = re.compile(r"\b(?:in\s+)?grams?\b", re.IGNORECASE)


def _emissions_t(value: float, body: str, notes: list[str]) -> float:
    """Tonnes from the card's `emissions`, weighing the spec (grams) against the card's text."""
    grams_t, kg_t = value / 1e6, value / 1e3
    shown = f"{value:g}"
    kg_said = [float(m.group(1).replace(",", "")) for m in _KG_IN_TEXT.finditer(body)]
    if any(abs(k - value) <= 1e-9 * max(1.0, value) for k in kg_said):
        notes.append(
            f"**Unit:** the card's emissions value is {shown}. The model card "
            f"specification defines it in grams, but the card's text gives {shown} kg, "
            f"so kilograms were used: {kg_t:g} t (in grams it would be {grams_t:g} t)."
        )
        return kg_t
    if any(abs(k * 1000 - value) <= 0.01 * value for k in kg_said):
        notes.append(
            f"**Unit:** the card's emissions value is {shown} g, which its text confirms "
            f"in kilograms ({value / 1000:g} kg): {grams_t:g} t."
        )
        return grams_t
    said_grams = bool(_GRAMS_IN_TEXT.search(body))
    notes.append(
        f"**Unit:** the card's emissions value is {shown}, read as grams as the model "
        f"card specification defines it{' and the card text says' if said_grams else ''}"
        f": {grams_t:g} t. Many cards write kilograms there; if this one does, the "
        f"figure is {kg_t:g} t."
    )
    if value < 1000:
        notes.append(
            "Under 1 kg of CO2e is very little for training a published model: check "
            "that the figure covers the training run and not a fine-tuning job."
        )
    return grams_t


def _section(name: str, lines: list[str], todo: list[Todo]) -> list[str]:
    """A section of the draft with its TODO lines; commented out while it has no value."""
    asks = [f"  # TODO {t.text}" for t in todo if t.where == name]
    if lines:
        return [f"{name}:", *lines, *asks]
    return [f"# {name}:", *(f"#   TODO {t.text}" for t in todo if t.where == name)] if asks else []


def draft_entry(imported: Imported, name: str, organization: str, card_url: str | None) -> str:
    """An entry draft: what the card gave, a TODO line for each thing it did not."""
    basis, todo = imported.basis, imported.todo(card_url)
    said = (
        f"Basis: {basis}, {MEANS[basis]}; the card discloses {DISCLOSES[basis]}."
        if basis
        else "Basis: none yet; the card gives neither the emissions nor the training time."
    )
    training = [
        f"  {attr}: {yaml_number(value)}"
        for attr in ("accelerators", "days", "hours", "accelerator_hours")
        if (value := getattr(imported, attr)) is not None
    ]
    if imported.hardware:
        training.insert(0, f"  hardware: {yaml_word(imported.hardware)}")
    if imported.region:
        training.append(f"  region: {yaml_word(imported.region)}")
    reported = (
        [f"  co2e_t: {float(significant(imported.co2e_t))!r}"]
        if imported.co2e_t is not None
        else []
    )
    source = (
        [f'  - {{url: {yaml_text(card_url)}, title: "Model card, co2_eq_emissions"}}']
        if card_url
        else []
    )
    lines = [
        "# Drafted from a Hugging Face model card. Fill in every TODO, check each figure",
        "# against the card and the paper, then run: leaderboard check <this file>",
        *textwrap.wrap(said, width=88, initial_indent="# ", subsequent_indent="# "),
        f"name: {yaml_text(name)}",
        f"organization: {yaml_text(organization)}",
        *_section("training", training, todo),
        *_section("reported", reported, todo),
        *_section("sources", source, todo),
        *yaml_notes(imported.notes),
    ]
    return "\n".join(lines) + "\n"


def things(n: int) -> str:
    """'1 thing', '2 things'."""
    return f"{n} thing" + ("" if n == 1 else "s")


# How the builder reached each basis's figures, for the block's `source`.
_HOW: dict[Basis, str] = {
    "hardware-time": "with the formula of Patterson et al. 2021 (arXiv 2104.10350)",
    "reported-energy": "times the grid intensity",
    "reported-co2e": "",
    "compute-estimate": "and the formula of Patterson et al. 2021 (arXiv 2104.10350)",
}


def export_block(r: Result, catalog: Catalog) -> str:
    """A paste-ready `co2_eq_emissions` block with the leaderboard's figure, in grams; its
    `source` says which basis the figure comes from."""
    e = r.entry
    hw = catalog.hardware.get(e.training.hardware or "")
    how = f", {_HOW[r.basis]}" if _HOW[r.basis] else ""
    block: dict[str, Any] = {
        "emissions": round(r.co2e_t * 1e6),
        "source": f"ML Training Emissions Leaderboard, basis {r.basis}; {MEANS[r.basis]}{how}",
        "training_type": "pre-training",
    }
    if e.training.region and e.training.region in catalog.regions:
        block["geographical_location"] = catalog.regions[e.training.region].name
    if hw is not None:
        block["hardware_used"] = _hardware_used(r, hw.name)
    text: str = yaml.safe_dump(
        {"co2_eq_emissions": block}, sort_keys=False, allow_unicode=True, width=1000
    )
    return text


def _hardware_used(r: Result, name: str) -> str:
    """ "512 x Google TPU v3", with the time the entry states when its basis is
    hardware-time ("for 20 days", "1,700,000 accelerator-hours")."""
    t = r.entry.training
    count = f"{t.accelerators} x " if t.accelerators else ""
    if r.basis != "hardware-time":
        return f"{count}{name}"
    if t.accelerator_hours is not None:
        return f"{name}, {yaml_number(t.accelerator_hours)} accelerator-hours"
    if t.days is not None:
        return f"{count}{name} for {yaml_number(t.days)} days"
    return f"{count}{name} for {yaml_number(t.hours or 0.0)} hours"
