"""Results -> the HTML of one language's pages; Jinja, autoescaped, strict.

Which pages a site has, and how each is keyed, is `builder.present.site`'s."""

from __future__ import annotations

import gettext
import json
import re
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit, urlunsplit

import jinja2
from markupsafe import Markup

from builder import __version__, whatif
from builder.catalog import Catalog, Region
from builder.config import DEFAULT_TITLE, SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.conventions import CHART_DOMAINS, FLAG_PERCENT, N_, is_flagged, model_path
from builder.entries.model import Result
from builder.present import rank_strip
from builder.present.cards import card_path
from builder.present.efficiency import efficiency
from builder.present.examples import FOLLOWS, STATES, WIDENS, worked_examples
from builder.present.i18n import (
    LANGUAGES,
    SOURCE,
    Language,
    formats,
    strip_prefix,
    translations,
)
from builder.present.markdown_pages import load_pages, render_markdown
from builder.present.model_page import basis_words, chain, formula_text, used_inputs
from builder.present.ranks import AXIS_DECADES, axis_position
from builder.present.trust import (
    edit_url,
    entry_citation,
    last_changed,
    load_citation,
    page_address,
    report_url,
)

if TYPE_CHECKING:
    pass

# Chinese full-width punctuation (、。，；：！？）》」) carries its own space: a space after
# it, which joining sentences and parts of a page leaves behind, is never wanted there.
FULL_WIDTH_SPACE = re.compile("([\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff09\u300b\u300d]) +")
QUALITY_RANK = {
    "high": 3,
    "medium": 2,
    "low": 1,
}

INPUT_LABELS = {
    "utilization": (N_("Model FLOP utilization"), ""),
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
    **{domain: domain for domain in CHART_DOMAINS},
}


def format_ratio(x: float | None) -> str:
    """A ratio as `1.02×`."""
    return "—" if x is None else f"{x:.2f}×"


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
    templates_dir: Path, language: Language, lookup: gettext.NullTranslations
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
    env.filters["estimate"] = fmt.estimate
    env.filters["axis_x"] = axis_position
    env.globals["axis_decades"] = AXIS_DECADES
    env.filters["released"] = fmt.released
    env.filters["long_date"] = fmt.date
    env.filters["ratio"] = format_ratio
    env.filters["shown_url"] = shown_url
    env.tests["flagged"] = is_flagged
    env.globals["flag_percent"] = FLAG_PERCENT
    env.globals["model_path"] = model_path
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


def relroot(path: str) -> str:
    """The way from a page at `path` back to the site's root: `./` or `../../`."""
    depth = path.count("/")
    return "../" * depth if depth else "./"


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
        lookup: Callable[[Language], gettext.NullTranslations] = translations,
    ) -> None:
        """`lookup` gives a language's compiled messages (a build may keep them)."""
        self.language = language
        # An entry's notes are the same Markdown in every language: with a memo shared by
        # the languages of one process, converted once.
        self.notes_memo = notes_memo
        self.catalog = catalog
        self.config = config
        messages = lookup(language)
        self.env = _environment(templates_dir, language, messages)
        self.gettext = _ = messages.gettext
        self.fmt = formats(language)
        self.pages = load_pages(site_dir, language)
        self.labels = {key: _(label) for key, label in LABELS.items()}
        self.places = place_names(catalog, language, messages)
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
            "report_url": lambda page, title: report_url(config, page, title),
            "page_address": lambda prefix, path: page_address(config, prefix, path),
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
        site_root = root or relroot(full)
        html = self.env.get_template(template).render(
            **self.common,
            needs_eval=needs_eval,
            root=site_root,
            home=home or relroot(path),
            path=path,
            alternates=[
                (other, (self.config.site_url or site_root) + other.prefix + _page_url(path))
                for other in LANGUAGES
            ],
            **context,
        )
        if self.language.tag.startswith("zh"):
            html = FULL_WIDTH_SPACE.sub(r"\1", html)
        return full, html.encode("utf-8")

    def worked_examples(self) -> list[dict[str, Any]]:
        """Each basis's worked example as the methodology page shows it, computed now."""
        _, n, u = self.gettext, self.fmt.number, self.catalog.utilization
        assert u is not None  # catalog_from requires utilization.yaml
        share = {"value": n(u.value), "low": n(u.low), "high": n(u.high)}
        return [
            {
                "example": example,
                "r": r,
                "states": Markup(_(STATES[example.basis])),
                "follows": Markup(_(FOLLOWS[example.basis])),
                "widens": Markup(_(WIDENS[example.basis])) % share,
                "basis": basis_words(r, _, self.language),
                "chain": chain(r, self.gettext, self.fmt.number),
                "formula": formula_text(r, self.language),
            }
            for example, r in worked_examples(self.catalog)
        ]

    def model_page(
        self,
        r: Result,
        rank: tuple[int, int],
        total: int,
        same_run: tuple[str, str] | None = None,
    ) -> tuple[str, bytes]:
        """A model's page: `rank` is its best and worst rank among `total` training runs
        (`builder.present.ranks`); `same_run` the id and name of the entry whose training
        run it reuses, when it names one."""
        path = model_path(r.entry.id)
        notes = r.entry.notes
        if not notes:
            notes_html = ""
        elif self.notes_memo is None:
            notes_html = render_markdown(notes)
        elif (notes_html := self.notes_memo.get(notes, "")) == "":
            notes_html = self.notes_memo[notes] = render_markdown(notes)
        used = used_inputs(r)
        return self.render(
            path,
            "model.html",
            r=r,
            notes_html=Markup(notes_html),
            basis=basis_words(r, self.gettext, self.language),
            chain=chain(r, self.gettext, self.fmt.number),
            inputs_used=len(used),
            inputs_defaulted=sum(1 for i in used if i.provenance == "default"),
            same_run=same_run,
            eff=efficiency(r),
            formula=formula_text(r, self.language),
            inputs=[(i, i.explain(self.gettext, self.fmt.value, self.places)) for i in r.inputs],
            hardware=self.catalog.hardware.get(r.entry.training.hardware or ""),
            whatif=whatif.panel(r.entry, self.catalog),
            number_symbols=(self.fmt.group, self.fmt.decimal),
            rank_svg=rank_strip.rank_strip(
                r, rank, total, relroot(self.language.prefix + path), self.language
            ),
            equivalents=[
                (
                    eq,
                    r.co2e_t / eq.t_co2e_per_unit,
                    r.co2e_t_low / eq.t_co2e_per_unit,
                    r.co2e_t_high / eq.t_co2e_per_unit,
                )
                for eq in self.catalog.equivalents
            ],
            changed=last_changed(self.config, r.entry.id),
            edit_url=edit_url(self.config, r.entry.id),
            citation=entry_citation(load_citation(), self.config, r.entry.id, r.entry.name),
            og_card=card_path(r.entry.id),
            og_card_alt=self.gettext(N_("%(model)s: training CO2e with its range, in English"))
            % {"model": r.entry.name},
        )


def place_names(
    catalog: Catalog, language: Language, messages: gettext.NullTranslations | None = None
) -> dict[str, str]:
    """English name -> name in `language` of the catalog's countries and the world (CLDR)."""
    if language == SOURCE:
        return {}
    territories = formats(language).locale.territories
    names = {"World": (messages or translations(language)).gettext(N_("World"))}
    for region in catalog.regions.values():
        if region.kind == "country" and region.key in territories:
            names[region.name] = territories[region.key]
    return names


def _page_url(path: str) -> str:
    """A page's address relative to its language's root: folders end in `/`."""
    return path.removesuffix("index.html")
