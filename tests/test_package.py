"""The wheel works without the checkout, and the sdist holds what the tests need.

The wheel is built offline from a copy of the source tree, installed with `--no-deps` into
a fresh virtual environment that sees this environment's dependencies through a `.pth`
file, and its `leaderboard build` runs in a folder that holds nothing but a copy of
`entries/`: templates, site pages, assets and catalogs must all come from the wheel.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

import builder

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# What a working copy may hold besides the sources: never part of a distribution.
_NOT_SOURCE_NAMES = (
    ".git",
    ".venv",
    ".cache",
    "_site",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.py[cod]",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "node_modules",
    "test-results",
    ".leaderboard-build-*",
)
_NOT_SOURCE = shutil.ignore_patterns(*_NOT_SOURCE_NAMES)


def _source_files(folder: Path) -> list[str]:
    """The files below `folder` a release carries, relative to the repository root."""
    found = []
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(ROOT).parts
        junk = any(fnmatch.fnmatch(part, name) for part in parts for name in _NOT_SOURCE_NAMES)
        if path.is_file() and not junk and parts[:2] != ("benchmarks", "out"):
            found.append(path.relative_to(ROOT).as_posix())
    return found


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A wheel and an sdist built offline from a clean copy of the source tree."""
    base = tmp_path_factory.mktemp("dist")
    src = base / "src"
    shutil.copytree(ROOT, src, ignore=_NOT_SOURCE)
    shutil.rmtree(src / "benchmarks" / "out", ignore_errors=True)
    # What a check run inside the tree leaves behind, which the sdist must leave out.
    leftover = src / "tests" / "fixtures" / "invalid" / ".cache" / "leaderboard" / "x.json"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("{}\n", encoding="utf-8")
    out = base / "out"
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(src),
        ],
        cwd=base,
    )
    _run(
        [
            sys.executable,
            "-c",
            "import sys, setuptools.build_meta as b; b.build_sdist(sys.argv[1])",
            str(out),
        ],
        cwd=src,
    )
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def test_wheel_carries_the_content_folders_and_both_licenses(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = set(wheel.namelist())
        (metadata_name,) = (n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(metadata_name).decode("utf-8")
    for folder, packaged in (("templates", "_templates"), ("site", "_site"), ("schema", "_schema")):
        for name in _source_files(ROOT / folder):
            relative = name.removeprefix(f"{folder}/")
            assert f"builder/{packaged}/{relative}" in names, name
    for path in sorted((ROOT / "builder" / "data").glob("*.yaml")):
        assert f"builder/data/{path.name}" in names
    shipped = [
        *(ROOT / "builder" / "data").glob("*.js"),
        *(ROOT / "builder" / "data" / "charts").rglob("*.*"),
    ]
    assert len(shipped) >= 3  # the vega bundle, the chart templates, SVGs of the charts
    for path in shipped:  # what a first build takes instead of drawing it
        assert path.relative_to(ROOT).as_posix() in names, path
    assert f"Version: {builder.__version__}\n" in metadata
    assert "License-Expression: MIT\n" in metadata
    assert "License-File: LICENSE\n" in metadata
    assert "License-File: LICENSE-DATA\n" in metadata
    assert "Programming Language :: Python :: 3.14" in metadata


def test_sdist_holds_entries_tests_fixtures_and_data_license(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        top, *_ = sdist.getnames()[0].split("/")
        names = {name.removeprefix(top + "/") for name in sdist.getnames()}
    assert not [name for name in names if "/.cache/" in f"/{name}" or "__pycache__" in name]
    wanted = ["LICENSE", "LICENSE-DATA", "pyproject.toml", "requirements/test.txt"]
    for folder in ("entries", "tests", "templates", "site", "schema", "scripts", "benchmarks"):
        wanted += _source_files(ROOT / folder)
    assert any(name.startswith("tests/fixtures/") for name in wanted)
    assert any(name.startswith("entries/") for name in wanted)
    missing = [name for name in wanted if name not in names]
    assert not missing, f"not in the sdist: {missing}"


def test_installed_wheel_builds_the_site_without_the_checkout(
    dists: dict[str, Path], tmp_path: Path
) -> None:
    venv = tmp_path / "venv"
    # With its own pip (ensurepip installs it offline), whatever this environment's is.
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = venv / "bin" / "python"
    # The dependencies are this environment's, seen through a .pth file: nothing is
    # downloaded. A .pth line only adds a path, so this environment's own copy of the
    # project (an editable install) is not picked up by the new one.
    venv_site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            cwd=tmp_path,
        ).strip()
    )
    here = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (venv_site / "_outer_dependencies.pth").write_text("\n".join(sorted(here)) + "\n")
    _run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(dists["wheel"]),
        ],
        cwd=tmp_path,
    )

    work = tmp_path / "work"
    shutil.copytree(ROOT / "entries", work / "entries")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    where = _run([str(python), "-c", "import builder; print(builder.__file__)"], cwd=work, env=env)
    assert Path(where.strip()).is_relative_to(venv), where
    _run([str(venv / "bin" / "leaderboard"), "build"], cwd=work, env=env)

    site = work / "_site"
    assert "<html" in (site / "index.html").read_text(encoding="utf-8")
    english = (site / "models" / "google" / "t5.html").read_text(encoding="utf-8")
    chinese = (site / "zh" / "models" / "google" / "t5.html").read_text(encoding="utf-8")
    assert 'lang="en"' in english and "T5" in english
    assert 'lang="zh' in chinese and "T5" in chinese
    assert (site / "assets" / "style.css").is_file()
    assert (site / "about" / "index.html").is_file()  # a page from site/pages
    with (site / "data" / "leaderboard.csv").open(encoding="utf-8", newline="") as f:
        ids = {row["id"] for row in csv.DictReader(f)}
    shipped = {
        p.relative_to(ROOT / "entries").with_suffix("").as_posix()
        for p in (ROOT / "entries").rglob("*.yaml")
    }
    assert ids == shipped
    rows = json.loads((site / "data" / "leaderboard.json").read_text(encoding="utf-8"))
    assert {row["id"] for row in rows} == shipped
