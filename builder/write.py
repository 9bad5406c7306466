"""The only stage that touches the output folder: write everything aside, then swap it in.

The new site is written into a temporary sibling folder. Only when every file
is written does it replace the old one: in a single atomic exchange where the
kernel offers one (Linux renameat2 RENAME_EXCHANGE), otherwise with two renames.
A build that fails or is killed before the swap leaves the previous site as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


class Keep:
    """A file whose content is unchanged since the last build: link it, don't rewrite it."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()
Files = Mapping[str, "bytes | Keep"]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
TEMP_PREFIX = ".leaderboard-build-"


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the platform cannot."""
    if not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    rc = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(rc == 0)


def write_tree(root: Path, files: Files, previous: Path | None = None) -> None:
    """Write `files` (relative posix path -> bytes) below `root`; KEEP links from `previous`."""
    made: set[Path] = set()
    for rel, data in sorted(files.items()):
        target = root / rel
        parent = target.parent
        if parent not in made:
            parent.mkdir(parents=True, exist_ok=True)
            made.add(parent)
        if isinstance(data, Keep):
            if previous is None:
                raise ValueError(f"{rel}: nothing to keep it from")
            try:
                os.link(previous / rel, target)  # old files are never written to again
            except OSError:
                shutil.copyfile(previous / rel, target)
        else:
            target.write_bytes(data)


def _remove_abandoned(parent: Path) -> None:
    """Delete temporary folders left by builds that were killed (their process is gone)."""
    for folder in parent.glob(f"{TEMP_PREFIX}*"):
        pid = folder.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # another user's live process


def write_site(out: Path, files: Files) -> None:
    """Replace `out` with exactly `files`, never leaving a half-written site behind."""
    out = out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(out.parent)
    mine = f"{TEMP_PREFIX}{os.getpid()}-"
    tmp = Path(tempfile.mkdtemp(prefix=mine, dir=out.parent))
    try:
        write_tree(tmp, files, out if out.is_dir() else None)
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; a served site must be readable
        if out.exists() and _exchange(tmp, out):
            pass  # tmp now holds the old site
        else:
            if out.exists():
                old = Path(tempfile.mkdtemp(prefix=mine, dir=out.parent))
                old.rmdir()
                os.replace(out, old)
                os.replace(tmp, out)
                tmp = old
            else:
                os.replace(tmp, out)
                return
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)
