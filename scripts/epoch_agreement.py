#!/usr/bin/env python3
"""How the shipped entries compare with Epoch AI's rows: the figures a review of the
coverage quotes. Run from the repository root:

    python3 scripts/epoch_agreement.py

It prints the entries with accelerator-hours on both sides and how many agree within
10% (imported from Epoch or entered independently), each disagreement with whether its
notes explain it (a `**Epoch:**` paragraph), the entries whose cluster power lies
outside 2x of Epoch's training power draw, and the counts per basis and release year.
`leaderboard check entries` warns on the same disagreements; this prints the totals.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.cli import _checked  # noqa: E402
from builder.entries import epoch_checks  # noqa: E402
from builder.entries.plausibility import normal_name  # noqa: E402
from builder.epoch_rows import EPOCH_CSV, read_csv  # noqa: E402

IMPORTED = "Drafted from Epoch AI"
EXPLAINED = "**Epoch:**"


def main() -> int:
    entries = ROOT / "entries"
    results, errors = _checked(sorted(entries.rglob("*.yaml")))
    if not results:
        print(f"the entries do not validate ({len(errors)} errors): run leaderboard check")
        return 1
    by_name = {normal_name(row.model): row for row in read_csv(EPOCH_CSV)}
    hours: Counter[tuple[bool, bool]] = Counter()  # (imported, agrees)
    gaps, powers = [], []
    for r in results:
        row = epoch_checks.row_of(r, by_name)
        if row is None:
            continue
        text = (entries / f"{r.entry.id}.yaml").read_text(encoding="utf-8")
        gap = epoch_checks.hours_gap(r, row)
        if gap is not None:
            hours[IMPORTED in text, abs(gap) <= 0.10] += 1
            if abs(gap) > 0.10:
                gaps.append((gap, r.entry.id, EXPLAINED in text))
        factor = epoch_checks.power_factor(r, row)
        if factor is not None and not 0.5 <= factor <= 2:
            powers.append((factor, r.entry.id, EXPLAINED in text))
    both, agree = sum(hours.values()), hours[True, True] + hours[False, True]
    print(f"accelerator-hours on both sides: {both}; within 10%: {agree} ({agree / both:.0%})")
    for imported, label in ((True, "imported"), (False, "entered independently")):
        print(
            f"  {label}: {hours[imported, True]} of {hours[imported, True] + hours[imported, False]}"
        )
    for gap, entry_id, explained in sorted(gaps):
        print(f"  {gap:+.0%} {entry_id}{'' if explained else '  (NOT EXPLAINED)'}")
    print(
        f"cluster power outside 2x of Epoch's: {len(powers)}, explained {sum(e for *_, e in powers)}"
    )
    for factor, entry_id, explained in sorted(powers):
        print(f"  {factor:.2f}x {entry_id}{'' if explained else '  (NOT EXPLAINED)'}")
    print("per basis:", dict(Counter(r.basis for r in results).most_common()))
    years = Counter(r.entry.released_year for r in results)
    print(
        "per year:",
        ", ".join(f"{y} {n}" for y, n in sorted(years.items(), key=lambda t: t[0] or 0)),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
