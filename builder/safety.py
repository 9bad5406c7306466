"""What `build` and `serve` may touch: which output folders they accept, the record an
output carries of the files a build made there, and the locks that keep two builds apart.

A build writes only inside its output folder and the cache folder, and deletes only
files that the output's record (`RECORD`, at its root) says a build made. The record
is in the output itself, so that it holds with or without a cache; a folder that has
one counts as made by a build.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from builder.entries.errors import BuildFailed

RECORD = ".leaderboard-build.json"
_RECORD_FORMAT = 1


class UnsafeOutput(BuildFailed):
    """An output folder a build must not write to; nothing was touched."""


def _refuse(out: Path, why: str) -> UnsafeOutput:
    return UnsafeOutput(
        f"--out {out}: {why}; nothing was written (choose a new or empty folder, "
        "or one an earlier build made)"
    )


def _within(inner: Path, outer: Path) -> bool:
    return inner == outer or outer in inner.parents


def check_out(out: Path, entries: Path, cache_dir: Path | None) -> None:
    """Refuse an output folder that a build could damage by replacing it (UnsafeOutput).

    Refused: a symbolic link or a file; the current folder or one of its parents; the
    entries folder, a folder inside it or one that contains it; a folder that holds or
    is inside the cache folder; the root of a repository (a folder holding `.git`); and
    a non-empty folder without a build's record. Nothing is created or changed here.
    """
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise _refuse(out, f"cannot be examined ({exc.strerror})") from None
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise _refuse(out, "is a symbolic link")
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise _refuse(out, "is a file, not a folder")
    target = out.resolve()
    if _within(Path.cwd().resolve(), target):
        raise _refuse(out, "is the current folder or one of its parents")
    entries_folder = entries.resolve()
    if target == entries_folder:
        raise _refuse(out, "is the entries folder")
    if _within(target, entries_folder):
        raise _refuse(out, "is inside the entries folder")
    if _within(entries_folder, target):
        raise _refuse(out, "contains the entries folder")
    if cache_dir is not None:
        cache_folder = cache_dir.resolve()
        if _within(target, cache_folder) or _within(cache_folder, target):
            raise _refuse(out, "is, holds or is inside the cache folder")
    if st is None:
        return
    if os.path.lexists(target / ".git"):
        raise _refuse(out, "is the root of a repository (it holds .git)")
    try:
        with os.scandir(target) as listing:
            empty = next(listing, None) is None
    except OSError as exc:
        raise _refuse(out, f"cannot be listed ({exc.strerror})") from None
    if not empty and read_record(target) is None:
        raise _refuse(
            out,
            f"is a folder that no build made (it holds files and no {RECORD}; a site built by "
            "an older version of the builder has none either: delete it once)",
        )


def read_record(out: Path) -> frozenset[str] | None:
    """The files the last build recorded making in `out`, or None when it has no record
    (or one that cannot be read: then no file in it is taken for a build's)."""
    path = out / RECORD
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        data = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != _RECORD_FORMAT:
        return None
    files = data.get("files")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return frozenset(files)


def record_bytes(files: Iterable[str]) -> bytes:
    """The record of a build that made `files` (relative, `/`-separated paths)."""
    text = json.dumps({"format": _RECORD_FORMAT, "files": sorted(files)}, indent=0)
    return (text + "\n").encode("utf-8")


def _lock(path: Path, what: str, folder: bool) -> contextlib.AbstractContextManager[None]:
    """An exclusive `flock` on `path`: a lock file (made if missing), or a folder itself."""

    @contextlib.contextmanager
    def held() -> Iterator[None]:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock (Windows): builds are not kept apart
            yield
            return
        if folder:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"waiting for another build of {what}…", file=sys.stderr, flush=True)
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    return held()


@contextlib.contextmanager
def build_lock(out: Path, cache_dir: Path | None) -> Iterator[None]:
    """Hold the locks of an output folder and of a cache folder: a second build of either
    waits until the first has finished. Always taken in this order, so never crossed.

    The output is locked through the folder that holds it (the output itself is swapped
    by a fresh build), so no lock file is made outside the output and the cache; builds
    of two outputs in one folder take turns too.
    """
    parent = out.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_lock(parent, f"an output in {parent}", folder=True))
        if cache_dir is not None:
            stack.enter_context(_lock(cache_dir / "lock", f"the cache {cache_dir}", folder=False))
        yield
