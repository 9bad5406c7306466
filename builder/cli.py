"""Command line: parse flags, call a stage, map errors to exit codes; no traceback for a user."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from builder import __version__
from builder.config import DEFAULT_ENTRIES, DEFAULT_OUT, SiteConfig, build_date_from_env
from builder.errors import BuildFailed, EntriesInvalid, EntryError, summarize

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="leaderboard", description="Build and check the ML training-emissions leaderboard."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def site_flags(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--entries",
            type=Path,
            default=DEFAULT_ENTRIES,
            help="folder of entry files (default: entries)",
        )
        p.add_argument(
            "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: _site)"
        )
        p.add_argument(
            "--base-url",
            default="",
            help="absolute URL the site is served from, for canonical links",
        )
        p.add_argument("--repo-url", default="", help="repository URL, for 'edit this entry' links")

    build = sub.add_parser("build", help="validate, compute and render the whole site")
    site_flags(build)

    check = sub.add_parser("check", help="validate entries only; errors as path:line:col")
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="entry files or folders (default: entries)",
    )
    check.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: workflow annotations shown on the pull request",
    )

    serve = sub.add_parser("serve", help="build, then serve the site on 127.0.0.1")
    site_flags(serve)
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument(
        "--no-watch",
        action="store_true",
        help="do not rebuild when entries, templates or site files change",
    )
    return parser


def _print_errors(errors: list[EntryError], fmt: str = "text") -> None:
    for error in errors:
        print(error.format_github() if fmt == "github" else error.format())


def _config(args: argparse.Namespace) -> SiteConfig:
    return SiteConfig(
        base_url=args.base_url, repo_url=args.repo_url.rstrip("/"), build_date=build_date_from_env()
    )


def cmd_check(args: argparse.Namespace) -> int:
    """Validate only; the fast path (no altair, markdown or jinja imported)."""
    from builder.build import check_paths

    paths = args.paths or [DEFAULT_ENTRIES]
    entries, errors = check_paths(paths)
    if errors:
        _print_errors(errors, args.format)
        print(f"Found {summarize(errors)}", file=sys.stderr)
        return EXIT_INVALID
    print(
        f"OK: {len(entries)} {'entry' if len(entries) == 1 else 'entries'} valid", file=sys.stderr
    )
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    """Build the whole site; the previous output survives any failure."""
    from builder.build import build_site

    start = time.perf_counter()
    report = build_site(args.entries, args.out, _config(args))
    elapsed = time.perf_counter() - start
    print(
        f"Built {report.entries} entries into {report.out}/ ({report.files} files) "
        f"in {elapsed:.2f} s",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Build, serve on loopback, and rebuild when inputs change."""
    from builder.serve import serve

    code = cmd_build(args)
    if code != EXIT_OK:
        return code
    serve(args, rebuild=lambda: _rebuild(args))
    return EXIT_OK


def _rebuild(args: argparse.Namespace) -> None:
    try:
        cmd_build(args)
    except EntriesInvalid as exc:
        _print_errors(exc.errors)
        print(
            f"Rebuild aborted: {summarize(exc.errors)}; still serving the previous build",
            file=sys.stderr,
        )
    except BuildFailed as exc:
        print(f"Rebuild aborted: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `leaderboard` and `python -m builder`."""
    args = _parser().parse_args(argv)
    commands = {"check": cmd_check, "build": cmd_build, "serve": cmd_serve}
    try:
        return commands[args.command](args)
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
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
