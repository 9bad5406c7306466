"""Drafts of entries from Epoch AI's "Data on Notable AI Models" (CC BY 4.0).

Each row that names what the formula needs becomes a draft entry:
- its basis is the first the row supports: hardware with quantity and training time
  (`hardware-time`), else training compute with hardware (`compute-estimate`);
- Epoch's hardware names are mapped to catalog keys, by a table of the names it uses or,
  failing that, by a guess that the draft says is one;
- its organization to a folder of `builder/data/organizations.yaml`;
- its primary source (the row's Link) is cited first, Epoch second with its credit line;
- a notes paragraph says what came from Epoch, its confidence label, and the row's notes
  on training time and compute, condensed.

Drafts are checked by the validator before they are shown. Nothing here writes: the
command line prints the drafts or saves them, never over an existing entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from builder.catalog import Catalog
from builder.catalog_organizations import Organization
from builder.contrib.hf import match_hardware
from builder.contrib.scaffold import slugify, yaml_notes, yaml_text, yaml_word
from builder.conventions import DOMAINS, significant
from builder.epoch_rows import (
    EPOCH_CREDIT,
    EPOCH_URL,
    SNAPSHOT_ACCESSED,
    EpochRow,
    sure_enough,
)

# The hardware names Epoch uses, and the catalog key each one means. A name that is not
# here is matched by `match_hardware`, and the draft says the key was guessed. Names that
# do not say which memory size or form factor (plain "NVIDIA A100") are here too, with the
# commonest part for training, and are marked as guessed as well (see `_AMBIGUOUS`).
EPOCH_HARDWARE: Mapping[str, str] = {
    "NVIDIA A100": "nvidia-a100-40gb",
    "NVIDIA A100 SXM4 40 GB": "nvidia-a100-40gb",
    "NVIDIA A100 SXM4 80 GB": "nvidia-a100-80gb",
    "NVIDIA A100 PCIe": "nvidia-a100-pcie",
    "NVIDIA V100": "nvidia-v100",
    "NVIDIA Tesla V100 DGXS 32 GB": "nvidia-v100",
    "NVIDIA Tesla V100 DGXS 16 GB": "nvidia-v100",
    "NVIDIA Tesla V100 SXM3 32 GB": "nvidia-v100",
    "NVIDIA Tesla V100 PCIe 32 GB": "nvidia-v100-pcie",
    "NVIDIA Tesla V100S PCIe 32 GB": "nvidia-v100-pcie",
    "NVIDIA P100": "nvidia-p100",
    "NVIDIA P100 PCIe 16GB": "nvidia-p100",
    "NVIDIA H100 SXM5 80GB": "nvidia-h100-sxm",
    "Nvidia H100 80G": "nvidia-h100-sxm",
    "NVIDIA H100 PCIe": "nvidia-h100-pcie",
    "NVIDIA H800 SXM5": "nvidia-h800",
    "NVIDIA H200": "nvidia-h200",
    "NVIDIA H200 SXM": "nvidia-h200",
    "NVIDIA B200 GPUs": "nvidia-b200",
    "NVIDIA A800 SXM": "nvidia-a800",
    "NVIDIA RTX A6000": "nvidia-a6000",
    "NVIDIA A10 PCIe": "nvidia-a10",
    "NVIDIA GeForce RTX 3090": "nvidia-rtx-3090",
    "NVIDIA GeForce GTX 1080 Ti": "nvidia-gtx-1080-ti",
    "NVIDIA GeForce GTX 580": "nvidia-gtx-580",
    "NVIDIA GeForce GTX 480": "nvidia-gtx-480",
    "NVIDIA GeForce GTX TITAN X": "nvidia-gtx-titan-x",  # the 2015 Maxwell card
    "NVIDIA GeForce GTX Titan Black": "nvidia-gtx-titan-black",
    "NVIDIA TITAN Xp": "nvidia-titan-xp",
    "NVIDIA TITAN RTX": "nvidia-titan-rtx",
    "NVIDIA Quadro RTX 4000": "nvidia-quadro-rtx-4000",
    "NVIDIA Quadro RTX 5000": "nvidia-quadro-rtx-5000",
    "NVIDIA Quadro P600": "nvidia-quadro-p600",
    "NVIDIA Quadro GP100": "nvidia-quadro-gp100",
    "NVIDIA Tesla K80": "nvidia-k80",
    "NVIDIA Tesla K40c": "nvidia-k40",
    "NVIDIA Tesla K40m": "nvidia-k40",
    "NVIDIA Tesla K40s": "nvidia-k40",
    "NVIDIA Tesla K40t": "nvidia-k40",
    "NVIDIA Tesla K20m": "nvidia-k20",
    "NVIDIA Tesla K20X": "nvidia-k20x",
    "NVIDIA M40": "nvidia-m40",
    "NVIDIA Tesla C2075": "nvidia-c2075",
    "Google TPU v2": "google-tpu-v2",
    "Google TPU v3": "google-tpu-v3",
    "Google TPU v4": "google-tpu-v4",
    "Google TPU v5e": "google-tpu-v5e",
    "Google TPU v5p": "google-tpu-v5p",
    "Google TPU v6e Trillium": "google-tpu-v6e",
    "Amazon Trainium1": "aws-trainium1",
    "Huawei Ascend 910": "huawei-ascend-910",
    "AMD Radeon Instinct MI250X": "amd-mi250x",
}
_AMBIGUOUS = frozenset({"NVIDIA A100", "NVIDIA V100", "NVIDIA P100"})

# Epoch's domains, and the leaderboard's (by name, from the one list of them). A row with
# several takes the first listed here that it names; "Multimodal" wins over the rest.
_LANGUAGE, _CODE, _VISION, _MULTIMODAL, _SPEECH, _SCIENCE, _OTHER = DOMAINS
_DOMAINS = (
    ("Multimodal", _MULTIMODAL),
    ("Language", _LANGUAGE),
    ("Speech", _SPEECH),
    ("Vision", _VISION),
    ("Image generation", _VISION),
    ("Video", _VISION),
    ("Biology", _SCIENCE),
    ("Medicine", _SCIENCE),
    ("Materials science", _SCIENCE),
    ("Earth science", _SCIENCE),
    ("Mathematics", _SCIENCE),
)

NOTES_LIMIT = 400  # characters of each of Epoch's notes that a draft keeps


@dataclass(frozen=True)
class Hardware:
    """The catalog key of a row's training hardware, and how it was found."""

    key: str
    epoch_name: str
    guessed: bool


