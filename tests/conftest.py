"""Shared fixtures: the project paths, a built site, and Debian's chromium for Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from builder.build import BuildReport, build_site
from builder.config import SiteConfig

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = ROOT / "entries"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Flags that let Debian's chromium run headless as root on a machine with no network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run_builder(
    *args: str, cwd: Path = ROOT, code: Path = ROOT, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m builder ARGS` run as a contributor runs it, with the package in `code`."""
    return subprocess.run(
        [sys.executable, "-m", "builder", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(code)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def copy_project(base: Path, entry_files: Iterable[str]) -> Path:
    """A copy of what a build reads (code, templates, pages) holding some shipped entries
    (`org/model.yaml`), for a test to break or edit without touching the project."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("builder", "templates", "site"):
        shutil.copytree(ROOT / folder, base / folder, ignore=ignore)
    for name in entry_files:
        target = base / "entries" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ENTRIES / name, target)
    return base


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    """The shipped entries built once per test session."""
    out = tmp_path_factory.mktemp("site") / "_site"
    report = build_site(ENTRIES, out, SiteConfig(repo_url="https://github.com/example/leaderboard"))
    return out, report


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site_url(built_site: tuple[Path, BuildReport]) -> Iterator[str]:
    """The built site served on a free loopback port."""
    out, _ = built_site
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def large_site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site of 450 synthetic entries: more than one page of rows."""
    from benchmarks.synthetic import generate

    base = tmp_path_factory.mktemp("large")
    generate(450, base / "entries")
    build_site(base / "entries", base / "site", SiteConfig())
    handler = functools.partial(_QuietHandler, directory=str(base / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright launches Debian's chromium; it never downloads a browser."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }
