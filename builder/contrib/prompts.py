"""`leaderboard new` in a terminal: ask what the source discloses first, then only for the
answers that basis needs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from builder.contrib.bases import DISCLOSES
from builder.contrib.scaffold import BASIS_NAMES, Draft, basis_keys, basis_of
from builder.entries.schema import Basis

Ask = Callable[[str, Iterable[str]], str]


@dataclass(frozen=True)
class Keys:
    """The catalog keys the questions complete: all hardware, the hardware with a peak
    FLOP/s (for a compute estimate) and the grid regions."""

    hardware: list[str]
    peaks: list[str]
    regions: list[str]


def disclosure_question() -> str:
    """The first question: the four bases in plain words, numbered."""
    choices = [f"  {i}. {DISCLOSES[b]} ({b})" for i, b in enumerate(BASIS_NAMES, 1)]
    return "\n".join(
        [
            "What does the source disclose about the training run?",
            *choices,
            f"Answer 1-{len(BASIS_NAMES)}: ",
        ]
    )


def ask_basis(ask: Ask) -> Basis:
    """Ask until the answer is a number of the list or a basis's name."""
    while True:
        answer = ask(disclosure_question(), BASIS_NAMES).strip()
        if answer.isdigit() and 1 <= int(answer) <= len(BASIS_NAMES):
            return BASIS_NAMES[int(answer) - 1]
        for basis in BASIS_NAMES:
            if answer == basis:
                return basis


def ask_number(ask: Ask, question: str, optional: bool = False) -> float | None:
    """A positive number; asked again until it is one (empty gives None when `optional`)."""
    while True:
        answer = ask(question, ()).strip().replace(",", "")
        if optional and not answer:
            return None
        try:
            value = float(answer)
        except ValueError:
            continue
        if 0 < value < float("inf"):
            return value


def _ask_key(ask: Ask, question: str, keys: list[str], current: str | None) -> str:
    while current not in keys:
        current = ask(question, keys)
    return current


def _hardware_time(d: Draft, ask: Ask, keys: Keys) -> None:
    d.hardware = _ask_key(
        ask, "Hardware key (Tab completes, e.g. nvidia-h100-sxm): ", keys.hardware, d.hardware
    )
    if d.accelerator_hours is None and d.accelerators is None:
        count = ask_number(
            ask, "Accelerator count (empty if the source gives total accelerator-hours): ", True
        )
        if count is not None:
            d.accelerators = int(count)
        else:
            d.accelerator_hours = ask_number(ask, "Total accelerator-hours: ")
    if d.accelerators is not None and d.days is None and d.hours is None:
        d.days = ask_number(ask, "Training time in days: ")


def _reported_energy(d: Draft, ask: Ask, keys: Keys) -> None:
    if d.energy_mwh is None:
        d.energy_mwh = ask_number(ask, "Training energy the source reports, in MWh: ")
    while d.energy_scope is None:
        answer = ask(
            "Does it include cooling and power delivery? facility (yes, or not said) "
            "or it (accelerators and hosts only) [facility]: ",
            ("facility", "it"),
        ).strip()
        if answer in ("", "facility", "it"):
            d.energy_scope = answer or "facility"


def _reported_co2e(d: Draft, ask: Ask, keys: Keys) -> None:
    if d.co2e_t is None:
        d.co2e_t = ask_number(ask, "Emissions the source reports, in t CO2e: ")
    if d.carbon_intensity is None:
        d.carbon_intensity = ask_number(
            ask, "Grid intensity the source states, kg CO2e/kWh (empty if none): ", True
        )


def _compute_estimate(d: Draft, ask: Ask, keys: Keys) -> None:
    d.hardware = _ask_key(
        ask, "Hardware key (Tab completes; those with a peak FLOP/s): ", keys.peaks, d.hardware
    )
    if d.flops is None:
        d.flops = ask_number(ask, "Training compute in FLOP (e.g. 3.8e25): ")


_BY_BASIS: dict[Basis, Callable[[Draft, Ask, Keys], None]] = {
    "hardware-time": _hardware_time,
    "reported-energy": _reported_energy,
    "reported-co2e": _reported_co2e,
    "compute-estimate": _compute_estimate,
}


def prompt_missing(d: Draft, ask: Ask, keys: Keys) -> None:
    """Fill the missing answers by asking; `ask(question, completions)` returns the answer.
    What the source discloses comes first, unless the flags already told it."""
    if basis_of(d) is None:
        d.discloses = ask_basis(ask)
    basis = basis_of(d)
    assert basis is not None
    if not d.name:
        d.name = ask("Model name (as published): ", ())
    if not d.organization:
        d.organization = ask("Organization: ", ())
    _BY_BASIS[basis](d, ask, keys)
    if not d.released:
        d.released = ask("Released (YYYY, YYYY-MM or YYYY-MM-DD; empty to skip): ", ()) or None
    if d.region is None and "training.region" in basis_keys(basis):
        region = ask("Region where it trained (Tab completes; empty if unknown): ", keys.regions)
        d.region = region or None
    if not d.source_url:
        d.source_url = ask("Source URL: ", ())
    if not d.source_title:
        d.source_title = ask("Source title with a locator (e.g. 'Paper, Table 2'): ", ())
