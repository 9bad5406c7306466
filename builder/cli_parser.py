"""The command line's flags and commands (argparse); builder/cli.py runs what they ask for."""

from __future__ import annotations

import argparse
from pathlib import Path

from builder import __version__
from builder.config import DEFAULT_ENTRIES, DEFAULT_OUT
from builder.entries.errors import visible
from builder.entries.schema import BASES, REPORTED

DEFAULT_CACHE_DIR = Path(".cache") / "leaderboard"


def _site_url(text: str) -> str:
    """An absolute http(s) URL, for --base-url and --repo-url: it ends up in robots.txt,
    the sitemap and every page's links, where a line break or a space would change them."""
    from urllib.parse import urlsplit

    if not text:
        return text
    bad = next((c for c in text if c.isspace() or not c.isprintable()), None)
    if bad is not None:
        raise argparse.ArgumentTypeError(
            f"{visible(repr(text))} contains {visible(repr(bad))}: "
            "write an absolute URL without spaces or control characters (a space is %20)"
        )
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an absolute http(s) URL; write it as https://example.org/path/"
        )
    return text


def build_parser() -> argparse.ArgumentParser:
    """The parser of `leaderboard` and its commands."""
    parser = argparse.ArgumentParser(
        prog="leaderboard", description="Build and check the ML training-emissions leaderboard."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    _add_site_commands(sub)
    _add_contributor_commands(sub)
    return parser


def _site_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--entries",
        type=Path,
        default=DEFAULT_ENTRIES,
        help="folder of entry files (default: entries)",
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: _site)")
    p.add_argument(
        "--base-url",
        type=_site_url,
        default="",
        help="absolute URL the site is served from, for canonical links",
    )
    p.add_argument(
        "--repo-url",
        type=_site_url,
        default="",
        help="repository URL, for 'edit this entry' and 'report a problem' links",
    )
    p.add_argument(
        "--cache-dir",
        type=Path,
        default=DEFAULT_CACHE_DIR,
        help=f"reuse unchanged work of the last build (default: {DEFAULT_CACHE_DIR})",
    )
    p.add_argument("--no-cache", action="store_true", help="build everything from scratch")


def _paths_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="entry files or folders (default: entries)",
    )


def _add_site_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """build, check, serve, preview: the commands that read the entries."""
    build = sub.add_parser("build", help="validate, compute and render the whole site")
    _site_flags(build)

    check = sub.add_parser("check", help="validate entries only; errors as path:line:col")
    _paths_arg(check)
    check.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github: workflow annotations shown on the pull request",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    serve = sub.add_parser("serve", help="build, then serve the site on 127.0.0.1")
    _site_flags(serve)
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only); any other, "
        "such as 0.0.0.0, exposes the site to other machines",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, help="port (default: 8000; 0: any free port)"
    )
    serve.add_argument(
        "--no-watch",
        action="store_true",
        help="do not rebuild when entries, templates or site files change",
    )

    preview = sub.add_parser("preview", help="computed figures of entries as a Markdown table")
    _paths_arg(preview)


def _add_contributor_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """new, schema, import-hf, export-hf: the commands that help write an entry."""
    new = sub.add_parser("new", help="scaffold a new entry file (prompts for what is missing)")
    new.add_argument("--name", help="model name as published")
    new.add_argument("--organization", "--org", dest="organization", help="organization")
    new.add_argument(
        "--discloses",
        choices=[basis for basis, _ in BASES],
        help="what the source discloses: hardware-time (accelerators and training time), "
        "reported-energy (the energy used), reported-co2e (the emissions only) or "
        "compute-estimate (the training compute only); default: what the other flags give",
    )
    new.add_argument("--hardware", help="hardware key, e.g. nvidia-h100-sxm")
    new.add_argument("--accelerators", type=int, help="number of accelerators")
    new.add_argument("--days", type=float, help="training time in days")
    new.add_argument("--hours", type=float, help="training time in hours")
    new.add_argument("--accelerator-hours", type=float, help="total accelerator-hours instead")
    new.add_argument("--flops", type=float, help="training compute in FLOP (compute-estimate)")
    new.add_argument("--energy-mwh", type=float, help="reported training energy in MWh")
    new.add_argument(
        "--energy-scope",
        choices=REPORTED.fields["energy_scope"].choices,
        help="what the reported energy covers (default facility)",
    )
    new.add_argument("--co2e-t", type=float, help="reported emissions in t CO2e")
    new.add_argument("--carbon-intensity", type=float, help="grid intensity the source states")
    new.add_argument("--released", help="YYYY, YYYY-MM or YYYY-MM-DD")
    new.add_argument("--region", help="grid region key, e.g. US, FR, gcp-us-central1")
    new.add_argument("--source-url", help="the paper or model card")
    new.add_argument("--source-title", help="its title with a locator, e.g. 'Paper, Table 2'")
    new.add_argument(
        "--entries", type=Path, default=DEFAULT_ENTRIES, help="entries folder (default: entries)"
    )
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    new.add_argument("--no-input", action="store_true", help="never prompt; fail if incomplete")

    schema = sub.add_parser("schema", help="print the JSON Schema of the entry format")
    schema.add_argument("--out", type=Path, help="write it to this file instead")

    imp = sub.add_parser("import-hf", help="draft an entry from a Hugging Face model card")
    imp.add_argument("card", type=Path, metavar="CARD", help="the card's README.md")
    imp.add_argument("--name", required=True, help="model name")
    imp.add_argument("--organization", "--org", dest="organization", required=True)
    imp.add_argument("--url", help="the card's web address, cited as the source")
    imp.add_argument("--out", type=Path, help="write the draft here instead of printing it")
    imp.add_argument("--force", action="store_true", help="overwrite the --out file if it exists")

    epoch = sub.add_parser(
        "import-epoch", help="draft entries from Epoch AI's notable-models CSV (CC BY 4.0)"
    )
    epoch.add_argument(
        "--csv", type=Path, help="Epoch's CSV (default: the copy in builder/data/epoch/)"
    )
    epoch.add_argument(
        "--min-confidence",
        choices=("Confident", "Likely", "Speculative", "Unknown"),
        default="Likely",
        help="draft only rows Epoch labels this sure or surer (default: Likely)",
    )
    epoch.add_argument("--only", nargs="+", metavar="NAME", help="only these models, by name")
    epoch.add_argument(
        "--out", type=Path, help="write each draft as OUT/<org>/<id>.yaml (default: print them)"
    )
    epoch.add_argument(
        "--entries", type=Path, default=DEFAULT_ENTRIES, help="entries folder (default: entries)"
    )
    epoch.add_argument(
        "--accessed", help="the date the CSV was downloaded (default: that of the shipped copy)"
    )
    epoch.add_argument(
        "--diff",
        action="store_true",
        help="list the entries drafted from Epoch whose figures the CSV now gives differently",
    )

    exp = sub.add_parser("export-hf", help="print a co2_eq_emissions block for a model card")
    exp.add_argument("id", metavar="ID", help="entry id, e.g. google/t5")
    exp.add_argument("--entries", type=Path, default=DEFAULT_ENTRIES)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r} (0 to 65535)")
    return int(text)
