"""What lets a reader check and correct the site: the links to report a problem or edit
an entry, each entry's last change, the changes page of the data's revisions, and the
citations.

Pure: the settings, the history `builder.history` read and the citation in; links, words
and texts out.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from builder.config import CITATION_FILE, DataDate, SiteConfig
from builder.conventions import model_path
from builder.entries.errors import BuildFailed
from builder.history import History, Revision
from builder.present.citation import (
    Citation,
    CitationError,
    bibtex,
    citation_key,
    csl_item,
    csl_json,
)
from builder.present.citation import load_citation as _load

ISSUE_FORM = "report-problem.yml"  # .github/ISSUE_TEMPLATE/, with fields `page` and `what`


@functools.cache
def load_citation(path: Path = CITATION_FILE) -> Citation | None:
    """The site's citation (read once a process); BuildFailed when the file is broken."""
    try:
        return _load(path)
    except CitationError as exc:
        raise BuildFailed(
            f"{exc}; fix CITATION.cff (https://citation-file-format.github.io/)"
        ) from exc


def report_url(config: SiteConfig, page: str, title: str) -> str:
    """The repository's "report a problem" issue form, its page field filled in; "" without
    a repository."""
    if not config.repo_url:
        return ""
    query = urlencode({"template": ISSUE_FORM, "title": title, "page": page})
    return f"{config.repo_url}/issues/new?{query}"


def page_address(config: SiteConfig, prefix: str, path: str) -> str:
    """A page's address: absolute with --base-url, else its path below the site's root."""
    shown = prefix + path.removesuffix("index.html")
    return config.site_url + shown if config.site_url else "/" + shown


def edit_url(config: SiteConfig, entry_id: str) -> str:
    """The entry's file in the repository, "" without one."""
    if not config.repo_url:
        return ""
    return f"{config.repo_url}/blob/{config.branch}/entries/{entry_id}.yaml"


def last_changed(config: SiteConfig, entry_id: str) -> DataDate | None:
    """When the entry last changed, when known."""
    return config.history.changed.get(entry_id) if config.history else None


@dataclass(frozen=True)
class EntryCitation:
    """How to cite one entry: BibTeX and CSL-JSON."""

    bibtex: str
    csl: str


def entry_citation(
    citation: Citation | None, config: SiteConfig, entry_id: str, name: str
) -> EntryCitation | None:
    """The dataset's citation, titled with the model's name and addressed to its page."""
    if citation is None:
        return None
    url = config.site_url + model_path(entry_id) if config.site_url else ""
    title = f"{name}: training energy and CO2e"
    note = f"Entry {entry_id} (entries/{entry_id}.yaml)"
    key = citation_key(f"{citation.title} {entry_id}")
    item = csl_item(citation, url, title, note, key)
    return EntryCitation(bibtex(citation, url, title, note, key), csl_json([item]))


def site_citation(citation: Citation, config: SiteConfig) -> EntryCitation:
    """The citation of the leaderboard and its dataset."""
    url = config.site_url or citation.url
    return EntryCitation(bibtex(citation, url), csl_json([csl_item(citation, url)]))


@dataclass(frozen=True)
class Day:
    """The revisions of one date, newest first."""

    date: datetime.date
    revisions: tuple[Revision, ...]


def changes(history: History | None) -> dict[str, Any]:
    """What the changes page shows of the history."""
    if history is None or history.source != "git":
        return {"known": False, "days": [], "left_out": 0, "shallow": False}
    days: list[Day] = []
    for revision in history.revisions:
        if days and days[-1].date == revision.date:
            days[-1] = Day(revision.date, (*days[-1].revisions, revision))
        else:
            days.append(Day(revision.date, (revision,)))
    return {
        "known": True,
        "days": days,
        "left_out": history.left_out,
        "shallow": history.shallow,
    }


def changes_key(history: History | None, ids: list[str]) -> str:
    """What the changes page is made from: the history, and which models have a page."""
    return repr((history.key() if history else None, sorted(ids)))