def map_hardware(names: str, catalog: Catalog) -> Hardware | None:
    """The catalog key of the first of Epoch's hardware names that has one."""
    for name in (n.strip() for n in names.split(",")):
        if not name:
            continue
        key = EPOCH_HARDWARE.get(name)
        if key is not None and key in catalog.hardware:
            return Hardware(key, name, name in _AMBIGUOUS)
        guess = match_hardware(name, catalog)
        if guess is not None:
            return Hardware(guess, name, True)
    return None


def map_organization(names: str, organizations: Mapping[str, Organization]) -> str:
    """The folder of Epoch's organization names: the first one that the catalog knows by
    its key, name or an alias, or, failing that, that starts with one of those as whole
    words ("Microsoft Research Asia": microsoft); else a new folder named after the first
    one, by the abbreviation it gives in brackets if any ("Carnegie Mellon University
    (CMU)": cmu)."""
    known: dict[str, str] = {}
    for key, org in organizations.items():
        for name in (key, org.name, *org.aliases):
            known.setdefault(name.casefold(), key)
    candidates = [n.strip() for n in names.split(",") if n.strip()]
    for name in candidates:
        if name.casefold() in known:
            return known[name.casefold()]
    for name in candidates:
        starts = [k for k in known if name.casefold().startswith(k + " ")]
        if starts:
            return known[max(starts, key=len)]
    first = candidates[0] if candidates else "unknown"
    short = re.search(r"\(([^()]+)\)\s*$", first)
    return slugify(short.group(1) if short else first, suffix="org")


