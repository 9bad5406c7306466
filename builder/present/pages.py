"""Results -> pages, each put into the Output as it renders; Jinja, autoescaped, strict."""

from __future__ import annotations

import functools
import gc
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

import jinja2
from markupsafe import Markup

from builder import __version__
from builder.catalog import Catalog, Region
from builder.config import DEFAULT_TITLE, SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.entries.errors import BuildFailed
from builder.entries.model import Result
from builder.incremental.memo import translations
from builder.incremental.ranking import Ranking, page_key
from builder.present import charts
from builder.present import dataset as export
from builder.present.i18n import (
    LANGUAGES,
    N_,
    SOURCE,
    Language,
    TranslationError,
    check_complete,
    formats,
    reset_missing,
    strip_prefix,
)
from builder.write import Output, content_key

if TYPE_CHECKING:
    import markdown

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
    "accelerator_hours": (N_("Accelerator-hours"), "h"),
    "power_w": (N_("Mean power per accelerator"), "W"),
    "pue": (N_("PUE"), ""),
    "carbon_intensity": (N_("Grid carbon intensity"), "kg CO2e/kWh"),
}
LINK_LABELS = {
    "paper": N_("paper"),
    "model_card": N_("model card"),
    "code": N_("code"),
    "weights": N_("weights"),
    "blog": N_("blog"),
    "report": N_("report"),
}
# Words of the data that entries and catalogs spell in English, as readers see them.
LABELS = {
    "stated": N_("stated"),
    "default": N_("default"),
    "derived": N_("derived"),
    "high": N_("high"),
    "medium": N_("medium"),
    "low": N_("low"),
    "country": N_("country"),
    "us-state": N_("US state"),
    "cloud-region": N_("cloud region"),
    "world": N_("world"),
    **charts.DOMAIN_LABELS,
}


def format_ratio(x: float | None) -> str:
    """A ratio as `1.02×`."""
    return "—" if x is None else f"{x:.2f}×"


def is_flagged(x: float | None) -> bool:
    """True when computed and reported differ by more than FLAG_RATIO."""
    return x is not None and abs(x - 1.0) > FLAG_RATIO


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    import markdown  # imported by the builds that convert some Markdown only

    return markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code"], output_format="html"
    )


def render_markdown(text: str) -> str:
    """Markdown -> sanitized HTML: no script, style, event handlers or non-web links."""
    import nh3

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
    """A hand-written page from site/pages: its slug, title and Markdown body."""

    slug: str
    title: str
    body: str

    @functools.cached_property
    def html(self) -> str:
        """The body as sanitized HTML (converted when a build renders the page)."""
        return render_markdown(self.body)


