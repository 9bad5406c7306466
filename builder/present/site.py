"""Present: ranked results -> the site's files, as a stream of `Artifact`s.

Each artifact is an output path, the key of what it is made from (or None when its
content is its own key), and a function that makes its bytes. Nothing here knows where
the files go or what a last build left: the build asks its incremental door whether an
artifact is current before calling `make`, and hands what it makes to Write.
"""

from __future__ import annotations

import functools
import gettext
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from builder import __version__, whatif
from builder.catalog import Catalog
from builder.catalog_organizations import organization_key
from builder.config import SITE_DIR, TEMPLATES_DIR, SiteConfig
from builder.conventions import BASIS_LABELS, CHART_DOMAINS, format_estimate, model_path
from builder.entries.errors import BuildFailed
from builder.hashing import content_key
from builder.present import cards, charts, findings, site_pages, sums, trust
from builder.present import dataset as export
from builder.present.artifact import Artifact, made
from builder.present.efficiency import efficiency
from builder.present.i18n import (
    LANGUAGES,
    SOURCE,
    Language,
    check_complete,
    formats,
    reset_missing,
    translations,
)
from builder.present.pages import (
    QUALITY_RANK,
    LanguagePages,
    place_names,
    relroot,
    robots_txt,
    sitemap,
)
from builder.present.ranked import Ranked, page_keys, runs_named
from builder.present.ranks import Spread, rank_ranges
from builder.present.site_pages import COMPARE_PAGE

PAGE_SIZE = 50  # leaderboard rows per static page; with JavaScript, all rows sort and filter
ROOT_TOKEN = "<ROOT>"  # where a row's links start; each page puts its own way to the root
# where a row's rank range and best rank go: they depend on every other row (see ranks.py)
RANK_TOKEN, BEST_TOKEN = "<RANK>", "<RANK-BEST>"


@dataclass(frozen=True)
class ChartFiles:
    """The charts stage's products that pages need: each language's charts, the histogram."""

    charts: dict[str, list[charts.Chart]]  # by language code
    distribution: str


def site_files(
    ranked: Ranked,
    catalog: Catalog,
    config: SiteConfig,
    chart_files: ChartFiles,
    keyed: bool = False,
    templates_dir: Path = TEMPLATES_DIR,
    site_dir: Path = SITE_DIR,
    languages: Sequence[Language] = LANGUAGES,
    lookup: Callable[[Language], gettext.NullTranslations] = translations,
    with_cards: bool = True,
) -> Iterator[Artifact]:
    """Every file of the site, each made when asked for.

    Each language gets the same pages under its prefix; the dataset, schema, assets and
    the histogram behind the rank strips are shared, and come with the source language.
    `languages` makes some of them only (a build may give the others to another process).
    With `keyed`, every page gets the key of its inputs: model pages `page_key`, ranking
    pages, the rows file and the dataset the hashes of their rows and lines, the other
    pages the site-wide inputs alone. `lookup` gives a language's compiled messages.
    Without `with_cards`, the share cards are left to the caller (see `card_list`).
    """
    reset_missing()
    # kept only where a second language will use it (a memo of 10,000 notes is 4 MB)
    notes_memo: dict[str, str] | None = {} if len(languages) > 1 else None
    pages_made: list[str] = []
    for language in languages:
        renderer = LanguagePages(
            language, catalog, config, templates_dir, site_dir, notes_memo, lookup
        )
        for artifact in language_files(renderer, ranked, chart_files.charts[language.code], keyed):
            # the comparison page shows nothing of its own until an address names models
            if language == SOURCE and artifact.path != COMPARE_PAGE:
                pages_made.append(artifact.path)
            yield artifact
    check_complete()
    if SOURCE not in languages:
        return
    yield Artifact("charts/distribution.svg", None, made(chart_files.distribution.encode()))
    if with_cards:
        yield from card_files(card_list(ranked, config, keyed))
    if config.site_url:  # every language has the same pages: the source language's list them
        text = sitemap(config.site_url, pages_made)
        yield Artifact("sitemap.xml", None, made(text.encode("utf-8")))
        yield Artifact("robots.txt", None, made(robots_txt(config.site_url).encode()))
    from builder.entries.json_schema import schema_text

    yield Artifact("schema/entry.schema.json", None, made(schema_text(catalog).encode("utf-8")))
    yield from dataset_files(ranked, keyed)
    yield formula_file(ranked, catalog, keyed)
    package = export.datapackage(config.site_url, __version__)
    package_text = json.dumps(package, indent=1) + "\n"
    yield Artifact("data/datapackage.json", None, made(package_text.encode("utf-8")))
    if (cite := trust.load_citation()) is not None:
        both = trust.site_citation(cite, config)
        yield Artifact("data/citation.bib", None, made(both.bibtex.encode("utf-8")))
        yield Artifact("data/citation.json", None, made(both.csl.encode("utf-8")))
    yield from asset_files(site_dir)


