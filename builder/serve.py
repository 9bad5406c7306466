"""`leaderboard serve`: the built site on 127.0.0.1, rebuilt when its inputs change.

A development server, careful about what it hands out:

- only regular files inside the output folder; never a symlink, nor anything reached
  through one; never a listing of a folder (a folder serves its index.html or nothing);
- the site's own 404.html, with status 404, for anything it does not serve, and a plain
  400 for a request path that cannot name a file (a NUL byte, bad percent-escapes);
- a rebuild that fails, whatever the reason, leaves the last good build served, and every
  HTML page it serves carries a banner naming the error until a rebuild succeeds. The
  banner is added to the response; the files of the site never contain it;
- while it watches, every HTML page it serves loads a small script of its own (from a
  path only serve answers, so the pages' Content-Security-Policy allows it) that waits
  on a server-sent event stream and reloads the page once a rebuild has succeeded or
  failed. Like the banner, the script is in the responses only.
"""

from __future__ import annotations

import errno
import html
import ipaddress
import os
import re
import socket
import socketserver
import stat
import sys
import threading
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from builder.entries.errors import BuildFailed

if TYPE_CHECKING:
    from builder.watch import Watcher

LOOPBACK = "127.0.0.1"

MAX_PATH_BYTES = 1024  # a longer request path names no file of the site
MAX_NAME_BYTES = 255  # nor does a longer segment (NAME_MAX)

BANNER_CSS_PATH = "/.leaderboard-serve/banner.css"  # served by serve itself, never a site file
BANNER_CSS = b"""\
#leaderboard-serve-error {
  position: sticky; top: 0; z-index: 2147483647; margin: 0; padding: 0.75rem 1rem;
  background: #7f1d1d; color: #fff; border-bottom: 3px solid #fca5a5;
  font: 14px/1.4 system-ui, sans-serif;
}
#leaderboard-serve-error pre {
  margin: 0.5rem 0 0; max-height: 40vh; overflow: auto; white-space: pre-wrap;
  font: 13px/1.4 ui-monospace, monospace; color: #fff; background: none;
}
"""
BANNER_LINES = 40  # of the error; the terminal has all of it

# Live reload. The page is served with the number of the last rebuild (`data-since`); the
# script asks the event stream for a newer one and reloads the page when it comes. A
# server started again counts from 0, so a page of the server before reloads too.
RELOAD_JS_PATH = "/.leaderboard-serve/reload.js"
EVENTS_PATH = "/.leaderboard-serve/events"
RELOAD_JS = b"""\
(function () {
  "use strict";
  var since = (document.currentScript && document.currentScript.dataset.since) || "0";
  if (!window.EventSource) return;
  var events = new EventSource("/.leaderboard-serve/events?since=" + encodeURIComponent(since));
  events.onmessage = function (event) {
    if (event.data !== since) {
      events.close();
      window.location.reload();
    }
  };
})();
"""
KEEPALIVE_SECONDS = 15.0  # a comment line this often, so a closed tab ends its stream

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webmanifest": "application/manifest+json",
}
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BODY_TAG = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


_Response = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body


class _BadRequest(Exception):
    """The request path cannot name a file."""


class _NotFound(Exception):
    """Nothing is served at the request path."""


class SiteServer(ThreadingHTTPServer):
    """Serves one output folder; `error` is the last rebuild's failure, or None."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily, out: Path):
        self.address_family = family
        self.out = out
        self.error: str | None = None
        self.live = False  # True while a watcher rebuilds: pages get the reload script
        self.generation = 0  # how many rebuilds have finished, for the reload script
        self._rebuilt = threading.Condition()
        super().__init__(address, _Handler)

    def rebuilt(self, error: str | None) -> None:
        """A rebuild has finished: keep its error (None when it succeeded) and tell the
        pages waiting on the event stream to reload."""
        with self._rebuilt:
            self.error = error
            self.generation += 1
            self._rebuilt.notify_all()

    def state(self) -> tuple[str | None, int]:
        """The last rebuild's error and its number, read together."""
        with self._rebuilt:
            return self.error, self.generation

    def wait_for_rebuild(self, since: int, seconds: float) -> int:
        """The number of the last rebuild, once it is not `since`, or after `seconds`."""
        with self._rebuilt:
            self._rebuilt.wait_for(lambda: self.generation != since, timeout=seconds)
            return self.generation

    def server_bind(self) -> None:
        # HTTPServer's own looks the host name up (getfqdn), which can hang offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # the browser went away
        print(f"serve: error answering a request: {exc!r}", file=sys.stderr)

    @property
    def url(self) -> str:
        host = self.server_name
        return f"http://{f'[{host}]' if ':' in host else host}:{self.server_port}/"


