"""Results -> pages as {relative path: bytes}; Jinja with autoescape and StrictUndefined."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import jinja2
import markdown
import nh3

from builder import __version__, charts, export
from builder.catalog import Catalog
from builder.config import SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.model import Result
from builder.numbers import format_number
from builder.write import KEEP, Keep

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
FLAG_RATIO = 0.10
PAGE_SIZE = 200  # leaderboard rows per static page; with JavaScript, all rows sort and filter
ROOT_TOKEN = "<ROOT>"
QUALITY_RANK = {
    "high": 3,
    "medium": 2,
    "low": 1,
}  # reported vs computed differing by more than this is flagged

INPUT_LABELS = {
    "accelerator_hours": ("Accelerator-hours", "h"),
    "power_w": ("Mean power per accelerator", "W"),
    "pue": ("PUE", ""),
    "carbon_intensity": ("Grid carbon intensity", "kg CO2e/kWh"),
}


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


def _script_json(data: object) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def sitemap(site_url: str, files: dict[str, bytes | Keep]) -> str:
    """sitemap.xml of every HTML page but the 404 page (absolute URLs need --base-url)."""
    urls = sorted(
        site_url + path.removesuffix("index.html")
        for path in files
        if path.endswith(".html") and path != "404.html"
    )
    body = "".join(f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{body}</urlset>\n"
    )


def model_path(entry_id: str) -> str:
    """Output path of a model page."""
    return f"models/{entry_id}.html"


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


@dataclass(frozen=True)
class ChartFiles:
    """The charts stage's products that pages need: the specs and the histogram."""

    charts: list[charts.Chart]
    distribution: str


def render_site(
    results: list[Result],
    catalog: Catalog,
    config: SiteConfig,
    chart_files: ChartFiles,
    keep: Callable[[str], bool] = lambda path: False,
    row_cache: dict[str, str] | None = None,
    row_key: Callable[[Result], str] | None = None,
    export_memo: dict[str, tuple[str, str]] | None = None,
    templates_dir: Path = TEMPLATES_DIR,
    site_dir: Path = SITE_DIR,
) -> dict[str, bytes | Keep]:
    """Every output file of the site, keyed by relative path; KEEP where `keep(path)` says so."""
    env = _environment(templates_dir)
    pages = load_pages(site_dir)
    files: dict[str, bytes | Keep] = {}
    nav = [("", "Leaderboard")] + [
        (slug, pages[slug].title)
        for slug in ("methodology", "data", "contribute", "about")
        if slug in pages
    ]

    def page(
        path: str,
        template: str,
        root: str | None = None,
        needs_eval: bool = False,
        **context: Any,
    ) -> None:
        html = env.get_template(template).render(
            needs_eval=needs_eval,
            config=config,
            root=root or _relroot(path),
            path=path,
            nav=nav,
            version=__version__,
            input_labels=INPUT_LABELS,
            **context,
        )
        files[path] = html.encode("utf-8")

    chart_list = chart_files.charts  # their static SVGs are added by the charts stage
    for chart in chart_list:
        # Fetched by charts.js: the index page stays small however many entries there are.
        files[f"charts/{chart.id}.json"] = _script_json(chart.spec).encode("utf-8")
    files["charts/distribution.svg"] = chart_files.distribution.encode("utf-8")
    entries = [r.entry for r in results]
    years = sorted({e.released_year for e in entries if e.released_year})
    used_hardware = {e.training.hardware for e in entries}
    row_template = env.get_template("_row.html")
    cache = row_cache if row_cache is not None else {}

    def row(r: Result) -> str:
        key = row_key(r) if row_key else None
        if key is not None and key in cache:
            return cache[key]
        html = row_template.render(
            r=r, hardware=catalog.hardware[r.entry.training.hardware], quality_rank=QUALITY_RANK
        )
        if key is not None:
            cache[key] = html
        return html

    rows = [row(r) for r in results]
    total = len(results)
    pages_count = max(1, -(-total // PAGE_SIZE))
    listing = {
        "total": total,
        "page_size": PAGE_SIZE,
        "rows_shown": min(total, PAGE_SIZE),
        "pages": pages_count,
        "page_link": lambda n: "" if n == 1 else f"ranking/{n}/",
        "organizations": sorted({e.organization for e in entries}, key=str.casefold),
        "hardware_options": sorted(
            ((k, catalog.hardware[k].name) for k in used_hardware), key=lambda kv: kv[1].casefold()
        ),
        "domains": sorted({e.domain for e in entries if e.domain}),
        "years": (years[0], years[-1]) if years else (2000, 2030),
    }
    for number in range(1, pages_count + 1):
        first = (number - 1) * PAGE_SIZE
        path = "index.html" if number == 1 else f"ranking/{number}/index.html"
        chunk = "".join(rows[first : first + PAGE_SIZE]).replace(ROOT_TOKEN, _relroot(path))
        extra: dict[str, Any] = listing | {
            "rows_html": chunk,
            "page_number": number,
            "first_rank": first + 1,
            "last_rank": min(total, first + PAGE_SIZE),
        }
        if number == 1:
            page(
                path,
                "index.html",
                needs_eval=True,
                results=results,
                charts=chart_list,
                **extra,
            )
        else:
            page(path, "ranking.html", **extra)
    if total > PAGE_SIZE:
        # Every row, for the script that sorts and filters all of them on the first page.
        every = [html.replace(ROOT_TOKEN, "./").strip() for html in rows]
        files["data/rows.json"] = json.dumps({"rows": every}, ensure_ascii=False).encode()
    for rank, r in enumerate(results, start=1):
        path = model_path(r.entry.id)
        if keep(path):
            files[path] = KEEP
            continue
        root = _relroot(path)
        page(
            path,
            "model.html",
            r=r,
            formula=formula_text(r),
            inputs=r.inputs,
            hardware=catalog.hardware[r.entry.training.hardware],
            rank_svg=charts.rank_strip(r, rank, total, root),
            equivalents=[(eq, r.co2e_t / eq.t_co2e_per_unit) for eq in catalog.equivalents],
        )
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

    if config.site_url:
        files["sitemap.xml"] = sitemap(config.site_url, files).encode("utf-8")
        files["robots.txt"] = (
            f"User-agent: *\nAllow: /\nSitemap: {config.site_url}sitemap.xml\n".encode()
        )
    from builder.entry_schema import schema_text

    files["schema/entry.schema.json"] = schema_text().encode("utf-8")
    csv_text, json_text = export.export_texts(results, row_key, export_memo)
    files["data/leaderboard.csv"] = csv_text.encode("utf-8")
    files["data/leaderboard.json"] = json_text.encode("utf-8")
    package = export.datapackage(config.site_url, __version__)
    files["data/datapackage.json"] = (json.dumps(package, indent=1) + "\n").encode("utf-8")
    for asset in sorted((site_dir / "assets").rglob("*")):
        if asset.is_file():
            files[f"assets/{asset.relative_to(site_dir / 'assets').as_posix()}"] = (
                asset.read_bytes()
            )
    return files
