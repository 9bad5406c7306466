"""The entry format, version 1, declared once as data.

The validator walks this declaration and the JSON Schema published for editors
is generated from it, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from builder.conventions import DOMAINS

Kind = Literal["string", "number", "integer", "date", "url", "enum", "object", "list", "markdown"]

FORMAT_VERSION = 1

LINK_KINDS = ("paper", "model_card", "code", "weights", "blog", "report")


@dataclass(frozen=True)
class Field:
    """One key of the entry format: its type, bounds and meaning."""

    kind: Kind
    description: str
    required: bool = False
    unit: str = ""
    minimum: float | None = None  # inclusive
    exclusive_minimum: float | None = None
    maximum: float | None = None  # inclusive; a plausibility bound
    choices: tuple[str, ...] = ()
    fields: Mapping[str, Field] = field(default_factory=dict)
    item: Field | None = None
    min_items: int = 0
    max_length: int | None = None
    example: object = None


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

TRAINING = Field(
    "object",
    "The training run: hardware, duration and the energy inputs.",
    required=True,
    fields={
        "hardware": Field(
            "string",
            "Accelerator, a key of builder/data/hardware.yaml.",
            required=True,
            max_length=60,
            example="nvidia-a100-80gb",
        ),
        "accelerators": Field(
            "integer",
            "Number of accelerators used at once; give hours or days with it.",
            unit="accelerators",
            exclusive_minimum=0,
            maximum=1_000_000,
            example=512,
        ),
        "hours": Field(
            "number",
            "Wall-clock training time in hours (or give days).",
            unit="h",
            exclusive_minimum=0,
            maximum=24 * 1000,
            example=480,
        ),
        "days": Field(
            "number",
            "Wall-clock training time in days (or give hours).",
            unit="days",
            exclusive_minimum=0,
            maximum=1000,
            example=20,
        ),
        "accelerator_hours": Field(
            "number",
            "Total accelerator-hours (GPU-hours, chip-hours), instead of accelerators x time.",
            unit="h",
            exclusive_minimum=0,
            maximum=1e10,
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
    },
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
    },
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
            fields={k: _url(f"Link to the model's {k.replace('_', ' ')}.") for k in LINK_KINDS},
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
)
