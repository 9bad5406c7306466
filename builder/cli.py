"""Command line: parse flags, call a stage, map errors to exit codes; no traceback for a user."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from builder.cli_parser import build_parser
from builder.config import DEFAULT_ENTRIES, SiteConfig, build_date_from_env
from builder.entries.errors import (
    BuildFailed,
    EntriesInvalid,
    EntryError,
    ProjectFileInvalid,
    summarize,
    visible,
)

if TYPE_CHECKING:  # builder.entries.model is light, but check imports nothing it does not use
    from builder.contrib.hf import Imported
    from builder.contrib.scaffold import Draft
    from builder.entries.model import Entry, Result
    from builder.workers import Workers

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
_ID_PART = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # as builder.entries.load checks them


def _print_errors(errors: Iterable[EntryError], fmt: str = "text") -> None:
    for error in errors:
        print(error.format_github() if fmt == "github" else error.format())


def _config(args: argparse.Namespace) -> SiteConfig:
    return SiteConfig(
        base_url=args.base_url, repo_url=args.repo_url.rstrip("/"), build_date=build_date_from_env()
    )


def _runs_named(entries: Iterable[Entry]) -> list[Path]:
    """The files of the entries that `entries` name with same_run_as but do not include,
    found in each one's entries folder: the context its same_run_as is checked in."""
    from builder.entries.load import entries_root_for

    ids = {e.id for e in entries}
    files = []
    for e in entries:
        target = e.training.same_run_as
        parts = (target or "").split("/")
        if target in ids or len(parts) != 2 or not all(_ID_PART.match(p) for p in parts):
            continue
        root = entries_root_for(Path(e.path))
        path = root / parts[0] / f"{parts[1]}.yaml"
        if path.is_file() and path.resolve().is_relative_to(root):
            files.append(path)
    return files


def _checked(paths: list[Path]) -> tuple[list[Result], list[EntryError]]:
    """Entries validated and computed, and every error and warning about them. An entry
    whose same_run_as names an entry outside `paths` is checked with that entry's file
    (from its entries folder), which is not itself computed or counted."""
    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.entries.gather import check_paths
    from builder.entries.plausibility import check_all

    entries, errors = check_paths(paths)
    named = _runs_named(entries)
    if named:
        asked = {e.id for e in entries}
        entries, errors = check_paths(paths + named)
        entries = [e for e in entries if e.id in asked]
    if errors:
        return [], errors
    results = compute_results(entries, load_catalog())
    return results, check_all(results) + _against_epoch(results)


def _against_epoch(results: list[Result]) -> list[EntryError]:
    """Warnings where an entry and Epoch's row of its model disagree (none without the
    shipped copy of Epoch's CSV)."""
    from builder.entries import epoch_checks
    from builder.epoch_rows import EPOCH_CSV, EpochError, read_csv

    if not results:
        return []
    try:
        rows = read_csv(EPOCH_CSV)
    except EpochError:
        return []
    return epoch_checks.check_all(results, rows)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate only; the fast path (no altair, markdown or jinja imported)."""
    results, problems = _checked(args.paths or [DEFAULT_ENTRIES])
    errors = [p for p in problems if p.severity == "error" or args.strict]
    _print_errors(problems, args.format)
    if errors:
        print(f"Found {summarize(errors)}", file=sys.stderr)
        return EXIT_INVALID
    warned = f", {len(problems)} warning{'s' * (len(problems) != 1)}" if problems else ""
    print(
        f"OK: {len(results)} {'entry' if len(results) == 1 else 'entries'} valid{warned}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_preview(args: argparse.Namespace) -> int:
    """Markdown for a pull request's job summary."""
    from builder.contrib.preview import preview_markdown

    results, problems = _checked(args.paths or [DEFAULT_ENTRIES])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        _print_errors(errors)
        print(f"Found {summarize(errors)}", file=sys.stderr)
        return EXIT_INVALID
    print(preview_markdown(results, problems), end="")
    return EXIT_OK


