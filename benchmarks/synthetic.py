"""Realistic synthetic entries for benchmarks: valid, varied, with notes and sources.

python benchmarks/synthetic.py N OUT_DIR [--seed S]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from builder import catalog

WORDS = (
    "sparse",
    "dense",
    "mixture",
    "transformer",
    "vision",
    "speech",
    "code",
    "multilingual",
    "instruct",
    "chat",
    "base",
    "large",
    "small",
    "tiny",
    "mega",
    "ultra",
    "flash",
    "nova",
    "atlas",
    "orion",
    "lumen",
    "vega",
    "sigma",
    "delta",
)
DOMAINS = ("language", "vision", "speech", "multimodal", "code", "science", "other")
NOTE = """The authors report the hardware and training time in {where}. They do not state
the power per accelerator, so the catalog default applies.

- Trained on {tokens:,} tokens.
- Checkpoints are **public**; see the [paper]({url}).
"""


def entry_text(
    i: int,
    rng: random.Random,
    hardware: list[str],
    regions: list[str],
    organizations: list[str] | None = None,
) -> tuple[str, str]:
    """(relative path, YAML text) of entry number i, in one of the `organizations`
    folders (keys of the organizations catalog), credited to one of 200 names."""
    folders = organizations or sorted(catalog.organization_keys())
    org = folders[i % len(folders)]
    name = f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {i}"
    slug = name.lower().replace(" ", "-")
    year = rng.randint(2017, 2025)
    lines = [
        f'name: "{name}"',
        f'organization: "Organization {i % 200:03d}"',
        f"released: {year}-{rng.randint(1, 12):02d}",
        f"parameters: {rng.choice([1, 3, 7, 13, 34, 70, 175])}e9",
        f"domain: {rng.choice(DOMAINS)}",
        "training:",
        f"  hardware: {rng.choice(hardware)}",
    ]
    if rng.random() < 0.5:
        lines += [
            f"  accelerators: {rng.choice([8, 64, 256, 512, 1024, 2048])}",
            f"  days: {round(rng.uniform(0.5, 90), 1)}",
        ]
    else:
        lines.append(f"  accelerator_hours: {rng.randint(1_000, 30_000_000)}")
    if rng.random() < 0.3:
        lines.append(f"  power_w: {rng.randint(150, 900)}")
    if rng.random() < 0.3:
        lines.append(f"  pue: {round(rng.uniform(1.05, 1.6), 2)}")
    if rng.random() < 0.6:
        lines.append(f"  region: {rng.choice(regions)}")
    if rng.random() < 0.2:
        lines.append(f"  carbon_intensity: {round(rng.uniform(0.02, 0.9), 3)}")
    lines.append(f"  year: {year}")
    if rng.random() < 0.4:
        lines.append(f"  flops: {rng.uniform(1, 9):.2f}e{rng.randint(20, 25)}")
    if rng.random() < 0.4:
        lines += ["reported:", f"  co2e_t: {round(rng.uniform(0.1, 5000), 1)}"]
    url = f"https://example.org/papers/{slug}"
    lines += [
        "sources:",
        f'  - {{url: "{url}", title: "{name} technical report, Table {i % 9 + 1}"}}',
        "notes: |",
    ]
    note = NOTE.format(where=f"Section {i % 7 + 1}", tokens=rng.randint(10**9, 10**13), url=url)
    lines += [f"  {line}" if line else "" for line in note.splitlines()]
    return f"{org}/{slug}.yaml", "\n".join(lines) + "\n"


def generate(n: int, out: Path, seed: int = 1) -> None:
    """Write n entries below out/ (which should be empty or missing)."""
    rng = random.Random(seed)
    hardware = sorted(k for k, has_power in catalog.hardware_index().items() if has_power)
    regions = sorted(catalog.region_keys())
    organizations = sorted(catalog.organization_keys())
    for i in range(n):
        rel, text = entry_text(i, rng, hardware, regions, organizations)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.out, args.seed)


if __name__ == "__main__":
    main()
