"""How to cite the leaderboard, and one of its entries: BibTeX and CSL-JSON made from the
repository's CITATION.cff (Citation File Format 1.2.0), read at build time.

Pure but for `load_citation`: the text of CITATION.cff in, citation texts out. The site
publishes the dataset's citation as data/citation.bib and data/citation.json, and each
model page shows one with its own title, address and note.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Characters BibTeX reads as commands or groups, and how to write them as text.
_BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_BIBTEX_SPECIAL = re.compile("[" + re.escape("".join(_BIBTEX_ESCAPES)) + "]")


@dataclass(frozen=True)
class Author:
    """A person (family and given names) or an entity (`name`)."""

    family: str = ""
    given: str = ""
    name: str = ""


@dataclass(frozen=True)
class Citation:
    """What CITATION.cff says of the work, as the citations use it."""

    title: str
    authors: tuple[Author, ...]
    version: str = ""
    date_released: str = ""  # YYYY-MM-DD, or ""
    url: str = ""
    abstract: str = ""
    license: str = ""


class CitationError(ValueError):
    """CITATION.cff cannot be read as a citation."""


def parse_citation(text: str, where: str = "CITATION.cff") -> Citation:
    """The citation of a CITATION.cff text; CitationError says what is missing."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CitationError(f"{where}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("title"), str):
        raise CitationError(f"{where}:1:1: a `title` is required (Citation File Format 1.2.0)")
    authors = []
    for person in data.get("authors") or []:
        if not isinstance(person, dict):
            continue
        author = Author(
            str(person.get("family-names", "")).strip(),
            str(person.get("given-names", "")).strip(),
            str(person.get("name", "")).strip(),
        )
        if author.family or author.name:
            authors.append(author)
    if not authors:
        raise CitationError(f"{where}:1:1: at least one author with `name` or `family-names`")
    released = data.get("date-released", "")
    return Citation(
        title=data["title"].strip(),
        authors=tuple(authors),
        version=str(data.get("version", "") or ""),
        date_released=str(released) if released else "",
        url=str(data.get("url", "") or data.get("repository-code", "") or ""),
        abstract=" ".join(str(data.get("abstract", "") or "").split()),
        license=str(data.get("license", "") or ""),
    )


def load_citation(path: Path) -> Citation | None:
    """The citation of the CITATION.cff at `path`, or None when there is none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return parse_citation(text, str(path))


def bibtex_text(value: str) -> str:
    """`value` as text inside a BibTeX field's braces."""
    return _BIBTEX_SPECIAL.sub(lambda m: _BIBTEX_ESCAPES[m.group()], " ".join(value.split()))


def _bibtex_author(author: Author) -> str:
    if author.family:
        given = f", {bibtex_text(author.given)}" if author.given else ""
        return bibtex_text(author.family) + given
    return "{" + bibtex_text(author.name) + "}"  # braced: an entity, not first and last names


def citation_key(text: str) -> str:
    """A BibTeX key of letters, digits, hyphens and underscores."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "leaderboard"


def bibtex(
    citation: Citation, url: str = "", title: str = "", note: str = "", key: str = ""
) -> str:
    """A BibTeX @misc entry for the work, or for a part of it titled `title`."""
    fields = [("title", "{" + bibtex_text(title or citation.title) + "}")]
    fields.append(("author", " and ".join(_bibtex_author(a) for a in citation.authors)))
    if title:
        fields.append(("howpublished", bibtex_text(citation.title)))
    if citation.version:
        fields.append(("version", bibtex_text(citation.version)))
    if citation.date_released:
        fields.append(("year", citation.date_released[:4]))
    if url or citation.url:
        fields.append(("url", url or citation.url))
    if note:
        fields.append(("note", bibtex_text(note)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key or citation_key(citation.title)},\n{body}\n}}\n"


def csl_item(
    citation: Citation, url: str = "", title: str = "", note: str = "", key: str = ""
) -> dict[str, Any]:
    """A CSL-JSON item for the work, or for a part of it titled `title`."""
    item: dict[str, Any] = {
        "id": key or citation_key(citation.title),
        "type": "dataset",
        "title": title or citation.title,
        "author": [
            {"family": a.family, "given": a.given} if a.family else {"literal": a.name}
            for a in citation.authors
        ],
    }
    if title:
        item["container-title"] = citation.title
    if citation.version:
        item["version"] = citation.version
    if citation.date_released:
        parts = [int(p) for p in citation.date_released.split("-") if p.isdigit()]
        item["issued"] = {"date-parts": [parts]}
    if url or citation.url:
        item["URL"] = url or citation.url
    if note:
        item["note"] = note
    elif citation.abstract and not title:
        item["abstract"] = citation.abstract
    return item


def csl_json(items: list[dict[str, Any]]) -> str:
    """CSL-JSON text: an array of items."""
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
