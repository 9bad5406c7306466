"""Shared fixtures: the project paths, a built site, and Debian's chromium for Playwright."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
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
def browser_type_launch_args(browser_type_launch_args: dict[str, object]) -> dict[str, object]:
    """pytest-playwright launches Debian's chromium; it never downloads a browser."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }
