"""Results -> pages as {relative path: bytes}; Jinja with autoescape and StrictUndefined."""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markdown
import nh3

from builder import __version__, export
from builder.catalog import Catalog
from builder.config import SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.model import Result

# What Markdown in notes and site pages may produce; everything else is stripped.
ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
FLAG_RATIO = 0.10  # reported vs computed differing by more than this is flagged

INPUT_LABELS = {
    "accelerator_hours": ("Accelerator-hours", "h"),
    "power_w": ("Mean power per accelerator", "W"),
    "pue": ("PUE", ""),
    "carbon_intensity": ("Grid carbon intensity", "kg CO2e/kWh"),
}


def format_number(x: float | int | None, digits: int = 3) -> str:
    """A figure for people: `digits` significant digits, thousands separators, '—' if unknown."""
    if x is None:
        return "—"
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(x)))
    if magnitude >= 15 or magnitude < -4:
        return f"{x:.{digits - 1}e}".replace("e+", "e")
    decimals = max(0, digits - 1 - magnitude)
    text = f"{round(x, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_ratio(x: float | None) -> str:
    """A ratio as `1.02×`."""
    return "—" if x is None else f"{x:.2f}×"


def is_flagged(x: float | None) -> bool:
    """True when computed and reported differ by more than FLAG_RATIO."""
    return x is not None and abs(x - 1.0) > FLAG_RATIO


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code"], output_format="html"
    )


def render_markdown(text: str) -> str:
    """Markdown -> sanitized HTML: no script, style, event handlers or non-web links."""
    md = _markdown()
    md.reset()
    html = md.convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@dataclass(frozen=True)
class Page:
    """A hand-written page from site/pages: its slug, title and sanitized HTML."""

    slug: str
    title: str
    html: str


def load_pages(site_dir: Path = SITE_DIR) -> dict[str, Page]:
    """Every site/pages/*.md; the first `# ` line is the title."""
    pages = {}
    for path in sorted((site_dir / "pages").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        first, _, body = text.partition("\n")
        title = first.removeprefix("# ").strip() if first.startswith("# ") else path.stem.title()
        pages[path.stem] = Page(
            path.stem, title, render_markdown(body if first.startswith("# ") else text)
        )
    return pages


def _environment(templates_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["num"] = format_number
    env.filters["ratio"] = format_ratio
    env.filters["markdown"] = render_markdown
    env.tests["flagged"] = is_flagged
    return env


def model_path(entry_id: str) -> str:
    """Output path of a model page."""
    return f"models/{entry_id}/index.html"


def _relroot(path: str) -> str:
    depth = path.count("/")
    return "../" * depth if depth else "./"


def formula_text(r: Result) -> list[str]:
    """The formula with this model's numbers filled in, one step a line."""
    kwh = r.energy_mwh * 1000
    lines = [
        f"{format_number(r.accelerator_hours.value, 4)} h × {format_number(r.power_w.value, 4)} W "
        f"÷ 1000 × PUE {format_number(r.pue.value, 3)} = {format_number(kwh, 4)} kWh "
        f"= {format_number(r.energy_mwh, 4)} MWh",
        f"{format_number(r.energy_mwh, 4)} MWh × {format_number(r.carbon_intensity.value, 3)} "
        f"kg CO2e/kWh = {format_number(r.co2e_t, 4)} t CO2e",
    ]
    if r.net_co2e_t is not None and r.net_carbon_intensity is not None:
        lines.append(
            f"{format_number(r.energy_mwh, 4)} MWh × "
            f"{format_number(r.net_carbon_intensity, 3)} kg CO2e/kWh (net) = "
            f"{format_number(r.net_co2e_t, 4)} t CO2e net"
        )
    return lines


def render_site(
    results: list[Result],
    catalog: Catalog,
    config: SiteConfig,
    templates_dir: Path = TEMPLATES_DIR,
    site_dir: Path = SITE_DIR,
) -> dict[str, bytes]:
    """Every output file of the site, as bytes, keyed by relative path."""
    env = _environment(templates_dir)
    pages = load_pages(site_dir)
    files: dict[str, bytes] = {}
    nav = [("", "Leaderboard")] + [
        (slug, pages[slug].title)
        for slug in ("methodology", "data", "contribute", "about")
        if slug in pages
    ]

    def page(path: str, template: str, root: str | None = None, **context: Any) -> None:
        html = env.get_template(template).render(
            config=config,
            root=root or _relroot(path),
            path=path,
            nav=nav,
            version=__version__,
            input_labels=INPUT_LABELS,
            **context,
        )
        files[path] = html.encode("utf-8")

    page("index.html", "index.html", results=results)
    for r in results:
        page(model_path(r.entry.id), "model.html", r=r, formula=formula_text(r), inputs=r.inputs)
    if "methodology" in pages:
        page(
            "methodology/index.html", "methodology.html", page=pages["methodology"], catalog=catalog
        )
    if "data" in pages:
        page("data/index.html", "data.html", page=pages["data"], columns=export.COLUMNS)
    for slug in ("contribute", "about"):
        if slug in pages:
            page(f"{slug}/index.html", "page.html", page=pages[slug])
    # Served for any missing path, at any depth: its links cannot be relative.
    page("404.html", "404.html", root=config.site_url or "/")

    files["data/leaderboard.csv"] = export.to_csv(results).encode("utf-8")
    files["data/leaderboard.json"] = export.to_json(results).encode("utf-8")
    package = export.datapackage(config.site_url, __version__)
    files["data/datapackage.json"] = (json.dumps(package, indent=1) + "\n").encode("utf-8")
    for asset in sorted((site_dir / "assets").rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(site_dir / 'assets').as_posix()}"] = (
                asset.read_bytes()
            )
    return files
