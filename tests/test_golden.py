"""The whole output of the golden fixture equals the committed baseline, byte for byte."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from . import golden


@pytest.mark.slow
def test_the_golden_site_is_built_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "site"
    golden.build(out)
    made, expected = golden.snapshot(out), golden.committed()
    missing = sorted(expected.keys() - made.keys())
    extra = sorted(made.keys() - expected.keys())
    changed = sorted(rel for rel in made.keys() & expected.keys() if made[rel] != expected[rel])
    report = []
    for rel in changed[:3]:
        before = expected[rel].decode("utf-8", "replace").splitlines()
        after = made[rel].decode("utf-8", "replace").splitlines()
        diff = difflib.unified_diff(before, after, f"golden/{rel}", f"built/{rel}", lineterm="")
        report.append("\n".join(list(diff)[:40]))
    assert not (missing or extra or changed), (
        f"the output differs from tests/golden/site/: missing {missing}, new {extra}, "
        f"changed {changed}\n" + "\n".join(report) + "\nIf the change is meant, refresh the "
        "baseline with `python -m tests.golden` and commit it."
    )


def test_the_golden_fixture_holds_every_kind_of_file() -> None:
    """The baseline covers what a review must see: pages in both languages and the dataset."""
    files = golden.committed()
    for rel in (
        "index.html",
        "zh/index.html",
        "models/google/t5.html",
        "zh/models/google/t5.html",
        "data/leaderboard.csv",
        "data/leaderboard.json",
        "data/datapackage.json",
        "sitemap.xml",
        "robots.txt",
        "assets/vendor/vega-bundle.js",
    ):
        assert rel in files, rel
    entries = sorted(p.relative_to(golden.GOLDEN) for p in golden.GOLDEN.glob("entries/*/*.yaml"))
    assert len(entries) == 8
    # the seed paper's case (google/transformer-big) heads the choices page
    assert "seed-case" in (golden.SITE / "choices" / "index.html").read_text(encoding="utf-8")
