"""Failure loses nothing: killed builds, failed builds and reproducible output.

A build is killed with SIGKILL at deterministic points of writing its output (through
tests/killable_build.py, which wraps the library calls every build has to make) and at
several moments in time. The output folder must afterwards hold exactly the previous
site or exactly what a fresh clean build gives, never a mix, and the next build must
repair everything.

Every build here runs from one snapshot of the code, templates, site files and shipped
entries, taken when the module starts, so that the builds compared are builds of the
same project even while the working copy changes.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT

# Every test here builds whole sites, most of them in processes it kills part-way.
pytestmark = pytest.mark.slow

KILLABLE = Path(__file__).resolve().parent / "killable_build.py"
TEMP_PREFIX = ".leaderboard-build-"
EPOCH = 1_700_000_000  # 2023-11-14
OTHER_EPOCH = 1_600_000_000  # 2020-09-13
CHANGED_ENTRY = "google/t5"


def _iso(epoch: int) -> str:
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).date().isoformat()


def _date(epoch: int, page: str = "") -> str:
    """The footer's date of a page: in its language, as Babel writes it."""
    from builder.present.i18n import LANGUAGES, SOURCE, formats

    day = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc).date()
    language = next((lang for lang in LANGUAGES[1:] if page.startswith(lang.prefix)), SOURCE)
    return formats(language).date(day)


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below `root`; links would show as files."""
    found: dict[str, bytes | None] = {}
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        for name in dirs:
            found[(base / name).relative_to(root).as_posix() + "/"] = None
        for name in files:
            found[(base / name).relative_to(root).as_posix()] = (base / name).read_bytes()
    return found


def snapshot(dest: Path) -> Path:
    """A copy of what a build reads from the project: code, templates, site and entries."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in ("builder", "templates", "site", "entries"):
        shutil.copytree(ROOT / part, dest / part, ignore=ignore)
    return dest


def _env(project: Path, epoch: int = EPOCH, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("KILL_AT", "NO_EXCHANGE")}
    env["SOURCE_DATE_EPOCH"] = str(epoch)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


def _build_cmd(entries: Path, out: Path, script: list[str] | None = None) -> list[str]:
    return [
        sys.executable,
        *(script or ["-m", "builder"]),
        "build",
        "--entries",
        str(entries),
        "--out",
        str(out),
    ]