@dataclass(frozen=True)
class Card:
    """A share card to draw: where it goes, what it is made from, and its SVG."""

    path: str
    inputs_hash: str | None
    svg: Callable[[], str]


def card_list(ranked: Ranked, config: SiteConfig, keyed: bool) -> list[Card]:
    """The share card of the site and of each model (see `builder.present.cards`), in
    English; a model's keyed by its entry, the site's by what it shows."""
    site, summaries = config.title, ranked.summaries
    key = findings.key_figures(summaries)
    t = key.total
    lines = [
        f"{t.runs} training runs, range {format_estimate(t.low, 2)}–{format_estimate(t.high, 2)} t"
    ]
    if key.largest is not None:
        top = ranked.result([s.id for s in summaries].index(key.largest.id)).entry.name
        lines.append(f"Largest: {top}, {format_estimate(key.largest.co2e_t)} t CO2e")
    title = f"Training emissions of {len(summaries)} ML models"
    svg = cards.card_svg(title, f"{format_estimate(t.co2e_t)} t CO2e", lines, site)
    found = [Card(cards.INDEX_CARD, content_key(svg.encode()) if keyed else None, _made_text(svg))]
    for i, s in enumerate(summaries):

        def model_svg(i: int = i) -> str:
            r = ranked.result(i)
            e = r.entry
            return cards.model_card(
                e.name, e.organization, r.co2e_t, r.co2e_t_low, r.co2e_t_high, r.basis, site
            )

        found.append(
            Card(
                cards.card_path(s.id),
                f"card|{cards.CODE}|{s.inputs_hash}" if keyed else None,
                model_svg,
            )
        )
    return found


def card_files(card_list: list[Card]) -> Iterator[Artifact]:
    """The cards as artifacts, each drawn in this process when made."""
    for card in card_list:
        yield Artifact(card.path, card.inputs_hash, functools.partial(_draw, card))


def _draw(card: Card) -> bytes:
    return cards.png(card.svg())


def _made_text(text: str) -> Callable[[], str]:
    return lambda: text


def asset_files(site_dir: Path) -> Iterator[Artifact]:
    """site/assets, as they are; BuildFailed for a symbolic link."""
    for asset in sorted((site_dir / "assets").rglob("*")):
        if asset.is_symlink():  # it could lead anywhere on the machine: never published
            raise BuildFailed(
                f"{asset}: a symbolic link; site assets are published only as regular files "
                "(put the file itself there)"
            )
        if asset.is_file():
            path = f"assets/{asset.relative_to(site_dir / 'assets').as_posix()}"
            yield Artifact(path, None, made(asset.read_bytes()))


def dataset_files(ranked: Ranked, keyed: bool) -> Iterator[Artifact]:
    """data/leaderboard.csv and .json, keyed by the hashes of the lines they are made of."""
    key = content_key("".join(s.export for s in ranked.summaries).encode()) if keyed else None

    @functools.cache
    def both() -> tuple[bytes, bytes]:
        def lines() -> Iterator[tuple[str, str]]:
            for i in range(len(ranked)):
                texts = ranked.export(i)
                yield texts if texts is not None else export.row_texts(ranked.result(i))

        return export.export_files(lines())

    yield Artifact("data/leaderboard.csv", key, lambda: both()[0])
    yield Artifact("data/leaderboard.json", key, lambda: both()[1])


def formula_file(ranked: Ranked, catalog: Catalog, keyed: bool) -> Artifact:
    """data/formula.json, the inputs of the model pages' what-if panel (builder.whatif),
    keyed by each entry's row of it (the catalogs are among the site-wide inputs), so an
    edit the formula does not read leaves it as it was."""
    key = "formula|" + "".join(s.whatif for s in ranked.summaries)

    def make() -> bytes:
        names = {}
        for language in LANGUAGES:
            places = place_names(catalog, language)
            by_key = {k: places[r.name] for k, r in catalog.regions.items() if r.name in places}
            if by_key:
                names[language.tag] = by_key
        data = whatif.export((ranked.result(i) for i in range(len(ranked))), catalog, names)
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    return Artifact("data/formula.json", content_key(key.encode()) if keyed else None, make)


