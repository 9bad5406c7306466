"""Frozen values passed between the pipeline stages."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Literal

from builder.conventions import format_value
from builder.entries.schema import DEFAULT_PRECISIONS, Basis, derive_basis

Provenance = Literal["stated", "default", "derived"]


@dataclass(frozen=True)
class SourceRef:
    """A document an entry cites: a URL and a title that carries a locator."""

    url: str
    title: str


@dataclass(frozen=True)
class Training:
    """What the entry says about the training run."""

    hardware: str | None = None
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
    precision: str | None = None
    utilization: float | None = None
    same_run_as: str | None = None


@dataclass(frozen=True)
class Reported:
    """The figures the entry's sources publish themselves."""

    energy_mwh: float | None = None
    co2e_t: float | None = None
    net_co2e_t: float | None = None
    energy_scope: str | None = None  # facility (None: the default) or it


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


def given_keys(entry: Entry) -> frozenset[str]:
    """The dotted keys (training.hours, reported.co2e_t) an entry gives a value for."""
    keys = {
        f"{prefix}.{name}"
        for prefix, part in (("training", entry.training), ("reported", entry.reported))
        for name, value in vars(part).items()
        if value is not None
    }
    return frozenset(keys)


def entry_basis(entry: Entry) -> Basis:
    """Where a valid entry enters the chain (validation guarantees it has one)."""
    basis = derive_basis(given_keys(entry))
    assert basis is not None, entry.id
    return basis


def estimate_precision(stated: str | None, peaks: Collection[str]) -> str:
    """The precision a compute estimate uses: stated, else bf16, else the first the
    hardware has a peak for (bf16 when it has none)."""
    if stated:
        return stated
    return next((p for p in DEFAULT_PRECISIONS if p in peaks), DEFAULT_PRECISIONS[0])


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
    # An input the entry's basis does not use is None: a reported-CO2e entry has no
    # accelerator-hours, power or PUE; its energy is None unless it states the intensity.
    accelerator_hours: Input | None
    power_w: Input | None
    pue: Input | None
    carbon_intensity: Input | None
    net_carbon_intensity: float | None
    energy_mwh: float | None
    energy_mwh_low: float | None
    energy_mwh_high: float | None
    co2e_t: float
    co2e_t_low: float
    co2e_t_high: float
    net_co2e_t: float | None
    energy_ratio: float | None
    co2e_ratio: float | None
    defaults: tuple[str, ...]
    quality: str
    basis: Basis  # where the entry enters the chain; see builder/entries/schema.py
    utilization: Input | None  # what a compute estimate assumed; None for the other bases

    @property
    def inputs(self) -> tuple[Input, ...]:
        """The formula inputs the basis uses, in formula order."""
        chain = (self.utilization, self.accelerator_hours, self.power_w, self.pue)
        return tuple(i for i in (*chain, self.carbon_intensity) if i is not None)
