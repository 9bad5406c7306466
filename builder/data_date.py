"""The date of the data: when the entries last changed, as the index's "last updated".

In order of preference:

- "git": the date of the newest commit that touched the entries folder, when the folder
  is inside a git work tree and git is installed;
- "files": the newest modification time of an entry file, otherwise;
- "build": the build date (SOURCE_DATE_EPOCH), when there is no entry file.

As the reproducible-builds convention asks, a date later than SOURCE_DATE_EPOCH is
clamped to it (and then said to be the build date), so a build that sets it gives the
same pages whatever the clock or the repository says.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from builder.config import DataDate, SiteConfig

GIT_TIMEOUT_S = 10


def _utc(seconds: float) -> datetime.date:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc).date()


def git_date(folder: Path) -> datetime.date | None:
    """The date of the newest commit touching `folder`, or None (no git, no repository,
    no commit, or git failed)."""
    git = shutil.which("git")
    if git is None or not folder.is_dir():
        return None
    try:
        done = subprocess.run(
            [git, "log", "-1", "--format=%ct", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = done.stdout.strip()
    return _utc(int(stamp)) if done.returncode == 0 and stamp.isdigit() else None


def files_date(files: Sequence[str]) -> datetime.date | None:
    """The newest modification date of `files` (those that can be read), or None."""
    newest = None
    for name in files:
        try:
            mtime = os.stat(name).st_mtime
        except OSError:
            continue
        newest = mtime if newest is None else max(newest, mtime)
    return None if newest is None else _utc(newest)


def data_date(
    entries_dir: Path, files: Sequence[str], build_date: datetime.date | None
) -> DataDate | None:
    """When the data last changed, and how that is known (see the module's text)."""
    found: DataDate | None = None
    if (day := git_date(entries_dir)) is not None:
        found = DataDate(day, "git")
    elif (day := files_date(files)) is not None:
        found = DataDate(day, "files")
    elif build_date is not None:
        found = DataDate(build_date, "build")
    if found is not None and build_date is not None and found.date > build_date:
        found = DataDate(build_date, "build")
    return found


def dated(config: SiteConfig, entries_dir: Path, files: Sequence[str]) -> SiteConfig:
    """`config` with the data's date."""
    return dataclasses.replace(config, data_date=data_date(entries_dir, files, config.build_date))
