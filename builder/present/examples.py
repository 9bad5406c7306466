"""The methodology page's worked examples: one small entry a basis, read, validated and
computed by the builder itself at build time with the catalogs of the build, so the
numbers the page prints are the ones an entry like it would get, never typed by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder.catalog import Catalog
from builder.compute import compute_result
from builder.conventions import N_
from builder.entries.errors import BuildFailed, EntryError
from builder.entries.gather import CatalogKeys
from builder.entries.load import read_entry
from builder.entries.model import Entry, Result
from builder.entries.validate import validate_entry

# What every example has besides the keys it is about; not shown on the page.
HEADER = """\
name: Worked example
organization: Example
sources:
  - {url: "https://arxiv.org/abs/2104.10350", title: "Patterson et al. 2021, section 2"}
"""
# Where the examples say they are, for the loader and for a message should one break.
ROOT = Path("/methodology-examples/entries")


# Each basis on the methodology page: what the entry states, how the figures follow, what
# widens the range. Markup is kept by the translations (tests/test_i18n.py checks it).
STATES = {
    "hardware-time": N_(
        "<code>training.hardware</code> with <code>training.accelerators</code> and "
        "<code>training.hours</code> or <code>training.days</code>, or with "
        "<code>training.accelerator_hours</code>."
    ),
    "reported-energy": N_(
        "<code>reported.energy_mwh</code>, and no accelerator time. "
        "<code>reported.energy_scope</code> says what it covers: <code>facility</code> (the "
        "default: cooling and power delivery included) or <code>it</code> (accelerators and "
        "hosts only)."
    ),
    "reported-co2e": N_(
        "<code>reported.co2e_t</code>, and neither accelerator time nor energy; perhaps "
        "<code>training.carbon_intensity</code>."
    ),
    "compute-estimate": N_(
        "<code>training.flops</code> with <code>training.hardware</code>, and no accelerator "
        "time; perhaps <code>training.precision</code> and <code>training.utilization</code>."
    ),
}
FOLLOWS = {
    "hardware-time": N_(
        "Accelerator-hours are accelerators × hours (or as stated); energy is "
        "accelerator-hours × power ÷ 1000 × PUE; CO2e is energy × grid intensity."
    ),
    "reported-energy": N_(
        "Facility energy is taken as reported; energy of the IT equipment is multiplied by "
        "the PUE. CO2e is energy × grid intensity."
    ),
    "reported-co2e": N_(
        "CO2e is taken as reported. The energy is CO2e ÷ the grid intensity the entry states; "
        "without one it stays empty, since a default intensity would make up an energy the "
        "source never gave."
    ),
    "compute-estimate": N_(
        "Accelerator-hours are FLOP ÷ (peak FLOP/s × utilization) ÷ 3600 s; then as for "
        "hardware and training time. The peak is the hardware catalog's dense peak for the "
        "precision the entry states, else bf16, else the first of fp16, tf32, fp32 and fp8 "
        "the hardware has (the Peak column of the hardware catalog below)."
    ),
}
WIDENS = {
    "hardware-time": N_(
        "Each input taken from a catalog: power, PUE and grid intensity, each by the spread "
        "described under Ranges. Stated inputs add none."
    ),
    "reported-energy": N_(
        "The PUE, when the energy covers the IT equipment only and the PUE is a default; the "
        "grid intensity, when it is a default. The reported energy adds none."
    ),
    "reported-co2e": N_(
        "Nothing: the reported figure is taken at its source's word and has no range."
    ),
    "compute-estimate": N_(
        "The utilization, when the entry states none: the catalog's default %(value)s with "
        "the range %(low)s to %(high)s (the fewest hours at the highest utilization); then "
        "power, PUE and grid intensity as for hardware and training time."
    ),
}


@dataclass(frozen=True)
class Example:
    """One basis's example: the keys an entry would state, as its file would hold them."""

    basis: str
    text: str


EXAMPLES = (
    Example(
        "hardware-time",
        "training:\n"
        "  hardware: nvidia-a100-40gb\n"
        "  accelerators: 64\n"
        "  days: 10\n"
        "  region: US\n"
        "  year: 2022\n",
    ),
    Example(
        "reported-energy",
        "training:\n  region: FR\n  year: 2022\nreported:\n  energy_mwh: 100\n  energy_scope: it\n",
    ),
    Example(
        "reported-co2e",
        "training:\n  carbon_intensity: 0.3\nreported:\n  co2e_t: 30\n",
    ),
    Example(
        "compute-estimate",
        "training:\n"
        "  hardware: google-tpu-v4\n"
        "  flops: 1e23\n"
        "  region: gcp-us-central1\n"
        "  year: 2022\n",
    ),
)


def example_entry(example: Example, catalog: Catalog) -> Entry:
    """An example read and validated as an entry file is; BuildFailed, with the
    validator's message, when a catalog change breaks it."""
    path = ROOT / "example" / f"{example.basis}.yaml"
    shown = f"builder/present/examples.py ({example.basis})"
    raw = read_entry(path, ROOT, shown, (HEADER + example.text).encode("utf-8"))
    if isinstance(raw, EntryError):
        raise BuildFailed(raw.format())
    keys = CatalogKeys(catalog)
    checked = validate_entry(raw, keys.hardware, keys.regions, keys.peaks)
    if isinstance(checked, Entry):
        return checked
    raise BuildFailed("\n".join(e.format() for e in checked))


def worked_examples(catalog: Catalog) -> list[tuple[Example, Result]]:
    """Each basis's example and its result, in the order the bases are tried."""
    return [
        (example, compute_result(example_entry(example, catalog), catalog)) for example in EXAMPLES
    ]
