"""The shortcuts a large build takes give the same answers as the long way round.

The file listing, the scalar resolver's early exit, the stat-first rebuild and the
sharded cache are each checked against what they replace; timings are not tested
(benchmarks/bench_build.py measures them).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builder.build import build_site
from builder.config import SiteConfig
from builder.entries.load import entry_file_names, find_entry_files
from builder.entries.yaml_tree import resolve_plain
from builder.incremental import cache as cache_mod
from builder.incremental import door as door_mod
from builder.incremental.cachefile import unpack
from builder.present.i18n import LANGUAGES

from .conftest import ENTRIES


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _rglob_listing(folder: Path) -> list[str]:
    """What the listing replaced: rglob, every file with a .yaml or .yml suffix."""
    found = (p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    return sorted(os.fspath(p) for p in found)


def test_listing_matches_rglob_on_awkward_names(tmp_path: Path) -> None:
    root = tmp_path / "entries"
    (root / "org" / "deep" / "er").mkdir(parents=True)
    for name in ("a.yaml", "b.yml", ".yaml", "..yaml", "c.yaml.bak", "d.YAML", ".hidden.yaml"):
        (root / "org" / name).write_text("name: x\n", encoding="utf-8")
    (root / "org" / "deep" / "er" / "e.yaml").write_text("name: x\n", encoding="utf-8")
    (root / "org" / "folder.yaml").mkdir()  # a folder, not a file
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.yaml").write_text("name: x\n", encoding="utf-8")
    (root / "linked-folder").symlink_to(outside)  # not entered, as rglob does not
    (root / "org" / "linked.yaml").symlink_to(outside / "f.yaml")  # listed; read_entry refuses
    (root / "org" / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")  # not a file
    assert entry_file_names(root) == _rglob_listing(root)
    assert [os.fspath(p) for p in find_entry_files(root)] == sorted(_rglob_listing(root))


def test_listing_of_the_working_folder_has_no_dot_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "m.yaml").write_text("name: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert entry_file_names(Path(".")) == ["org/m.yaml"] == _rglob_listing(Path("."))


def test_listing_of_the_shipped_entries_matches_rglob() -> None:
    assert entry_file_names(ENTRIES) == _rglob_listing(ENTRIES)


# The resolver as it was before its early exit for text that cannot be a number.
_INT = re.compile(r"[-+]?[0-9][0-9_]*\Z")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?\Z")


def _reference(text: str) -> object:
    if text in {"", "~", "null", "Null", "NULL"}:
        return None
    if text in {"true", "True", "TRUE"}:
        return True
    if text in {"false", "False", "FALSE"}:
        return False
    if text.lstrip("+-") in {".inf", ".Inf", ".INF"} and len(text) - len(text.lstrip("+-")) < 2:
        return -math.inf if text.startswith("-") else math.inf
    if text in {".nan", ".NaN", ".NAN"}:
        return "nan"
    if _INT.match(text) and not text.endswith("_"):
        digits = text.replace("_", "")
        return float(digits) if len(digits.lstrip("+-")) > 18 else int(digits)
    if _FLOAT.match(text) and any(c.isdigit() for c in text) and not text.endswith("_"):
        return float(text.replace("_", ""))
    return text


def _same(text: str) -> None:
    got, want = resolve_plain(text), _reference(text)
    if want == "nan":
        assert isinstance(got, float) and got != got
    else:
        assert type(got) is type(want) and got == want, text


@given(st.text(alphabet="0123456789+-._eExabc~ nulTRUEfalsINF", max_size=12))
def test_resolver_early_exit_changes_nothing(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    ["", "~", "null", "True", "FALSE", ".inf", "-.Inf", ".NaN", "11e9", "10_000", "1_", "+.5",
     "-", ".", "_1", "e9", "0x10", "2019-10", "1e", "Stated", "nvidia-a100", "9" * 30],
)  # fmt: skip
def test_resolver_on_chosen_scalars(text: str) -> None:
    _same(text)


def _entries_copy(tmp_path: Path) -> Path:
    entries = tmp_path / "entries"
    shutil.copytree(ENTRIES, entries)
    # settled (older than the cache's SETTLE_NS), so a later change must show in the
    # file's status; and of today, so an edit leaves the data's date (the newest entry
    # file's day, shown on the index) as it was and the tests see only the edit's own work
    old = int(time.time()) - 60
    for path in entries.rglob("*.yaml"):
        os.utime(path, (old, old))
    return entries


@pytest.mark.slow
def test_a_cold_build_opens_each_entry_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.entries import gather

    entries = _entries_copy(tmp_path)
    opened: list[str] = []
    real_os_open, real_path_open = gather.os.open, Path.open

    def os_open(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(path))
        return real_os_open(path, *args, **kwargs)

    def path_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(os.fspath(self))
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(gather.os, "open", os_open)
    monkeypatch.setattr(Path, "open", path_open)
    report = build_site(entries, tmp_path / "site", SiteConfig(), cache_dir=tmp_path / "cache")
    monkeypatch.undo()
    files = sorted(os.fspath(p) for p in entries.rglob("*.yaml"))
    assert report.entries == len(files)
    read = sorted(p for p in opened if p.endswith(".yaml") and p.startswith(os.fspath(entries)))
    assert read == files  # each one, once: hashed and parsed from the same bytes


@pytest.mark.slow
def test_settled_unchanged_files_are_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    hashed: list[bytes] = []
    real_digest = door_mod.content_key

    def digest(data: bytes) -> str:
        hashed.append(data)
        return real_digest(data)

    monkeypatch.setattr(door_mod, "content_key", digest)
    t5 = entries / "google" / "t5.yaml"
    t5.write_text(t5.read_text(encoding="utf-8").replace("days: 20", "days: 25"), encoding="utf-8")
    again = build_site(entries, out, SiteConfig(), cache_dir=cache)
    contents = {p.read_bytes() for p in entries.rglob("*.yaml")}
    assert [data for data in hashed if data in contents] == [t5.read_bytes()]
    assert again.rendered_pages >= 1
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")


@pytest.mark.slow
def test_a_change_that_keeps_size_and_modification_time_is_still_seen(tmp_path: Path) -> None:
    """The change time is part of a file's signature, and cannot be set back."""
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    t5 = entries / "google" / "t5.yaml"
    before = t5.stat()
    text = t5.read_text(encoding="utf-8")
    assert "days: 20" in text
    t5.write_text(text.replace("days: 20", "days: 25"), encoding="utf-8")  # same size
    os.utime(t5, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (t5.stat().st_size, t5.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert "days × 24 h" in (out / "models" / "google" / "t5.html").read_text(encoding="utf-8")
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")


@pytest.mark.slow
def test_recent_files_are_hashed_again(tmp_path: Path) -> None:
    """A file changed within the settling time is not trusted by its status alone."""
    entries = tmp_path / "entries"
    shutil.copytree(ENTRIES, entries, copy_function=shutil.copyfile)  # just written
    cache = tmp_path / "cache"
    build_site(entries, tmp_path / "site", SiteConfig(), cache_dir=cache)
    files = cache_mod.BuildCache(cache, cache_mod.global_key(SiteConfig())).state().files
    cache_mod.thaw()
    assert files and all(signature is None for signature, _ in files.values())


@pytest.mark.slow
def test_rebuilds_rewrite_only_the_shards_that_changed(tmp_path: Path) -> None:
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    shards = sorted(cache.glob("records-*.marshal"))
    assert len(shards) > 1
    written = {p.name: p.stat().st_mtime_ns for p in shards}
    os.utime(entries / "google" / "t5.yaml")  # touched, not changed: the same records
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("records-*.marshal")} == written
    t5 = entries / "google" / "t5.yaml"
    t5.write_text(t5.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    now = {p.name: p.stat().st_mtime_ns for p in cache.glob("records-*.marshal")}
    # the shards of t5's old and new record, not all
    changed = {name for name in now.keys() | written.keys() if now.get(name) != written.get(name)}
    assert 0 < len(changed) <= 2
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")


@pytest.mark.slow
def test_a_notes_edit_reads_only_its_own_records_and_remakes_only_its_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.present import site

    monkeypatch.setattr(site, "PAGE_SIZE", 10)  # ranking pages and data/rows.json too
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    shared = ["data/leaderboard.csv", "data/leaderboard.json", "data/rows.json"]
    shared += ["zh/data/rows.json", "index.html", "ranking/2/index.html"]
    shared += ["zh/ranking/3/index.html", "about/index.html"]
    inodes = {name: (out / name).stat().st_ino for name in shared}
    read: list[int] = []
    shard = cache_mod.Records.shard

    def counted(self: cache_mod.Records, number: int) -> Any:
        if number not in self._shards:
            read.append(number)
        return shard(self, number)

    monkeypatch.setattr(cache_mod.Records, "shard", counted)
    elmo = entries / "allenai" / "elmo.yaml"
    elmo.write_text(elmo.read_text(encoding="utf-8") + "  An edited line.\n", encoding="utf-8")
    report = build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert report.rendered_pages == len(LANGUAGES)
    assert "An edited line." in (out / "models" / "allenai" / "elmo.html").read_text("utf-8")
    # neither its row nor its dataset lines changed: what is made of them is left as it was
    assert {name: (out / name).stat().st_ino for name in shared} == inodes
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")
    # its old record's shard and its new one's, to write them again, and the largest
    # run's, whose name heads the index's key figures; no other record
    assert 1 <= len(read) <= 3, read


@pytest.mark.slow
def test_a_lost_or_damaged_record_shard_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder import compute

    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    first, second = sorted(cache.glob("records-*.marshal"))[:2]
    first.unlink()
    second.write_bytes(b"damaged")
    computed: list[str] = []
    compute_result = compute.compute_result

    def counted(entry: Any, catalog: Any) -> Any:
        computed.append(entry.id)
        return compute_result(entry, catalog)

    monkeypatch.setattr(compute, "compute_result", counted)
    again = build_site(entries, out, SiteConfig(), cache_dir=cache)
    # the entries of those two shards were computed again, the others were not
    assert 0 < len(computed) < again.entries
    assert first.is_file() and second.read_bytes() != b"damaged"
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")
    assert build_site(entries, out, SiteConfig(), cache_dir=cache).rendered_pages == 0


@pytest.mark.slow
def test_removed_entries_leave_the_cache(tmp_path: Path) -> None:
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    (entries / "google" / "t5.yaml").unlink()
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    state = cache_mod.BuildCache(cache, cache_mod.global_key(SiteConfig())).state()
    cache_mod.thaw()
    assert not [key for key in state.entries if key.endswith("google/t5.yaml")]
    assert not [key for key in state.files if key.endswith("google/t5.yaml")]
    assert not [p for p in out.rglob("t5.html")]
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")


@pytest.mark.slow
def test_a_cache_of_the_old_format_or_garbage_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "state.pickle").write_bytes(b"old")
    (cache / cache_mod.FILES).write_bytes(b"\x00garbage")
    (cache / cache_mod.OUTPUT).write_bytes(b"")
    (cache / "records-0.pickle").write_bytes(b"not a pickle")
    (cache / "records-0.marshal").write_bytes(b"not marshal")
    (cache / f"records-0.v{cache_mod.FORMAT}.marshal").write_bytes(b"not marshal")
    out = tmp_path / "site"
    report = build_site(ENTRIES, out, SiteConfig(), cache_dir=cache)
    assert report.reused == 0
    assert not (cache / "state.pickle").exists()
    build_site(ENTRIES, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")


def _inodes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_ino for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def many_entries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """More entries than one ranking page holds, so that there are ranking pages to keep."""
    from benchmarks.synthetic import generate
    from builder.present.site import PAGE_SIZE

    entries = tmp_path_factory.mktemp("many") / "entries"
    generate(PAGE_SIZE * 2 + 50, entries)
    return entries


@pytest.mark.slow
def test_a_rebuild_moves_in_only_what_changed_and_equals_a_clean_build(
    tmp_path: Path, many_entries: Path
) -> None:
    entries = tmp_path / "entries"
    shutil.copytree(many_entries, entries)
    cache, out, clean = tmp_path / "cache", tmp_path / "site", tmp_path / "clean"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    before = _inodes(out)
    assert "ranking/3/index.html" in before and "zh/ranking/3/index.html" in before
    (out / "stray.html").write_text("not made by a build", encoding="utf-8")
    (out / "models" / "stray").mkdir()
    (out / "models" / "stray" / "page.html").write_text("nor this", encoding="utf-8")
    # The last-ranked entry's name changes: its pages, its ranking page and the data files
    # that list every entry are made again.
    csv_rows = (out / "data" / "leaderboard.csv").read_text(encoding="utf-8").splitlines()
    last_id = csv_rows[-1].split(",")[0]
    victim = next(p for p in entries.rglob("*.yaml") if f"{p.parent.name}/{p.stem}" == last_id)
    text = victim.read_text(encoding="utf-8")
    victim.write_text(re.sub(r'^name: "', 'name: "Renamed ', text, flags=re.M), encoding="utf-8")
    report = build_site(entries, out, SiteConfig(), cache_dir=cache)
    after = _inodes(out)
    rewritten = sorted(path for path in after if after[path] != before.get(path))
    assert f"models/{last_id}.html" in rewritten
    assert f"zh/models/{last_id}.html" in rewritten
    assert "ranking/3/index.html" in rewritten
    assert "data/leaderboard.csv" in rewritten and "zh/data/rows.json" in rewritten
    # Pages that show nothing of the change are neither rendered nor written again.
    assert "ranking/2/index.html" not in rewritten
    assert "zh/ranking/2/index.html" not in rewritten
    assert not [
        p for p in rewritten if p.startswith("models/") and last_id not in p and "stray" not in p
    ]
    assert report.rendered_pages == 2
    # files no build made are kept
    assert "stray.html" in after and (out / "models" / "stray" / "page.html").exists()
    build_site(entries, clean, SiteConfig())
    made = {k: v for k, v in _tree(out).items() if "stray" not in k}
    assert made == _tree(clean)


@pytest.mark.slow
def test_no_compiled_template_is_kept_with_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_site(ENTRIES, tmp_path / "site", SiteConfig(), cache_dir=cache)
    assert not list(cache.rglob("*.code")) and not (cache / "templates").exists()
    again = build_site(ENTRIES, tmp_path / "again", SiteConfig(), cache_dir=cache)
    assert again.files > 0
    assert _tree(tmp_path / "site") == _tree(tmp_path / "again")


@pytest.mark.slow
def test_an_output_file_edited_in_place_is_made_again(tmp_path: Path) -> None:
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(ENTRIES, out, SiteConfig(), cache_dir=cache)
    page = out / "models" / "google" / "t5.html"
    made = page.read_bytes()
    inode = page.stat().st_ino
    with page.open("r+b") as handle:  # same file, same size, other bytes
        handle.write(b"X" * 15)
    # as an edit a second later would leave it (within one tick of the file system's
    # clock, an edit that keeps inode and size cannot be told from stat alone)
    st = page.stat()
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert page.stat().st_ino == inode and page.stat().st_size == len(made)
    build_site(ENTRIES, out, SiteConfig(), cache_dir=cache)
    assert page.read_bytes() == made


@pytest.mark.slow
def test_the_cache_keeps_only_the_chart_images_and_products_of_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.incremental import shipped

    # without the store shipped with the package, whose files would be used instead
    monkeypatch.setattr(shipped, "DATA_DIR", tmp_path / "no-store")
    monkeypatch.setattr(shipped, "STORE", tmp_path / "no-store" / "charts")
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    first = {p.name for p in (cache / "svg").iterdir()}
    assert len(first) == 5 * len(LANGUAGES)  # four charts, and the lead one's phone image
    (cache / "svg" / "0123.svg").write_text("<svg/>", encoding="utf-8")  # from long ago
    (cache / "vega-bundle-0123").write_text("old", encoding="utf-8")
    t5 = entries / "google" / "t5.yaml"
    t5.write_text(t5.read_text(encoding="utf-8").replace("name: T5", "name: T5 11B"), "utf-8")
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    kept = {p.name: p.read_bytes() for p in (cache / "svg").iterdir()}
    assert len(kept) == 5 * len(LANGUAGES)
    assert kept.keys() != first  # the scatter plots name T5 in their specs: drawn again
    drawn = sorted(p.read_bytes() for p in out.rglob("charts/*.svg") if p.stem != "distribution")
    assert drawn == sorted(unpack(data) for data in kept.values())
    assert [p.name for p in cache.glob("vega-bundle-*")] != ["vega-bundle-0123"]
    assert len(list(cache.glob("vega-bundle-*"))) == len(list(cache.glob("chart-templates-*"))) == 1


@given(st.lists(st.text(), max_size=6))
def test_rows_json_written_row_by_row_is_what_json_dumps_writes(rows: list[str]) -> None:
    import json
    from types import SimpleNamespace

    from builder.present.site import ROOT_TOKEN, _rows_file

    rows = [f"<tr> {text} <a href='{ROOT_TOKEN}models/x.html'>x</a>\n" for text in rows]
    made = SimpleNamespace(
        hashes=[""] * len(rows), ranked_html=rows.__getitem__, ranks_key=lambda shown: ""
    )
    artifact = _rows_file("data/rows.json", made)  # type: ignore[arg-type]
    written = artifact.make()
    every = [html.replace(ROOT_TOKEN, "./").strip() for html in rows]
    assert written == json.dumps({"rows": every}, ensure_ascii=False).encode()


@pytest.mark.slow
def test_a_change_no_chart_shows_leaves_the_charts_as_they_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from builder.present import charts

    made: list[str] = []

    def build_charts(*args: Any) -> Any:
        made.append(args[2].code)
        return real(*args)

    real = charts.build_charts
    monkeypatch.setattr(charts, "build_charts", build_charts)
    entries = _entries_copy(tmp_path)
    cache, out = tmp_path / "cache", tmp_path / "site"
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert len(made) == len(LANGUAGES)
    chart_files = sorted(out.glob("charts/*")) + sorted(out.glob("zh/charts/*"))
    # four specs and SVGs, the lead chart's phone image; the histogram is shared
    assert len(chart_files) == 10 * len(LANGUAGES) - 1
    inodes = {p: p.stat().st_ino for p in chart_files}
    made.clear()
    t5 = entries / "google" / "t5.yaml"
    t5.write_text(t5.read_text(encoding="utf-8").replace("Figures are", "The figures are"), "utf-8")
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert made == []  # neither rows nor specs made again
    assert {p: p.stat().st_ino for p in chart_files} == inodes
    assert "The figures are" in (out / "models" / "google" / "t5.html").read_text("utf-8")
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")
    # a chart's file gone from the output: the charts are made again
    made.clear()
    (out / "zh" / "charts" / "top-emitters.json").unlink()
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert len(made) == len(LANGUAGES)
    assert _tree(out) == _tree(tmp_path / "clean")
    made.clear()
    # a change a chart shows: the charts change with it, as in a clean build
    t5.write_text(t5.read_text(encoding="utf-8").replace("days: 20", "days: 25"), "utf-8")
    build_site(entries, out, SiteConfig(), cache_dir=cache)
    assert len(made) == len(LANGUAGES)
    shutil.rmtree(tmp_path / "clean")
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(out) == _tree(tmp_path / "clean")
    assert (out / "charts" / "co2e-by-date.json").stat().st_ino != inodes[
        out / "charts" / "co2e-by-date.json"
    ]