def cmd_build(args: argparse.Namespace, workers: Workers | None = None) -> int:
    """Build the whole site; the previous output survives any failure. `workers`: helper
    processes kept between builds (serve's)."""
    from builder.build import build_site
    from builder.safety import check_out

    cache_dir = None if args.no_cache else args.cache_dir
    check_out(args.out, args.entries, cache_dir)  # before anything is written
    start = time.perf_counter()
    try:
        report = build_site(
            args.entries,
            args.out,
            _config(args),
            cache_dir=cache_dir,
            workers=workers,
            progress=sys.stderr if sys.stderr.isatty() else None,  # quiet when piped
        )
    except OSError as exc:  # disk full, a read-only folder: said in one line
        if args.debug:
            raise
        where = f": {exc.filename}" if exc.filename else ""
        print(
            f"error: {exc.strerror or exc}{where}; the build was abandoned "
            "and the previous output left as it was",
            file=sys.stderr,
        )
        return EXIT_INVALID
    elapsed = time.perf_counter() - start
    reused = f", {report.reused} pages unchanged" if report.reused else ""
    print(
        f"Built {report.entries} entries into {report.out}/ ({report.files} files{reused}) "
        f"in {elapsed:.2f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Listen first (a busy port is told at once), build, serve, rebuild on changes."""
    from builder.serve import open_server, serve
    from builder.watch import Watcher
    from builder.workers import Workers

    server = open_server(args.host, args.port, args.out)
    # One set of helper processes for every rebuild: the chart runtime starts once.
    with Workers() as workers:
        try:
            watcher = (
                None
                if args.no_watch
                else Watcher.for_args(server, args, lambda: _rebuild(args, workers))
            )
            code = cmd_build(args, workers)
            if code == EXIT_OK:
                if watcher is not None:
                    from builder.incremental.charts import warm_up

                    warm_up(workers)
                serve(server, watcher)
        finally:
            server.server_close()
    return code


def _rebuild(args: argparse.Namespace, workers: Workers) -> str | None:
    """Build again; None, or the error (printed) when the entries or the build fail."""
    try:
        cmd_build(args, workers)
    except EntriesInvalid as exc:
        _print_errors(exc.errors)
        summary = f"Rebuild aborted: {summarize(exc.errors)}; still serving the previous build"
        print(summary, file=sys.stderr)
        return "\n".join([*(error.format() for error in exc.errors), summary])
    except BuildFailed as exc:
        print(f"Rebuild aborted: {exc}; still serving the previous build", file=sys.stderr)
        return f"Rebuild aborted: {exc}"
    return None


def _ask(question: str, completions: Iterable[str]) -> str:
    options = sorted(completions)
    try:
        import readline

        def complete(text: str, state: int) -> str | None:
            found = [o for o in options if o.startswith(text)]
            return found[state] if state < len(found) else None

        readline.set_completer(complete)
        readline.parse_and_bind("tab: complete")
    except ImportError:  # pragma: no cover - Windows without pyreadline
        pass
    return input(question).strip()


def _new_draft(args: argparse.Namespace) -> Draft:
    """The answers `new` was given as flags, and asked for in a terminal."""
    from builder import catalog
    from builder.contrib.bases import DISCLOSES
    from builder.contrib.prompts import Keys, prompt_missing
    from builder.contrib.scaffold import KEYS, Draft, basis_of, missing, unused

    answers = {attr: getattr(args, attr) for attr in KEYS}
    draft = Draft(
        name=args.name,
        organization=args.organization,
        discloses=args.discloses,
        released=args.released,
        source_url=args.source_url,
        source_title=args.source_title,
        **answers,
    )
    if missing(draft) and not unused(draft) and not args.no_input and sys.stdin.isatty():
        peaks = catalog.peak_index()
        keys = Keys(
            sorted(catalog.hardware_index()),
            sorted(key for key, precisions in peaks.items() if precisions),
            sorted(catalog.region_keys()),
        )
        try:
            prompt_missing(draft, _ask, keys)
        except EOFError:
            raise BuildFailed("the input ended before every question was answered") from None
    extra, basis = unused(draft), basis_of(draft)
    if extra and basis is not None:
        raise BuildFailed(
            f"{', '.join(extra)}: not used by an entry of the basis {basis} (the source "
            f"discloses {DISCLOSES[basis]}); drop {'them' if len(extra) > 1 else 'it'}, "
            "or give --discloses for what the source does disclose"
        )
    still = missing(draft)
    if still:
        raise BuildFailed("missing " + ", ".join(still) + " (run in a terminal to be asked)")
    return draft


def cmd_new(args: argparse.Namespace) -> int:
    """Write entries/<org>/<model>.yaml with the keys of what the source discloses."""
    from builder.contrib.scaffold import basis_of, entry_path, render_entry
    from builder.entries.gather import CatalogKeys, check_file
    from builder.write import save_file

    draft = _new_draft(args)
    path = entry_path(args.entries, draft)
    if path.exists() and not args.force:
        raise BuildFailed(f"{path} already exists (use --force to overwrite)")
    text = render_entry(draft)
    checked = check_file(path, CatalogKeys(), text.encode("utf-8"))
    problems = checked if isinstance(checked, list) else []
    # A folder not yet in the organizations catalog is the one thing left to the contributor.
    errors = [p for p in problems if p.field != "organization" or "is not a key" not in p.message]
    if errors:
        _print_errors(errors)
        print(f"Not written: the draft would have {summarize(errors)}", file=sys.stderr)
        return EXIT_INVALID
    try:
        save_file(path, text.encode("utf-8"), overwrite=args.force)
    except FileExistsError:
        raise BuildFailed(f"{path} already exists (use --force to overwrite)") from None
    except OSError as exc:
        raise BuildFailed(f"{path}: {exc.strerror}") from None
    _print_errors(problems)
    print(
        f"Wrote {path} (basis {basis_of(draft)}). Fill in what the sources state, "
        f"then: leaderboard check {path}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    """Print or write the entry JSON Schema."""
    from builder.entries.json_schema import schema_text
    from builder.write import save_file

    text = schema_text()
    if args.out:
        try:
            save_file(args.out, text.encode("utf-8"), overwrite=True)
        except OSError as exc:
            raise BuildFailed(f"{args.out}: {exc.strerror}") from None
    else:
        print(text, end="")
    return EXIT_OK


def cmd_import_hf(args: argparse.Namespace) -> int:
    """Draft an entry from a model card's co2_eq_emissions."""
    from builder.catalog import load_catalog
    from builder.contrib.hf import CardError, draft_entry, import_card
    from builder.write import save_file

    try:
        text = args.card.read_text(encoding="utf-8")
        imported = import_card(text, load_catalog())
    except OSError as exc:
        raise BuildFailed(f"{args.card}: {exc.strerror}") from None
    except CardError as exc:
        raise BuildFailed(exc.located(str(args.card))) from None
    except UnicodeDecodeError as exc:
        raise BuildFailed(f"{args.card}: {exc}") from None
    draft = draft_entry(imported, args.name, args.organization, args.url)
    if args.out:
        try:
            save_file(args.out, draft.encode("utf-8"), overwrite=args.force)
        except FileExistsError:
            raise BuildFailed(f"{args.out} already exists (use --force to overwrite)") from None
        except OSError as exc:
            raise BuildFailed(f"{args.out}: {exc.strerror}") from None
    else:
        print(draft, end="")
    print(_import_summary(args, imported, draft), file=sys.stderr)
    return EXIT_OK


def _import_summary(args: argparse.Namespace, imported: Imported, draft: str) -> str:
    """What the draft's basis is, and how many things are left to fill in (and which),
    those it is not valid without first."""
    from builder.contrib.hf import things
    from builder.contrib.scaffold import slugify
    from builder.entries.gather import CatalogKeys, check_file

    todo = imported.todo(args.url)
    first = [t.text for t in todo if t.required]
    then = [t.text for t in todo if not t.required]
    where = f"Wrote {args.out}" if args.out else "Drafted the entry"
    if first:
        more = f"; then {len(then)} more for the shared formula" if then else ""
        return (
            f"{where}; {things(len(first))} to fill in before it is valid: "
            + "; ".join(first)
            + more
        )
    path = args.out or Path(
        DEFAULT_ENTRIES, slugify(args.organization), slugify(args.name) + ".yaml"
    )
    checked = check_file(path, CatalogKeys(), draft.encode("utf-8"))
    errors = (
        []
        if not isinstance(checked, list)
        else [e for e in checked if e.field != "organization" or "is not a key" not in e.message]
    )
    if errors:  # a name or organization the format refuses
        return f"{where}; it has {summarize(errors)}: run leaderboard check on it"
    said = f"{where}, valid as it is, basis {imported.basis}"
    if not then:
        return said
    return f"{said}; {things(len(then))} to fill in for the shared formula: " + "; ".join(then)


def cmd_export_hf(args: argparse.Namespace) -> int:
    """Print a co2_eq_emissions block for one entry."""
    from builder.catalog import load_catalog
    from builder.contrib.hf import export_block

    parts = args.id.split("/")
    if len(parts) != 2 or not all(_ID_PART.match(p) for p in parts):
        raise BuildFailed(
            f"'{args.id}' is not an entry id: write it as <org>/<model>, the file's path "
            "below the entries folder without .yaml, e.g. google/t5"
        )
    path = args.entries / parts[0] / f"{parts[1]}.yaml"
    if path.exists() and not path.resolve().is_relative_to(args.entries.resolve()):
        raise BuildFailed(
            f"{path} leads outside {args.entries} through a symbolic link; "
            "export only entries that are inside it"
        )
    if not path.is_file():
        raise BuildFailed(f"no entry '{args.id}' ({path} not found)")
    results, problems = _checked([path])
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise EntriesInvalid(errors)
    print(export_block(results[0], load_catalog()), end="")
    return EXIT_OK


def cmd_import_epoch(args: argparse.Namespace) -> int:
    """Draft entries from Epoch AI's notable-models CSV."""
    from builder.contrib.epoch_command import import_epoch

    return import_epoch(args)


COMMANDS = {
    "check": cmd_check,
    "build": cmd_build,
    "serve": cmd_serve,
    "preview": cmd_preview,
    "new": cmd_new,
    "schema": cmd_schema,
    "import-hf": cmd_import_hf,
    "export-hf": cmd_export_hf,
    "import-epoch": cmd_import_epoch,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `leaderboard` and `python -m builder`."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except EntriesInvalid as exc:
        _print_errors(exc.errors)
        print(
            f"Aborted: {summarize(exc.errors)}; the previous output was left as it was",
            file=sys.stderr,
        )
        return EXIT_INVALID
    except BuildFailed as exc:
        if args.debug:
            raise
        print(visible(f"error: {exc}"), file=sys.stderr)
        return EXIT_INVALID if isinstance(exc, ProjectFileInvalid) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped reading (`leaderboard check | head`): nothing more can be said,
        # and Python's last flush of stdout at exit must not fail again (as Python's docs advise).
        _silence_stdout()
        return EXIT_INVALID
    except Exception as exc:
        template_error = _template_error(exc)
        if template_error is None or args.debug:
            raise
        print(visible(f"error: {template_error}"), file=sys.stderr)
        return EXIT_INVALID


def _template_error(exc: Exception) -> str | None:
    """A broken template as `file:line: message`, or None for any other exception.

    jinja2 is looked up, not imported: a command that rendered nothing has not loaded it.
    """
    jinja2 = sys.modules.get("jinja2")
    if jinja2 is None or not isinstance(exc, jinja2.TemplateError):
        return None
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    where = f"{name}:{line}: " if name and line else f"{name}: " if name else ""
    return f"{where}template error: {exc.message or type(exc).__name__}"


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (captured, or already closed)
        pass


def run() -> NoReturn:
    """`leaderboard` and `python -m builder`: `main`, then end the process at once.

    Tearing the interpreter down object by object after a rebuild of 10,000 entries takes
    longer than a tenth of the rebuild itself; the operating system reclaims the memory
    at once. The output is flushed first, and the build has ended its workers by then.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: nothing more can be said
        code = code or EXIT_USAGE
    os._exit(code)
