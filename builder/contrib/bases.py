"""The four bases of entry format 2 in plain words, for `new`, `preview` and `export-hf`.

Which keys make a basis is declared once, in builder/entries/schema.py (BASES and
BASIS_OPTIONS); this module only says what each basis means to a contributor.
"""

from __future__ import annotations

from collections.abc import Mapping

from builder.entries.schema import Basis

# What a source discloses, as `leaderboard new` asks it, in the order of BASES.
DISCLOSES: Mapping[Basis, str] = {
    "hardware-time": "the accelerators and the training time",
    "reported-energy": "the energy used",
    "reported-co2e": "the emissions only",
    "compute-estimate": "the training compute only (FLOP)",
}

# Where each basis's figures come from, as `preview` and `export-hf` say it.
MEANS: Mapping[Basis, str] = {
    "hardware-time": "computed from the accelerators and the training time the source states",
    "reported-energy": "computed from the training energy the source reports",
    "reported-co2e": "the emissions the source reports, taken as they are",
    "compute-estimate": "estimated from the training compute (FLOP) the source states",
}
