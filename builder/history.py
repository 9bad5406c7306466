"""The history of the entries: when each entry last changed, and the data's revisions.

Read from git with one `git log` over the entries folder (plus `git status` for files
changed since the last commit and `git rev-parse` to tell a shallow clone), never one
process per file. Without git, or outside a repository, each entry's date is its file's
modification time and the history is unknown.

As `builder.data_date` does, a date later than SOURCE_DATE_EPOCH is clamped to it (and then
said to be the build date), and a revision later than it is left out: a build that sets it
gives the same pages whatever the clock or the repository says.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from builder.config import DataDate, SiteConfig

GIT_TIMEOUT_S = 30
MAX_REVISIONS = 200  # the changes page lists the newest ones; the rest are counted
ENTRY_SUFFIXES = (".yaml", ".yml")
_RECORD, _FIELD = "\x1e", "\x1f"


@dataclass(frozen=True)
class Revision:
    """One commit that touched the entries, as the changes page lists it."""

    date: datetime.date
    commit: str  # the full hash
    subject: str
    added: tuple[str, ...] = ()  # entry ids
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[tuple[str, str], ...] = ()  # (old id, new id)


@dataclass(frozen=True)
class History:
    """What git says of the entries: `source` "git", or "none" when it cannot tell."""

    source: str
    revisions: tuple[Revision, ...] = ()  # newest first, at most MAX_REVISIONS
    left_out: int = 0  # older revisions not listed
    shallow: bool = False  # a shallow clone: the history starts at its oldest commit
    changed: dict[str, DataDate] = field(default_factory=dict)  # entry id -> last change

    def key(self) -> str:
        """What the changes page is made from."""
        return repr((self.source, self.revisions, self.left_out, self.shallow))


def _git(folder: Path, *args: str) -> str | None:
    """The output of `git args` in `folder`, or None when git is missing or fails."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return None
    try:
        done = subprocess.run(
            [git, "-c", "core.quotepath=off", *args],
            cwd=folder,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=GIT_TIMEOUT_S,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _entry_id(path: str) -> str | None:
    """`org/model` of an entry file's path below the entries folder, or None."""
    for suffix in ENTRY_SUFFIXES:
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[: -len(suffix)]
    return None


def _utc(seconds: float) -> datetime.date:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc).date()


def parse_log(text: str) -> list[tuple[Revision, bool]]:
    """The revisions of `git log -z --name-status -M` in the format `read_history` asks
    for, newest first, each with whether it has no parent (a root, or a shallow graft)."""
    found = []
    for record in text.split(_RECORD)[1:]:
        header, _, changes = record.partition("\0")
        parts = header.split(_FIELD)
        if len(parts) != 4 or not parts[1].strip().isdigit():
            continue
        commit, stamp, parents, subject = parts
        tokens = changes.lstrip("\n").split("\0")
        added: list[str] = []
        changed: list[str] = []
        removed: list[str] = []
        renamed: list[tuple[str, str]] = []
        i = 0
        while i < len(tokens):
            status = tokens[i]
            if not status:
                i += 1
                continue
            if status[0] in "RC" and i + 2 < len(tokens):
                old, new = _entry_id(tokens[i + 1]), _entry_id(tokens[i + 2])
                if status[0] == "R" and old and new:
                    renamed.append((old, new))
                elif new:
                    added.append(new)
                elif old and status[0] == "R":
                    removed.append(old)
                i += 3
                continue
            name = _entry_id(tokens[i + 1]) if i + 1 < len(tokens) else None
            if name:
                {"A": added, "D": removed}.get(status[0], changed).append(name)
            i += 2
        revision = Revision(
            _utc(int(stamp)),
            commit,
            subject.strip(),
            tuple(added),
            tuple(changed),
            tuple(removed),
            tuple(renamed),
        )
        if added or changed or removed or renamed:
            found.append((revision, not parents.strip()))
    return found


def _dirty(entries_dir: Path) -> set[str]:
    """Entry ids whose files differ from the last commit or are not in it."""
    text = _git(entries_dir, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".")
    if text is None:
        return set()
    prefix = _git(entries_dir, "rev-parse", "--show-prefix") or ""
    prefix = prefix.strip()
    found = set()
    tokens = text.split("\0")
    i = 0
    while i < len(tokens):
        item = tokens[i]
        if len(item) > 3:
            path = item[3:]
            if path.startswith(prefix) and (name := _entry_id(path[len(prefix) :])):
                found.add(name)
            if item[0] in "RC":
                i += 1  # the original name follows
        i += 1
    return found


def _clamp(date: DataDate, build_date: datetime.date | None) -> DataDate:
    if build_date is not None and date.date > build_date:
        return DataDate(build_date, "build")
    return date


def read_history(
    entries_dir: Path, files: Sequence[str], build_date: datetime.date | None
) -> History:
    """The entries' history; each of `files` (entry files below `entries_dir`) gets a date:
    its last commit's, else its modification time's ("files")."""
    log = _git(
        entries_dir,
        "log",
        "-z",
        "--name-status",
        "-M",
        "--relative",
        f"--format={_RECORD}%H{_FIELD}%ct{_FIELD}%P{_FIELD}%s",
        "--",
        ".",
    )
    revisions: list[Revision] = []
    last: dict[str, DataDate] = {}
    shallow = False
    if log is not None:
        shallow = (
            _git(entries_dir, "rev-parse", "--is-shallow-repository") or ""
        ).strip() == "true"
        for revision, graft in parse_log(log):
            if build_date is not None and revision.date > build_date:
                continue  # after SOURCE_DATE_EPOCH: as if not yet made
            if graft and shallow:
                continue  # the oldest commit of a shallow clone holds every older change
            revisions.append(revision)
            for name in (*revision.added, *revision.changed, *(n for _, n in revision.renamed)):
                last.setdefault(name, DataDate(revision.date, "git"))
    dirty = _dirty(entries_dir) if log is not None else set()
    root = entries_dir.resolve()
    changed: dict[str, DataDate] = {}
    for name in files:
        try:
            rel = Path(name).resolve().relative_to(root).as_posix()
        except (OSError, ValueError):
            continue
        entry = _entry_id(rel)
        if entry is None:
            continue
        found = last.get(entry) if entry not in dirty else None
        if found is None and shallow and entry not in dirty:
            continue  # committed before the clone's oldest commit: unknown
        if found is None:
            try:
                found = DataDate(_utc(os.stat(name).st_mtime), "files")
            except OSError:
                continue
        changed[entry] = _clamp(found, build_date)
    return History(
        "git" if log is not None else "none",
        tuple(revisions[:MAX_REVISIONS]),
        max(0, len(revisions) - MAX_REVISIONS),
        shallow,
        changed,
    )


def with_history(config: SiteConfig, entries_dir: Path, files: Sequence[str]) -> SiteConfig:
    """`config` with the entries' history."""
    return dataclasses.replace(config, history=read_history(entries_dir, files, config.build_date))
