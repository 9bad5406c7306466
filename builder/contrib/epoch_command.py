"""`leaderboard import-epoch`: Epoch's rows drafted as entries, printed or saved beside
the entries, never over one; `--diff` lists the entries whose row has changed since."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from builder.catalog import Catalog, load_catalog
from builder.contrib.epoch import Draft, Skipped, changes, draft_row, shown
from builder.entries.errors import BuildFailed, EntriesInvalid, EntryError
from builder.entries.gather import check_files, check_paths
from builder.entries.model import Entry
from builder.epoch_rows import (
    EPOCH_CSV,
    SNAPSHOT_ACCESSED,
    EpochError,
    EpochRow,
    cited_row,
    read_csv,
    sure_enough,
)


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _accessed(args: argparse.Namespace) -> str:
    if args.accessed is None:
        if args.csv is not None:
            raise BuildFailed(
                "--accessed YYYY-MM-DD is needed with --csv: Epoch's credit line gives the "
                "date the CSV was downloaded"
            )
        return str(SNAPSHOT_ACCESSED)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", args.accessed):
        raise BuildFailed(f"--accessed {args.accessed!r}: write the date as YYYY-MM-DD")
    return str(args.accessed)


def _entries(folder: Path) -> list[Entry]:
    """The entries already there (those that validate; `check` reports the others)."""
    if not folder.is_dir():
        return []
    entries, errors = check_paths([folder])
    if any(e.severity == "error" for e in errors):
        _say(f"note: some files in {folder} do not validate; run `leaderboard check` on it")
    return entries


def _chosen(rows: list[EpochRow], only: Sequence[str] | None) -> list[EpochRow]:
    if not only:
        return rows
    by_name = {row.model.casefold(): row for row in rows}
    unknown = [name for name in only if name.casefold() not in by_name]
    if unknown:
        hints = []
        for name in unknown:
            near = difflib.get_close_matches(name, [row.model for row in rows], n=3)
            hints.append(f"{name!r}" + (f" (did you mean {', '.join(near)}?)" if near else ""))
        raise BuildFailed(f"not a model of the CSV: {'; '.join(hints)}")
    return [by_name[name.casefold()] for name in dict.fromkeys(only)]


def _problems(draft: Draft, catalog: Catalog) -> list[EntryError]:
    """The validator's errors about a draft, but for its folder not yet being listed in
    the organizations catalog when it is a new one (the draft says so)."""
    try:
        check_files([(draft.path, draft.text.encode("utf-8"))], catalog=catalog)
    except EntriesInvalid as exc:
        return [
            e
            for e in exc.errors
            if not (draft.new_organization and e.field == "organization") and e.severity == "error"
        ]
    return []


def _header(draft: Draft) -> str:
    said = [f"basis {draft.basis}", f"Epoch confidence {draft.row.confidence}"]
    if draft.hardware and draft.hardware.guessed:
        said.append(f"hardware guessed from “{draft.hardware.epoch_name}”")
    if draft.new_organization:
        folder = draft.path.split("/")[1]
        said.append(f"new folder: add {folder} to builder/data/organizations.yaml")
    return f"# {draft.path}: {'; '.join(said)}\n"


def _save(draft: Draft, out: Path) -> bool:
    from builder.write import save_file

    path = out / Path(draft.path).relative_to("entries")
    try:
        save_file(path, draft.text.encode("utf-8"), overwrite=False)
    except FileExistsError:
        _say(f"kept {path}: it exists already")
        return False
    except OSError as exc:
        raise BuildFailed(f"{path}: {exc.strerror}") from None
    return True


def import_epoch(args: argparse.Namespace) -> int:
    """Draft the chosen rows; print them, or save each one that is not there yet."""
    catalog = load_catalog()
    accessed = _accessed(args)
    try:
        rows = read_csv(args.csv or EPOCH_CSV)
    except EpochError as exc:
        raise BuildFailed(str(exc)) from None
    existing = _entries(args.entries)
    if args.diff:
        return _diff(rows, existing, catalog)
    entered = {cited_row((s.url, s.title) for s in e.sources): e.id for e in existing}
    ids = {e.id for e in existing}
    tally: Counter[str] = Counter()
    for row in _chosen(rows, args.only):
        if not sure_enough(row, args.min_confidence):
            tally[f"below {args.min_confidence}"] += 1
            continue
        if row.model in entered:
            tally["entered already"] += 1
            continue
        draft = draft_row(row, catalog, accessed)
        if isinstance(draft, Skipped):
            tally[f"skipped, {draft.reason}"] += 1
            if args.only:
                _say(
                    f"{row.model}: {draft.reason}" + (f" ({draft.detail})" if draft.detail else "")
                )
            continue
        if draft.path.removeprefix("entries/").removesuffix(".yaml") in ids:
            tally["an entry has its id"] += 1
            continue
        problems = _problems(draft, catalog)
        if problems:  # a row the mapping cannot turn into a valid entry: say why
            tally["not valid as drafted"] += 1
            for p in problems:
                _say(f"{row.model}: {p.field}: {p.message}")
            continue
        if args.out is None:
            print(_header(draft) + draft.text)
            tally[f"drafted ({draft.basis})"] += 1
        elif _save(draft, args.out):
            tally[f"written ({draft.basis})"] += 1
        else:
            tally["kept as it was"] += 1
    _say("; ".join(f"{label}: {n}" for label, n in sorted(tally.items())) or "nothing to draft")
    return 0


def _training(e: Entry) -> dict[str, object]:
    t = e.training
    fields = ("hardware", "accelerators", "hours", "days", "flops")
    return {name: getattr(t, name) for name in fields if getattr(t, name) is not None}


def _diff(rows: list[EpochRow], existing: list[Entry], catalog: Catalog) -> int:
    """Each entry drafted from a row: what the CSV now gives differently."""
    by_name = {row.model: row for row in rows}
    drafted = changed = 0
    for e in sorted(existing, key=lambda e: e.path):
        name = cited_row((s.url, s.title) for s in e.sources)
        if name is None:
            continue
        drafted += 1
        row = by_name.get(name)
        if row is None:
            print(f"{e.path}: Epoch's row “{name}” is not in this CSV")
            changed += 1
            continue
        found = changes(_training(e), row, catalog)
        for field, had, has in found:
            print(f"{e.path}: training.{field}: {shown(had)} in the entry, {shown(has)} in the CSV")
        changed += bool(found)
    _say(f"{drafted} entries drafted from Epoch's rows; {changed} of them differ from this CSV")
    return 0
