"""The command line as a contributor runs it: real processes, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .conftest import ENTRIES, FIXTURES, ROOT, copy_project, run_builder

run = run_builder


def test_check_shipped_entries_passes() -> None:
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    count = len(list(ENTRIES.rglob("*.yaml")))
    warnings = result.stdout.splitlines()
    assert all(": warning: " in line for line in warnings)
    assert result.stderr.strip() == (
        f"OK: {count} entries valid, {len(warnings)} warning{'s' * (len(warnings) != 1)}"
        if warnings
        else f"OK: {count} entries valid"
    )


def test_check_broken_entry_prints_located_errors_and_exits_1() -> None:
    result = run("check", "entries/bad/unknown-key.yaml", cwd=FIXTURES / "invalid")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "entries/bad/unknown-key.yaml:6:3: training.acelerators: unknown key "
        "(did you mean 'accelerators'?)",
        "entries/bad/unknown-key.yaml:7:9: training.days: needs the number of accelerators "
        "(add `accelerators:`, or give accelerator_hours instead)",
    ]
    assert result.stderr.strip() == "Found 2 errors in 1 file"
    assert "Traceback" not in result.stdout + result.stderr


def test_check_every_bad_fixture_without_traceback() -> None:
    result = run("check", "entries", cwd=FIXTURES / "invalid")
    assert result.returncode == 1
    files = len(list((FIXTURES / "invalid" / "entries").rglob("*.yaml")))
    assert result.stderr.strip().endswith(f"in {files} files")
    assert "Traceback" not in result.stdout + result.stderr


def test_check_github_annotations() -> None:
    result = run(
        "check", "--format", "github", "entries/bad/pue-below-one.yaml", cwd=FIXTURES / "invalid"
    )
    assert result.returncode == 1
    assert result.stdout.strip() == (
        "::error file=entries/bad/pue-below-one.yaml,line=8,col=8,title=training.pue::"
        "training.pue: must be >= 1, got 0.5"
    )


def test_check_missing_path_is_a_usage_error() -> None:
    result = run("check", "no/such/file.yaml")
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no/such/file.yaml: no such file or folder"


def test_check_keeps_heavy_imports_off_its_path() -> None:
    code = (
        "import sys; from builder.cli import main;"
        "rc = main(['check', 'entries/google/t5.yaml']);"
        "heavy = sorted(m for m in ('altair', 'markdown', 'jinja2', 'nh3', 'vl_convert')"
        " if m in sys.modules); print(rc, heavy)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.strip() == "0 []", result.stderr


def test_build_writes_dataset_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "data" / "leaderboard.csv").is_file()
    assert result.stderr.startswith("Built ")


def test_build_with_broken_entries_exits_1_and_keeps_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("build", "--entries", str(FIXTURES / "invalid" / "entries"), "--out", str(out))
    assert result.returncode == 1
    assert "Aborted:" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not out.exists()


def test_a_broken_template_is_one_located_line_not_a_traceback(tmp_path: Path) -> None:
    """A template syntax error in a first build (`build` or `serve`) names the file and line."""
    project = copy_project(tmp_path / "project", ["google/t5.yaml"])
    page = project / "templates" / "page.html"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(2, "{% if %}\n")
    page.write_text("".join(lines), encoding="utf-8")
    result = run_builder("build", "--no-cache", cwd=project, code=project)
    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == 1
    assert "page.html:3: template error:" in result.stderr
    assert not (project / "_site").exists()


def test_commands_write_files_only_through_write_py() -> None:
    """cli.py opens no file for writing itself: `new`, `schema --out` and `import-hf --out`
    go through builder.write.save_file, which writes a file whole or not at all."""
    import ast

    tree = ast.parse((ROOT / "builder" / "cli.py").read_text(encoding="utf-8"))
    writers = {"write_text", "write_bytes", "open", "mkdir"}
    calls = [
        f"{node.lineno}: {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in writers
        and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "os")
    ]
    assert calls == []


def test_save_file_is_whole_and_refuses_what_exists(tmp_path: Path) -> None:
    from builder.write import save_file

    target = tmp_path / "new" / "entry.yaml"
    save_file(target, b"first\n", overwrite=False)
    assert target.read_bytes() == b"first\n"
    try:
        save_file(target, b"second\n", overwrite=False)
    except FileExistsError:
        pass
    else:
        raise AssertionError("an existing file was overwritten")
    assert target.read_bytes() == b"first\n"
    save_file(target, b"third\n", overwrite=True)
    assert target.read_bytes() == b"third\n"
    assert sorted(p.name for p in target.parent.iterdir()) == ["entry.yaml"]
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
