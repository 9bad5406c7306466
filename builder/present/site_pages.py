"""One language's pages besides the leaderboard and the model pages: the hand-written pages
(methodology and its catalogs, data, contribute, about), the comparison page, the 404 page,
the choices page and the changes page."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from builder.conventions import BASIS_LABELS
from builder.hashing import content_key
from builder.present import choices, trust
from builder.present import dataset as export
from builder.present.artifact import Artifact
from builder.present.pages import LanguagePages, script_json
from builder.present.ranked import Ranked

# The key of the pages made from the site-wide inputs alone (code, templates, catalogs,
# settings): a build keeps a last output only while those are unchanged.
SITE_WIDE = "site-wide"
COMPARE_PAGE = "compare/index.html"  # filled by compare.js from the models its address names


def language_pages(renderer: LanguagePages, ranked: Ranked, keyed: bool) -> Iterator[Artifact]:
    """The site-wide pages, then the choices and changes pages, each keyed by what it shows."""
    yield from _site_pages(renderer)
    if "choices" in renderer.pages:
        yield _choices_page(renderer, ranked, keyed)
    history = renderer.config.history
    ids = [s.id for s in ranked.summaries]
    yield Artifact(
        renderer.language.prefix + "changes/index.html",
        content_key(trust.changes_key(history, ids).encode()) if keyed else None,
        functools.partial(_changes_page, renderer, frozenset(ids)),
        "page",
    )


def _choices_page(renderer: LanguagePages, ranked: Ranked, keyed: bool) -> Artifact:
    """choices/: the largest runs on the cleanest and dirtiest grid of their year, keyed
    by every entry's what-if inputs in rank order (`Summary.whatif`: which runs qualify
    and what their rows show; the page's words are among the site-wide inputs), so the
    records behind its rows are read only when one of those changed."""
    path = "choices/index.html"
    key = "choices|" + "".join(s.whatif for s in ranked.summaries)
    page = renderer.pages["choices"]

    def make() -> bytes:
        results = (ranked.result(i) for i in range(len(ranked)))
        rows = choices.choice_rows(results, renderer.catalog)
        seed = next((i for i, s in enumerate(ranked.summaries) if s.id == choices.SEED_CASE), None)
        case = None if seed is None else choices.seed_case(ranked.result(seed), renderer.catalog)
        return renderer.render(path, "choices.html", page=page, rows=rows, seed=case)[1]

    return Artifact(
        renderer.language.prefix + path, content_key(key.encode()) if keyed else None, make, "page"
    )


def _changes_page(renderer: LanguagePages, ids: frozenset[str]) -> bytes:
    """The data's revisions, from the entries' git history."""
    context = trust.changes(renderer.config.history)
    return renderer.render("changes/index.html", "changes.html", current=ids, **context)[1]


def _site_pages(renderer: LanguagePages) -> Iterator[Artifact]:
    """The hand-written pages and the 404 page, keyed by the site-wide inputs."""
    prefix, pages, config = renderer.language.prefix, renderer.pages, renderer.config

    def page(path: str, template: str, **context: Any) -> Artifact:
        make = functools.partial(lambda: renderer.render(path, template, **context)[1])
        return Artifact(prefix + path, SITE_WIDE, make, "page")

    if "methodology" in pages:
        yield page(
            "methodology/index.html",
            "methodology.html",
            page=pages["methodology"],
            catalog=renderer.catalog,
            examples=renderer.worked_examples,
        )
        for name in ("hardware", "pue", "grid"):  # the catalogs, each on a page of its own
            yield page(
                f"methodology/{name}/index.html",
                f"catalog_{name}.html",
                catalog=renderer.catalog,
                methodology_title=pages["methodology"].title,
            )
    if "data" in pages:
        cite = trust.load_citation()
        yield page(
            "data/index.html",
            "data.html",
            page=pages["data"],
            columns=export.COLUMNS,
            citation=trust.site_citation(cite, config) if cite else None,
        )
    catalog, _ = renderer.catalog, renderer.gettext
    names = {  # what compare.js shows for the dataset's keys, in this language
        "hardware": {key: hw.name for key, hw in catalog.hardware.items()},
        "basis": {key: _(label) for key, label in BASIS_LABELS.items()},
    }
    yield page(COMPARE_PAGE, "compare.html", names=script_json(names))
    for slug in ("contribute", "about"):
        if slug in pages:
            yield page(f"{slug}/index.html", "page.html", page=pages[slug])
    # Served for any missing path, at any depth: its links cannot be relative.
    site_root = config.site_url or "/"
    yield page("404.html", "404.html", root=site_root, home=site_root + prefix)
