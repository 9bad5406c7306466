"""Site settings: one frozen value, built by the command line, passed to render."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _checkout_root() -> Path | None:
    """The repository folder, when the package runs from a checkout (plain or editable)."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "templates").is_dir():
        return root
    return None


def _content_dir(name: str) -> Path:
    """The checkout's `name/` folder, or the copy a wheel installs as `builder/_name/`.

    The checkout's folders are the ones contributors edit, so they win when they exist;
    an installed package has only its own copies and never needs the checkout.
    """
    root = _checkout_root()
    return root / name if root is not None else PACKAGE_DIR / f"_{name}"


TEMPLATES_DIR = _content_dir("templates")
SITE_DIR = _content_dir("site")
# The committed JSON Schema, for editors; a build publishes one generated from the code.
SCHEMA_DIR = _content_dir("schema")
DEFAULT_ENTRIES = Path("entries")
DEFAULT_OUT = Path("_site")


DEFAULT_TITLE = "ML Training Emissions Leaderboard"  # translated; a title given instead is not


@dataclass(frozen=True)
class SiteConfig:
    """What a build needs besides the entries."""

    title: str = DEFAULT_TITLE
    base_url: str = ""  # absolute URL of the hosted site, for canonical links; "" = none
    repo_url: str = ""  # repository URL, for "edit this entry" links; "" = no links
    branch: str = "main"
    build_date: datetime.date | None = None  # from SOURCE_DATE_EPOCH only: builds stay reproducible

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
