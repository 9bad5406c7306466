"""The safety contract of `build` and `serve`: what they refuse, write, delete and trust."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import marshal
import os
import pickle
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from builder import cli
from builder import write as write_mod
from builder.config import SiteConfig
from tests.conftest import ENTRIES, ROOT

SAMPLE = ("google/t5.yaml", "google/bert-base.yaml", "google/palm-540b.yaml")


def _entries(folder: Path) -> Path:
    """A small entries folder: three of the shipped entries."""
    for name in SAMPLE:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ENTRIES / name, folder / name)
    return folder


def _snapshot(root: Path) -> dict[str, bytes | str]:
    """Every file (its bytes), link (its target) and folder below `root`."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            found[rel] = "dir"
        else:
            found[rel] = path.read_bytes()
    return found


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


# --- which --out a build refuses ------------------------------------------------------


@pytest.fixture()
def checkout(tmp_path: Path) -> Path:
    """A folder laid out like a checkout: .git, entries, a user's notes, a file."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    _entries(repo / "entries")
    (repo / "notes").mkdir()
    (repo / "notes" / "todo.txt").write_text("mine\n", encoding="utf-8")
    (repo / "README.md").write_text("readme\n", encoding="utf-8")
    (repo / "empty").mkdir()
    (repo / "link").symlink_to(repo / "empty")
    (repo / "sub").mkdir()
    return repo


REFUSED = [
    (".", "repo", "current folder"),
    ("..", "repo/sub", "current folder or one of its parents"),
    ("entries", "repo", "is the entries folder"),
    ("entries/google", "repo", "inside the entries folder"),
    ("repo", "", "contains the entries folder"),
    ("notes", "repo", "no build made"),
    ("link", "repo", "symbolic link"),
    ("README.md", "repo", "is a file"),
    ("cache", "repo", "cache folder"),
]


@pytest.mark.parametrize(("out", "cwd", "why"), REFUSED)
@pytest.mark.parametrize("command", ["build", "serve"])
def test_a_dangerous_out_is_refused_before_anything_is_touched(
    checkout: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    out: str,
    cwd: str,
    why: str,
    command: str,
) -> None:
    import builder.serve

    served: list[object] = []
    monkeypatch.setattr(builder.serve, "serve", lambda *args, **kwargs: served.append(args))
    top = checkout.parent
    monkeypatch.chdir(top / cwd)
    entries = checkout / "entries"
    before = _snapshot(top)
    code = cli.main(
        [command, "--entries", str(entries), "--out", out, "--cache-dir", str(checkout / "cache")]
    )
    assert code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert why in err and "Traceback" not in err
    assert _snapshot(top) == before  # no staging folder, no lock, no cache
    assert not served


def test_the_root_of_a_repository_is_refused(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    _entries(elsewhere / "entries")
    monkeypatch.chdir(elsewhere)
    before = _snapshot(tmp_path)
    with pytest.raises(cli.BuildFailed, match=r"root of a repository"):
        from builder.build import build_site

        build_site(elsewhere / "entries", checkout, SiteConfig())
    assert _snapshot(tmp_path) == before


# --- what a rebuild keeps -------------------------------------------------------------


@pytest.mark.slow
def test_files_a_user_added_survive_rebuilds_and_are_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _entries(tmp_path / "entries")
    flags = ["--entries", "entries", "--out", "site", "--cache-dir", "cache"]
    assert cli.main(["build", *flags]) == 0
    (tmp_path / "site" / "CNAME").write_text("example.org\n", encoding="utf-8")
    (tmp_path / "site" / "extra").mkdir()
    (tmp_path / "site" / "extra" / "mine.html").write_text("mine\n", encoding="utf-8")
    mine = {"CNAME": b"example.org\n", "extra/mine.html": b"mine\n"}
    capsys.readouterr()
    for more in ([], ["--no-cache"], []):  # cached (in place), fresh (swapped), cached again
        assert cli.main(["build", *flags, *more]) == 0
        err = capsys.readouterr().err
        assert "CNAME" in err and "extra/mine.html" in err and "no build made" in err
        assert {k: v for k, v in _tree(tmp_path / "site").items() if k in mine} == mine
    # A build that would make a file where a user's file is refuses, changing nothing.
    (tmp_path / "site" / "robots.txt").write_text("user's\n", encoding="utf-8")
    before = _snapshot(tmp_path / "site")
    for more in ([], ["--no-cache"]):
        code = cli.main(["build", *flags, *more, "--base-url", "https://example.org/"])
        assert code == cli.EXIT_USAGE
        assert "robots.txt" in capsys.readouterr().err
        assert _snapshot(tmp_path / "site") == before


# --- the cache is data ----------------------------------------------------------------


def test_a_result_survives_its_plain_form() -> None:
    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.entries.gather import check_paths
    from builder.incremental.plain import result_from_plain, result_to_plain

    entries, errors = check_paths([ENTRIES])
    assert not errors
    for result in compute_results(entries, load_catalog()):
        plain = result_to_plain(result)
        again = result_from_plain(marshal.loads(marshal.dumps(plain)))
        assert again == result
        assert repr(again) == repr(result)  # ints stay ints, tuples stay tuples


def test_a_plain_form_of_another_shape_is_refused() -> None:
    from builder.catalog import load_catalog
    from builder.compute import compute_result
    from builder.entries.gather import check_paths
    from builder.incremental.cachefile import Damaged
    from builder.incremental.plain import result_from_plain, result_to_plain

    entries, _ = check_paths([ENTRIES / SAMPLE[0]])
    plain = result_to_plain(compute_result(entries[0], load_catalog()))
    for wrong in (None, "x", plain[:-1], (*plain[:-1], 3), ((1,), *plain[1:]), [*plain]):
        with pytest.raises(Damaged):
            result_from_plain(wrong)


class _Payload:
    """Unpickled, it makes a folder: proof that the cache was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