def load_pages(site_dir: Path = SITE_DIR, language: Language = SOURCE) -> dict[str, Page]:
    """Every site/pages/*.md, or site/pages/<prefix>/*.md; the first `# ` line is the title.

    A translation must exist for every English page: TranslationError names the missing file.
    """
    pages = {}
    folder = site_dir / "pages" / language.prefix
    if language != SOURCE:
        missing = sorted(
            str(folder / p.name)
            for p in (site_dir / "pages").glob("*.md")
            if not (folder / p.name).is_file()
        )
        if missing:
            raise TranslationError(
                "\n".join(
                    f"{m}: missing: translate the English page of the same name" for m in missing
                )
            )
    for path in sorted(folder.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        first, _, body = text.partition("\n")
        title = first.removeprefix("# ").strip() if first.startswith("# ") else path.stem.title()
        pages[path.stem] = Page(path.stem, title, body if first.startswith("# ") else text)
    return pages


class TemplateCode(jinja2.BytecodeCache):
    """Compiled templates, shared by every language's environment in this process only:
    compiled code is never written to disk nor read from it (a worker compiles its own).
    Jinja checks each against its template's source before use."""

    def __init__(self) -> None:
        self.memory: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.memory.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.memory[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CODE = TemplateCode()


def _environment(
    templates_dir: Path, language: Language = SOURCE, cache_dir: Path | None = None
) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        bytecode_cache=TEMPLATE_CODE,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them
    lookup = translations(language, cache_dir)

    # Jinja's "new style" gettext: the message is safe markup, its %(name)s values are
    # escaped, and formatting always applies (so a literal percent sign is written %%).
    # Installed directly, without Jinja's context-passing wrapper: pages call it dozens
    # of times each.
    # A message without variables always gives the same markup: made once.
    constant: dict[str, Markup] = {}

    def gettext(message: str, **variables: Any) -> Markup:
        if variables:
            return Markup(lookup.gettext(message)) % variables
        found = constant.get(message)
        if found is None:
            found = constant[message] = Markup(lookup.gettext(message)) % {}
        return found

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> Markup:
        variables.setdefault("num", n)
        return Markup(lookup.ngettext(singular, plural, n)) % variables

    env.install_gettext_callables(gettext, ngettext, newstyle=False)  # type: ignore[attr-defined]
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # how templates compile {% trans %}
    env.globals["_"] = gettext
    fmt = formats(language)
    env.filters["num"] = fmt.number
    env.filters["released"] = fmt.released
    env.filters["ratio"] = format_ratio
    env.filters["shown_url"] = shown_url
    env.tests["flagged"] = is_flagged
    env.tests["deceptive_url"] = deceptive_url
    return env


def script_json(data: object) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# What may stay as it is in a URL written into a text file; the rest is percent-encoded.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def url_text(url: str) -> str:
    """A URL with spaces, line breaks, control characters, quotes and `<>` percent-encoded."""
    return quote(url, safe=_URL_SAFE)


def shown_url(url: str) -> str:
    """A URL as the site shows and links it: a non-ASCII host in punycode (IDNA), so that a
    look-alike host cannot pass for another, and a user name before '@' kept in view."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.isascii():
        return url
    from builder.entries.plausibility import ascii_host

    userinfo, _, _ = parts.netloc.rpartition("@")
    netloc = (f"{userinfo}@" if "@" in parts.netloc else "") + ascii_host(url)
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def deceptive_url(url: str) -> bool:
    """Whether a link has a user name before '@' or a non-ASCII host: the site shows it."""
    parts = urlsplit(url)
    return "@" in parts.netloc or not (parts.hostname or "").isascii()


def robots_txt(site_url: str) -> str:
    """robots.txt: allow everything, and say where the sitemap is."""
    return f"User-agent: *\nAllow: /\nSitemap: {url_text(site_url)}sitemap.xml\n"


def sitemap(site_url: str, files: Iterable[str]) -> str:
    """sitemap.xml of every HTML page but the 404 pages, each with its other languages.

    Absolute URLs need --base-url.
    """
    site_url = url_text(site_url)
    pages = sorted(
        {
            strip_prefix(path).removesuffix("index.html")
            for path in files
            if path.endswith(".html") and not path.endswith("404.html")
        }
    )
    body = []
    for page in pages:
        alternates = "".join(
            f'    <xhtml:link rel="alternate" hreflang="{lang.tag}" '
            f'href="{escape(site_url + lang.prefix + page)}"/>\n'
            for lang in LANGUAGES
        )
        for lang in LANGUAGES:
            body.append(
                f"  <url><loc>{escape(site_url + lang.prefix + page)}</loc>\n{alternates}  </url>\n"
            )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
        f"{''.join(body)}</urlset>\n"
    )


def model_path(entry_id: str) -> str:
    """Output path of a model page."""
    return f"models/{entry_id}.html"


def _relroot(path: str) -> str:
    depth = path.count("/")
    return "../" * depth if depth else "./"


def formula_text(r: Result, language: Language = SOURCE) -> list[str]:
    """The formula with this model's numbers filled in, one step a line."""
    n = formats(language).number
    _ = translations(language).gettext
    kwh = r.energy_mwh * 1000
    lines = [
        f"{n(r.accelerator_hours.value, 4)} h × {n(r.power_w.value, 4)} W "
        f"÷ 1000 × PUE {n(r.pue.value, 3)} = {n(kwh, 4)} kWh "
        f"= {n(r.energy_mwh, 4)} MWh",
        f"{n(r.energy_mwh, 4)} MWh × {n(r.carbon_intensity.value, 3)} "
        f"kg CO2e/kWh = {n(r.co2e_t, 4)} t CO2e",
    ]
    if r.net_co2e_t is not None and r.net_carbon_intensity is not None:
        lines.append(
            _("%(mwh)s MWh × %(intensity)s kg CO2e/kWh (net) = %(co2e)s t CO2e net")
            % {
                "mwh": n(r.energy_mwh, 4),
                "intensity": n(r.net_carbon_intensity, 3),
                "co2e": n(r.net_co2e_t, 4),
            }
        )
    return lines


@dataclass(frozen=True)
class ChartFiles:
    """The charts stage's products that pages need: each language's charts, the histogram."""

    charts: dict[str, list[charts.Chart]]  # by language code
    distribution: str


def render_site(
    ranking: Ranking | list[Result],
    catalog: Catalog,
    config: SiteConfig,
    chart_files: ChartFiles,
    output: Output,
    keyed: bool = False,
    templates_dir: Path = TEMPLATES_DIR,
    site_dir: Path = SITE_DIR,
    languages: Sequence[Language] = LANGUAGES,
    cache_dir: Path | None = None,
) -> None:
    """Put every page of the site into `output`, each as soon as it is rendered.

    Each language gets the same pages under its prefix; the dataset, schema, assets and
    the histogram behind the rank strips are shared, and come with the source language.
    `languages` renders some of them only (the build gives the others to another process).
    With `keyed`, model pages get the key of their inputs (`page_key`): a page whose key
    and file are unchanged since the last build is not rendered again. Ranking pages, the rows file
    and the dataset are keyed by the hashes of their rows and lines (see
    `builder.incremental.ranking`), the other pages by the site-wide inputs alone. `cache_dir`: the
    build cache's folder, where compiled translations are kept (None: none is read).
    """
    if not isinstance(ranking, Ranking):
        ranking = Ranking.of(ranking)
    reset_missing()
    # kept only where a second language will use it (a memo of 10,000 notes is 4 MB)
    notes_memo: dict[str, str] | None = {} if len(languages) > 1 else None
    for language in languages:
        _render_language(
            output,
            language,
            ranking,
            catalog,
            config,
            chart_files.charts[language.code],
            keyed,
            templates_dir,
            site_dir,
            notes_memo,
            cache_dir,
        )
    check_complete()
    if SOURCE not in languages:
        return
    output.put("charts/distribution.svg", chart_files.distribution.encode("utf-8"))
    if config.site_url:  # every language has the same pages: the source language's list them
        output.put("sitemap.xml", sitemap(config.site_url, list(output.made)).encode("utf-8"))
        output.put("robots.txt", robots_txt(config.site_url).encode())
    from builder.entries.json_schema import schema_text

    output.put("schema/entry.schema.json", schema_text(cache_dir).encode("utf-8"))
    _put_dataset(output, ranking)
    package = export.datapackage(config.site_url, __version__)
    output.put("data/datapackage.json", (json.dumps(package, indent=1) + "\n").encode("utf-8"))
    for asset in sorted((site_dir / "assets").rglob("*")):
        if asset.is_symlink():  # it could lead anywhere on the machine: never published
            raise BuildFailed(
                f"{asset}: a symbolic link; site assets are published only as regular files "
                "(put the file itself there)"
            )
        if asset.is_file():
            output.put(
                f"assets/{asset.relative_to(site_dir / 'assets').as_posix()}", asset.read_bytes()
            )


def _put_dataset(output: Output, ranking: Ranking) -> None:
    """data/leaderboard.csv and .json, unless both are as the lines they are made of left them."""
    paths = ("data/leaderboard.csv", "data/leaderboard.json")
    key = content_key("".join(s.export for s in ranking.summaries).encode())
    if output.track and all(output.unchanged(path, key) for path in paths):
        return

    def lines() -> Iterator[tuple[str, str]]:
        for i in range(len(ranking)):
            texts = ranking.export(i)
            yield texts if texts is not None else export.row_texts(ranking.result(i))

    for path, data in zip(paths, export.export_files(lines()), strict=True):
        output.put(path, data, key if output.track else None)


def render_languages(
    ranking: Ranking,
    config: SiteConfig,
    chart_files: ChartFiles,
    output: Output,
    keyed: bool,
    codes: tuple[str, ...],
    cache_dir: Path | None,
) -> tuple[Output, dict[str, str], dict[str, str]]:
    """Some languages' pages, for a worker process: what it put, and the rows it rendered
    and their hashes (see `Ranking.rows_made`)."""
    from builder.incremental.memo import load_catalog

    gc.freeze()  # the results, as in the build's own process (see builder.incremental.cache.freeze)
    try:
        render_site(
            ranking,
            load_catalog(cache_dir),
            config,
            chart_files,
            output,
            keyed,
            languages=[lang for lang in LANGUAGES if lang.code in codes],
            cache_dir=cache_dir,
        )
    finally:
        gc.unfreeze()
    made = ranking.rows_made
    return output, made, {k: ranking.row_digests[k] for k in made}


class LanguagePages:
    """Renders the pages of one language: its templates, words, numbers and links."""

    def __init__(
        self,
        language: Language,
        catalog: Catalog,
        config: SiteConfig,
        templates_dir: Path = TEMPLATES_DIR,
        site_dir: Path = SITE_DIR,
        notes_memo: dict[str, str] | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.language = language
        # An entry's notes are the same Markdown in every language: with a memo shared by
        # the languages of one process, converted once.
        self.notes_memo = notes_memo
        self.catalog = catalog
        self.config = config
        self.env = _environment(templates_dir, language, cache_dir)
        self.gettext = _ = translations(language, cache_dir).gettext
        self.fmt = formats(language)
        self.pages = load_pages(site_dir, language)
        self.labels = {key: _(label) for key, label in LABELS.items()}
        self.places = place_names(catalog, language, cache_dir)
        nav = [("", _("Leaderboard"))] + [
            (slug, self.pages[slug].title)
            for slug in ("methodology", "data", "contribute", "about")
            if slug in self.pages
        ]
        self.common: dict[str, Any] = {
            "config": config,
            "lang": language,
            "nav": nav,
            "version": __version__,
            "build_date": self.fmt.date(config.build_date) if config.build_date else "",
            "site_title": _(N_("ML Training Emissions Leaderboard"))
            if config.title == DEFAULT_TITLE
            else config.title,
            "input_labels": {k: (_(label), unit) for k, (label, unit) in INPUT_LABELS.items()},
            "labels": self.labels,
            "link_labels": LINK_LABELS,
            "region_name": self.region_name,
        }

    def region_name(self, region: Region) -> str | Markup:
        """A region's name in this language, or its English name marked as English."""
        name = self.places.get(region.name)
        if name is not None or self.language == SOURCE:
            return name or region.name
        return Markup('<span lang="en">{}</span>').format(region.name)

    def render(
        self,
        path: str,
        template: str,
        root: str | None = None,
        home: str | None = None,
        needs_eval: bool = False,
        **context: Any,
    ) -> tuple[str, bytes]:
        """The page at `path` (relative to the language's root): its output path and bytes."""
        full = self.language.prefix + path
        site_root = root or _relroot(full)
        html = self.env.get_template(template).render(
            **self.common,
            needs_eval=needs_eval,
            root=site_root,
            home=home or _relroot(path),
            path=path,
            alternates=[
                (other, (self.config.site_url or site_root) + other.prefix + _page_url(path))
                for other in LANGUAGES
            ],
            **context,
        )
        return full, html.encode("utf-8")

    def model_page(self, r: Result, rank: int, total: int) -> tuple[str, bytes]:
        """A model's page."""
        path = model_path(r.entry.id)
        notes = r.entry.notes
        if not notes:
            notes_html = ""
        elif self.notes_memo is None:
            notes_html = render_markdown(notes)
        elif (notes_html := self.notes_memo.get(notes, "")) == "":
            notes_html = self.notes_memo[notes] = render_markdown(notes)
        return self.render(
            path,
            "model.html",
            r=r,
            notes_html=Markup(notes_html),
            formula=formula_text(r, self.language),
            inputs=[(i, i.explain(self.gettext, self.fmt.value, self.places)) for i in r.inputs],
            hardware=self.catalog.hardware[r.entry.training.hardware],
            rank_svg=charts.rank_strip(
                r, rank, total, _relroot(self.language.prefix + path), self.language
            ),
            equivalents=[(eq, r.co2e_t / eq.t_co2e_per_unit) for eq in self.catalog.equivalents],
        )


# The key of the pages made from the site-wide inputs alone (code, templates, catalogs,
# settings): the build cache keeps a last output only while those are unchanged.
SITE_WIDE = "site-wide"


def _render_language(
    output: Output,
    language: Language,
    ranking: Ranking,
    catalog: Catalog,
    config: SiteConfig,
    chart_list: list[charts.Chart],
    keyed: bool,
    templates_dir: Path,
    site_dir: Path,
    notes_memo: dict[str, str] | None,
    cache_dir: Path | None = None,
) -> None:
    """One language's pages, under its prefix."""
    renderer = LanguagePages(
        language, catalog, config, templates_dir, site_dir, notes_memo, cache_dir
    )
    env, labels, pages = renderer.env, renderer.labels, renderer.pages
    prefix, code = language.prefix, language.code
    cached = ranking.records is not None

    def page(path: str, template: str, key: str | None = None, **context: Any) -> None:
        if key is not None and output.unchanged(prefix + path, key):
            output.reused += 1
            return
        full, html = renderer.render(path, template, **context)
        output.put(full, html, key)

    summaries = ranking.summaries
    years = sorted({s.year for s in summaries if s.year})
    row_template = env.get_template("_row.html")

    def render_row(i: int) -> str:
        r = ranking.result(i)
        return row_template.render(
            r=r,
            hardware=catalog.hardware[r.entry.training.hardware],
            quality_rank=QUALITY_RANK,
            labels=labels,
        )

    # Each row's hash: a row the last build made keeps its own, and is not made again.
    rendered: dict[int, str] = {}
    digests: list[str] = []
    for i, s in enumerate(summaries):
        row_key = f"{code}|{s.key}"
        digest = ranking.row_digests.get(row_key)
        if digest is None:
            html = rendered[i] = render_row(i)
            digest = content_key(html.encode()) if output.track else ""
            if cached:
                ranking.rows_made[row_key] = html
                ranking.row_digests[row_key] = digest
        digests.append(digest)

    def row(i: int) -> str:
        html = rendered.get(i)
        if html is None:
            html = ranking.stored_row(code, i)
        return html if html is not None else render_row(i)

    total = len(summaries)
    pages_count = max(1, -(-total // PAGE_SIZE))
    listing = {
        "total": total,
        "page_size": PAGE_SIZE,
        "rows_shown": min(total, PAGE_SIZE),
        "pages": pages_count,
        "page_link": lambda n: "" if n == 1 else f"ranking/{n}/",
        "organizations": sorted({s.organization for s in summaries}, key=str.casefold),
        "hardware_options": sorted(
            ((k, catalog.hardware[k].name) for k in {s.hardware for s in summaries}),
            key=lambda kv: kv[1].casefold(),
        ),
        "domains": sorted(
            ((d, labels[d]) for d in {s.domain for s in summaries if s.domain}),
            key=lambda kv: charts.DOMAIN_ORDER.index(kv[0]),
        ),
        "years": (years[0], years[-1]) if years else (2000, 2030),
    }
    # What a ranking page shows besides its rows (the site-wide inputs are the cache's key).
    listing_key = repr([listing[k] for k in ("total", "organizations", "hardware_options")])
    listing_key += repr([listing[k] for k in ("domains", "years", "pages")])
    charts_key = repr([(c.id, c.title, c.description) for c in chart_list])
    for number in range(1, pages_count + 1):
        first = (number - 1) * PAGE_SIZE
        shown = range(first, min(total, first + PAGE_SIZE))
        path = "index.html" if number == 1 else f"ranking/{number}/index.html"
        words = charts_key if number == 1 else ""
        key = content_key(
            f"{number}|{listing_key}|{words}|{''.join(digests[i] for i in shown)}".encode()
        )
        if output.unchanged(prefix + path, key):
            output.reused += 1
            continue
        chunk = "".join(row(i) for i in shown).replace(ROOT_TOKEN, _relroot(path))
        extra: dict[str, Any] = listing | {
            "rows_html": chunk,
            "page_number": number,
            "first_rank": first + 1,
            "last_rank": min(total, first + PAGE_SIZE),
        }
        if number == 1:
            extra |= {"needs_eval": True, "charts": chart_list}
        full, data = renderer.render(path, "index.html" if number == 1 else "ranking.html", **extra)
        output.put(full, data, key)
    if total > PAGE_SIZE:
        _put_rows(output, f"{prefix}data/rows.json", digests, row)
    rendered.clear()  # done with: at 10,000 entries, 10 MB the model pages need not keep alive
    for i, s in enumerate(summaries):
        path = prefix + model_path(s.id)
        made_from = page_key(s, i + 1, total) if keyed else None
        if made_from is not None and output.unchanged(path, made_from):
            output.reused += 1
            continue
        full, data = renderer.model_page(ranking.result(i), i + 1, total)
        output.put(full, data, made_from)
        output.rendered += 1
    if "methodology" in pages:
        page(
            "methodology/index.html",
            "methodology.html",
            SITE_WIDE,
            page=pages["methodology"],
            catalog=catalog,
        )
    if "data" in pages:
        page("data/index.html", "data.html", SITE_WIDE, page=pages["data"], columns=export.COLUMNS)
    for slug in ("contribute", "about"):
        if slug in pages:
            page(f"{slug}/index.html", "page.html", SITE_WIDE, page=pages[slug])
    # Served for any missing path, at any depth: its links cannot be relative.
    site_root = config.site_url or "/"
    page("404.html", "404.html", SITE_WIDE, root=site_root, home=site_root + prefix)


def _put_rows(output: Output, path: str, digests: list[str], row: Callable[[int], str]) -> None:
    """Every row, for the script that sorts and filters all of them on the first page;
    keyed by the hashes of the rows, in order."""
    key = content_key("".join(digests).encode())
    if output.unchanged(path, key):
        return
    # {"rows": [...]}, written row by row: 10 MB at 10,000 entries, not held three times
    buffer = io.BytesIO()
    buffer.write(b'{"rows": [')
    for i in range(len(digests)):
        buffer.write(b", " if i else b"")
        buffer.write(
            json.dumps(row(i).replace(ROOT_TOKEN, "./").strip(), ensure_ascii=False).encode()
        )
    buffer.write(b"]}")
    output.put(path, buffer.getvalue(), key)


def place_names(
    catalog: Catalog, language: Language, cache_dir: Path | None = None
) -> dict[str, str]:
    """English name -> name in `language` of the catalog's countries and the world (CLDR)."""
    if language == SOURCE:
        return {}
    territories = formats(language).locale.territories
    names = {"World": translations(language, cache_dir).gettext(N_("World"))}
    for region in catalog.regions.values():
        if region.kind == "country" and region.key in territories:
            names[region.name] = territories[region.key]
    return names


def _page_url(path: str) -> str:
    """A page's address relative to its language's root: folders end in `/`."""
    return path.removesuffix("index.html")
