"""Site settings: one frozen value, built by the command line, passed to render."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from builder.history import History

PACKAGE_DIR = Path(__file__).resolve().parent


def _content_dir(name: str) -> Path:
    """The copy of the repository's `name/` folder that an installed wheel carries as
    `builder/_name/`, or, running from a checkout (plain or editable), the folder itself.

    Only a wheel makes `builder/_name/`; a checkout has its folders beside the package.
    """
    packaged = PACKAGE_DIR / f"_{name}"
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


TEMPLATES_DIR = _content_dir("templates")
SITE_DIR = _content_dir("site")
# The committed JSON Schema, for editors; a build publishes one generated from the code.
SCHEMA_DIR = _content_dir("schema")
# How to cite the leaderboard: read from a checkout (an installed wheel has none, and
# its pages then show no citation)
CITATION_FILE = (
    PACKAGE_DIR.parent / "CITATION.cff"
    if (PACKAGE_DIR.parent / "pyproject.toml").is_file()
    else PACKAGE_DIR / "_no_citation"
)
DEFAULT_ENTRIES = Path("entries")
DEFAULT_OUT = Path("_site")


DEFAULT_TITLE = "ML Training Emissions Leaderboard"  # translated; a title given instead is not


class DataDate(NamedTuple):
    """When the entries last changed, and how that is known: "git" (the newest commit to
    the entries), "files" (the newest entry file) or "build" (the build date)."""

    date: datetime.date
    source: str


@dataclass(frozen=True)
class SiteConfig:
    """What a build needs besides the entries."""

    title: str = DEFAULT_TITLE
    base_url: str = ""  # absolute URL of the hosted site, for canonical links; "" = none
    repo_url: str = ""  # repository URL, for "edit" and "report a problem" links; "" = none
    branch: str = "main"
    build_date: datetime.date | None = None  # from SOURCE_DATE_EPOCH only: builds stay reproducible
    # set by the build (builder.data_date); left out of repr, the cache's key of the
    # settings: the pages that show it are keyed by it themselves
    data_date: DataDate | None = field(default=None, repr=False)
    # set by the build (builder.history): each entry's last change and the data's
    # revisions; the pages that show them are keyed by them themselves
    history: History | None = field(default=None, repr=False, compare=False)

    @property
    def site_url(self) -> str:
        """Base URL with exactly one trailing slash, or ""."""
        return self.base_url.rstrip("/") + "/" if self.base_url else ""


def build_date_from_env() -> datetime.date | None:
    """The date SOURCE_DATE_EPOCH names, if set (reproducible-builds.org convention)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw.isdigit():
        return None
    return datetime.datetime.fromtimestamp(int(raw), tz=datetime.timezone.utc).date()
