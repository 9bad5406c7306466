"""Raw entry trees -> Entry values, or every error found in them (not just the first).

This module checks the structure: objects, lists, required keys, the rules across keys
and the catalog lookups, all as builder/entries/schema.py declares them; single values
are checked in builder/entries/values.py.
"""

from __future__ import annotations

import difflib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from builder.catalog_organizations import PATH as ORGANIZATIONS_FILE
from builder.catalog_organizations import organization_key
from builder.entries.errors import Collector, EntryError
from builder.entries.load import RawEntry
from builder.entries.model import Entry, Reported, SourceRef, Training
from builder.entries.schema import (
    CATALOG_FILES,
    ENTRY,
    AnyOf,
    Excludes,
    Field,
    Rule,
    ValueSet,
    rule_keys,
)
from builder.entries.values import check_scalar, describe
from builder.entries.yaml_tree import Node

KeyLookup = Callable[[], Iterable[str]]
HardwareLookup = Callable[[], Mapping[str, bool]]


class _Catalogs:
    """The catalogs an entry is checked against, read only when a check needs them."""

    def __init__(self, hardware_index: HardwareLookup, region_keys: KeyLookup) -> None:
        self._hardware_index = hardware_index
        self._region_keys = region_keys

    def keys(self, catalog: str) -> list[str]:
        if catalog == "hardware":
            return sorted(self._hardware_index())
        return sorted(self._region_keys())

    def value_set(self, name: ValueSet) -> frozenset[str]:
        # the one set declared: "hardware without a published power"
        index = self._hardware_index()
        return frozenset(hardware for hardware, has_power in index.items() if not has_power)


def _check_value(node: Node, spec: Field, name: str, out: Collector, catalogs: _Catalogs) -> Any:
    """Check one value against its declaration; return the clean value or None on error."""
    value = node.value
    if spec.kind == "object":
        if not isinstance(value, dict):
            out.add(
                node,
                name,
                f"must be a mapping of keys, got {describe(value)}",
                "write one `key: value` per line, indented below",
            )
            return None
        return _check_mapping(node, spec, name, out, catalogs)
    if spec.kind != "list":
        return check_scalar(node, spec, name, out)
    if not isinstance(value, list):
        out.add(
            node,
            name,
            f"must be a list, got {describe(value)}",
            "write each item on its own line starting with '- '",
        )
        return None
    if len(value) < spec.min_items:
        out.add(
            node,
            name,
            f"needs at least {spec.min_items} item" + ("s" if spec.min_items > 1 else ""),
            "add `- {url: ..., title: ...}`" if name == "sources" else "",
        )
        return None
    assert spec.item is not None
    items = [
        _check_value(child, spec.item, f"{name}[{index}]", out, catalogs)
        for index, child in enumerate(value)
    ]
    return None if any(item is None for item in items) else items


def _check_mapping(
    node: Node, spec: Field, name: str, out: Collector, catalogs: _Catalogs
) -> dict[str, Any] | None:
    assert isinstance(node.value, dict)
    children = node.value
    prefix = f"{name}." if name else ""
    clean: dict[str, Any] = {}
    ok = True
    for field_name, child in children.items():
        line, col = node.keys[field_name]
        # one copy of "training.pue" for all entries, not one each: the build keeps them all
        path = sys.intern(prefix + field_name)
        out.lines.setdefault(path, line)
        if field_name not in spec.fields:
            close = difflib.get_close_matches(field_name, list(spec.fields), n=1, cutoff=0.6)
            hint = (
                f"did you mean '{close[0]}'?"
                if close
                else "allowed keys: " + ", ".join(spec.fields)
            )
            out.add((line, col), path, "unknown key", hint)
            ok = False
            continue
        if child.value is None:
            continue  # an empty value means "not given"
        checked = _check_value(child, spec.fields[field_name], path, out, catalogs)
        if checked is None:
            ok = False
        else:
            clean[field_name] = checked
    for field_name, sub in spec.fields.items():
        if sub.required and field_name not in clean and field_name in children:
            if children[field_name].value is None:
                out.add(children[field_name], prefix + field_name, "is required but empty")
                ok = False
        elif sub.required and field_name not in children:
            example = (
                f", for example `{field_name}: {sub.example}`" if sub.example is not None else ""
            )
            out.add(
                node,
                prefix + field_name,
                "required key is missing",
                f"add `{field_name}:`{example}",
            )
            ok = False
    # The rules across keys run even when single keys failed, to report everything at once,
    # on text as the single-key check cleans it, so ' nvidia-v100' is looked up as written.
    if not spec.rules and not any(sub.catalog for sub in spec.fields.values()):
        return clean if ok else None
    given = {
        field_name: child.value.strip() if isinstance(child.value, str) else child.value
        for field_name, child in children.items()
        if child.value is not None
    }
    if not _check_across(node, spec, prefix, given, out, catalogs):
        ok = False
    return clean if ok else None


