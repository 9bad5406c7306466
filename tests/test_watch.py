"""The watcher of `serve` without a server process: its fallback to looking at the files
when the system's file events cannot be had."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from builder import watch
from builder.serve import SiteServer


class _Server:
    """What the watcher asks of a server: where to tell of each rebuild."""

    def __init__(self) -> None:
        self.error: str | None = None
        self.rebuilds = 0

    def rebuilt(self, error: str | None) -> None:
        self.error = error
        self.rebuilds += 1


def _watcher(folder: Path, rebuild: Any) -> tuple[watch.Watcher, _Server]:
    server = _Server()
    # The watcher needs only `rebuilt` and `error` of its server.
    return watch.Watcher(server, [folder], rebuild, ignore=[]), server  # type: ignore[arg-type]


def _wait(condition: Any, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_without_file_events_the_watcher_says_so_and_polls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_watch = watch.watchfiles.watch
    asked: list[object] = []

    def no_events(*paths: Any, **options: Any) -> Any:
        asked.append(options.get("force_polling"))
        if not options.get("force_polling"):
            raise OSError(28, "OS file watch limit reached")
        return real_watch(*paths, **options)

    monkeypatch.setattr(watch.watchfiles, "watch", no_events)
    (tmp_path / "a.yaml").write_text("one\n", encoding="utf-8")
    rebuilt = threading.Event()
    watcher, server = _watcher(tmp_path, lambda: rebuilt.set())
    watcher.start()
    try:
        _wait(lambda: len(asked) >= 2 and watcher.started)
        (tmp_path / "a.yaml").write_text("two\n", encoding="utf-8")
        assert rebuilt.wait(30), capsys.readouterr().err
    finally:
        watcher.close()
    assert asked[:2] == [None, True]  # file events first, then polling
    assert watcher.polling and server.rebuilds >= 1 and server.error is None
    err = capsys.readouterr().err
    assert "file-system events unavailable (OSError: [Errno 28] OS file watch limit" in err
    assert f"every {watch.POLL_MS} ms" in err
    assert err.count("unavailable") == 1


def test_with_file_events_the_watcher_does_not_poll(tmp_path: Path) -> None:
    rebuilt = threading.Event()
    watcher, server = _watcher(tmp_path, lambda: rebuilt.set())
    watcher.start()
    try:
        _wait(lambda: watcher.started)
        (tmp_path / "b.yaml").write_text("new\n", encoding="utf-8")
        assert rebuilt.wait(30)
    finally:
        watcher.close()
    assert not watcher.polling and server.rebuilds == 1


def test_the_server_counts_rebuilds_for_the_reload_script() -> None:
    server = SiteServer(("127.0.0.1", 0), socket.AF_INET, Path("."))
    try:
        assert server.state() == (None, 0)
        assert server.wait_for_rebuild(0, 0.01) == 0  # nothing yet: it times out
        threading.Timer(0.05, server.rebuilt, ("broken",)).start()
        assert server.wait_for_rebuild(0, 30) == 1
        assert server.state() == ("broken", 1)
    finally:
        server.server_close()


@pytest.mark.slow
def test_serves_helper_processes_outlive_each_rebuild(tmp_path: Path) -> None:
    """Builds given serve's Workers leave them running: the chart runtime starts once."""
    import os

    from builder.build import build_site
    from builder.config import SiteConfig
    from builder.workers import Workers

    from .conftest import copy_project

    project = copy_project(tmp_path / "p", ["google/t5.yaml", "google/bert-base.yaml"])
    entry = project / "entries" / "google" / "t5.yaml"
    text = entry.read_text(encoding="utf-8")
    out, cache = tmp_path / "out", tmp_path / "cache"
    with Workers() as workers:
        build_site(project / "entries", out, SiteConfig(), cache_dir=cache, workers=workers)
        first = workers.submit("svg", os.getpid).result()
        entry.write_text(text.replace("power_w: 310", "power_w: 320"), encoding="utf-8")
        build_site(project / "entries", out, SiteConfig(), cache_dir=cache, workers=workers)
        assert workers.submit("svg", os.getpid).result() == first != os.getpid()
    assert "320 W" in (out / "models" / "google" / "t5.html").read_text(encoding="utf-8")
