"""The organizations catalog: every entries/ folder is one organization, shown by one name."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from builder.catalog import load_catalog
from builder.catalog_organizations import folder_for, organizations_from
from builder.catalog_rows import CatalogError, located
from builder.compute import compute_results
from builder.config import SiteConfig
from builder.entries.gather import check_paths
from builder.present.dataset import COLUMNS
from builder.present.i18n import SOURCE
from builder.present.ranked import Listing
from builder.present.site import ChartFiles, site_files

from .conftest import ENTRIES

FOLDERS = sorted(p.name for p in ENTRIES.iterdir() if p.is_dir())


def test_every_entries_folder_is_an_organization_of_the_catalog() -> None:
    organizations = load_catalog().organizations
    assert [folder for folder in FOLDERS if folder not in organizations] == []
    for folder in FOLDERS:
        org = organizations[folder]
        assert org.key == folder and org.name.strip()


def test_each_entry_names_its_organization_by_the_catalog_name_or_an_alias() -> None:
    """So that the search finds every entry by the texts its folder's entries use: the
    credit line, or one of the organizations of a joint credit line ("A, B, and
    others"), is a name of the entry's folder."""
    organizations = load_catalog().organizations
    entries, errors = check_paths([ENTRIES])
    assert errors == []
    for entry in entries:
        folder = entry.id.split("/")[0]
        named = [entry.organization, *entry.organization.removesuffix(", and others").split(", ")]
        assert folder in {folder_for(name, organizations) for name in named}, entry.id


def _meta_site() -> dict[str, bytes]:
    """The index page and the dataset of a site of the Meta entries, credited to both
    "Meta" and "Meta AI"."""
    entries, errors = check_paths([ENTRIES / "meta"])
    assert errors == []
    entries = [e for e in entries if e.organization in {"Meta", "Meta AI"}]
    assert len({e.organization for e in entries}) == 2
    listing = Listing(compute_results(entries, load_catalog()))
    charts = ChartFiles({SOURCE.code: []}, "<svg/>")
    wanted = {"index.html", "data/leaderboard.csv"}
    files = site_files(listing, load_catalog(), SiteConfig(), charts, languages=[SOURCE])
    return {a.path: a.make() for a in files if a.path in wanted}


@pytest.fixture(scope="module")
def meta_site() -> dict[str, bytes]:
    return _meta_site()


def test_meta_and_meta_ai_share_one_filter_value(meta_site: dict[str, bytes]) -> None:
    index = meta_site["index.html"].decode("utf-8")
    select = re.search(r'<select id="f-org".*?</select>', index, re.S)
    assert select is not None
    options = re.findall(r'<option value="([^"]*)">([^<]*)</option>', select.group(0))
    assert options == [("", "All"), ("meta", "Meta")]
    rows = re.findall(r'<tr [^>]*data-org="([^"]*)"[^>]*data-search="([^"]*)"', index)
    assert rows and {org for org, _ in rows} == {"meta"}
    # Every row is found by the organization's other names too.
    assert all("facebook ai research" in search for _, search in rows)


def test_the_dataset_gives_the_organization_key_after_the_credit_line(
    meta_site: dict[str, bytes],
) -> None:
    names = [c.name for c in COLUMNS]
    assert names.index("organization_key") == names.index("organization") + 1
    rows = list(csv.DictReader(io.StringIO(meta_site["data/leaderboard.csv"].decode("utf-8"))))
    assert {row["organization"] for row in rows} == {"Meta", "Meta AI"}
    assert {row["organization_key"] for row in rows} == {"meta"}


def test_an_entry_in_an_unknown_folder_is_a_located_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "entries" / "unknown-lab"
    folder.mkdir(parents=True)
    shutil.copyfile(ENTRIES / "openai" / "gpt-3.yaml", folder / "gpt-3.yaml")
    monkeypatch.chdir(tmp_path)
    entries, errors = check_paths([Path("entries")])
    assert entries == []
    line = 1 + next(
        i
        for i, text in enumerate((folder / "gpt-3.yaml").read_text().splitlines())
        if text.startswith("organization:")
    )
    assert [e.format() for e in errors] == [
        f"entries/unknown-lab/gpt-3.yaml:{line}:1: organization: the folder 'unknown-lab' is "
        "not a key of builder/data/organizations.yaml "
        "(add it to builder/data/organizations.yaml)"
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "organizations:\n  meta:\n    name: Meta\n  Big_Lab:\n    name: Big Lab\n",
            4,
            "organizations: Big_Lab: 'Big_Lab' is not a folder name of entries/ "
            "(lowercase letters, digits and single hyphens)",
        ),
        (
            "organizations:\n  meta:\n    name: Meta\n  lab:\n    aliases: [Lab]\n",
            4,
            "organizations: lab: missing 'name' (add `name:` to it)",
        ),
        (
            "organizations:\n  lab:\n    name: Lab\n    aliases: Lab Inc\n",
            4,
            "organizations: lab: aliases: expected a list of names, such as [a, b]",
        ),
        (
            "organizations:\n  meta:\n    name: Meta\n  lab:\n    name: Lab\n    aliases: [META]\n",
            6,
            "organizations: lab: aliases: 'META' is already a name of 'meta'",
        ),
    ],
)
def test_catalog_errors_are_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, line: int, message: str
) -> None:
    (tmp_path / "organizations.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CatalogError) as caught, located(tmp_path):
        organizations_from(yaml.safe_load(text))
    assert str(caught.value) == f"organizations.yaml:{line}: {message}"
