"""Frozen values passed between the pipeline stages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from builder.conventions import format_value

Provenance = Literal["stated", "default", "derived"]


@dataclass(frozen=True)
class SourceRef:
    """A document an entry cites: a URL and a title that carries a locator."""

    url: str
    title: str


@dataclass(frozen=True)
class Training:
    """What the entry says about the training run."""

    hardware: str
    accelerators: int | None = None
    hours: float | None = None
    days: float | None = None
    accelerator_hours: float | None = None
    power_w: float | None = None
    pue: float | None = None
    region: str | None = None
    carbon_intensity: float | None = None
    net_carbon_intensity: float | None = None
    year: int | None = None
    flops: float | None = None


@dataclass(frozen=True)
class Reported:
    """The figures the entry's sources publish themselves."""

    energy_mwh: float | None = None
    co2e_t: float | None = None
    net_co2e_t: float | None = None


@dataclass(frozen=True)
class Entry:
    """One validated entry file."""

    id: str
    path: str
    name: str
    organization: str
    training: Training
    sources: tuple[SourceRef, ...]
    released: str | None = None
    parameters: float | None = None
    domain: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)
    reported: Reported = field(default_factory=Reported)
    notes: str = ""
    # Line of each field as written ("training.pue" -> 9), for messages and previews.
    lines: Mapping[str, int] = field(default_factory=dict)

    @property
    def released_year(self) -> int | None:
        """The year part of `released`."""
        return int(self.released[:4]) if self.released else None


@dataclass(frozen=True)
class Citation:
    """Where a default came from: a catalog row and the document behind it."""

    catalog: str
    row: str
    label: str
    title: str
    url: str
    licence: str = ""


@dataclass(frozen=True)
class Input:
    """One input of the formula with its value, range and provenance."""

    name: str
    value: float
    low: float
    high: float
    provenance: Provenance
    # Where the value comes from: a message id of the gettext catalogs, with %(name)s
    # placeholders filled from `args` (numbers are formatted for the reader's language).
    basis_message: str
    citation: Citation | None = None
    year: int | None = None
    args: tuple[tuple[str, str | int | float], ...] = ()

    def explain(
        self,
        gettext: Callable[[str], str],
        number: Callable[[int | float], str],
        names: Mapping[str, str] | None = None,
    ) -> str:
        """The basis in a language: its gettext, number formatter and place names."""
        names = names or {}
        values = {k: names.get(v, v) if isinstance(v, str) else number(v) for k, v in self.args}
        return gettext(self.basis_message) % values if values else gettext(self.basis_message)

    @property
    def basis(self) -> str:
        """The basis in English, as the dataset publishes it."""
        return self.explain(lambda m: m, format_value)


@dataclass(frozen=True)
class Result:
    """The standardized figures of one entry, with every input traceable."""

    entry: Entry
    accelerator_hours: Input
    power_w: Input
    pue: Input
    carbon_intensity: Input
    net_carbon_intensity: float | None
    energy_mwh: float
    energy_mwh_low: float
    energy_mwh_high: float
    co2e_t: float
    co2e_t_low: float
    co2e_t_high: float
    net_co2e_t: float | None
    energy_ratio: float | None
    co2e_ratio: float | None
    defaults: tuple[str, ...]
    quality: str

    @property
    def inputs(self) -> tuple[Input, ...]:
        """The four formula inputs, in formula order."""
        return (self.accelerator_hours, self.power_w, self.pue, self.carbon_intensity)
