"""Markdown -> sanitized HTML: an entry's notes, and the site's own pages with the ids
and list of their headings (for a table of contents)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

from builder.config import SITE_DIR
from builder.present.i18n import SOURCE, Language, TranslationError

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


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    import markdown  # imported by the builds that convert some Markdown only

    return markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code"], output_format="html"
    )


@functools.lru_cache(maxsize=1)
def _page_markdown() -> markdown.Markdown:
    """Markdown for the site's own pages: headings get ids, for their table of contents."""
    import markdown
    from markdown.extensions.toc import TocExtension, slugify_unicode

    toc = TocExtension(slugify=slugify_unicode, permalink=False, toc_depth="2-3")
    return markdown.Markdown(
        extensions=["tables", "sane_lists", "fenced_code", toc], output_format="html"
    )


def render_markdown(text: str, headings: list[tuple[int, str, str]] | None = None) -> str:
    """Markdown -> sanitized HTML: no script, style, event handlers or non-web links.

    With `headings` (a site page's, never an entry's notes), headings keep ids, and each
    of level 2 and 3 is added to it as (level, id, text).
    """
    import nh3

    md = _markdown() if headings is None else _page_markdown()
    md.reset()
    html = md.convert(text)
    attributes = ALLOWED_ATTRIBUTES
    if headings is not None:
        attributes = {**attributes, **{h: {"id"} for h in ("h2", "h3", "h4")}}
        pending = list(getattr(md, "toc_tokens", []))
        while pending:
            token = pending.pop(0)
            headings.append((token["level"], token["id"], unescape(token["name"])))
            pending[:0] = token["children"]
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=attributes,
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
    def _converted(self) -> tuple[str, list[tuple[int, str, str]]]:
        headings: list[tuple[int, str, str]] = []
        return render_markdown(self.body, headings), headings

    @property
    def html(self) -> str:
        """The body as sanitized HTML (converted when a build renders the page)."""
        return self._converted[0]

    @property
    def headings(self) -> list[tuple[int, str, str]]:
        """The body's headings of levels 2 and 3: (level, id, text), in order."""
        return self._converted[1]


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
