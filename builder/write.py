"""The only stage that touches the output folder: files are staged aside, then committed.

Every file of a build is written into a temporary sibling folder as soon as it is made,
so a build never holds its whole output in memory, and nothing in the output folder
changes before every page has rendered: a build that fails leaves the previous site
as it was.

How the staged files are committed depends on what the build knows of the output:

- A fresh build (no cache, or a cache that does not describe this output folder) stages
  every file, then swaps the staged folder with the old site in a single atomic exchange
  where the kernel offers one (Linux renameat2 RENAME_EXCHANGE), otherwise with two
  renames. A reader, or a build killed at any moment, sees the old site or the new one.
- A rebuild over the output folder the cache describes stages only the files whose
  content differs from what is there, then moves each into place (one atomic rename a
  file) and deletes the files the build no longer makes. Its cost follows what changed,
  not the size of the site. Should it be killed while moving files, the output mixes old
  and new files; the cache has already forgotten the output by then, so the next build
  is a fresh one and puts everything right.

Either way, only the files the output's record (see `builder.safety`) lists as made by
a build are replaced or deleted. Files someone else put in the output are kept (a fresh
build links them into the new folder before the swap) and named in a warning; a build
that would make a file where such a file is refuses, before anything changes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

from builder.entries.errors import BuildFailed
from builder.hashing import content_key
from builder.safety import RECORD, read_record, record_bytes

# What a build wrote: per relative path, the key of its content (a hash of its bytes or
# of what it was made from), and the inode, size and modification time of the file in the
# output folder (a file replaced or edited since no longer matches).
Manifest = dict[str, tuple[str, int, int, int]]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
TEMP_PREFIX = ".leaderboard-build-"


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file that readers see whole or not at all (a temporary file, renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def save_file(path: Path, data: bytes, overwrite: bool) -> None:
    """Write one file a command makes (an entry, a draft, the schema), whole or not at all,
    with the usual permissions (the umask's). Without `overwrite`, FileExistsError if
    `path` exists, even if it appeared after the caller looked."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".tmp-{path.name}-{os.getpid()}-{os.urandom(4).hex()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if overwrite:
            os.replace(tmp, path)
        else:
            _link_new(tmp, path, data)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _link_new(tmp: Path, path: Path, data: bytes) -> None:
    """Give the whole file `tmp` the name `path` if that names nothing (FileExistsError
    otherwise); where the file system has no hard links, write `path` exclusively."""
    try:
        os.link(tmp, path)  # refuses a file that exists, as a rename would not
    except FileExistsError:
        raise
    except OSError:
        with path.open("xb") as fh:
            fh.write(data)


def _write(path: str, data: bytes) -> None:
    """Write a new file of the output (staged)."""
    Path(path).write_bytes(data)


def _put_record(out: str, data: bytes) -> None:
    """Replace the output's record at once (as a fresh build's, readable by all)."""
    tmp = f"{out}/{RECORD}.{os.getpid()}.tmp"
    _write(tmp, data)
    os.replace(tmp, f"{out}/{RECORD}")


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


def _files_below(root: str) -> list[str]:
    """Every file below `root`, as paths relative to it with `/` separators."""
    found: list[str] = []
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(f"{root}/{rel}" if rel else root) as it:
            for item in it:
                name = f"{rel}/{item.name}" if rel else item.name
                if item.is_dir(follow_symlinks=False):
                    pending.append(name)
                else:
                    found.append(name)
    return found


class Output:
    """A build's files on their way into the output folder `out`.

    `previous` is the manifest of the last build's output in `out` (from the build
    cache), or None for a fresh build. With `track`, every file gets a content key for
    the next build's manifest; without it (no cache), no hashing is spent on that.
    """

    def __init__(
        self,
        out: Path,
        previous: Manifest | None = None,
        track: bool = True,
        stage: Path | None = None,
    ) -> None:
        self.out = out.absolute()
        self.previous = previous if previous is not None and self.out.is_dir() else None
        self.track = track
        if stage is None:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _remove_abandoned(self.out.parent)
            mine = f"{TEMP_PREFIX}{os.getpid()}-"
            stage = Path(tempfile.mkdtemp(prefix=mine, dir=self.out.parent))
        self.stage = stage
        self.made: Manifest = {}  # every file of this build, staged or left as it was
        self.staged: list[str] = []
        self.rendered = 0  # pages made by rendering them
        self.reused = 0  # pages left as they were, without rendering them again
        self._folders: set[str] = set()

    @property
    def fresh(self) -> bool:
        """True when every file is written and the whole folder swapped in."""
        return self.previous is None

    def share(self) -> Output:
        """An Output for another process that stages into the same folder; see `merge`."""
        return Output(self.out, self.previous, self.track, self.stage)

    def merge(self, other: Output) -> None:
        """Take in what a shared Output made (in another process)."""
        self.made.update(other.made)
        self.staged.extend(other.staged)
        self.rendered += other.rendered
        self.reused += other.reused

    def unchanged(self, path: str, key: str) -> bool:
        """True, and `path` counted as made, if the output holds the file made from `key`.

        Lets a build skip making a file whose inputs it can key without making it.
        """
        if self.previous is None:
            return False
        seen = self.previous.get(path)
        if seen is None or seen[0] != key:
            return False
        try:
            st = os.stat(f"{self.out}/{path}")
        except OSError:
            return False
        if (st.st_ino, st.st_size, st.st_mtime_ns) != seen[1:]:  # replaced or edited since
            return False
        self.made[path] = seen
        return True

    def kept(self, path: str) -> bool:
        """True, and `path` counted as made, if the output holds the file the last build
        made there, as that build left it."""
        seen = self.previous.get(path) if self.previous is not None else None
        return seen is not None and self.unchanged(path, seen[0])

    def put(self, path: str, data: bytes, key: str | None = None) -> None:
        """The file at `path` (relative, `/`-separated) holds `data`, made from `key`.

        Without a key, the content is its own key. The file is staged unless the output
        already holds it.
        """
        if key is None:
            key = content_key(data) if self.track else ""
        if self.unchanged(path, key):
            return
        folder, _, _ = path.rpartition("/")
        if folder not in self._folders:
            os.makedirs(f"{self.stage}/{folder}", exist_ok=True)
            self._folders.add(folder)
        target = f"{self.stage}/{path}"
        _write(target, data)
        st = os.stat(target)
        self.made[path] = (key, st.st_ino, st.st_size, st.st_mtime_ns)
        self.staged.append(path)

    def commit(self) -> Manifest:
        """Put the staged files in place (see the module's note); return the new manifest.

        BuildFailed, with the output unchanged, if a file someone else put in the output
        is where this build makes one.
        """
        recorded = read_record(self.out) if self.out.is_dir() else frozenset()
        others = self._others(recorded or frozenset())
        if others:
            print(
                f"warning: {self.out}: kept {len(others)} file(s) that no build made: "
                + ", ".join(others[:10])
                + (", …" if len(others) > 10 else ""),
                file=sys.stderr,
            )
        if self.previous is None:
            self._swap(others)
        else:
            self._update(recorded or frozenset())
        return self.made

    def _others(self, recorded: frozenset[str]) -> list[str]:
        """The files in the output that no build recorded making, sorted; BuildFailed if
        this build makes a file at one's path, or below it, or one is below a file it makes."""
        if not self.out.is_dir():
            return []
        others = sorted(p for p in _files_below(str(self.out)) if p not in recorded and p != RECORD)
        if not others:
            return others
        made_folders: set[str] = set()
        for made in self.made:
            folder = made.rpartition("/")[0]
            while folder and folder not in made_folders:
                made_folders.add(folder)
                folder = folder.rpartition("/")[0]
        for path in others:
            above = path.rpartition("/")[0]
            clash = path in self.made or path in made_folders
            while not clash and above:
                clash, above = above in self.made, above.rpartition("/")[0]
            if clash:
                raise BuildFailed(
                    f"{self.out}/{path}: this build makes a file there, and the file there "
                    "was not made by a build; move it away, then build again "
                    "(nothing was changed)"
                )
        return others

    def abandon(self) -> None:
        """Drop what was staged, leaving the output as it was."""
        shutil.rmtree(self.stage, ignore_errors=True)

    def _swap(self, others: list[str]) -> None:
        out, tmp = self.out, self.stage
        os.chmod(tmp, 0o755)  # mkdtemp makes it 0700; a served site must be readable
        _write(f"{tmp}/{RECORD}", record_bytes(self.made))
        for path in others:  # linked, not moved: killed before the swap, nothing is lost
            folder = path.rpartition("/")[0]
            if folder:
                os.makedirs(f"{tmp}/{folder}", exist_ok=True)
            try:
                os.link(f"{out}/{path}", f"{tmp}/{path}", follow_symlinks=False)
            except OSError:  # a file system without hard links
                shutil.copy2(f"{out}/{path}", f"{tmp}/{path}", follow_symlinks=False)
        try:
            if out.exists() and _exchange(tmp, out):
                pass  # tmp now holds the old site
            elif out.exists():
                mine = f"{TEMP_PREFIX}{os.getpid()}-"
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

    def _update(self, recorded: frozenset[str]) -> None:
        out = str(self.out)
        folders: set[str] = set()
        try:
            # Killed while moving files in, the record still covers all of them.
            _put_record(out, record_bytes(recorded | set(self.made)))
            for path in self.staged:
                folder = path.rpartition("/")[0]
                if folder and folder not in folders:
                    os.makedirs(f"{out}/{folder}", exist_ok=True)
                    folders.add(folder)
                os.replace(f"{self.stage}/{path}", f"{out}/{path}")
            # What a build made there before and this one does not make: gone.
            emptied: set[str] = set()
            for path in sorted(recorded.difference(self.made)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{out}/{path}")
                emptied.add(path.rpartition("/")[0])
            _put_record(out, record_bytes(self.made))
            for folder in sorted(emptied, key=len, reverse=True):
                while folder:
                    try:
                        os.rmdir(f"{out}/{folder}")
                    except OSError:  # not empty: it holds pages still
                        break
                    folder = folder.rpartition("/")[0]
        finally:
            shutil.rmtree(self.stage, ignore_errors=True)
