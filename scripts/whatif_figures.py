#!/usr/bin/env python3
"""What if, for a few entries: the published run, the catalog's cleanest and dirtiest grid
region for the training year, with each figure's range and its factor against the
published run (builder/whatif.py, the figures the model pages' panel shows). Run from the
repository root:

    python3 scripts/whatif_figures.py                      # T5 and Llama 3.1 405B
    python3 scripts/whatif_figures.py meta/opt-175b ...     # other entry ids
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder import whatif  # noqa: E402
from builder.catalog import load_catalog  # noqa: E402
from builder.conventions import format_estimate  # noqa: E402
from builder.entries.gather import check_paths, collect  # noqa: E402

DEFAULT = ("google/t5", "meta/llama-3-1-405b")


def main(ids: list[str]) -> int:
    entries, errors = check_paths(collect([ROOT / "entries"]))
    if errors:
        print(f"{len(errors)} invalid entries: run `leaderboard check entries`", file=sys.stderr)
        return 1
    catalog = load_catalog()
    by_id = {e.id: e for e in entries}
    for id_ in ids:
        entry = by_id[id_]
        year = whatif.grid_year(entry, catalog)
        published = whatif.whatif(entry, catalog)
        print(f"{entry.name} ({id_}), {published.basis}, grid year {year}")
        if whatif.REGION not in whatif.choices(entry, catalog):
            print("  the region cannot change for this basis")
            continue
        clean, dirty = whatif.extremes(catalog, year)
        for label, region in (("published run", None), ("cleanest", clean), ("dirtiest", dirty)):
            r = whatif.whatif(entry, catalog, region=region)
            ci = r.carbon_intensity
            where = catalog.regions[region].grid_name if region else "as published"
            print(
                f"  {label:14} {where} ({region or '-'}), {ci.value if ci else '-'} kg/kWh:"
                f" {format_estimate(r.co2e_t)} t CO2e"
                f" (range {format_estimate(r.co2e_t_low, 2)}-{format_estimate(r.co2e_t_high, 2)}),"
                f" x {format_estimate(r.co2e_t / published.co2e_t, 2)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(DEFAULT)))
