"""The built site as files: links resolve, pages stay light, CSP holds, sub-path hosting works."""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from builder.build import BuildReport, build_site
from builder.config import SiteConfig

from .conftest import ENTRIES

INDEX_BUDGET_GZIP = 150 * 1024


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[dict[str, str | None]] = []
        self.meta: list[dict[str, str | None]] = []
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        for key in ("href", "src"):
            if a.get(key) and tag != "svg":
                self.refs.append(str(a[key]))
        if tag == "script":
            self.scripts.append(a)
        if tag == "meta":
            self.meta.append(a)
        if tag == "link":
            self.links.append(a)


def _parse(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_every_internal_link_and_asset_resolves(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    base = "http://site.test/"
    parsed = {p: _parse(p) for p in _pages(out)}
    ids_by_file = {p: page.ids for p, page in parsed.items()}
    broken: list[str] = []
    checked = 0
    for path, page in parsed.items():
        if path.name == "404.html":
            continue  # its links are root-absolute by design; checked with --base-url below
        page_url = base + path.relative_to(out).as_posix()
        for ref in page.refs:
            target = urlsplit(urljoin(page_url, ref))
            if target.scheme in ("mailto",) or target.netloc != "site.test":
                continue
            local = out / unquote(target.path.lstrip("/"))
            if target.path.endswith("/"):
                local = local / "index.html"
            checked += 1
            if not local.is_file():
                broken.append(f"{path.relative_to(out)}: {ref}")
            elif (
                target.fragment
                and local.suffix == ".html"
                and target.fragment not in (ids_by_file.get(local) or _parse(local).ids)
            ):
                broken.append(f"{path.relative_to(out)}: {ref} (no such anchor)")
    assert broken == []
    assert checked > 500


def test_external_links_are_only_http(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    for path in _pages(out):
        for ref in _parse(path).refs:
            scheme = urlsplit(ref).scheme
            assert scheme in ("", "http", "https", "mailto"), (path, ref)


def test_every_page_has_a_csp_that_forbids_inline_script(
    built_site: tuple[Path, BuildReport],
) -> None:
    out, _ = built_site
    for path in _pages(out):
        page = _parse(path)
        csp = [
            m["content"]
            for m in page.meta
            if (m.get("http-equiv") or "").lower() == "content-security-policy"
        ]
        assert len(csp) == 1, path
        policy = str(csp[0])
        script_src = re.search(r"script-src ([^;]*)", policy)
        assert script_src is not None
        assert "'unsafe-inline'" not in script_src.group(1)
        assert "default-src 'self'" in policy and "object-src 'none'" in policy
        for script in page.scripts:
            # Only external scripts run; inline blocks are inert JSON data.
            assert script.get("src") or script.get("type") == "application/json", path


def test_eval_is_allowed_only_where_charts_need_it(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    with_eval = [
        p.relative_to(out).as_posix()
        for p in _pages(out)
        if "'unsafe-eval'" in p.read_text(encoding="utf-8")
    ]
    assert with_eval == ["index.html", "zh/index.html"]


def test_index_page_weight_within_budget(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    index = out / "index.html"
    page = _parse(index)
    own = [index] + [
        out / ref for ref in page.refs if ref.startswith("assets/") and "/vendor/" not in ref
    ]
    own += [
        out / ref.removeprefix("./")
        for ref in page.refs
        if ref.startswith("./assets/") and "/vendor/" not in ref
    ]
    total = sum(len(gzip.compress(p.read_bytes(), 9)) for p in set(own) if p.is_file())
    assert total < INDEX_BUDGET_GZIP, total


@pytest.mark.slow
def test_base_url_gives_canonical_links_sitemap_and_a_working_404(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(ENTRIES, out, SiteConfig(base_url="https://example.org/leaderboard"))
    t5 = (out / "models" / "google" / "t5.html").read_text(encoding="utf-8")
    assert (
        '<link rel="canonical" href="https://example.org/leaderboard/models/google/t5.html">' in t5
    )
    assert '<meta property="og:title" content="T5 — ML Training Emissions Leaderboard">' in t5
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/leaderboard/models/google/t5.html</loc>" in sitemap
    assert "<loc>https://example.org/leaderboard/zh/models/google/t5.html</loc>" in sitemap
    assert (
        '<xhtml:link rel="alternate" hreflang="zh-Hans" '
        'href="https://example.org/leaderboard/zh/models/google/t5.html"/>'
    ) in sitemap
    zh_t5 = (out / "zh/models/google/t5.html").read_text(encoding="utf-8")
    assert (
        '<link rel="canonical" href="https://example.org/leaderboard/zh/models/google/t5.html">'
        in zh_t5
    )
    assert (
        '<link rel="alternate" hreflang="en" '
        'href="https://example.org/leaderboard/models/google/t5.html">'
    ) in zh_t5
    assert "404" not in sitemap
    assert "Sitemap: https://example.org/leaderboard/sitemap.xml" in (out / "robots.txt").read_text(
        encoding="utf-8"
    )
    page404 = _parse(out / "404.html")
    assert "https://example.org/leaderboard/assets/style.css" in page404.refs


def test_without_base_url_there_is_no_sitemap(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    assert not (out / "sitemap.xml").exists()
    assert (out / "assets" / "favicon.svg").is_file()


@pytest.mark.parametrize("page", ["methodology", "data", "contribute", "about"])
def test_hand_written_pages_render(built_site: tuple[Path, BuildReport], page: str) -> None:
    out, _ = built_site
    html = (out / page / "index.html").read_text(encoding="utf-8")
    assert "<h1>" in html


def test_data_dictionary_lists_every_column(built_site: tuple[Path, BuildReport]) -> None:
    from builder.present.dataset import COLUMNS

    out, _ = built_site
    html = (out / "data" / "index.html").read_text(encoding="utf-8")
    for column in COLUMNS:
        assert f"<td><code>{column.name}</code></td>" in html


def test_each_catalog_page_renders_every_row(built_site: tuple[Path, BuildReport]) -> None:
    from builder.catalog import load_catalog

    out, _ = built_site
    catalog = load_catalog()
    pages = {
        name: (out / "methodology" / name / "index.html").read_text(encoding="utf-8")
        for name in ("hardware", "pue", "grid")
    }
    for key in catalog.hardware:
        assert f'id="hw-{key}"' in pages["hardware"]
    for key in catalog.regions:
        assert f'id="grid-{key}"' in pages["grid"]
    for key in [*catalog.providers, catalog.industry_pue.key]:
        assert f'id="pue-{key}"' in pages["pue"]


def test_the_methodology_links_each_catalog_page_and_lists_its_contents(
    built_site: tuple[Path, BuildReport],
) -> None:
    out, _ = built_site
    html = (out / "methodology" / "index.html").read_text(encoding="utf-8")
    assert 'id="hw-' not in html  # the catalogs moved to their own pages
    for name in ("hardware", "pue", "grid"):
        assert f'href="./{name}/"' in html or f'href="../methodology/{name}/"' in html
    toc = html[html.index('<nav class="toc"') : html.index("</nav>", html.index('class="toc"'))]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) >= 8 and "ranges" in targets and "basis-hardware-time" in targets
    for target in targets:
        assert f'id="{target}"' in html, target


def test_chinese_pages_put_no_space_after_full_width_punctuation(
    built_site: tuple[Path, BuildReport],
) -> None:
    """Full-width punctuation carries its own space: joining sentences leaves none behind,
    and a short list is separated with 、, not an English comma."""
    out, _ = built_site
    pages = ["index.html", "methodology/index.html", "models/openai/gpt-4.html", "data/index.html"]
    for page in pages:
        html = (out / "zh" / page).read_text(encoding="utf-8")
        stray = re.findall(r".{0,8}[。，、；：！？）] .{0,8}", html)
        assert stray == [], f"zh/{page}: {stray[:5]}"
    gpt4 = (out / "zh" / "models" / "openai" / "gpt-4.html").read_text(encoding="utf-8")
    assert "取自目录：峰值 FLOP/s、利用率、" in gpt4
