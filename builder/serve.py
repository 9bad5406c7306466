"""`leaderboard serve`: the built site on 127.0.0.1, rebuilt when its inputs change."""

from __future__ import annotations

import argparse
import functools
import http.server
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from builder.catalog import DATA_DIR
from builder.config import SITE_DIR, TEMPLATES_DIR
from builder.i18n import LOCALE_DIR

POLL_SECONDS = 1.0


def _inputs(entries: Path) -> Iterator[Path]:
    for folder in (entries, TEMPLATES_DIR, SITE_DIR, DATA_DIR, LOCALE_DIR):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())


def _fingerprint(entries: Path) -> frozenset[tuple[str, int, int]]:
    stamp = set()
    for path in _inputs(entries):
        try:
            st = path.stat()
        except FileNotFoundError:
            continue
        stamp.add((str(path), st.st_mtime_ns, st.st_size))
    return frozenset(stamp)


def _watch(entries: Path, rebuild: Callable[[], None], stop: threading.Event) -> None:
    seen = _fingerprint(entries)
    while not stop.wait(POLL_SECONDS):
        now = _fingerprint(entries)
        if now != seen:
            seen = now
            print("Change detected; rebuilding", file=sys.stderr)
            rebuild()


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: one line a request drowns the rebuild messages


def serve(args: argparse.Namespace, rebuild: Callable[[], None]) -> None:
    """Serve `args.out` until interrupted; a swapped-in build shows on the next request."""
    out = Path(args.out).absolute()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", args.port), functools.partial(_Handler, directory=str(out))
    )
    stop = threading.Event()
    if not args.no_watch:
        threading.Thread(
            target=_watch, args=(Path(args.entries), rebuild, stop), daemon=True
        ).start()
    port = server.server_address[1]
    print(f"Serving {out}/ at http://127.0.0.1:{port}/ (Ctrl-C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.server_close()
