"""BibTeX and CSL-JSON made from CITATION.cff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from builder.config import SiteConfig
from builder.present.citation import (
    CitationError,
    bibtex,
    bibtex_text,
    csl_item,
    load_citation,
    parse_citation,
)
from builder.present.trust import entry_citation, report_url, site_citation

ROOT = Path(__file__).resolve().parent.parent

PEOPLE = """\
cff-version: 1.2.0
message: Cite it.
title: "Costs & {Benefits} of 100% training"
authors:
  - family-names: Doe
    given-names: Jane
  - name: The Lab_Group
version: 2.1.0
date-released: 2026-03-04
url: https://example.org/lb/
"""


def test_the_repository_citation_reads_as_bibtex_and_csl() -> None:
    citation = load_citation(ROOT / "CITATION.cff")
    assert citation is not None
    assert citation.title == "ML Training Emissions Leaderboard"
    text = bibtex(citation, "https://example.org/lb/")
    assert text.startswith("@misc{ml-training-emissions-leaderboard,\n")
    assert "  author = {{ML Training Emissions Leaderboard contributors}},\n" in text
    assert "  version = {0.1.0},\n" in text and "  url = {https://example.org/lb/}\n}\n" in text
    item = csl_item(citation, "https://example.org/lb/")
    assert item["author"] == [{"literal": "ML Training Emissions Leaderboard contributors"}]
    assert item["type"] == "dataset" and item["version"] == "0.1.0"
    assert item["abstract"].startswith("A public leaderboard of the energy")


def test_people_entities_dates_and_special_characters() -> None:
    citation = parse_citation(PEOPLE)
    text = bibtex(citation)
    assert r"  title = {{Costs \& \{Benefits\} of 100\% training}}," in text
    assert "  author = {Doe, Jane and {The Lab\\_Group}}," in text
    assert "  year = {2026}," in text
    item = csl_item(citation)
    assert item["author"] == [{"family": "Doe", "given": "Jane"}, {"literal": "The Lab_Group"}]
    assert item["issued"] == {"date-parts": [[2026, 3, 4]]}
    assert item["URL"] == "https://example.org/lb/"


def test_an_entry_is_cited_with_its_page_and_note() -> None:
    citation = parse_citation(PEOPLE)
    config = SiteConfig(base_url="https://example.org/lb")
    cite = entry_citation(citation, config, "google/t5", "T5")
    assert cite is not None
    assert "  url = {https://example.org/lb/models/google/t5.html},\n" in cite.bibtex
    assert "  note = {Entry google/t5 (entries/google/t5.yaml)}\n" in cite.bibtex
    assert "  howpublished = {Costs \\& \\{Benefits\\} of 100\\% training}," in cite.bibtex
    (item,) = json.loads(cite.csl)
    assert item["title"] == "T5: training energy and CO2e"
    assert item["container-title"] == "Costs & {Benefits} of 100% training"
    assert item["URL"] == "https://example.org/lb/models/google/t5.html"
    assert entry_citation(None, config, "google/t5", "T5") is None
    site = site_citation(citation, config)
    assert json.loads(site.csl)[0]["URL"] == "https://example.org/lb/"


def test_bibtex_text_escapes_every_special_character() -> None:
    assert bibtex_text("a\\b{c}%d&e$f#g_h^i~j  k\nl") == (
        r"a\textbackslash{}b\{c\}\%d\&e\$f\#g\_h\^{}i\~{}j k l"
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("authors: [{name: X}]\n", "a `title` is required"),
        ("title: T\nauthors: []\n", "at least one author"),
        ("title: [\n", "not valid YAML"),
    ],
)
def test_a_broken_citation_file_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(CitationError, match=says.replace("`", ".")):
        parse_citation(text, "CITATION.cff")


def test_report_links_need_a_repository_and_fill_the_page_field() -> None:
    assert report_url(SiteConfig(), "/models/a/b.html", "Problem") == ""
    url = report_url(SiteConfig(repo_url="https://github.com/o/r"), "/models/a/b.html", "P & Q")
    assert url == (
        "https://github.com/o/r/issues/new?template=report-problem.yml"
        "&title=P+%26+Q&page=%2Fmodels%2Fa%2Fb.html"
    )
    form = (ROOT / ".github/ISSUE_TEMPLATE/report-problem.yml").read_text()
    assert "id: page" in form and "id: what" in form and "id: source" in form
