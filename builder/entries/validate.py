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
from builder.entries.model import (
    Entry,
    Reported,
    SourceRef,
    Training,
    estimate_precision,
    given_keys,
)
from builder.entries.schema import (
    CATALOG_FILES,
    ENTRY,
    PRECISIONS,
    AnyOf,
    Excludes,
    Field,
    Rule,
    ValueSet,
    derive_basis,
    rule_keys,
)
from builder.entries.values import check_scalar, describe
from builder.entries.yaml_tree import Node

KeyLookup = Callable[[], Iterable[str]]
HardwareLookup = Callable[[], Mapping[str, bool]]
# Each hardware key -> the precisions the catalog gives a peak FLOP/s for.
PeakLookup = Callable[[], Mapping[str, frozenset[str]]]


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
    given = _given(children)
    if not _check_across(node, spec, prefix, given, out, catalogs):
        ok = False
    return clean if ok else None


def _given(children: Mapping[str, Node]) -> dict[str, Any]:
    """The keys given in a mapping, text stripped, and those of the mappings in it by their
    dotted names (training.hours), for the rules across objects."""
    given: dict[str, Any] = {}
    for field_name, child in children.items():
        if child.value is None:
            continue
        value = child.value
        given[field_name] = value.strip() if isinstance(value, str) else value
        if isinstance(value, dict):
            for sub, node in _given(value).items():
                given.setdefault(f"{field_name}.{sub}", node)
    return given


def _inside_other(dotted: str, given: Mapping[str, Any]) -> bool:
    """Whether a dotted key's object is given as something else than a mapping (then its
    own error says so, and the rules over its keys wait until it is fixed)."""
    head, dot, _ = dotted.partition(".")
    return bool(dot) and head in given and not isinstance(given[head], dict)


def _node_at(node: Node, dotted: str) -> Node:
    """The node of a dotted key below `node`, or the nearest mapping above it."""
    for part in dotted.split("."):
        if not isinstance(node.value, dict) or part not in node.value:
            break
        node = node.value[part]
    return node


def _check_across(
    node: Node,
    spec: Field,
    prefix: str,
    given: dict[str, Any],
    out: Collector,
    catalogs: _Catalogs,
) -> bool:
    """The object's rules across keys, then the keys its values must name in a catalog."""

    def where(field_name: str) -> Node:
        return _node_at(node, field_name)

    ok = True
    broken: set[str] = set()
    for rule in spec.rules:
        keys_read = rule_keys(rule)
        if keys_read & broken or any(_inside_other(name, given) for name in keys_read):
            continue
        if any("." in name for name in keys_read) and keys_read & {e.field for e in out.errors}:
            continue  # a rule across objects waits until the keys it reads are fixed
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
    if rule.bases and derive_basis(given) not in rule.bases:
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
    raw: RawEntry,
    hardware_index: HardwareLookup,
    region_keys: KeyLookup,
    peak_index: PeakLookup = dict,
) -> Entry | list[EntryError]:
    """Check one raw entry against format v2 and the catalogs."""
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
    entry = _to_entry(raw, clean, out.lines)
    _check_peak(root, entry, peak_index, out)
    return sorted(set(out.errors)) if out.errors else entry


def _check_peak(root: Node, entry: Entry, peak_index: PeakLookup, out: Collector) -> None:
    """A compute estimate needs the hardware's peak FLOP/s at the precision it assumes."""
    t = entry.training
    # derive_basis, not entry_basis: a declaration without the basis rule lets none through
    if derive_basis(given_keys(entry)) != "compute-estimate" or t.hardware is None:
        return
    peaks = peak_index().get(t.hardware, frozenset())
    precision = estimate_precision(t.precision, peaks)
    if precision in peaks:
        return
    field_name = "training.precision" if t.precision else "training.hardware"
    have = ", ".join(p for p in PRECISIONS if p in peaks)
    out.add(
        _node_at(root, field_name),
        field_name,
        f"the hardware catalog has no peak FLOP/s for '{t.hardware}' at {precision}, "
        "which the compute estimate needs",
        (f"give training.precision as one of: {have}; " if have else "")
        + "or state the training time (accelerators with hours or days, or accelerator_hours)",
    )


def _to_entry(raw: RawEntry, data: dict[str, Any], lines: dict[str, int]) -> Entry:
    t = data.get("training", {})
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
            hardware=t.get("hardware"),
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
            precision=t.get("precision"),
            utilization=t.get("utilization"),
            same_run_as=t.get("same_run_as"),
        ),
        reported=Reported(
            energy_mwh=r.get("energy_mwh"),
            co2e_t=r.get("co2e_t"),
            net_co2e_t=r.get("net_co2e_t"),
            energy_scope=r.get("energy_scope"),
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


def _same_run_as(entry: Named) -> str | None:
    """The id an entry (or what a build keeps of one) names as its training run."""
    if isinstance(entry, Entry):
        return entry.training.same_run_as
    named: str | None = getattr(entry, "same_run_as", None)
    return named


def check_same_runs(entries: Iterable[Named]) -> list[EntryError]:
    """training.same_run_as must name another entry that names no run of its own."""
    by_id = {entry.id.casefold(): entry for entry in entries}
    errors = []
    for entry in sorted(by_id.values(), key=lambda e: e.path):
        target_id = _same_run_as(entry)
        if target_id is None:
            continue
        line = entry.lines.get("training.same_run_as", 1) if isinstance(entry, Entry) else 1

        def error(message: str, hint: str, at: Named = entry, line: int = line) -> None:
            errors.append(EntryError(at.path, line, 1, "training.same_run_as", message, hint))

        target = by_id.get(target_id.casefold())
        if target is None:
            close = difflib.get_close_matches(target_id, [e.id for e in by_id.values()], n=1)
            hint = f"did you mean '{close[0]}'?" if close else "give the id of an entry file"
            error(f"names '{target_id}', which is not an entry", hint)
        elif target is entry:
            error("names the entry itself", "name the entry whose run this model reuses")
        elif _same_run_as(target) is not None:
            error(
                f"names '{target.id}', which itself reuses the run of '{_same_run_as(target)}'",
                f"name the entry that trained the run: '{_same_run_as(target)}'",
            )
    return errors
