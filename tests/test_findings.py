"""The index's key figures (builder.present.findings): the arithmetic, on small hand-made
leaderboards whose answers are worked out here."""

from __future__ import annotations

import datetime
import math
import os
import subprocess
from pathlib import Path

import pytest

from builder.data_date import data_date, files_date
from builder.present import findings
from builder.present.ranked import Summary


def summary(
    id: str,
    co2e: float,
    year: int | None = 2020,
    low: float | None = None,
    high: float | None = None,
    org: str = "lab",
    reported: int = 0,
    same_run_as: str | None = None,
) -> Summary:
    return Summary(
        id=id,
        path=f"entries/{id}.yaml",
        co2e_t=co2e,
        organization_key=org,
        hardware="",
        domain=None,
        year=year,
        inputs_hash=id,
        chart="",
        export="",
        basis="hardware-time",
        same_run_as=same_run_as,
        co2e_t_low=co2e if low is None else low,
        co2e_t_high=co2e if high is None else high,
        reported=reported,
    )


def test_the_largest_run_is_the_highest_co2e_with_its_range_skipping_reused_runs() -> None:
    rows = [
        summary("lab/copy", 500.0, same_run_as="lab/big"),  # the same run, listed twice
        summary("lab/big", 500.0, low=100.0, high=900.0),
        summary("lab/small", 20.0),
    ]
    assert findings.largest(rows) == findings.Largest("lab/big", 500.0, 100.0, 900.0)
    assert findings.largest([]) is None


def test_the_total_counts_each_run_once_and_adds_up_the_range_ends() -> None:
    rows = [
        summary("a/x", 10.0, low=5.0, high=30.0),
        summary("a/y", 2.0, low=1.0, high=4.0),
        summary("a/z", 10.0, low=5.0, high=30.0, same_run_as="a/x"),
    ]
    assert findings.run_total(rows) == findings.RunTotal(12.0, 6.0, 34.0, 2, 1)


def test_a_tenfold_growth_every_year_fits_exactly() -> None:
    rows = [summary(f"a/{y}", 10.0 ** (y - 2015), year=y) for y in range(2016, 2021)]
    trend = findings.trend(rows)
    assert trend is not None
    assert trend.factor == pytest.approx(10.0)
    assert (trend.low, trend.high) == (pytest.approx(10.0), pytest.approx(10.0))  # no scatter
    assert (trend.first_year, trend.last_year, trend.years) == (2016, 2020, 5)


def test_the_trend_takes_each_years_largest_run_over_the_last_years_only() -> None:
    rows = [
        summary("a/old", 1e9, year=2000),  # outside the span: ignored
        summary("a/2018", 1.0, year=2018),
        summary("a/2018-small", 0.01, year=2018),  # not the year's largest
        summary("a/2019", 4.0, year=2019),
        summary("a/2020", 2.0, year=2020),
        summary("a/2020-copy", 99.0, year=2020, same_run_as="a/2020"),  # reused: skipped
        summary("a/undated", 50.0, year=None),
    ]
    trend = findings.trend(rows, span=3)
    assert trend is not None
    # log10 of 1, 4, 2 on 2018, 2019, 2020: slope = (log10(2) - log10(1)) / 2
    slope = math.log10(2) / 2
    assert trend.factor == pytest.approx(10**slope)
    # the line passes through the mean at 2019; its residuals give the standard error
    ys = [0.0, math.log10(4), math.log10(2)]
    mean_y = sum(ys) / 3
    fitted = [mean_y - slope, mean_y, mean_y + slope]
    residual = sum((y - f) ** 2 for y, f in zip(ys, fitted, strict=True))
    error = math.sqrt(residual / 1 / 2)  # n - 2 = 1 degree of freedom, sxx = 2
    assert trend.low == pytest.approx(10 ** (slope - error))
    assert trend.high == pytest.approx(10 ** (slope + error))
    assert trend.low < trend.factor < trend.high
    assert (trend.first_year, trend.last_year, trend.years) == (2018, 2020, 3)


def test_too_few_years_state_no_trend() -> None:
    rows = [summary("a/1", 1.0, year=2019), summary("a/2", 5.0, year=2020)]
    assert findings.trend(rows) is None
    assert findings.trend([]) is None


def test_published_counts_models_and_organizations_with_a_figure_of_their_own() -> None:
    rows = [
        summary("a/1", 1.0, org="a", reported=1),
        summary("a/2", 1.0, org="a", reported=1),
        summary("b/1", 1.0, org="b"),
        summary("c/1", 1.0, org="c", reported=1),
    ]
    assert findings.published(rows) == findings.Published(3, 2, 4, 3)


def test_the_data_date_prefers_git_then_files_then_the_build_date(tmp_path: Path) -> None:
    entry = tmp_path / "lab" / "model.yaml"
    entry.parent.mkdir()
    entry.write_text("name: x\n", encoding="utf-8")
    os.utime(entry, (1_700_000_000, 1_700_000_000))  # 2023-11-14 UTC
    files = [str(entry)]
    assert files_date(files) == datetime.date(2023, 11, 14)
    found = data_date(tmp_path, files, None)
    assert found is not None and found.source == "files"
    assert found.date == datetime.date(2023, 11, 14)
    assert data_date(tmp_path, [], datetime.date(2024, 1, 2)) == (
        datetime.date(2024, 1, 2),
        "build",
    )
    # a date after SOURCE_DATE_EPOCH is clamped to it
    clamped = data_date(tmp_path, files, datetime.date(2020, 1, 1))
    assert clamped == (datetime.date(2020, 1, 1), "build")
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2022-03-04T05:06:07Z",
        "GIT_COMMITTER_DATE": "2022-03-04T05:06:07Z",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "entries"]):
        subprocess.run(["git", *command], cwd=tmp_path, env=env, check=True)
    assert data_date(tmp_path, files, None) == (datetime.date(2022, 3, 4), "git")