@pytest.mark.slow
def test_no_pickle_or_compiled_code_from_the_cache_is_run(tmp_path: Path) -> None:
    import jinja2

    from builder.build import build_site
    from builder.config import TEMPLATES_DIR
    from builder.incremental import cache as cache_mod

    entries = _entries(tmp_path / "entries")
    cache = tmp_path / "cache"
    marker = tmp_path / "payload-ran"
    key = cache_mod.global_key(SiteConfig())
    cache.mkdir()
    poison = pickle.dumps((key, _Payload(marker)))
    for number in range(cache_mod.SHARDS):
        (cache / f"records-{number}.pickle").write_bytes(poison)
    (cache / "state.pickle").write_bytes(poison)
    code = compile(f"import os\nos.mkdir({str(marker)!r})\n", "planted", "exec")
    framed = getattr(cache_mod, "pack", lambda b: b)(marshal.dumps((key, {"k": code})))
    version = getattr(cache_mod, "_FORMAT", 0)
    for number in range(cache_mod.SHARDS):
        (cache / f"records-{number}.marshal").write_bytes(framed)
        (cache / f"records-{number}.v{version}.marshal").write_bytes(framed)
    keys = jinja2.BytecodeCache()
    for template in TEMPLATES_DIR.glob("*.html"):
        filename = os.path.normpath(template)
        bucket = jinja2.bccache.Bucket(
            jinja2.Environment(), keys.get_cache_key(template.name, filename), ""
        )
        bucket.checksum = keys.get_source_checksum(template.read_text(encoding="utf-8"))
        bucket.code = code
        kept = cache / "templates" / key / f"{bucket.key}.code"
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(bucket.bytecode_to_string())
    report = build_site(entries, tmp_path / "site", SiteConfig(), cache_dir=cache)
    assert report.entries == len(SAMPLE)
    again = build_site(entries, tmp_path / "again", SiteConfig(), cache_dir=cache)
    assert again.entries == len(SAMPLE)
    assert not marker.exists()
    assert not list(cache.glob("*.pickle")) and not (cache / "templates").exists()