def build(project: Path, entries: Path, out: Path, cwd: Path) -> None:
    """`python -m builder build` in `cwd` (whose .cache/ it may use); must succeed."""
    cwd.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        _build_cmd(entries, out),
        cwd=cwd,
        env=_env(project),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _parallel_builds(project: Path, root: Path, builds: Mapping[str, tuple[Path, int]]) -> None:
    """Clean builds into root/<name>, side by side, each in a fresh working folder."""
    procs = []
    for name, (entries, epoch) in builds.items():
        cwd = root / f"cwd-{name}"
        cwd.mkdir(parents=True)
        procs.append(
            subprocess.Popen(
                _build_cmd(entries, root / name),
                cwd=cwd,
                env=_env(project, epoch),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        )
    errors = [proc.communicate(timeout=300)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), errors


def _kill_group(proc: subprocess.Popen[str]) -> None:
    """Kill what the build started too (its chart worker), not only the build itself."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Sites:
    root: Path
    project: Path  # the snapshot every build runs from
    entries: Path  # its copy of the shipped entries
    old_entries: Path  # the same, with one entry changed
    old: Mapping[str, bytes | None]  # a fresh clean build of old_entries
    new: Mapping[str, bytes | None]  # a fresh clean build of the shipped entries
    old_site: Path
    work: Path  # the working folder of the killed builds; its .cache/ is warm


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("failure")
    project = snapshot(root / "project")
    entries = project / "entries"
    old_entries = root / "old-entries"
    shutil.copytree(entries, old_entries)
    changed = old_entries / f"{CHANGED_ENTRY}.yaml"
    text = changed.read_text(encoding="utf-8")
    assert "\n  days: 20\n" in text
    changed.write_text(text.replace("\n  days: 20\n", "\n  days: 25\n"), encoding="utf-8")
    # The two references are clean builds: each in its own folder, with an empty cache.
    _parallel_builds(project, root, {"old": (old_entries, EPOCH), "new": (entries, EPOCH)})
    old, new = tree(root / "old"), tree(root / "new")
    assert old != new
    assert old.keys() == new.keys()  # the same pages; the changed model's figures differ
    work = root / "work"
    build(project, entries, root / "warm-up", work)  # fills the cache the killed builds share
    return Sites(root, project, entries, old_entries, old, new, root / "old", work)


def _killed_build(sites: Sites, out: Path, kill_at: str, no_exchange: bool = False) -> None:
    extra = {"KILL_AT": kill_at}
    if no_exchange:
        extra["NO_EXCHANGE"] = "1"
    proc = subprocess.Popen(
        _build_cmd(sites.entries, out, [str(KILLABLE)]),
        cwd=sites.work,
        env=_env(sites.project, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        _kill_group(proc)
    assert "Traceback" not in stdout + stderr
    assert proc.returncode == -signal.SIGKILL, f"the hook {kill_at} never fired: {stderr}"


def _outcome(sites: Sites, out: Path) -> str:
    if not out.exists():
        return "missing"
    found = tree(out)
    if found == sites.old:
        return "old"
    if found == sites.new:
        return "new"
    changed = sorted(k for k in found.keys() | sites.new.keys() if found.get(k) != sites.new.get(k))
    return "mix: " + ", ".join(changed[:5])


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(TEMP_PREFIX))


# (kill point, previous output made incrementally in the same place, expected outcome)
KILL_POINTS = [
    ("mkdtemp:1", False, "old"),
    ("write:1", False, "old"),
    ("write:40", False, "old"),
    ("chmod:1", False, "old"),
    ("exchange:1", False, "old"),
    ("exchange+:1", False, "new"),
    ("rmtree:1", False, "new"),
    # The previous site was built here with the same cache: only the changed files are
    # staged, then moved into place one by one.
    ("write:1", True, "old"),
    ("write+:3", True, "old"),
    ("replace:1", True, "old"),
    # Killed between two moves, the site mixes old and new files until the next build.
    ("replace+:1", True, "mix"),
    ("rmtree:1", True, "new"),
]


def _previous_site(sites: Sites, out: Path, incremental: bool) -> None:
    if incremental:
        build(sites.project, sites.old_entries, out, sites.work)
    else:
        shutil.copytree(sites.old_site, out)
    assert tree(out) == sites.old


@pytest.mark.parametrize(
    ("kill_at", "incremental", "expected"),
    KILL_POINTS,
    ids=[f"{k}{'-incremental' if i else ''}" for k, i, _ in KILL_POINTS],
)
def test_build_killed_at_a_point_leaves_old_or_new_site(
    sites: Sites, tmp_path: Path, kill_at: str, incremental: bool, expected: str
) -> None:
    out = tmp_path / "_site"
    _previous_site(sites, out, incremental)
    _killed_build(sites, out, kill_at)
    assert _outcome(sites, out).partition(":")[0] == expected
    # The next build repairs everything, whatever the kill left behind.
    build(sites.project, sites.entries, out, sites.work)
    assert _outcome(sites, out) == "new"


FALLBACK_POINTS = [("replace:1", "old"), ("replace+:2", "new"), ("rmtree:1", "new")]


@pytest.mark.parametrize(("kill_at", "expected"), FALLBACK_POINTS)
def test_fallback_swap_killed_leaves_old_or_new_site(
    sites: Sites, tmp_path: Path, kill_at: str, expected: str
) -> None:
    """Where the atomic exchange is unavailable the swap is two renames."""
    out = tmp_path / "_site"
    _previous_site(sites, out, False)
    _killed_build(sites, out, kill_at, no_exchange=True)
    assert _outcome(sites, out) == expected


@pytest.mark.xfail(
    strict=True,
    reason="known gap: between the two renames of the fallback swap the output folder does "
    "not exist (the previous site waits in a .leaderboard-build-* folder)",
)
def test_fallback_swap_killed_between_its_renames(sites: Sites, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    _previous_site(sites, out, False)
    _killed_build(sites, out, "replace+:1", no_exchange=True)
    assert _outcome(sites, out) in ("old", "new")


def test_rebuild_after_a_kill_after_the_swap_matches_a_clean_build(
    sites: Sites, tmp_path: Path
) -> None:
    out = tmp_path / "_site"
    _previous_site(sites, out, incremental=True)  # the cache now describes `out` = old
    _killed_build(sites, out, "rmtree:1")  # swapped: `out` = new, the cache not updated
    assert _outcome(sites, out) == "new"
    build(sites.project, sites.old_entries, out, sites.work)
    assert _outcome(sites, out) == "old"


def test_rebuild_over_a_replaced_output_matches_a_clean_build(sites: Sites, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    _previous_site(sites, out, incremental=True)  # the cache now describes `out` = old
    shutil.rmtree(out)
    shutil.copytree(sites.root / "new", out)  # e.g. restored from another branch
    build(sites.project, sites.old_entries, out, sites.work)
    assert _outcome(sites, out) == "old"


@pytest.mark.parametrize("delay", [0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.5])
def test_build_killed_after_a_delay_leaves_old_or_new_site(
    sites: Sites, tmp_path: Path, delay: float
) -> None:
    out = tmp_path / "_site"
    _previous_site(sites, out, False)
    proc = subprocess.Popen(
        _build_cmd(sites.entries, out),
        cwd=sites.work,
        env=_env(sites.project),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=delay)
    _kill_group(proc)
    proc.wait(timeout=60)
    assert _outcome(sites, out) in ("old", "new")
    build(sites.project, sites.entries, out, sites.work)
    assert _outcome(sites, out) == "new"


# ---------------------------------------------------------------------------------------
# A build that fails on a bad entry


@pytest.mark.parametrize("bad", ["pue-below-one", "billion-laughs", "deep-nesting", "empty"])
def test_failed_build_leaves_output_untouched(sites: Sites, tmp_path: Path, bad: str) -> None:
    out = tmp_path / "_site"
    shutil.copytree(sites.old_site, out)
    before = tree(out)
    broken = tmp_path / "entries"
    shutil.copytree(sites.entries, broken)
    shutil.copy(FIXTURES / "invalid" / "entries" / "bad" / f"{bad}.yaml", broken / "google")
    done = subprocess.run(
        _build_cmd(broken, out),
        cwd=sites.work,
        env=_env(sites.project),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert done.stdout.startswith(f"{broken.as_posix()}/google/{bad}.yaml:")
    assert "the previous output was left as it was" in done.stderr
    assert tree(out) == before
    assert _leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------
# Reproducible builds


@pytest.fixture(scope="module")
def epoch_builds(sites: Sites) -> Iterator[dict[str, Mapping[str, bytes | None]]]:
    root = sites.root / "epochs"
    _parallel_builds(
        sites.project,
        root,
        {"b": (sites.entries, EPOCH), "other": (sites.entries, OTHER_EPOCH)},
    )
    build(sites.project, sites.entries, root / "warm", sites.work)  # and from a warm cache
    yield {
        "a": sites.new,  # the clean build made for the kill tests, with the same epoch
        **{name: tree(root / name) for name in ("b", "other", "warm")},
    }


def test_same_epoch_gives_byte_identical_builds(
    epoch_builds: dict[str, Mapping[str, bytes | None]],
) -> None:
    assert epoch_builds["a"] == epoch_builds["b"]
    assert epoch_builds["a"] == epoch_builds["warm"]


def test_footer_shows_the_epoch_date(epoch_builds: dict[str, Mapping[str, bytes | None]]) -> None:
    pages = {k: v for k, v in epoch_builds["a"].items() if k.endswith(".html") and v is not None}
    assert len(pages) > 70
    for name, html in pages.items():
        built = "构建于 {}。" if name.startswith("zh/") else "Built {}."
        assert built.format(_date(EPOCH, name)).encode() in html, name
        assert _date(OTHER_EPOCH, name).encode() not in html


def test_another_epoch_changes_only_the_date(
    epoch_builds: dict[str, Mapping[str, bytes | None]],
) -> None:
    a, other = epoch_builds["a"], epoch_builds["other"]
    assert a.keys() == other.keys()
    differing = [k for k in a if a[k] != other[k]]
    assert differing  # the footers
    for name in differing:
        first, second = a[name], other[name]
        assert first is not None and second is not None
        old, new = _date(EPOCH, name).encode(), _date(OTHER_EPOCH, name).encode()
        # the index's "last updated" also gives the day in ISO form (<time datetime=…>)
        old_iso, new_iso = _iso(EPOCH).encode(), _iso(OTHER_EPOCH).encode()
        assert first.replace(old, new).replace(old_iso, new_iso) == second, name


_KILLED_WITH_A_WORKER = """
import os, signal, sys, time
from builder.workers import _pool

if __name__ == "__main__":
    pool = _pool()
    print(pool.submit(os.getpid).result(), flush=True)
    pool.submit(time.sleep, 60)  # the worker is busy when the build dies
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _running(pid: int) -> bool:
    """True while a process exists and is not a zombie (gone, waiting to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def test_a_killed_build_leaves_no_worker_running(tmp_path: Path) -> None:
    import time

    script = tmp_path / "killed.py"
    script.write_text(_KILLED_WITH_A_WORKER, encoding="utf-8")
    printed = tmp_path / "stdout"
    with printed.open("w") as stdout:
        proc = subprocess.Popen(
            [sys.executable, str(script)],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        assert proc.wait(timeout=120) == -signal.SIGKILL
        worker = int(printed.read_text(encoding="utf-8").split()[0])
        deadline = time.monotonic() + 20
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(worker), "the worker outlived the build that started it"
    finally:
        _kill_group(proc)
