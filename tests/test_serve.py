"""`leaderboard serve` as a contributor runs it: a real process on a free loopback port.

Each test copies the project's code, templates and pages and a few entries into a
temporary folder and serves that copy, so a test can break a template or an entry
without touching the project.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .conftest import ROOT, copy_project

ENTRY_FILES = ("google/t5.yaml", "google/bert-base.yaml", "google/transformer-big.yaml")
STARTUP_SECONDS = 300  # a first build with no cache, on a busy machine
REBUILD_SECONDS = 180
BANNER = 'id="leaderboard-serve-error"'
BANNER_DIV = r'<div id="leaderboard-serve-error" role="alert">.*?</pre></div>'


def _project(base: Path) -> Path:
    """A copy of what a build reads (code, templates, pages) with three entries."""
    return copy_project(base, ENTRY_FILES)


class Served:
    """A running `python -m builder serve`, its merged output read line by line."""

    def __init__(self, project: Path, *args: str) -> None:
        self.project = project
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", *args],
            cwd=project,
            env={**os.environ, "PYTHONPATH": str(project), "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.url = ""

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for_line(self, pattern: str, seconds: float, after: int = 0) -> re.Match[str]:
        """The first output line from index `after` on that matches, within `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.lines[after:]:
                found = re.search(pattern, line)
                if found:
                    return found
            if self.proc.poll() is not None and not self.reader.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"no line matching {pattern!r} in:\n{self.output}")

    def start(self) -> Served:
        found = self.wait_for_line(r"at (http://127\.0\.0\.1:\d+/)", STARTUP_SECONDS)
        self.url = found.group(1)
        return self

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)
        self.reader.join(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def raw(self, target: bytes, method: bytes = b"GET") -> tuple[int, bytes]:
        """Status and body of a request sent byte for byte, target unchecked."""
        host, port = self.url.removeprefix("http://").rstrip("/").split(":")
        with socket.create_connection((host, int(port)), timeout=30) as conn:
            conn.sendall(method + b" " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1."), data[:200]
        return int(head.split()[1]), body

    def get(self, path: str) -> tuple[int, str]:
        status, body = self.raw(path.encode())
        return status, body.decode("utf-8", "replace")


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `serve` on a copy of the project; every server started is stopped."""
    started: list[Served] = []

    def run(*args: str, project: Path | None = None) -> Served:
        served = Served(project or _project(tmp_path / "project"), *args)
        started.append(served)
        return served

    yield run
    for served in started:
        served.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One served build (no watching), with links planted in its output folder."""
    base = tmp_path_factory.mktemp("serve")
    project = _project(base / "project")
    secret = base / "secret"
    secret.mkdir()
    (secret / "secret.txt").write_text("not for the web\n", encoding="utf-8")
    served = Served(
        project, "--port", "0", "--no-watch", "--cache-dir", str(base / "cache"), "--out", "out"
    )
    try:
        served.start()
        out = project / "out"
        (out / "outside").symlink_to(secret, target_is_directory=True)
        (out / "secret.txt").symlink_to(secret / "secret.txt")
        (out / "home.html").symlink_to(out / "index.html")
        (out / "zh-alias").symlink_to(out / "zh", target_is_directory=True)
        (out / "empty").mkdir()
        yield served
    finally:
        served.stop()


def _not_found_page(served: Served, rel: str = "404.html") -> str:
    return (served.project / "out" / rel).read_text(encoding="utf-8")


@pytest.mark.slow
def test_pages_are_served_and_folders_redirect_to_their_slash(site: Served) -> None:
    assert site.get("/") == (200, (site.project / "out" / "index.html").read_text("utf-8"))
    status, _ = site.get("/zh")
    assert status == 301
    assert site.get("/zh/")[0] == 200
    assert site.get("/assets/style.css")[0] == 200


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/models/", "/models/google/", "/empty/", "/empty", "/assets/"])
def test_a_folder_without_index_html_is_not_listed(site: Served, path: str) -> None:
    assert site.get(path) == (404, _not_found_page(site))


@pytest.mark.slow
@pytest.mark.parametrize(
    "path",
    [
        "/outside/secret.txt",  # a linked folder out of the output
        "/outside/",
        "/secret.txt",  # a linked file out of the output
        "/home.html",  # a link to a page of the site: links are not followed at all
        "/zh-alias/",
        "/zh-alias/index.html",
    ],
)
def test_symlinks_are_never_followed(site: Served, path: str) -> None:
    status, body = site.get(path)
    assert (status, body) == (404, _not_found_page(site))
    assert "not for the web" not in body


@pytest.mark.slow
def test_a_missing_path_gets_the_sites_own_404_page(site: Served) -> None:
    assert site.get("/no-such-page") == (404, _not_found_page(site))
    assert site.get("/models/google/no-such-model/") == (404, _not_found_page(site))
    assert site.get("/zh/no-such-page") == (404, _not_found_page(site, "zh/404.html"))


@pytest.mark.slow
@pytest.mark.parametrize(
    "target",
    [
        b"/%00",
        b"/index.html%00.txt",
        b"/a\x00b",
        b"/%zz",
        b"/%ff%fe",
        b"/\xff",
        b"/../../etc/passwd",
        b"/%2e%2e/%2e%2e/etc/passwd",
        b"/..%2f..%2fetc%2fpasswd",
        b"/a%5c..%5cb",
        b"/" + b"a" * 4000,
        b"/" + b"a/" * 3000,
        b"//etc/passwd",
        b"*",
        b"http://elsewhere/",
    ],
)
def test_malformed_or_overlong_paths_are_refused_without_a_traceback(
    site: Served, target: bytes
) -> None:
    before = len(site.lines)
    status, body = site.raw(target)
    assert status in (400, 404)
    assert b"passwd" not in body.replace(target, b"")
    assert site.get("/")[0] == 200  # still serving
    assert "Traceback" not in "\n".join(site.lines[before:])


def test_help_says_another_host_exposes_the_site() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "builder", "serve", "--help"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    text = " ".join(result.stdout.split())
    assert "--host HOST" in text
    assert "default: 127.0.0.1" in text
    assert "exposes the site to other machines" in text


def test_a_busy_port_is_one_clear_line_and_exit_2(
    tmp_path: Path, start: Callable[..., Served]
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        served = start("--port", str(port), "--cache-dir", str(tmp_path / "cache"))
        code = served.proc.wait(timeout=STARTUP_SECONDS)
        served.stop()
    assert code == 2, served.output
    assert served.lines == [f"error: port {port} is in use; pass --port N or stop the other server"]
    assert not (served.project / "_site").exists()  # told before building anything


def _banner_shown(served: Served, pattern: str) -> str:
    """The page at / once it carries the error banner matching `pattern`."""
    deadline = time.monotonic() + REBUILD_SECONDS
    body = ""
    while time.monotonic() < deadline:
        status, body = served.get("/")
        assert status == 200
        if BANNER in body and re.search(pattern, body):
            return body
        time.sleep(0.2)
    raise AssertionError(f"no banner matching {pattern!r}; page:\n{body[:600]}\n{served.output}")


def _banner_gone(served: Served, marker: str) -> str:
    """The page at / once it has no banner and contains `marker`."""
    deadline = time.monotonic() + REBUILD_SECONDS
    body = ""
    while time.monotonic() < deadline:
        status, body = served.get("/")
        assert status == 200
        if BANNER not in body and marker in body:
            return body
        time.sleep(0.2)
    raise AssertionError(f"banner still shown or {marker!r} missing\n{served.output}")


@pytest.mark.slow
def test_the_watcher_survives_broken_templates_entries_and_folders(
    tmp_path: Path, start: Callable[..., Served]
) -> None:
    served = start("--port", "0", "--cache-dir", str(tmp_path / "cache")).start()
    project = served.project
    out = project / "_site"
    good = served.get("/")[1]
    assert BANNER not in good

    # A template syntax error: jinja raises, which the build does not turn into its errors.
    base = project / "templates" / "base.html"
    original = base.read_text(encoding="utf-8")
    base.write_text(original.replace("<body>", "<body>{% if %}", 1), encoding="utf-8")
    page = _banner_shown(served, r"TemplateSyntaxError|base\.html")
    banner = re.compile(
        r'<link rel="stylesheet" href="/\.leaderboard-serve/[^>]*>' + BANNER_DIV, re.S
    )
    since = re.compile(r'(reload\.js" data-since=)"\d+"')  # the rebuild's number
    last_good = since.sub(r"\1", banner.sub("", page, count=1))
    assert last_good == since.sub(r"\1", good)  # the last good page, banner aside
    assert BANNER not in (out / "index.html").read_text(encoding="utf-8")
    assert served.get("/404.html")[1].count(BANNER) == 1  # every HTML page, once
    assert served.get("/data/leaderboard.json")[0] == 200  # the last good build
    served.wait_for_line(r"TemplateSyntaxError", 10)

    # Fixed: the banner goes, and the fix is built.
    base.write_text(original.replace("<body>", "<body><!-- fixed -->", 1), encoding="utf-8")
    _banner_gone(served, "<!-- fixed -->")

    # A broken entry: its error, located, is on the page.
    entry = project / "entries" / "google" / "t5.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace("accelerators: 512", "accelerators: many"), encoding="utf-8")
    _banner_shown(served, r"google/t5\.yaml:\d+:\d+: training\.accelerators")
    entry.write_text(text.replace("name: T5", "name: T5 Fixed"), encoding="utf-8")
    _banner_gone(served, "T5 Fixed")

    # The entries folder gone, then back.
    entries = project / "entries"
    entries.rename(project / "entries-away")
    _banner_shown(served, r"entries folder not found")
    (project / "entries-away").rename(entries)
    _banner_gone(served, "T5 Fixed")
    assert served.proc.poll() is None
    assert "Traceback" not in served.output


@pytest.mark.slow
def test_an_edit_made_as_serving_starts_is_not_missed(
    tmp_path: Path, start: Callable[..., Served]
) -> None:
    served = start("--port", "0", "--cache-dir", str(tmp_path / "cache")).start()
    entry = served.project / "entries" / "google" / "t5.yaml"
    entry.write_text(
        entry.read_text(encoding="utf-8").replace("name: T5", "name: T5 Early"), encoding="utf-8"
    )
    _banner_gone(served, "T5 Early")


@pytest.mark.slow
def test_a_burst_of_changes_is_one_rebuild(tmp_path: Path, start: Callable[..., Served]) -> None:
    served = start("--port", "0", "--cache-dir", str(tmp_path / "cache")).start()
    entries = served.project / "entries" / "google"
    before = len(served.lines)
    for number in range(8):  # what a checkout or a search-and-replace does
        path = entries / ENTRY_FILES[number % len(ENTRY_FILES)].split("/")[1]
        path.write_text(path.read_text(encoding="utf-8") + f"# {number}\n", encoding="utf-8")
        time.sleep(0.05)
    served.wait_for_line(r"^Built ", REBUILD_SECONDS, after=before)
    # One more change, well after the burst: its rebuild is the second, not the third.
    marker = served.project / "site" / "assets" / "style.css"
    marker.write_text(marker.read_text(encoding="utf-8") + "\n/* marker */\n", encoding="utf-8")
    deadline = time.monotonic() + REBUILD_SECONDS
    while "marker" not in served.get("/assets/style.css")[1]:
        assert time.monotonic() < deadline, served.output
        time.sleep(0.2)
    rebuilds = [line for line in served.lines[before:] if line.startswith("Change detected")]
    assert len(rebuilds) == 2, served.output


@pytest.mark.slow
@pytest.mark.browser
def test_the_error_banner_in_a_browser(
    tmp_path: Path, start: Callable[..., Served], page: Page
) -> None:
    """The banner is readable under the site's Content-Security-Policy, then goes away."""
    served = start("--port", "0", "--cache-dir", str(tmp_path / "cache")).start()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None,
    )
    entry = served.project / "entries" / "google" / "bert-base.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text + "unknown_field: 1\n", encoding="utf-8")
    _banner_shown(served, r"bert-base\.yaml")

    page.goto(served.url + "zh/")
    banner = page.get_by_role("alert")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Rebuild failed")
    expect(banner).to_contain_text("google/bert-base.yaml")
    expect(banner).to_have_css("position", "sticky")  # its stylesheet passed the CSP
    assert page.evaluate("document.getElementById('leaderboard-serve-error').offsetTop") == 0
    assert problems == []

    # Fixed, the open page reloads itself (live reload) and the banner is gone.
    entry.write_text(text, encoding="utf-8")
    _banner_gone(served, "<body>")
    expect(page.locator("#leaderboard-serve-error")).to_have_count(
        0, timeout=REBUILD_SECONDS * 1000
    )
    expect(page.locator("h1").first).to_be_visible()


def _power_w(served: Served, entry_id: str) -> float:
    status, body = served.get("/data/leaderboard.json")
    assert status == 200
    rows = json.loads(body)
    return float(next(row["power_w"] for row in rows if row["id"] == entry_id))


@pytest.mark.slow
def test_a_catalog_edit_under_serve_is_published_then_and_by_a_later_cached_build(
    tmp_path: Path, start: Callable[..., Served]
) -> None:
    """An entry that leaves power to the hardware catalog follows an edit of that catalog,
    both in the rebuild `serve` makes and in a later `build` that reuses its cache."""
    project = _project(tmp_path / "project")
    entry = project / "entries" / "ibm" / "p100-run.yaml"
    entry.parent.mkdir(parents=True)
    entry.write_text(
        "name: P100 Run\norganization: Test\nreleased: 2019-01\ndomain: language\n"
        "training:\n  hardware: nvidia-p100\n  accelerators: 8\n  hours: 100\n"
        "sources:\n  - {url: https://example.org/paper, title: Paper}\n",
        encoding="utf-8",
    )
    cache = ("--cache-dir", str(tmp_path / "cache"))
    served = start("--port", "0", *cache, project=project).start()
    assert _power_w(served, "ibm/p100-run") == 271  # the catalog's measured power

    hardware = project / "builder" / "data" / "hardware.yaml"
    text = hardware.read_text(encoding="utf-8")
    assert text.count("    measured_w: 271\n") == 1
    hardware.write_text(text.replace("    measured_w: 271\n", "    measured_w: 542\n"), "utf-8")
    deadline = time.monotonic() + REBUILD_SECONDS
    while _power_w(served, "ibm/p100-run") != 542:
        assert time.monotonic() < deadline, served.output
        time.sleep(0.5)
    served.stop()

    built = subprocess.run(
        [sys.executable, "-m", "builder", "build", *cache],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project)},
        capture_output=True,
        text=True,
        timeout=REBUILD_SECONDS,
        check=True,
    )
    assert "Traceback" not in built.stderr
    rows = json.loads((project / "_site" / "data" / "leaderboard.json").read_text("utf-8"))
    assert next(row["power_w"] for row in rows if row["id"] == "ibm/p100-run") == 542