def _damage_checksum(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["checksum", "shape", "garbage", "records"])
def test_a_damaged_or_foreign_cache_is_rebuilt_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    from builder.build import build_site
    from builder.incremental import cache as cache_mod
    from builder.incremental.cachefile import pack, read

    entries = _entries(tmp_path / "entries")
    cache = tmp_path / "cache"
    build_site(entries, tmp_path / "site", SiteConfig(), cache_dir=cache)
    key = cache_mod.global_key(SiteConfig())
    names = [cache_mod.FILES, cache_mod.INDEX, cache_mod.OUTPUT]
    if damage == "checksum":
        for name in names:
            _damage_checksum(cache / name)
    elif damage == "shape":
        for name in names:
            (cache / name).write_bytes(pack(marshal.dumps((key, {"entries/x.yaml": ("a", 1)}))))
    elif damage == "garbage":
        for name in names:
            (cache / name).write_bytes(b"\x00garbage\xff" * 10)
    else:  # records of the wrong shape, with an index that vouches for them
        for shard in cache.glob("records-*.marshal"):
            _, records = marshal.loads(read(shard) or b"")
            shard.write_bytes(pack(marshal.dumps((key, dict.fromkeys(records, ("x",))))))
        _, (index, _) = marshal.loads(read(cache / cache_mod.INDEX) or b"")
        now = cache_mod.Records(cache, key).signatures()
        (cache / cache_mod.INDEX).write_bytes(pack(marshal.dumps((key, (index, now)))))
    capsys.readouterr()
    for _ in range(2):  # the first rebuild puts the cache right; the second trusts it
        build_site(entries, tmp_path / "other", SiteConfig(), cache_dir=cache)
        shutil.rmtree(tmp_path / "other")
    err = capsys.readouterr().err
    assert "warning:" in err and str(cache) in err
    build_site(entries, tmp_path / "other", SiteConfig(), cache_dir=cache)
    assert "warning" not in capsys.readouterr().err
    build_site(entries, tmp_path / "clean", SiteConfig())
    assert _tree(tmp_path / "other") == _tree(tmp_path / "clean")


# --- --no-cache reads no cache ----------------------------------------------------------


def _plant_poison(cache: Path) -> None:
    """A catalog that cuts every grid's intensity 300-fold, and a Chinese catalog whose
    "Search" sends readers elsewhere: each where a build with this cache would look."""
    import babel
    import yaml
    from babel.messages.mofile import write_mo

    from builder import catalog as catalog_mod
    from builder.present import i18n

    try:
        from builder.incremental.cachefile import pack
    except ImportError:  # the layout before the cache files had a header
        pack = bytes  # type: ignore[assignment]
    raw = (catalog_mod.DATA_DIR / "grid.yaml").read_bytes()
    grid = yaml.safe_load(raw)
    for row in grid["regions"].values():
        values = row.get("kg_per_kwh") or {}
        for year in values:
            if values[year] is not None:
                values[year] = values[year] / 300
    name = f"grid.yaml-{hashlib.blake2b(raw, digest_size=16).hexdigest()}.json"
    (cache / "catalogs").mkdir(parents=True)
    (cache / "catalogs" / name).write_bytes(pack(json_bytes(grid)))
    language = i18n.LANGUAGES[1]
    po = i18n.catalog_path(language)
    messages = i18n.read_catalog(po)
    messages["Search"].string = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    buffer = io.BytesIO()
    write_mo(buffer, messages)
    key = hashlib.blake2b(po.read_bytes() + babel.__version__.encode(), digest_size=16)
    (cache / "messages").mkdir(parents=True)
    (cache / "messages" / f"{language.code}-{key.hexdigest()}.mo").write_bytes(
        pack(buffer.getvalue())
    )


