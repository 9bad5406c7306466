"""A build's progress: a line per stage on a terminal, nothing more when piped."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.build import STAGES

from .conftest import copy_project, run_builder

ENTRY_FILES = ("google/t5.yaml", "google/bert-base.yaml")
STAGE_LINE = re.compile(r"^\[(\d)/5\] (\w+) \.\.\.\r\[\1/5\] \2 \d+\.\d\d s$")


@pytest.mark.slow
def test_a_build_on_a_terminal_prints_a_line_per_stage(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", ENTRY_FILES)
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "build", "--no-cache"],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(project)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=follower,
        )
        os.close(follower)
        data = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the build
                break
            if not chunk:
                break
            data += chunk
        assert proc.wait(timeout=300) == 0
    finally:
        os.close(leader)
    lines = data.decode().replace("\r\n", "\n").rstrip("\n").split("\n")
    stages = [m.group(2) for line in lines if (m := STAGE_LINE.match(line))]
    assert stages == list(STAGES), lines
    assert lines[-1].startswith("Built 2 entries")


@pytest.mark.slow
def test_a_piped_build_prints_only_its_result(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", ENTRY_FILES)
    result = run_builder("build", "--no-cache", cwd=project, code=project, timeout=300)
    assert result.returncode == 0, result.stderr
    built = r"Built 2 entries into _site/ \(\d+ files\) in \d+\.\d\d s\n"
    assert re.fullmatch(built, result.stderr)
    assert result.stdout == ""
