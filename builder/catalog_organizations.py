"""builder/data/organizations.yaml: one row per folder of entries/, keyed by the folder.

Filters, charts and the dataset group entries by this key and show its `name`; an
entry's own `organization:` text stays its credit line. `aliases` are other names the
leaderboard's search matches.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from builder.catalog_rows import Row

FILE = "organizations.yaml"
PATH = f"builder/data/{FILE}"  # as messages name it

# An entries/ folder name, as entry ids allow it: lowercase letters, digits, single hyphens.
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")


@dataclass(frozen=True)
class Organization:
    """Who trained models: the folder of their entries, a display name, other names."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    url: str | None = None


def organization_key(entry_id: str) -> str:
    """The organization folder of an entry id (`<org>/<model>`)."""
    return entry_id.split("/", 1)[0]


def folder_for(organization: str, organizations: Mapping[str, Organization]) -> str | None:
    """The key of the organization a text names (its key, name or an alias, in any case),
    or None."""
    wanted = organization.strip().casefold()
    for key, org in organizations.items():
        if wanted in {key, org.name.casefold(), *(alias.casefold() for alias in org.aliases)}:
            return key
    return None


def organizations_from(doc: Mapping[str, object]) -> dict[str, Organization]:
    """The rows of a parsed organizations.yaml, by key, in key order; a Problem for a key
    that cannot be a folder name, a row without a name, or a name two rows give."""
    found: dict[str, Organization] = {}
    named: dict[str, str] = {}  # each name and alias, case folded -> the key that gives it
    for key, row in Row(FILE, (), doc).rows("organizations"):
        if not _KEY.match(key):
            raise row.problem(
                (),
                f"'{key}' is not a folder name of entries/ "
                "(lowercase letters, digits and single hyphens)",
            )
        name = row.text("name")
        if not name.strip():
            raise row.problem(("name",), "is empty (give the name to show)")
        org = Organization(
            key=key,
            name=name,
            aliases=tuple(str(alias) for alias in row.texts("aliases")),
            url=row.optional_text("url"),
        )
        for field, text in [("name", org.name), *(("aliases", a) for a in org.aliases)]:
            other = named.setdefault(text.casefold(), key)
            if other != key:
                raise row.problem((field,), f"'{text}' is already a name of '{other}'")
        found[key] = org
    return dict(sorted(found.items()))


def organization_keys_from(doc: Mapping[str, object]) -> frozenset[str]:
    """Just the keys of a parsed organizations.yaml, each checked as a folder name."""
    return frozenset(organizations_from(doc))
