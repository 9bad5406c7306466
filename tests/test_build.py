"""A build of the shipped entries: dataset contract, pages, reproducibility, atomic output."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from builder.build import BuildReport, build_site
from builder.config import SiteConfig
from builder.entries.errors import EntriesInvalid
from builder.present.dataset import COLUMNS, to_csv
from builder.present.i18n import LANGUAGES
from builder.write import TEMP_PREFIX

from .conftest import ENTRIES, FIXTURES

CONTRACT_COLUMNS = [
    "id",
    "name",
    "organization",
    "hardware",
    "accelerator_hours",
    "power_w",
    "pue",
    "carbon_intensity_kg_per_kwh",
    "energy_mwh",
    "co2e_t",
    "net_co2e_t",
    "reported_energy_mwh",
    "reported_co2e_t",
]


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_csv_has_the_contract_columns_and_one_row_per_entry(
    built_site: tuple[Path, BuildReport],
) -> None:
    out, report = built_site
    text = (out / "data" / "leaderboard.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    for column in CONTRACT_COLUMNS:
        assert column in header
    assert header == [c.name for c in COLUMNS]
    assert len(rows) == report.entries == len(list(ENTRIES.rglob("*.yaml")))
    assert len({r["id"] for r in rows}) == len(rows)
    t5 = next(r for r in rows if r["id"] == "google/t5")
    assert t5["hardware"] == "google-tpu-v3"
    assert float(t5["energy_mwh"]) == pytest.approx(85.7, rel=0.015)
    assert float(t5["co2e_t"]) == pytest.approx(46.7, rel=0.015)
    assert t5["reported_co2e_t"] == "46.7"
    assert t5["power_w_provenance"] == "stated"
    # Every number column parses as a number or is empty (= unknown).
    numeric = [c.name for c in COLUMNS if c.type in ("number", "integer")]
    for row in rows:
        for name in numeric:
            if row[name] != "":
                float(row[name])


def test_json_matches_csv(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    rows = json.loads((out / "data" / "leaderboard.json").read_text(encoding="utf-8"))
    csv_rows = list(
        csv.DictReader(io.StringIO((out / "data" / "leaderboard.csv").read_text(encoding="utf-8")))
    )
    assert [r["id"] for r in rows] == [r["id"] for r in csv_rows]
    assert list(rows[0]) == [c.name for c in COLUMNS]
    for js, cs in zip(rows, csv_rows, strict=True):
        for key, value in js.items():
            if value is None:
                assert cs[key] == ""
            elif isinstance(value, (int, float)):
                assert float(cs[key]) == value


def test_datapackage_describes_every_column(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    package = json.loads((out / "data" / "datapackage.json").read_text(encoding="utf-8"))
    fields = package["resources"][0]["schema"]["fields"]
    assert [f["name"] for f in fields] == [c.name for c in COLUMNS]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_pages_exist_for_every_entry(built_site: tuple[Path, BuildReport]) -> None:
    out, report = built_site
    # the leaderboard's rows: the index holds the first page, ranking/N/ the others
    listing = (out / "index.html").read_text(encoding="utf-8") + "".join(
        page.read_text(encoding="utf-8").replace('href="../../models/', 'href="./models/')
        for page in (out / "ranking").glob("*/index.html")
    )
    for r in report.results:
        page = out / "models" / f"{r.entry.id}.html"
        assert page.is_file()
        assert f'href="./models/{r.entry.id}.html"' in listing
    for page in ("methodology", "data", "contribute", "about"):
        assert (out / page / "index.html").is_file()
    assert (out / "404.html").is_file()


def test_rows_sorted_by_co2e_descending(built_site: tuple[Path, BuildReport]) -> None:
    _, report = built_site
    values = [r.co2e_t for r in report.results]
    assert values == sorted(values, reverse=True)


@pytest.mark.slow
def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    config = SiteConfig(base_url="https://example.org/leaderboard/")
    build_site(ENTRIES, tmp_path / "a", config)
    build_site(ENTRIES, tmp_path / "b", config)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


@pytest.mark.slow
def test_failed_build_leaves_previous_output_intact(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    build_site(ENTRIES, out, SiteConfig())
    before = _tree(out)
    broken = tmp_path / "entries"
    shutil.copytree(ENTRIES, broken)
    shutil.copy(
        FIXTURES / "invalid" / "entries" / "bad" / "pue-below-one.yaml",
        broken / "google" / "broken.yaml",
    )
    with pytest.raises(EntriesInvalid) as info:
        build_site(broken, out, SiteConfig())
    assert [e.field for e in info.value.errors] == ["training.pue"]
    assert _tree(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.slow
def test_rebuild_replaces_output_and_leaves_no_temporary_folder(tmp_path: Path) -> None:
    from builder.safety import RECORD, record_bytes

    out = tmp_path / "_site"
    out.mkdir()
    (out / "stale.html").write_text("old", encoding="utf-8")
    (out / RECORD).write_bytes(record_bytes(["stale.html"]))  # made by an earlier build
    build_site(ENTRIES, out, SiteConfig())
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_csv_neutralizes_formula_cells(built_site: tuple[Path, BuildReport]) -> None:
    import dataclasses

    _, report = built_site
    r = report.results[0]
    hostile = dataclasses.replace(
        r,
        entry=dataclasses.replace(
            r.entry, name='=HYPERLINK("http://evil")', organization="+cmd", id="x/y"
        ),
    )
    row = next(csv.DictReader(io.StringIO(to_csv([hostile]))))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["organization"] == "'+cmd"
    assert float(row["co2e_t"]) > 0


@pytest.mark.slow
def test_cached_rebuild_after_one_change_equals_a_clean_build(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(ENTRIES, entries)
    cache, out, clean = tmp_path / "cache", tmp_path / "site", tmp_path / "clean"
    config = SiteConfig()
    first = build_site(entries, out, config, cache_dir=cache)
    assert first.reused == 0
    again = build_site(entries, out, config, cache_dir=cache)
    # nothing changed: every page, in each language, is kept, none rendered
    assert again.rendered_pages == 0
    assert again.reused == len(list(out.rglob("*.html"))) > again.entries * len(LANGUAGES)
    t5 = entries / "google" / "t5.yaml"
    t5.write_text(t5.read_text(encoding="utf-8").replace("days: 20", "days: 25"), encoding="utf-8")
    changed = build_site(entries, out, config, cache_dir=cache)
    assert 0 < changed.rendered_pages < changed.entries
    build_site(entries, clean, config)
    assert _tree(out) == _tree(clean)
    assert "days × 24 h" in (out / "models" / "google" / "t5.html").read_text(encoding="utf-8")
    assert "25 天 × 24 小时" in (out / "zh/models/google/t5.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_cache_from_other_settings_is_not_reused(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_site(ENTRIES, tmp_path / "a", SiteConfig(), cache_dir=cache)
    other = build_site(
        ENTRIES, tmp_path / "a", SiteConfig(repo_url="https://example.org/r"), cache_dir=cache
    )
    assert other.reused == 0
    build_site(ENTRIES, tmp_path / "b", SiteConfig(repo_url="https://example.org/r"))
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


@pytest.mark.slow
def test_a_killed_builds_temporary_folder_is_removed_by_the_next_build(tmp_path: Path) -> None:
    abandoned = tmp_path / f"{TEMP_PREFIX}4194303-abc"  # no live process has this id
    (abandoned / "models").mkdir(parents=True)
    build_site(ENTRIES, tmp_path / "_site", SiteConfig())
    assert not abandoned.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


@pytest.mark.slow
def test_identical_files_at_two_paths_get_their_own_rows(tmp_path: Path) -> None:
    """Rows are cached by content: the same bytes under another id must not share a row."""
    entries = tmp_path / "entries"
    shutil.copytree(ENTRIES, entries)
    twin = entries / "google" / "t5-twin.yaml"
    twin.write_bytes((entries / "google" / "t5.yaml").read_bytes())
    out = tmp_path / "site"
    for cache in (None, tmp_path / "cache", tmp_path / "cache"):  # clean, cold, warm
        build_site(entries, out, SiteConfig(), cache_dir=cache)
        rows = "".join(json.loads((out / "data/rows.json").read_text(encoding="utf-8"))["rows"])
        assert rows.count('href="./models/google/t5.html"') == 1  # every row, all pages
        assert rows.count('href="./models/google/t5-twin.html"') == 1
        ids = [row["id"] for row in json.loads((out / "data/leaderboard.json").read_text())]
        assert "google/t5" in ids and "google/t5-twin" in ids