def _check_across(
    node: Node,
    spec: Field,
    prefix: str,
    given: dict[str, Any],
    out: Collector,
    catalogs: _Catalogs,
) -> bool:
    """The object's rules across keys, then the keys its values must name in a catalog."""
    children = node.value if isinstance(node.value, dict) else {}

    def where(field_name: str) -> Node:
        return children.get(field_name, node)

    ok = True
    broken: set[str] = set()
    for rule in spec.rules:
        keys_read = rule_keys(rule)
        if keys_read & broken:
            continue
        problem = _broken_rule(rule, given, catalogs)
        if problem is not None:
            at, field_name, message, hint = problem
            out.add(
                where(at) if at else node,
                prefix + field_name if field_name else prefix.rstrip("."),
                message,
                hint,
            )
            broken |= keys_read
            ok = False
    for field_name, sub in spec.fields.items():
        value = given.get(field_name)
        if not sub.catalog or not isinstance(value, str):
            continue
        keys = catalogs.keys(sub.catalog)
        if value not in keys:
            hint = _catalog_hint(value, keys, CATALOG_FILES[sub.catalog])
            out.add(
                where(field_name), prefix + field_name, f"unknown {sub.catalog} '{value}'", hint
            )
            ok = False
    return ok


def _broken_rule(
    rule: Rule, given: Mapping[str, Any], catalogs: _Catalogs
) -> tuple[str, str, str, str] | None:
    """How `given` breaks a rule, as (key to point at, field named, message, hint), where
    an empty key means the object itself; None when the rule holds."""
    if isinstance(rule, Excludes):
        others_given = [other for other in rule.others if other in given]
        if rule.name not in given or not others_given:
            return None
        return others_given[0], others_given[0], rule.message, rule.hint
    if isinstance(rule, AnyOf):
        if any(all(name in given for name in group) for group in rule.groups):
            return None
        keys_given = {name for name in rule_keys(rule) if name in given}
        for partial in rule.partial:
            if keys_given and keys_given <= set(partial.given):
                first = next(name for name in partial.given if name in keys_given)
                return first, first, partial.message, partial.hint
        return "", "", rule.message, rule.hint
    value = given.get(rule.when)
    if not isinstance(value, str) or rule.name in given:
        return None
    if value not in catalogs.value_set(rule.values):
        return None
    return rule.when, rule.name, rule.message.format(value=value), rule.hint


def _catalog_hint(value: str, keys: list[str], catalog_file: str) -> str:
    """'did you mean ...?' with the nearest catalog keys, or where the keys are listed."""
    from builder.catalog_rows import nearest_keys

    near = nearest_keys(value, keys)
    return (
        "did you mean " + ", ".join(f"'{near_key}'" for near_key in near) + "?"
        if near
        else f"see {catalog_file}"
    )


def validate_entry(
    raw: RawEntry, hardware_index: HardwareLookup, region_keys: KeyLookup
) -> Entry | list[EntryError]:
    """Check one raw entry against format v1 and the catalogs."""
    out = Collector(raw.path, raw.text)
    root = raw.root
    if not isinstance(root.value, dict):
        out.add(
            root,
            "",
            f"an entry must be a mapping of keys, got {describe(root.value)}",
            "start with `name: ...` on the first line",
        )
        return out.errors
    clean = _check_mapping(root, ENTRY, "", out, _Catalogs(hardware_index, region_keys))
    if out.errors or clean is None:
        return sorted(set(out.errors))
    return _to_entry(raw, clean, out.lines)


def _to_entry(raw: RawEntry, data: dict[str, Any], lines: dict[str, int]) -> Entry:
    t = data["training"]
    r = data.get("reported", {})
    return Entry(
        id=raw.id,
        path=raw.path,
        name=data["name"],
        organization=data["organization"],
        released=data.get("released"),
        parameters=data.get("parameters"),
        domain=data.get("domain"),
        links=dict(data.get("links", {})),
        training=Training(
            hardware=t["hardware"],
            accelerators=t.get("accelerators"),
            hours=t.get("hours"),
            days=t.get("days"),
            accelerator_hours=t.get("accelerator_hours"),
            power_w=t.get("power_w"),
            pue=t.get("pue"),
            region=t.get("region"),
            carbon_intensity=t.get("carbon_intensity"),
            net_carbon_intensity=t.get("net_carbon_intensity"),
            year=t.get("year"),
            flops=t.get("flops"),
        ),
        reported=Reported(
            energy_mwh=r.get("energy_mwh"),
            co2e_t=r.get("co2e_t"),
            net_co2e_t=r.get("net_co2e_t"),
        ),
        sources=tuple(SourceRef(url=s["url"], title=s["title"]) for s in data["sources"]),
        notes=data.get("notes", ""),
        lines=lines,
    )


def check_organization(entry: Entry, organization_keys: KeyLookup) -> EntryError | None:
    """An entry's folder (the first part of its id) must be a key of the organizations
    catalog, which gives the name the leaderboard shows for it; checked once the entry is
    valid, as ids are."""
    folder = organization_key(entry.id)
    if folder in organization_keys():
        return None
    return EntryError(
        entry.path,
        entry.lines.get("organization", 1),
        1,
        "organization",
        f"the folder '{folder}' is not a key of {ORGANIZATIONS_FILE}",
        f"add it to {ORGANIZATIONS_FILE}",
    )


class Named(Protocol):
    """An entry, or what a build keeps of one: its id and its file's path."""

    @property
    def id(self) -> str: ...
    @property
    def path(self) -> str: ...


def check_unique_ids(entries: Iterable[Named]) -> list[EntryError]:
    """Two files may not give the same id, even when they differ only by case or suffix."""
    seen: dict[str, Named] = {}
    errors = []
    for entry in sorted(entries, key=lambda e: e.path):
        folded_id = entry.id.casefold()
        if folded_id in seen:
            errors.append(
                EntryError(
                    entry.path,
                    1,
                    1,
                    "",
                    f"id '{entry.id}' is already used by {seen[folded_id].path}",
                    "rename one of the two files",
                )
            )
        else:
            seen[folded_id] = entry
    return errors