def map_domain(domains: str) -> str | None:
    """The leaderboard's domain for Epoch's; None when Epoch gives none."""
    given = {d.strip() for d in domains.split(",") if d.strip()}
    if not given:
        return None
    for epoch_name, domain in _DOMAINS:
        if epoch_name in given:
            return domain
    return _OTHER


def condensed(text: str, limit: int = NOTES_LIMIT) -> str:
    """`text` on one line, cut after the last whole sentence (or word) within `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("; "))
    if end > limit // 2:
        return cut[: end + 1] + " …"
    return cut.rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class Draft:
    """An entry drafted from one row: where it goes, its YAML, and what was decided."""

    row: EpochRow
    path: str  # entries/<org>/<id>.yaml
    basis: str
    text: str
    hardware: Hardware | None
    new_organization: bool


@dataclass(frozen=True)
class Skipped:
    """A row that gives no basis an entry can use: why (`reason`, the same for all such
    rows) and what of the row it concerns (`detail`)."""

    row: EpochRow
    reason: str
    detail: str = ""


def _basis(row: EpochRow, hardware: Hardware | None) -> str | None:
    if hardware and row.quantity and row.hours:
        return "hardware-time"
    if hardware and row.flops:
        return "compute-estimate"
    return None


def credited(row: EpochRow, limit: int = 120) -> str:
    """The row's organizations as an entry's credit line, within the entry's `limit`:
    those that fit, then "and others"."""
    names = [n.strip() for n in row.organization.split(",") if n.strip()] or ["unknown"]
    text = ", ".join(names)
    while len(text) > limit and len(names) > 1:
        names.pop()
        text = ", ".join(names) + ", and others"
    return text[:limit]


def row_title(row: EpochRow, accessed: str) -> str:
    """The title of Epoch's citation: the dataset, the row, the access date. `--diff`
    finds the entries drafted from a row by it."""
    return f"{EPOCH_CREDIT} (CC BY 4.0), row “{row.model}”, accessed {accessed}"


def _num(x: float) -> str:
    """A count or an hour figure as written: `6144`, `2400`, `0.5`."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _big(x: float) -> str:
    """A parameter or FLOP count in six significant digits: `3.4e+11`, `2.6e+24`."""
    return f"{float(significant(x)):.6g}"


def _notes(row: EpochRow, basis: str, hardware: Hardware, accessed: str) -> list[str]:
    said = {"hardware-time": "hardware, quantity and training time"}.get(
        basis, "training compute and hardware"
    )
    lines = [
        f"Drafted from {EPOCH_CREDIT} ({EPOCH_URL}, CC BY 4.0, accessed {accessed}), "
        f"row “{row.model}”, whose confidence label is {row.confidence}. The {said} "
        "come from that row, and have not been checked against the primary source yet.",
    ]
    if basis == "compute-estimate" and row.utilization and row.utilization < 1:
        lines += ["", "Utilization: the model FLOP utilization is Epoch's figure for this run."]
    if hardware.guessed:
        lines += [
            "",
            f"Hardware: Epoch names “{hardware.epoch_name}”; the key `{hardware.key}` is "
            "a guess at which part that is.",
        ]
    for label, text in (("training time", row.time_notes), ("compute", row.compute_notes)):
        if text:
            lines += ["", f"Epoch's notes on {label}: {condensed(text)}"]
    return lines