def open_server(host: str, port: int, out: Path) -> SiteServer:
    """Listen on host:port for the site in `out`, or raise BuildFailed saying why not."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) else str(exc)
        raise BuildFailed(f"cannot listen on {host}: {reason}") from None
    family, _, _, _, address = found[0]
    try:
        return SiteServer((str(address[0]), int(address[1])), family, out.absolute())
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            message = f"port {port} is in use; pass --port N or stop the other server"
        elif exc.errno == errno.EACCES:
            message = f"not allowed to listen on port {port}; pass --port N (1024 or above)"
        elif exc.errno == errno.EADDRNOTAVAIL:
            message = f"{host} is not an address of this machine; pass --host {LOOPBACK}"
        else:
            message = f"cannot listen on {host} port {port}: {exc.strerror or exc}"
        raise BuildFailed(message) from None


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "leaderboard-serve"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: one line a request drowns the rebuild messages

    def do_GET(self) -> None:
        if self.server.live and self.path.partition("?")[0] == EVENTS_PATH:
            self._events()
            return
        self._answer(with_body=True)

    def _events(self) -> None:
        """A server-sent event stream: the number of the next rebuild, then the end."""
        query = urllib.parse.parse_qs(self.path.partition("?")[2])
        try:
            since = int(query.get("since", ["0"])[0])
        except ValueError:
            since = 0
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.close_connection = True
        while True:
            now = self.server.wait_for_rebuild(since, KEEPALIVE_SECONDS)
            if now != since:
                self.wfile.write(f"data: {now}\n\n".encode())
                self.wfile.flush()
                return
            self.wfile.write(b": waiting\n\n")  # raises once the page has gone
            self.wfile.flush()

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _answer(self, with_body: bool) -> None:
        try:
            status, headers, body = self._response()
        except Exception as exc:  # a bug here must not end the server, nor print a traceback
            print(f"serve: error answering {self.path[:200]!r}: {exc!r}", file=sys.stderr)
            status, headers, body = _plain(HTTPStatus.INTERNAL_SERVER_ERROR, "Server error")
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _response(self) -> _Response:
        out = self.server.out
        try:
            path, query = _request_path(self.path)
        except _BadRequest as exc:
            return _plain(HTTPStatus.BAD_REQUEST, f"Bad request: {exc}")
        if path == BANNER_CSS_PATH:
            return HTTPStatus.OK, [("Content-Type", _TYPES[".css"])], BANNER_CSS
        if path == RELOAD_JS_PATH and self.server.live:
            return HTTPStatus.OK, [("Content-Type", _TYPES[".js"])], RELOAD_JS
        try:
            file, redirect = _locate(out, path)
        except _NotFound:
            return self._not_found(path)
        if redirect:
            location = path + "/" + (f"?{query}" if query else "")
            return HTTPStatus.MOVED_PERMANENTLY, [("Location", _quote(location))], b""
        try:
            body = _read(out, file)
        except _NotFound:
            return self._not_found(path)
        return self._page(HTTPStatus.OK, file, body)

    def _not_found(self, path: str) -> _Response:
        out = self.server.out
        for page in _not_found_pages(path):
            try:
                file, _ = _locate(out, "/" + page.as_posix())
                body = _read(out, file)
            except _NotFound:
                continue
            return self._page(HTTPStatus.NOT_FOUND, file, body)
        return _plain(HTTPStatus.NOT_FOUND, "Not found")

    def _page(self, status: int, file: Path, body: bytes) -> _Response:
        kind = _TYPES.get(file.suffix.lower(), "application/octet-stream")
        if kind.startswith("text/html"):
            server = self.server
            error, since = server.state()
            if error is not None:
                body = with_banner(body, error)
            if server.live:
                body = with_reload(body, since)
        return status, [("Content-Type", kind)], body


def _plain(status: int, text: str) -> _Response:
    return status, [("Content-Type", _TYPES[".txt"])], (text + "\n").encode()


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&%")


def _request_path(target: str) -> tuple[str, str]:
    """The decoded path of a request target, and its query; _BadRequest if malformed."""
    if not target.startswith("/") or target.startswith("//"):
        raise _BadRequest("the path must start with a single /")
    if any(not 0x20 < ord(c) < 0x7F for c in target):
        raise _BadRequest("the path has a character that must be percent-encoded")
    raw, _, query = target.partition("#")[0].partition("?")
    if _BAD_ESCAPE.search(raw):
        raise _BadRequest("a % is not followed by two hex digits")
    try:
        path = urllib.parse.unquote(raw, errors="strict")
    except UnicodeDecodeError:
        raise _BadRequest("the path is not UTF-8") from None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path) or "\\" in path:
        raise _BadRequest("the path has a control character or a backslash")
    if any(part in (".", "..") for part in path.split("/")):
        raise _BadRequest("the path has a . or .. segment")
    return path, query


def _segments(path: str) -> list[str]:
    """The names a request path walks through; _NotFound if it cannot name a file."""
    parts = path.split("/")[1:]
    if parts and parts[-1] == "":
        parts.pop()  # a trailing slash: the folder's index.html
    if (
        len(path.encode()) > MAX_PATH_BYTES
        or "" in parts
        or any(len(p.encode()) > MAX_NAME_BYTES for p in parts)
    ):
        raise _NotFound
    return parts


def _locate(out: Path, path: str) -> tuple[Path, bool]:
    """The file under `out` a path names, and whether to redirect to the folder's URL.

    Every step is checked with lstat: a symlink anywhere on the way is not followed.
    """
    current = out
    kind = _kind(current, follow=True)  # the output folder itself may be a link
    if kind != "dir":
        raise _NotFound
    for name in _segments(path):
        if kind != "dir":
            raise _NotFound
        current = current / name
        kind = _kind(current)
    if kind == "dir":
        if _kind(current / "index.html") != "file":
            raise _NotFound  # no listing of a folder's files
        if not path.endswith("/"):
            return current, True
        return current / "index.html", False
    if kind != "file" or path.endswith("/"):
        raise _NotFound
    return current, False


def _kind(path: Path, follow: bool = False) -> str:
    try:
        mode = os.stat(path).st_mode if follow else os.lstat(path).st_mode
    except (OSError, ValueError):
        return "missing"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "other"  # a symlink, socket, fifo or device: never served


def _read(out: Path, file: Path) -> bytes:
    """The bytes of a regular file inside `out`, never through a symlink."""
    root = os.path.realpath(out)
    if os.path.commonpath([root, os.path.realpath(file)]) != root:
        raise _NotFound
    try:
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, ValueError):
        raise _NotFound from None
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise _NotFound
        return handle.read()


def _not_found_pages(path: str) -> list[Path]:
    """The 404.html pages that may answer `path`, nearest folder first (/zh/... -> zh/404.html)."""
    try:
        parts = _segments(path)
    except _NotFound:
        parts = []
    folders = [Path(*parts[:depth]) for depth in range(min(len(parts), 8), 0, -1)]
    return [folder / "404.html" for folder in folders] + [Path("404.html")]


def with_banner(page: bytes, error: str) -> bytes:
    """An HTML page with the rebuild error shown at the top of its body."""
    lines = error.rstrip().splitlines() or ["(no message)"]
    if len(lines) > BANNER_LINES:
        lines = [*lines[:BANNER_LINES], f"... and {len(lines) - BANNER_LINES} more lines"]
    banner = (
        f'<link rel="stylesheet" href="{BANNER_CSS_PATH}">'
        '<div id="leaderboard-serve-error" role="alert">'
        "<strong>Rebuild failed: still serving the last good build.</strong>"
        f"<pre>{html.escape(chr(10).join(lines))}</pre></div>"
    ).encode()
    match = _BODY_TAG.search(page)
    at = match.end() if match else 0
    return page[:at] + banner + page[at:]


def with_reload(page: bytes, since: int) -> bytes:
    """An HTML page that loads the live-reload script, at the end of its body."""
    script = f'<script src="{RELOAD_JS_PATH}" data-since="{since}" defer></script>'.encode()
    at = page.lower().rfind(b"</body>")
    return page + script if at < 0 else page[:at] + script + page[at:]


def serve(server: SiteServer, watcher: Watcher | None) -> None:
    """Serve until interrupted, rebuilding through `watcher` if there is one."""
    if watcher is not None:
        server.live = True
        watcher.start()
    host = server.server_name
    if not _is_loopback(host):
        print(
            f"warning: listening on {host}: other machines that reach it can see the site",
            file=sys.stderr,
        )
    print(f"Serving {server.out}/ at {server.url} (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if watcher is not None:
            watcher.close()
        server.server_close()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False