def json_bytes(value: object) -> bytes:
    import json

    return json.dumps(value).encode("utf-8")


def _co2e(site: Path) -> dict[str, str]:
    with (site / "data" / "leaderboard.csv").open(encoding="utf-8") as fh:
        return {row["id"]: row["co2e_t"] for row in csv.DictReader(fh)}


@pytest.mark.slow
def test_no_cache_reads_no_cache_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from builder.incremental import memo

    def forget() -> None:
        """Drop what this process kept of catalogs and translations: the build reads again."""
        memo.forget()

    clean = tmp_path / "clean"
    _entries(clean / "entries")
    monkeypatch.chdir(clean)
    forget()
    assert cli.main(["build", "--no-cache", "--out", "site"]) == 0
    expected = _co2e(clean / "site")

    work = tmp_path / "work"
    _entries(work / "entries")
    cache = work / ".cache" / "leaderboard"  # the default cache folder
    _plant_poison(cache)
    monkeypatch.chdir(work)
    opened: list[str] = []
    watching = threading.Event()

    def audit(event: str, args: tuple[object, ...]) -> None:
        if watching.is_set() and event == "open" and str(args[0]).startswith(str(cache)):
            opened.append(str(args[0]))

    sys.addaudithook(audit)
    forget()
    watching.set()
    try:
        assert cli.main(["build", "--no-cache", "--out", "site"]) == 0
    finally:
        watching.clear()
        forget()
    assert opened == []
    assert _co2e(work / "site") == expected
    for page in (work / "site" / "zh").rglob("*.html"):
        assert "evil.example" not in page.read_text(encoding="utf-8"), page


# --- two builds at once -------------------------------------------------------------------