def _listing(renderer: LanguagePages, ranked: Ranked, labels: dict[str, str]) -> dict[str, Any]:
    """What every ranking page shows besides its rows."""
    summaries, hardware = ranked.summaries, renderer.catalog.hardware
    catalog = renderer.catalog
    total = len(summaries)
    years = sorted({s.year for s in summaries if s.year})
    key, ids = findings.key_figures(summaries), [s.id for s in summaries]
    return {
        "total": total,
        "ids": ids,  # every model, in the default order: the view announced before any sort
        "page_size": PAGE_SIZE,
        "rows_shown": min(total, PAGE_SIZE),
        "pages": max(1, -(-total // PAGE_SIZE)),
        "page_link": lambda n: "" if n == 1 else f"ranking/{n}/",
        "organizations": sorted(
            ((k, catalog.organization(k).name) for k in {s.organization_key for s in summaries}),
            key=lambda kv: kv[1].casefold(),
        ),
        "hardware_options": sorted(
            ((k, hardware[k].name) for k in {s.hardware for s in summaries} if k),
            key=lambda kv: kv[1].casefold(),
        ),
        "domains": sorted(
            ((d, labels[d]) for d in {s.domain for s in summaries if s.domain}),
            key=lambda kv: CHART_DOMAINS.index(kv[0]),
        ),
        "years": (years[0], years[-1]) if years else (2000, 2030),
        # each basis the entries have, in BASIS_LABELS order, with its label's message id
        "bases": [
            (b, label) for b, label in BASIS_LABELS.items() if b in {s.basis for s in summaries}
        ],
        # the CO2e of every listed model, each training run once (see builder.present.sums)
        "run_total": sums.total((s.year, s.co2e_t, s.same_run_as) for s in summaries),
        "key": key,
        "largest_name": ranked.result(ids.index(key.largest.id)).entry.name if key.largest else "",
        "data_date": renderer.config.data_date,
    }


class Rows:
    """One language's leaderboard rows: each row's hash, and its HTML when asked for.

    A row an earlier build made keeps its hash and is not made again (see `Ranked`),
    except the row of a model that reuses another's run when this build computed that
    run's entry afresh: the row names it, and its name may have changed.
    """

    def __init__(self, renderer: LanguagePages, ranked: Ranked, keyed: bool) -> None:
        self.ranked = ranked
        self.code = renderer.language.code
        self._template = renderer.env.get_template("_row.html")
        self._renderer = renderer
        self._rank_of = {s.id: i for i, s in enumerate(ranked.summaries) if not s.same_run_as}
        self.ranks = rank_ranges(
            [Spread(s.id, s.co2e_t_low, s.co2e_t_high, s.same_run_as) for s in ranked.summaries]
        )
        self._integer = formats(renderer.language).integer
        self.made: dict[int, str] = {}
        self.hashes: list[str] = []
        for i, s in enumerate(ranked.summaries):
            # a reused run's row shows the run's name: made again when the run's entry was
            run = self._rank_of.get(s.same_run_as) if s.same_run_as else None
            stale = run is not None and ranked.computed(run)
            row_hash = None if stale else ranked.row_hash(self.code, i)
            if row_hash is None:
                html = self.made[i] = self._render(i)
                row_hash = content_key(html.encode()) if keyed else ""
                if keyed:
                    ranked.made_row(self.code, i, html, row_hash)
            self.hashes.append(row_hash)

    def _render(self, i: int) -> str:
        r = self.ranked.result(i)
        run = r.entry.training.same_run_as
        # validation guarantees the run's entry exists and has a run of its own
        run_name = self.ranked.result(self._rank_of[run]).entry.name if run else None
        return self._template.render(
            r=r,
            hardware=self._renderer.catalog.hardware.get(r.entry.training.hardware or ""),
            organization=self._renderer.catalog.organization(organization_key(r.entry.id)),
            quality_rank=QUALITY_RANK,
            labels=self._renderer.labels,
            basis_labels=BASIS_LABELS,
            run_name=run_name,
            eff=efficiency(r),
        )

    def html(self, i: int) -> str:
        found = self.made.get(i)
        if found is None:
            found = self.ranked.stored_row(self.code, i)
        return found if found is not None else self._render(i)

    def ranked_html(self, i: int) -> str:
        """The row with its rank range, e.g. `3–7`, or one rank where nothing overlaps."""
        best, worst = self.ranks[i]
        shown = (
            self._integer(best)
            if best == worst
            else f"{self._integer(best)}–{self._integer(worst)}"
        )
        # sorts by best rank, then worst
        return (
            self.html(i).replace(RANK_TOKEN, shown).replace(BEST_TOKEN, str(best * 10**6 + worst))
        )

    def ranks_key(self, shown: Iterable[int]) -> str:
        """What the rank cells of rows `shown` are made from."""
        return ",".join(f"{self.ranks[i][0]}-{self.ranks[i][1]}" for i in shown)


def language_files(
    renderer: LanguagePages, ranked: Ranked, chart_list: list[charts.Chart], keyed: bool
) -> Iterator[Artifact]:
    """One language's pages, under its prefix."""
    prefix = renderer.language.prefix
    rows = Rows(renderer, ranked, keyed)
    listing = _listing(renderer, ranked, renderer.labels)
    yield from _ranking_pages(renderer, rows, listing, chart_list)
    if listing["total"] > PAGE_SIZE:
        yield _rows_file(f"{prefix}data/rows.json", rows)
    rows.made.clear()  # done with: at 10,000 entries, 10 MB the model pages need not keep
    runs = runs_named(ranked.summaries)
    history = renderer.config.history
    keys = page_keys(ranked.summaries, history.changed if history else None) if keyed else None
    total = len(ranked) - sum(1 for s in ranked.summaries if s.same_run_as is not None)
    for i, s in enumerate(ranked.summaries):
        yield Artifact(
            prefix + model_path(s.id),
            keys[i] if keys is not None else None,
            functools.partial(
                _model_page, renderer, ranked, i, rows.ranks[i], total, runs.get(s.id)
            ),
            "model",
        )
    yield from site_pages.language_pages(renderer, ranked, keyed)


def _model_page(
    renderer: LanguagePages,
    ranked: Ranked,
    i: int,
    rank: tuple[int, int],
    runs: int,
    run: int | None = None,
) -> bytes:
    """The page of the entry ranked `i`, whose rank range is `rank` among `runs` training
    runs; `run`: the rank of the entry whose run it reuses."""
    same_run = None
    if run is not None:
        named = ranked.result(run).entry
        same_run = (named.id, named.name)
    return renderer.model_page(ranked.result(i), rank, runs, same_run)[1]


def _ranking_pages(
    renderer: LanguagePages, rows: Rows, listing: dict[str, Any], chart_list: list[charts.Chart]
) -> Iterator[Artifact]:
    """The leaderboard, PAGE_SIZE rows a page; each keyed by its rows' hashes and what
    else it shows."""
    total, prefix = listing["total"], renderer.language.prefix
    # What a ranking page shows besides its rows (the site-wide inputs are the cache's key).
    listing_key = repr([listing[k] for k in ("total", "organizations", "hardware_options")])
    listing_key += repr([listing[k] for k in ("domains", "years", "pages", "bases", "run_total")])
    listing_key += repr([listing[k] for k in ("key", "data_date", "ids")])
    charts_key = repr([(c.id, c.title, c.description) for c in chart_list])
    for number in range(1, listing["pages"] + 1):
        first = (number - 1) * PAGE_SIZE
        shown = range(first, min(total, first + PAGE_SIZE))
        path = "index.html" if number == 1 else f"ranking/{number}/index.html"
        words = charts_key if number == 1 else ""
        hashes = "".join(rows.hashes[i] for i in shown) + rows.ranks_key(shown)
        key = content_key(f"{number}|{listing_key}|{words}|{hashes}".encode())

        def make(path: str = path, number: int = number, shown: range = shown) -> bytes:
            chunk = "".join(rows.ranked_html(i) for i in shown).replace(ROOT_TOKEN, relroot(path))
            extra: dict[str, Any] = listing | {
                "rows_html": chunk,
                "page_number": number,
                "first_rank": shown.start + 1,
                "last_rank": shown.stop,
            }
            if number == 1:
                extra |= {"needs_eval": True, "charts": chart_list}
            template = "index.html" if number == 1 else "ranking.html"
            return renderer.render(path, template, **extra)[1]

        yield Artifact(prefix + path, key, make, "page")


def _rows_file(path: str, rows: Rows) -> Artifact:
    """Every row, for the script that sorts and filters all of them on the first page;
    keyed by the hashes of the rows, in order."""

    def make() -> bytes:
        # {"rows": [...]}, written row by row: 10 MB at 10,000 entries, not held three times
        buffer = io.BytesIO()
        buffer.write(b'{"rows": [')
        for i in range(len(rows.hashes)):
            buffer.write(b", " if i else b"")
            html = rows.ranked_html(i).replace(ROOT_TOKEN, "./").strip()
            buffer.write(json.dumps(html, ensure_ascii=False).encode())
        buffer.write(b"]}")
        return buffer.getvalue()

    key = "".join(rows.hashes) + rows.ranks_key(range(len(rows.hashes)))
    return Artifact(path, content_key(key.encode()), make)
