"""Rebuilding when the site's inputs change, for `leaderboard serve`.

The entries, templates, site pages, catalogs and translations are watched; a burst of
changes is one rebuild. A rebuild that fails, whatever the reason, leaves the last good
build served, and its error is kept on the server (`SiteServer.error`) for the banner.
The system's file events tell of changes (watchfiles: inotify, FSEvents, ...); where they
cannot be had, the watcher says so once and looks at the files every POLL_MS instead.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

from builder.catalog import DATA_DIR
from builder.config import SITE_DIR, TEMPLATES_DIR
from builder.present.i18n import LOCALE_DIR
from builder.write import TEMP_PREFIX

if TYPE_CHECKING:
    from builder.serve import SiteServer

# A burst of changes (a checkout, an editor saving several files) is one rebuild: changes
# are gathered until none came for STEP_MS, for at most DEBOUNCE_MS.
DEBOUNCE_MS = 1600
STEP_MS = 200
# How often the watcher looks whether a watched folder appeared, vanished or was replaced.
RECHECK_MS = 1000
RETRY_SECONDS = 1.0
# When the system's file events cannot be had, how often the files are looked at instead.
POLL_MS = 500


def _folders(entries: Path) -> list[Path]:
    return [entries, TEMPLATES_DIR, SITE_DIR, DATA_DIR, LOCALE_DIR]


def _present(folders: list[Path]) -> dict[Path, tuple[int, int]]:
    """The folders that exist now, each with its device and inode (a replaced one differs)."""
    found = {}
    for folder in folders:
        try:
            st = os.stat(folder)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            found[folder.absolute()] = (st.st_dev, st.st_ino)
    return found


def _describe(exc: BaseException) -> str:
    """One line for an unexpected exception, with its file and line where it has them."""
    text = f"{type(exc).__name__}: {exc}"
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if isinstance(lineno, int) and filename:
        text = f"{filename}:{lineno}: {text}"
    return text


class _Filter(watchfiles.DefaultFilter):
    """watchfiles' filter (editor swap files, .git, caches), and no build's own files."""

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return super().__call__(change, path) and TEMP_PREFIX not in path


class Watcher:
    """Rebuilds when the inputs change; survives any error, and keeps `server.error` current.

    Made before the first build: it notes the inputs as they are then, and compares once
    its watch is in place, so an edit made during the first build is not missed.
    """

    def __init__(
        self,
        server: SiteServer,
        folders: list[Path],
        rebuild: Callable[[], str | None],
        ignore: list[Path],
        debug: bool = False,
    ) -> None:
        self.server, self.folders, self.rebuild, self.debug = server, folders, rebuild, debug
        self.filter = _Filter(ignore_paths=[str(p.absolute()) for p in ignore])
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="serve-watch", daemon=True)
        self.polling = False  # True once file-system events could not be had
        self.started = False  # whether the current watch has given its first answer
        self.since: frozenset[tuple[str, int, int]] | None = self.inputs()

    @classmethod
    def for_args(
        cls, server: SiteServer, args: argparse.Namespace, rebuild: Callable[[], str | None]
    ) -> Watcher:
        """The watcher of `serve`'s inputs; the output and the caches are not inputs."""
        ignore = [server.out]
        if not args.no_cache:
            ignore.append(args.cache_dir)
        return cls(server, _folders(Path(args.entries)), rebuild, ignore, bool(args.debug))

    def inputs(self) -> frozenset[tuple[str, int, int]]:
        """Every watched file with its modification time and size."""
        found = set()
        for folder in _present(self.folders):
            for parent, _, names in os.walk(folder):
                for name in names:
                    path = os.path.join(parent, name)
                    if not self.filter(watchfiles.Change.modified, path):
                        continue
                    try:
                        st = os.lstat(path)
                    except OSError:
                        continue
                    found.add((path, st.st_mtime_ns, st.st_size))
        return frozenset(found)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.started = False
            try:
                self._watch()
            except Exception as exc:  # the watching itself failed: say so and start again
                if not self.started and not self.polling and not isinstance(exc, FileNotFoundError):
                    # The system's file events cannot be had (no inotify, its watches all
                    # taken): look at the files every POLL_MS instead.
                    self.polling = True
                    print(
                        f"serve: file-system events unavailable ({_describe(exc)}); "
                        f"looking for changes every {POLL_MS} ms instead",
                        file=sys.stderr,
                    )
                    continue
                print(f"serve: watching for changes failed ({_describe(exc)})", file=sys.stderr)
                self.stop.wait(RETRY_SECONDS)

    def _watch(self) -> None:
        present = _present(self.folders)
        if not present:
            self.stop.wait(RECHECK_MS / 1000)
            return
        for changes in watchfiles.watch(
            *present,
            watch_filter=self.filter,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            rust_timeout=RECHECK_MS,
            yield_on_timeout=True,
            stop_event=self.stop,
            raise_interrupt=False,
            force_polling=True if self.polling else None,
            poll_delay_ms=POLL_MS,
        ):
            self.started = True
            # The watch is in place from the first answer on: anything changed before it
            # is found by comparing the files with how they were at the last build.
            missed = self.since is not None and self.inputs() != self.since
            self.since = None
            now = _present(self.folders)
            if now != present:
                self.since = self.inputs()  # the next watch compares with this build
            if changes or missed or now != present:
                self.rebuild_now()
            if now != present:
                return  # watch the folders as they are now

    def rebuild_now(self) -> None:
        """Rebuild once; on failure print why, keep the last build and show the banner."""
        print("Change detected; rebuilding", file=sys.stderr)
        try:
            error = self.rebuild()
        except Exception as exc:
            error = _describe(exc)
            if self.debug:
                traceback.print_exc()
            print(f"Rebuild failed: {error}", file=sys.stderr)
            print("Still serving the last good build", file=sys.stderr)
        if error is None and self.server.error is not None:
            print("Rebuild succeeded; the error banner is gone", file=sys.stderr)
        self.server.rebuilt(error)  # the pages open in a browser reload