@pytest.mark.slow
def test_two_builds_at_once_wait_for_each_other(tmp_path: Path) -> None:
    _entries(tmp_path / "entries")
    command = [sys.executable, "-m", "builder", "build", "--out", "site", "--cache-dir", "cache"]
    runs = [
        subprocess.Popen(
            command, cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert any(b"waiting for another build of" in err for _, err in results)
    assert not list(tmp_path.glob(f"{write_mod.TEMP_PREFIX}*"))
    subprocess.run(
        [sys.executable, "-m", "builder", "build", "--out", "single", "--no-cache"],
        cwd=tmp_path,
        env=_env(),
        check=True,
        capture_output=True,
    )
    assert _tree(tmp_path / "site") == _tree(tmp_path / "single")


# --- check writes nothing -------------------------------------------------------------


def test_check_writes_nothing(tmp_path: Path) -> None:
    _entries(tmp_path / "entries")
    before = _snapshot(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "builder", "check"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert _snapshot(tmp_path) == before
    assert not (tmp_path / ".cache").exists()


# --- entry files: type and size before reading ------------------------------------------


def _limited(limit: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("kind", ["sparse", "kmsg"])
def test_build_refuses_a_huge_or_special_entry_without_reading_it(
    tmp_path: Path, kind: str
) -> None:
    entries = _entries(tmp_path / "entries")
    bad = entries / "google" / "bad.yaml"
    if kind == "sparse":
        subprocess.run(["truncate", "-s", "2G", str(bad)], check=True)
        expected = "over the 65,536-byte limit"
    else:
        if not os.path.exists("/proc/kmsg"):
            pytest.skip("no /proc/kmsg here")
        bad.symlink_to("/proc/kmsg")
        expected = "must be regular files, not symbolic links"
    done = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--out", "site", "--no-cache"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,  # reading /proc/kmsg would block for ever
        preexec_fn=lambda: _limited(1900 * 1024 * 1024),  # reading 2 GB whole would fail
    )
    assert done.returncode == cli.EXIT_INVALID, done.stderr
    assert re.search(f"^entries/google/bad.yaml:1:1: .*{expected}", done.stdout, re.M)
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()


# --- site assets ----------------------------------------------------------------------


def test_a_linked_site_asset_is_not_published(tmp_path: Path) -> None:
    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.config import SITE_DIR
    from builder.entries.errors import BuildFailed
    from builder.entries.gather import check_paths
    from builder.present.i18n import LANGUAGES
    from builder.present.ranked import Listing
    from builder.present.site import ChartFiles, site_files

    site = tmp_path / "site-src"
    shutil.copytree(SITE_DIR, site)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publishing\n", encoding="utf-8")
    (site / "assets" / "linked.txt").symlink_to(secret)
    entries, _ = check_paths([ENTRIES / SAMPLE[0]])
    results = compute_results(entries, load_catalog())
    charts = ChartFiles({lang.code: [] for lang in LANGUAGES}, "<svg/>")
    listing = Listing(results)
    made: list[str] = []
    with pytest.raises(BuildFailed, match=r"linked\.txt: a symbolic link"):
        for artifact in site_files(listing, load_catalog(), SiteConfig(), charts, site_dir=site):
            made.append(artifact.path)
    assert "assets/linked.txt" not in made
    assert "index.html" in made  # the pages came before the assets


# --- a disk that is full, a folder that is read-only ----------------------------------


@pytest.mark.slow
def test_a_full_disk_or_read_only_folder_is_one_line_and_the_site_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    _entries(tmp_path / "entries")
    flags = ["build", "--out", "site", "--cache-dir", "cache"]
    assert cli.main(flags) == 0
    before = _snapshot(tmp_path / "site")
    text = (ENTRIES / SAMPLE[0]).read_text(encoding="utf-8")
    changed = text.replace("name: T5", "name: T5 11B", 1)
    assert changed != text  # so that a rebuild has pages to write
    (tmp_path / "entries" / SAMPLE[0]).write_text(changed, encoding="utf-8")

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[0]))

    def read_only(*args: object, **kwargs: object) -> str:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path))

    capsys.readouterr()
    for more in ([], ["--no-cache"]):
        with monkeypatch.context() as patched:
            patched.setattr(write_mod, "_write", full, raising=False)
            patched.setattr(write_mod.Path, "write_bytes", full)
            assert cli.main([*flags, *more]) == cli.EXIT_INVALID
        err = capsys.readouterr().err
        assert "No space left on device" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
        assert _snapshot(tmp_path / "site") == before
        with monkeypatch.context() as patched:
            patched.setattr(write_mod.tempfile, "mkdtemp", read_only)
            assert cli.main([*flags, *more]) == cli.EXIT_INVALID
        err = capsys.readouterr().err
        assert "Read-only file system" in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1, err
        assert _snapshot(tmp_path / "site") == before


# --- reading catalogs and translations writes nothing -----------------------------------


def test_catalogs_and_translations_are_read_without_writing(tmp_path: Path) -> None:
    """Only builder.incremental keeps parsed catalogs and compiled translations: the
    modules that read them open no file for writing, with or without a cache folder."""
    from builder import catalog
    from builder.incremental import memo
    from builder.present import i18n

    written: list[str] = []
    watching = threading.Event()

    def audit(event: str, args: tuple[object, ...]) -> None:
        if not watching.is_set() or event != "open" or isinstance(args[0], int):
            return
        mode, flags = args[1], args[2]
        writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT
        if (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & writes
        ):
            written.append(str(args[0]))

    sys.addaudithook(audit)
    memo.forget()
    watching.set()
    try:
        catalog.load_catalog()
        i18n.translations(i18n.LANGUAGES[1])
    finally:
        watching.clear()
    assert written == []
    watching.set()
    try:
        memo.load_catalog(tmp_path)
        memo.translations(i18n.LANGUAGES[1], tmp_path)
    finally:
        watching.clear()
        memo.forget()
    assert written, "the cache folder was given: copies are kept there"
    assert all(Path(path).is_relative_to(tmp_path) for path in written), written
