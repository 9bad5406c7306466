"""Sums over the leaderboard (the total, the per-year chart) count each training run once:
a model that names another's run with same_run_as is listed, never added again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from builder.build import build_site
from builder.catalog import load_catalog
from builder.compute import compute_result
from builder.config import SiteConfig
from builder.conventions import BASIS_LABELS
from builder.entries.gather import check_files, collect
from builder.entries.model import Result
from builder.entries.schema import BASES
from builder.present import charts, sums

from .conftest import FIXTURES

RUNS = FIXTURES / "runs" / "entries"


def test_the_total_skips_models_that_reuse_a_run() -> None:
    figures = [(2020, 10.0, None), (2020, 10.0, "lab/base"), (2021, 2.5, None), (None, 1.0, None)]
    assert sums.total(figures) == sums.Total(13.5, 3, 1)


def test_the_total_of_nothing_is_zero() -> None:
    assert sums.total([]) == sums.Total(0.0, 0, 0)


def test_year_sums_skip_reused_runs_and_undated_models_in_year_order() -> None:
    figures = [
        (2022, 4.0, None),
        (2020, 10.0, None),
        (2020, 10.0, "lab/base"),  # the 2020 run again: not added
        (2020, 0.5, None),
        (None, 7.0, None),  # no release year: in the total, in no year
        (2022, 3.0, "lab/other"),
    ]
    assert sums.by_year(figures) == [sums.YearSum(2020, 10.5, 2), sums.YearSum(2022, 4.0, 1)]


def test_a_year_whose_models_all_reuse_runs_has_no_bar() -> None:
    assert sums.by_year([(2023, 5.0, "lab/base"), (2021, 1.0, None)]) == [
        sums.YearSum(2021, 1.0, 1)
    ]


def test_every_basis_has_a_label_in_the_order_of_the_schema() -> None:
    assert list(BASIS_LABELS) == [basis for basis, _ in BASES]


@pytest.fixture(scope="module")
def results() -> list[Result]:
    """The runs fixtures (one per basis, and a model reusing a run), largest first."""
    catalog = load_catalog()
    files = [(os.fspath(path), None) for path in collect([RUNS])]
    entries = check_files(files, catalog=catalog)
    computed = [compute_result(e, catalog) for e in entries.values()]
    return sorted(computed, key=lambda r: (-r.co2e_t, r.entry.id))


def test_the_fixtures_have_every_basis_and_one_reused_run(results: list[Result]) -> None:
    assert {r.basis for r in results} == set(BASIS_LABELS)
    reused = [r for r in results if r.entry.training.same_run_as]
    assert [r.entry.id for r in reused] == ["allenai/fixture-chat"]
    base = next(r for r in results if r.entry.id == "allenai/fixture-base")
    assert reused[0].co2e_t == base.co2e_t > 0  # the same run: the same figures


def test_the_charts_count_each_run_once(results: list[Result]) -> None:
    drawn = {c.id: c for c in charts.build_charts(results, charts.spec_templates())}
    top = [row["name"] for row in drawn["top-emitters"].spec["datasets"]["rows"]]
    assert "Fixture Base" in top and "Fixture Chat" not in top
    assert len(top) == len(results) - 1
    # the per-year sums, worked out here from each result
    expected: dict[int, float] = {}
    for r in results:
        year = r.entry.released_year
        if year is not None and not r.entry.training.same_run_as:
            expected[year] = expected.get(year, 0.0) + r.co2e_t
    years = drawn["co2e-by-year"].spec["datasets"]["rows"]
    assert [row["year"] for row in years] == sorted(expected) == [2021, 2022, 2023]
    for row in years:
        assert row["co2e_t"] == pytest.approx(expected[row["year"]], rel=1e-5)
    # 2021: the base's run alone, although the chat model was released that year too
    base = next(r for r in results if r.entry.id == "allenai/fixture-base")
    assert years[0] == {"year": 2021, "co2e_t": pytest.approx(base.co2e_t, rel=1e-5), "runs": 1}
    assert "summed over 4 training runs" in drawn["co2e-by-year"].description


@pytest.mark.slow
def test_a_cached_rebuild_names_the_renamed_run_in_the_reusing_row(tmp_path: Path) -> None:
    entries, cache, out = tmp_path / "entries", tmp_path / "cache", tmp_path / "site"
    shutil.copytree(RUNS, entries)
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    link = '<a href="./models/allenai/fixture-base.html">'
    assert f"same run as {link}Fixture Base</a>" in (out / "index.html").read_text("utf-8")
    base = entries / "allenai" / "fixture-base.yaml"
    base.write_text(base.read_text("utf-8").replace("Fixture Base", "Fixture Base v2"), "utf-8")
    build_site(entries, out, SiteConfig(), cache_dir=cache)  # fixture-chat's file is as it was
    index = (out / "index.html").read_text("utf-8")
    assert f"same run as {link}Fixture Base v2</a>" in index
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert index == (tmp_path / "clean" / "index.html").read_text("utf-8")
