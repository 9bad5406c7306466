"""The entry format, version 2, declared once as data: its keys and the rules across keys.

The validator walks this declaration, the JSON Schema published for editors is
generated from it, `leaderboard new` comments a new file from it and the field
reference in CONTRIBUTING.md is written from it, so none of them can drift apart.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal, Union

from builder.conventions import DOMAINS

Kind = Literal["string", "number", "integer", "date", "url", "enum", "object", "list", "markdown"]
# The reference catalogs a text value may have to name a key of.
Catalog = Literal["", "hardware", "region"]
# Sets of catalog keys a rule can depend on.
ValueSet = Literal["hardware without a published power"]

FORMAT_VERSION = 2

# Where an entry enters the chain compute -> accelerator-hours -> energy -> CO2e: the first
# basis whose keys (one group in full) the entry gives. The builder derives it.
Basis = Literal["hardware-time", "reported-energy", "reported-co2e", "compute-estimate"]
_TIME_GROUPS = (
    ("training.hardware", "training.accelerator_hours"),
    ("training.hardware", "training.accelerators", "training.hours"),
    ("training.hardware", "training.accelerators", "training.days"),
)
BASES: tuple[tuple[Basis, tuple[tuple[str, ...], ...]], ...] = (
    ("hardware-time", _TIME_GROUPS),
    ("reported-energy", (("reported.energy_mwh",),)),
    ("reported-co2e", (("reported.co2e_t",),)),
    ("compute-estimate", (("training.flops", "training.hardware"),)),
)
# The other keys of training and reported that an entry of each basis can use: the
# inputs its figures read, and the figures shown beside them. `leaderboard new` offers
# these (and no others) for a source that discloses that basis; a key of an earlier
# basis would change the basis, and one this list leaves out changes no figure.
_GRID = (
    "training.region",
    "training.carbon_intensity",
    "training.net_carbon_intensity",
    "training.year",
)
_COMPARED = ("reported.energy_mwh", "reported.co2e_t", "reported.net_co2e_t")
BASIS_OPTIONS: Mapping[Basis, tuple[str, ...]] = {
    "hardware-time": (
        "training.power_w",
        "training.pue",
        *_GRID,
        "training.flops",  # checked against the time: a warning when implausible
        "training.same_run_as",
        *_COMPARED,
    ),
    "reported-energy": (
        "training.pue",  # with reported.energy_scope: it
        *_GRID,
        "training.same_run_as",
        "reported.energy_scope",
        "reported.co2e_t",
        "reported.net_co2e_t",
    ),
    "reported-co2e": (
        "training.carbon_intensity",
        "training.net_carbon_intensity",
        "training.same_run_as",
        "reported.net_co2e_t",
    ),
    "compute-estimate": (
        "training.precision",
        "training.utilization",
        "training.power_w",
        "training.pue",
        *_GRID,
        "training.same_run_as",
        "reported.net_co2e_t",  # reported energy or CO2e would make the basis a reported one
    ),
}
PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp8")
# The precision a compute estimate assumes when the entry states none: bf16, else the
# first of these the hardware has a peak for.
DEFAULT_PRECISIONS = ("bf16", "fp16", "tf32", "fp32", "fp8")


def derive_basis(given: Collection[str]) -> Basis | None:
    """The basis of an entry that gives the dotted keys `given` (training.hours, ...)."""
    for basis, groups in BASES:
        if any(all(name in given for name in group) for group in groups):
            return basis
    return None


LINK_KINDS = ("paper", "model_card", "code", "weights", "blog", "report")
CATALOG_FILES: Mapping[str, str] = {
    "hardware": "builder/data/hardware.yaml",
    "region": "builder/data/grid.yaml",
}


@dataclass(frozen=True)
class Excludes:
    """Giving `name` rules out each of `others`; the error points at the first of them given."""

    name: str
    others: tuple[str, ...]
    message: str
    hint: str = ""


@dataclass(frozen=True)
class Partial:
    """What to say when the keys given of an `AnyOf` rule are all among `given`, but complete
    none of its groups; the error points at the first of `given` that is there."""

    given: tuple[str, ...]
    message: str
    hint: str


@dataclass(frozen=True)
class AnyOf:
    """At least one of `groups` must be given in full."""

    groups: tuple[tuple[str, ...], ...]
    summary: str
    message: str  # when none of the rule's keys is given; points at the mapping
    hint: str
    partial: tuple[Partial, ...] = ()


@dataclass(frozen=True)
class Requires:
    """`name` must be given when `when` names a catalog key of `values`; the error points at
    `when`, and `message` may show its value as {value}."""

    name: str
    when: str
    values: ValueSet
    summary: str
    message: str
    hint: str
    bases: tuple[Basis, ...] = ()  # checked only for entries of these bases (none: always)


Rule = Union[Excludes, AnyOf, Requires]  # noqa: UP007 - a runtime alias on Python 3.10


def rule_keys(rule: Rule) -> frozenset[str]:
    """Every key a rule reads."""
    if isinstance(rule, Excludes):
        return frozenset((rule.name, *rule.others))
    if isinstance(rule, AnyOf):
        return frozenset(name for group in rule.groups for name in group)
    return frozenset((rule.name, rule.when))


@dataclass(frozen=True)
class Field:
    """One key of the entry format: its type, bounds and meaning."""

    kind: Kind
    description: str
    required: bool = False
    unit: str = ""
    minimum: float | None = None  # inclusive
    exclusive_minimum: float | None = None
    maximum: float | None = None  # inclusive; beyond it the value is refused
    # inclusive; beyond it a published figure is possible but unusual: a warning
    plausible_maximum: float | None = None
    choices: tuple[str, ...] = ()
    fields: Mapping[str, Field] = field(default_factory=dict)
    item: Field | None = None
    min_items: int = 0
    max_length: int | None = None
    example: object = None
    catalog: Catalog = ""  # a text value must be a key of this catalog
    # Rules across the keys of an object, checked in order. A rule that reads a key of an
    # earlier broken rule is not checked: fixing that one changes what it would say.
    rules: tuple[Rule, ...] = ()


def _url(description: str, required: bool = False) -> Field:
    return Field(
        "url",
        description,
        required=required,
        max_length=2000,
        example="https://arxiv.org/abs/2104.10350",
    )


SOURCE = Field(
    "object",
    "A document that backs the entry's figures.",
    fields={
        "url": _url("Address of the document (http or https).", required=True),
        "title": Field(
            "string",
            "Title with a locator: the table, section or page the figures come from.",
            required=True,
            max_length=300,
            example="Patterson et al. 2021, Table 4",
        ),
    },
)

TRAINING_RULES: tuple[Rule, ...] = (
    Excludes("hours", ("days",), "give hours or days, not both"),
    Excludes(
        "accelerator_hours",
        ("hours", "days"),
        "give accelerator_hours or accelerators with hours/days, not both",
        "keep the one the source states",
    ),
)

TRAINING = Field(
    "object",
    "The training run: hardware, duration and the energy inputs.",
    fields={
        "hardware": Field(
            "string",
            "Accelerator, a key of builder/data/hardware.yaml; needed with the training "
            "time or the training compute.",
            max_length=60,
            example="nvidia-a100-80gb",
            catalog="hardware",
        ),
        "accelerators": Field(
            "integer",
            "Number of accelerators used at once; give hours or days with it.",
            unit="accelerators",
            exclusive_minimum=0,
            plausible_maximum=1_000_000,
            example=512,
        ),
        "hours": Field(
            "number",
            "Wall-clock training time in hours (or give days).",
            unit="h",
            exclusive_minimum=0,
            plausible_maximum=24 * 1000,
            example=480,
        ),
        "days": Field(
            "number",
            "Wall-clock training time in days (or give hours).",
            unit="days",
            exclusive_minimum=0,
            plausible_maximum=1000,
            example=20,
        ),
        "accelerator_hours": Field(
            "number",
            "Total accelerator-hours (GPU-hours, chip-hours), instead of accelerators x time.",
            unit="h",
            exclusive_minimum=0,
            plausible_maximum=1e10,
            example=1.7e6,
        ),
        "power_w": Field(
            "number",
            "Mean system power per accelerator during training, host "
            "share included; default from the hardware catalog.",
            unit="W",
            exclusive_minimum=0,
            maximum=5000,
            example=310,
        ),
        "pue": Field(
            "number",
            "Power usage effectiveness of the data centre; default from the "
            "provider's fleet value or the industry average.",
            minimum=1.0,
            maximum=3.0,
            example=1.12,
        ),
        "region": Field(
            "string",
            "Where training ran: an ISO 3166 country (US), a US state "
            "(US-GA) or a cloud region (gcp-us-central1); a key of "
            "builder/data/grid.yaml.",
            max_length=60,
            example="US-GA",
            catalog="region",
        ),
        "carbon_intensity": Field(
            "number",
            "Location-based (gross) grid intensity; default from the region's grid for the year.",
            unit="kg CO2e/kWh",
            exclusive_minimum=0,
            maximum=2.0,
            example=0.429,
        ),
        "net_carbon_intensity": Field(
            "number",
            "Market-based intensity after carbon-free energy purchases, when the source gives one.",
            unit="kg CO2e/kWh",
            minimum=0,
            maximum=2.0,
            example=0.08,
        ),
        "year": Field(
            "integer",
            "Year training ran; selects the grid and PUE year.",
            minimum=1990,
            maximum=2100,
            example=2019,
        ),
        "flops": Field(
            "number",
            "Total training compute.",
            unit="FLOP",
            exclusive_minimum=0,
            maximum=1e30,
            example=4.05e22,
        ),
        "precision": Field(
            "enum",
            "Number format of the training arithmetic: which peak FLOP/s a compute estimate "
            "uses; default bf16, or the newest format the hardware has a peak for.",
            choices=PRECISIONS,
            example="bf16",
        ),
        "utilization": Field(
            "number",
            "Model FLOP utilization the source states (achieved over peak FLOP/s); default "
            "from builder/data/utilization.yaml, with its range.",
            exclusive_minimum=0,
            maximum=1,
            example=0.38,
        ),
        "same_run_as": Field(
            "string",
            "Id of the entry whose training run this model reuses (organization/model): "
            "shown, never counted twice in totals.",
            max_length=200,
            example="meta/llama-3-1-70b",
        ),
    },
    rules=TRAINING_RULES,
)

REPORTED = Field(
    "object",
    "Figures the sources publish themselves, for comparison.",
    fields={
        "energy_mwh": Field(
            "number",
            "Reported training energy.",
            unit="MWh",
            exclusive_minimum=0,
            maximum=1e7,
            example=85.7,
        ),
        "co2e_t": Field(
            "number",
            "Reported location-based (gross) emissions.",
            unit="t CO2e",
            exclusive_minimum=0,
            maximum=1e7,
            example=46.7,
        ),
        "net_co2e_t": Field(
            "number",
            "Reported market-based (net) emissions.",
            unit="t CO2e",
            minimum=0,
            maximum=1e7,
            example=4.3,
        ),
        "energy_scope": Field(
            "enum",
            "What the reported energy covers: facility (default; cooling and power delivery "
            "included) or it (accelerators and hosts only, multiplied by the PUE).",
            choices=("facility", "it"),
            example="facility",
        ),
    },
)

ENTRY_RULES: tuple[Rule, ...] = (
    AnyOf(
        tuple(group for _, groups in BASES for group in groups),
        "a basis for the figures: hardware with the training time (accelerators with "
        "hours or days, or accelerator_hours), or reported energy, or reported CO2e, or "
        "FLOP with hardware",
        "gives no basis for the figures",
        "a source must give hardware with the training time (training.accelerators with "
        "hours or days, or training.accelerator_hours), or reported.energy_mwh, or "
        "reported.co2e_t, or training.flops with training.hardware",
        partial=(
            Partial(
                ("training.accelerators", "training.hardware"),
                "needs the training time: add hours or days",
                "or give accelerator_hours instead",
            ),
            Partial(
                ("training.hours", "training.days", "training.hardware"),
                "needs the number of accelerators",
                "add `accelerators:`, or give accelerator_hours instead",
            ),
            Partial(
                (
                    "training.accelerator_hours",
                    "training.accelerators",
                    "training.hours",
                    "training.days",
                    "training.flops",
                ),
                "needs the hardware the time or compute ran on",
                "add `hardware:` to training, a key of builder/data/hardware.yaml",
            ),
        ),
    ),
    Requires(
        "training.power_w",
        "training.hardware",
        "hardware without a published power",
        "training.power_w is required for hardware without a published power",
        "required for '{value}': the hardware catalog has no published power for it",
        "state the source's power per accelerator as power_w",
        bases=("hardware-time", "compute-estimate"),
    ),
)

ENTRY = Field(
    "object",
    "One published model and its training run.",
    required=True,
    fields={
        "name": Field(
            "string", "The model's published name.", required=True, max_length=120, example="T5"
        ),
        "organization": Field(
            "string",
            "Who trained and published it.",
            required=True,
            max_length=120,
            example="Google",
        ),
        "released": Field(
            "date", "First public release: YYYY, YYYY-MM or YYYY-MM-DD.", example="2019-10"
        ),
        "parameters": Field(
            "number",
            "Total parameter count.",
            unit="parameters",
            exclusive_minimum=0,
            maximum=1e15,
            example=11e9,
        ),
        "domain": Field("enum", "What the model works on.", choices=DOMAINS, example="language"),
        "links": Field(
            "object",
            "Where to find the model.",
            fields={
                kind: _url(f"Link to the model's {kind.replace('_', ' ')}.") for kind in LINK_KINDS
            },
        ),
        "training": TRAINING,
        "reported": REPORTED,
        "sources": Field(
            "list",
            "Documents that back the figures; at least one.",
            required=True,
            item=SOURCE,
            min_items=1,
        ),
        "notes": Field(
            "markdown",
            "Anything a reader must know: how the sources computed their "
            "figures, contradictions, assumptions. Markdown.",
            max_length=20_000,
        ),
    },
    rules=ENTRY_RULES,
)
