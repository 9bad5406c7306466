"""`serve`'s live reload: a script in the served pages only, and a page open in a
browser that shows an edited entry's new figure without being refreshed by hand."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_serve import REBUILD_SECONDS, Served, start  # noqa: F401 (a fixture)

RELOAD_TAG = re.compile(r'<script src="/\.leaderboard-serve/reload\.js" data-since="(\d+)" defer>')


def _edit(served: Served, old: str, new: str) -> None:
    entry = served.project / "entries" / "google" / "t5.yaml"
    text = entry.read_text(encoding="utf-8")
    assert text.count(old) == 1
    entry.write_text(text.replace(old, new), encoding="utf-8")


def _next_event(served: Served, since: int) -> bytes:
    """The first event the stream sends a page served after rebuild `since`."""
    host, port = served.url.removeprefix("http://").rstrip("/").split(":")
    with socket.create_connection((host, int(port)), timeout=REBUILD_SECONDS) as conn:
        target = f"/.leaderboard-serve/events?since={since}".encode()
        conn.sendall(b"GET " + target + b" HTTP/1.0\r\nHost: localhost\r\n\r\n")
        data = b""
        while b"\ndata: " not in data and (chunk := conn.recv(4096)):
            data += chunk
        while not data.endswith(b"\n\n") and (chunk := conn.recv(4096)):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b" 200 " in head.split(b"\r\n")[0] and b"text/event-stream" in head, head
    return body


@pytest.mark.slow
def test_served_pages_load_the_reload_script_and_the_stream_tells_of_a_rebuild(
    tmp_path: Path,
    start: Callable[..., Served],  # noqa: F811
) -> None:
    served = start("--port", "0", "--cache-dir", str(tmp_path / "cache")).start()
    status, page = served.get("/models/google/t5.html")
    assert status == 200
    found = RELOAD_TAG.findall(page)
    assert found == ["0"], page[-400:]
    assert page.index("reload.js") > page.index("</main>")  # at the end of the body
    built = (served.project / "_site" / "models" / "google" / "t5.html").read_text("utf-8")
    assert "leaderboard-serve" not in built  # the built files never carry it
    status, script = served.get("/.leaderboard-serve/reload.js")
    assert status == 200 and "EventSource" in script and "location.reload" in script

    _edit(served, "days: 20", "days: 40")
    assert _next_event(served, 0).strip().endswith(b"data: 1")  # waits for the rebuild
    assert RELOAD_TAG.findall(served.get("/models/google/t5.html")[1]) == ["1"]
    assert "170.7 MWh" in served.get("/models/google/t5.html")[1]
    assert _next_event(served, 7).strip().endswith(b"data: 1")  # an older server's page
    assert served.get("/data/leaderboard.json")[1].count("reload.js") == 0  # HTML only


@pytest.mark.slow
def test_without_watching_there_is_no_reload_script(
    tmp_path: Path,
    start: Callable[..., Served],  # noqa: F811
) -> None:
    served = start("--port", "0", "--no-watch", "--cache-dir", str(tmp_path / "c")).start()
    assert "reload.js" not in served.get("/")[1]
    assert served.get("/.leaderboard-serve/reload.js")[0] == 404
    assert served.get("/.leaderboard-serve/events")[0] == 404


@pytest.mark.slow
@pytest.mark.browser
def test_an_open_page_reloads_itself_with_an_edited_entrys_new_figure(
    tmp_path: Path,
    start: Callable[..., Served],  # noqa: F811
    page: Page,
) -> None:
    served = start("--port", "0", "--cache-dir", str(tmp_path / "cache")).start()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None,
    )
    page.goto(served.url + "models/google/t5.html")
    energy = page.locator(".headline .figure", has_text="Energy").locator(".value")
    expect(energy).to_have_text("85.3 MWh")
    page.evaluate("window.notReloaded = true")  # gone once the page has reloaded
    time.sleep(0.5)  # the script is waiting on its stream

    _edit(served, "days: 20", "days: 40")
    expect(energy).to_have_text("171 MWh", timeout=REBUILD_SECONDS * 1000)
    assert page.evaluate("window.notReloaded === undefined")
    assert problems == []

    # A broken edit reloads the page too, to show the error's banner.
    _edit(served, "accelerators: 512", "accelerators: many")
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("training.accelerators", timeout=REBUILD_SECONDS * 1000)
    expect(energy).to_have_text("171 MWh")  # the last good build