def draft_row(
    row: EpochRow, catalog: Catalog, accessed: str = SNAPSHOT_ACCESSED
) -> Draft | Skipped:
    """The draft entry of one row, or why there is none."""
    hardware = map_hardware(row.hardware, catalog)
    basis = _basis(row, hardware)
    if basis is None or hardware is None:
        if not row.hardware:
            return Skipped(row, "no training hardware")
        if hardware is None:
            return Skipped(row, "hardware not in the catalog", row.hardware)
        return Skipped(row, "neither quantity with training time nor training compute")
    org = map_organization(row.organization, catalog.organizations)
    lines = [f"name: {yaml_text(row.model)}", f"organization: {yaml_text(credited(row))}"]
    if row.released and re.fullmatch(r"\d{4}(-\d{2}){0,2}", row.released):
        lines.append(f"released: {row.released}")
    if row.parameters:
        lines.append(f"parameters: {_big(row.parameters)}")
    domain = map_domain(row.domain)
    if domain:
        lines.append(f"domain: {domain}")
    lines += ["training:", f"  hardware: {yaml_word(hardware.key)}"]
    if basis == "hardware-time":
        lines += [f"  accelerators: {_num(row.quantity or 0)}", f"  hours: {_num(row.hours or 0)}"]
    else:
        lines.append(f"  flops: {_big(row.flops or 0)}")
        precision = row.precision.casefold()
        if precision in catalog.hardware[hardware.key].peak_flops:
            lines.append(f"  precision: {precision}")
        if row.utilization and row.utilization < 1:
            lines.append(f"  utilization: {row.utilization!r}")
    lines.append("sources:")
    link = row.link.split()[0] if row.link.split() else ""  # some rows give several
    if link.startswith(("https://", "http://")):
        title = row.reference or row.model
        lines.append(f"  - {{url: {yaml_text(link)}, title: {yaml_text(title[:300])}}}")
    lines.append(
        f"  - {{url: {yaml_text(EPOCH_URL)}, title: {yaml_text(row_title(row, accessed))}}}"
    )
    lines += yaml_notes(_notes(row, basis, hardware, accessed))
    entry_id = slugify(row.model)
    return Draft(
        row,
        f"entries/{org}/{entry_id}.yaml",
        basis,
        "\n".join(lines) + "\n",
        hardware,
        org not in catalog.organizations,
    )


def chosen(
    rows: Iterable[EpochRow], min_confidence: str, only: Sequence[str] = ()
) -> Iterator[EpochRow]:
    """The rows at or above `min_confidence`, and among those the models named in `only`
    (case-insensitive), if any are named."""
    wanted = {name.casefold() for name in only}
    for row in rows:
        if wanted and row.model.casefold() not in wanted:
            continue
        if sure_enough(row, min_confidence):
            yield row


def _differs(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) > 1e-5 * max(abs(a), abs(b))  # drafts keep 6 digits


def shown(value: object) -> str:
    """A figure of `--diff` as an entry would write it."""
    return _num(value) if isinstance(value, (int, float)) else str(value)


def changes(
    training: Mapping[str, object], row: EpochRow, catalog: Catalog
) -> list[tuple[str, object, object]]:
    """The figures an entry took from a row that the row now gives differently, as
    (field, the entry's, the row's). `training`: the entry's training keys."""
    found: list[tuple[str, object, object]] = []
    hardware = map_hardware(row.hardware, catalog)
    now = hardware.key if hardware else None
    if training.get("hardware") != now:
        found.append(("hardware", training.get("hardware"), now))
    hours = training.get("hours")
    if hours is None and isinstance(training.get("days"), (int, float)):
        hours = float(training["days"]) * 24  # type: ignore[arg-type]
    for field, had, has in (
        ("accelerators", training.get("accelerators"), row.quantity),
        ("hours", hours, row.hours),
        ("flops", training.get("flops"), row.flops),
    ):
        given = field in training or (field == "hours" and "days" in training)
        if given and _differs(had, has):  # type: ignore[arg-type]
            found.append((field, had, has))
    return found
