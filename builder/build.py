"""load -> validate -> compute -> render -> write: the only module that knows every stage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from builder import catalog as catalog_mod
from builder.config import SiteConfig
from builder.errors import BuildFailed, EntriesInvalid, EntryError
from builder.load import entries_root_for, find_entry_files, read_entry
from builder.model import Entry, Result
from builder.validate import check_unique_ids, validate_entry


def _display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder where possible."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:  # outside the working folder: the full path is clearer than ../../
        return absolute.as_posix()


def check_paths(paths: list[Path]) -> tuple[list[Entry], list[EntryError]]:
    """Read and validate every entry file at or below `paths`; return entries and all errors."""
    files: list[Path] = []
    errors: list[EntryError] = []
    for target in paths:
        if not target.exists():
            raise BuildFailed(f"{target}: no such file or folder")
        files.extend(find_entry_files(target))
    entries: list[Entry] = []
    for path in sorted(set(files)):
        shown = _display(path)
        if path.suffix != ".yaml":
            errors.append(
                EntryError(
                    shown,
                    1,
                    1,
                    "",
                    "entry files end in .yaml",
                    f"rename it to {path.with_suffix('.yaml').name}",
                )
            )
            continue
        raw = read_entry(path, entries_root_for(path), shown)
        if isinstance(raw, EntryError):
            errors.append(raw)
            continue
        result = validate_entry(raw, catalog_mod.hardware_index, catalog_mod.region_keys)
        if isinstance(result, list):
            errors.extend(result)
        else:
            entries.append(result)
    errors.extend(check_unique_ids(entries))
    return entries, sorted(errors)


@dataclass(frozen=True)
class BuildReport:
    """What a finished build produced."""

    entries: int
    files: int
    out: Path
    results: list[Result]


def build_site(entries_dir: Path, out: Path, config: SiteConfig) -> BuildReport:
    """Build the whole site into `out`; on any error raise before touching it."""
    from builder.compute import compute_results
    from builder.render import render_site
    from builder.write import write_site

    if not entries_dir.is_dir():
        raise BuildFailed(f"{entries_dir}: entries folder not found")
    entries, errors = check_paths([entries_dir])
    if errors:
        raise EntriesInvalid(errors)
    catalog = catalog_mod.load_catalog()
    results = compute_results(entries, catalog)
    files = render_site(results, catalog, config)
    write_site(out, files)
    return BuildReport(entries=len(entries), files=len(files), out=out, results=results)
