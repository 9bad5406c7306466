"""Both languages: complete catalogs, a build that refuses gaps, and mirrored, linked pages."""

from __future__ import annotations

import math
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.build import BuildReport
from builder.catalog import load_catalog
from builder.config import DEFAULT_TITLE, SiteConfig
from builder.incremental import memo
from builder.present import i18n
from builder.present.i18n import LANGUAGES, SOURCE, TranslationError, catalog_path, formats
from builder.present.ranked import Listing
from builder.present.site import ChartFiles, site_files

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|%%")
TAG = re.compile(r"</?[a-z]+")


def _extracted() -> set[str]:
    """Every message id in builder/ and templates/, extracted as babel.cfg says."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids: set[str] = set()
    for folder in ("builder", "templates"):
        for _, _, message, _, _ in extract_from_dir(
            ROOT / folder,
            method_map,
            options_map,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    return _extracted()


def test_the_template_catalog_is_up_to_date(extracted: set[str]) -> None:
    with (ROOT / "builder/locale/messages.pot").open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    assert extracted - template == set(), "new messages: run scripts/update-translations"
    assert template - extracted == set(), "stale messages: run scripts/update-translations"
    assert len(extracted) > 150  # the extraction really read the templates and the code


@pytest.mark.parametrize("language", TRANSLATED, ids=lambda lang: lang.tag)
def test_every_message_has_a_reviewed_translation(
    language: i18n.Language, extracted: set[str]
) -> None:
    catalog = i18n.read_catalog(catalog_path(language))
    assert i18n.catalog_problems(catalog, catalog_path(language)) == []
    translated = {m.id: m.string for m in catalog if m.id}
    assert extracted - set(translated) == set()
    for message_id in extracted:
        text = translated[message_id]
        assert isinstance(text, str) and text.strip(), message_id
        # The same placeholders and markup, so nothing is lost or broken in translation.
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(message_id))
        assert sorted(TAG.findall(text)) == sorted(TAG.findall(message_id)), message_id


def _rewrite(path: Path, edit: Callable[[Any], None]) -> None:
    """Apply `edit(catalog)` to a .po file."""
    with path.open("rb") as fh:
        catalog = read_po(fh)
    edit(catalog)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)


def _copy_catalogs(tmp_path: Path, edit: Callable[[Any], None]) -> Path:
    """A copy of builder/locale with `edit(catalog)` applied to every translated language."""
    folder = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, folder)
    for language in TRANSLATED:
        _rewrite(folder / language.code / "LC_MESSAGES" / "messages.po", edit)
    return folder


@pytest.fixture()
def isolated_catalogs(monkeypatch: pytest.MonkeyPatch) -> object:
    """Let a test point the builder at other catalogs; compiled ones are forgotten after."""
    yield monkeypatch
    memo.forget()


def _render(results: list[object], templates_dir: Path | None = None) -> None:
    charts = ChartFiles({lang.code: [] for lang in LANGUAGES}, "<svg/>")
    kwargs = {"templates_dir": templates_dir} if templates_dir else {}
    listing = Listing(results)  # type: ignore[arg-type]
    for artifact in site_files(listing, load_catalog(), SiteConfig(), charts, **kwargs):  # type: ignore[arg-type]
        artifact.make()


def test_an_untranslated_message_fails_the_build_naming_file_and_line(
    tmp_path: Path, isolated_catalogs: pytest.MonkeyPatch, built_site: tuple[Path, BuildReport]
) -> None:
    def blank(catalog: object) -> None:
        catalog["Search"].string = ""  # type: ignore[index]

    isolated_catalogs.setattr(i18n, "LOCALE_DIR", _copy_catalogs(tmp_path, blank))
    with pytest.raises(TranslationError) as caught:
        _render(built_site[1].results)  # type: ignore[arg-type]
    assert re.search(r"messages\.po:\d+: no translation: 'Search'", str(caught.value))


def test_a_compiled_catalog_is_kept_and_a_damaged_copy_compiled_again(
    tmp_path: Path, isolated_catalogs: pytest.MonkeyPatch
) -> None:
    language = TRANSLATED[0]
    memo.forget()
    translated = memo.translations(language, tmp_path).gettext("Search")
    assert translated != "Search"
    (kept,) = (tmp_path / "messages").iterdir()
    compiled = kept.read_bytes()
    for damage in (b"", b"not a catalog", compiled[: len(compiled) // 2]):
        kept.write_bytes(damage)
        memo.forget()
        assert memo.translations(language, tmp_path).gettext("Search") == translated
        assert kept.read_bytes() == compiled


def test_a_catalog_with_problems_is_not_kept(
    tmp_path: Path, isolated_catalogs: pytest.MonkeyPatch
) -> None:
    def fuzz(catalog: object) -> None:
        catalog["Search"].flags.add("fuzzy")  # type: ignore[index]

    isolated_catalogs.setattr(i18n, "LOCALE_DIR", _copy_catalogs(tmp_path, fuzz))
    for _ in range(2):  # the second time too: nothing was kept that would let it pass
        with pytest.raises(i18n.TranslationError, match="fuzzy"):
            memo.translations(TRANSLATED[0], tmp_path)
        memo.forget()
    assert not (tmp_path / "messages").exists()


def test_a_fuzzy_message_fails_the_build(
    tmp_path: Path, isolated_catalogs: pytest.MonkeyPatch, built_site: tuple[Path, BuildReport]
) -> None:
    def fuzz(catalog: object) -> None:
        catalog["Search"].flags.add("fuzzy")  # type: ignore[index]

    isolated_catalogs.setattr(i18n, "LOCALE_DIR", _copy_catalogs(tmp_path, fuzz))
    with pytest.raises(TranslationError, match=r"fuzzy .*'Search'"):
        _render(built_site[1].results)  # type: ignore[arg-type]


def test_a_page_asking_for_a_message_the_catalog_lacks_fails_the_build(
    tmp_path: Path, isolated_catalogs: pytest.MonkeyPatch, built_site: tuple[Path, BuildReport]
) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    page = templates / "404.html"
    page.write_text(
        page.read_text().replace(
            "{% block main %}", '{% block main %}{{ _("Words nobody translated") }}'
        )
    )
    with pytest.raises(TranslationError, match="no translation for 'Words nobody translated'"):
        _render(built_site[1].results, templates)  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(
    st.floats(min_value=-1e14, max_value=1e14, allow_nan=False).filter(
        lambda x: x == 0 or abs(x) >= 1e-4
    ),
    st.integers(min_value=1, max_value=6),
)
def test_numbers_are_what_babel_writes_for_each_language(x: float, digits: int) -> None:
    for language in LANGUAGES:
        fmt = formats(language)
        if x == 0:
            assert fmt.number(x, digits) == "0"
            continue
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
        pattern = "#,##0." + "#" * decimals if decimals else "#,##0"
        expected = format_decimal(round(x, decimals), format=pattern, locale=fmt.locale)
        assert fmt.number(x, digits) == expected


def test_dates_follow_the_language() -> None:
    english, chinese = (formats(lang) for lang in LANGUAGES)
    assert english.released("2020-05") == "2020-05"
    assert chinese.released("2020-05") == "2020年5月"
    assert chinese.released("2019-10-23") == "2019年10月23日"
    assert chinese.released("2018") == "2018年"
    assert chinese.released(None) == "—"


class _Page(HTMLParser):
    """An HTML page's lang, alternates, and text outside elements marked lang="en"."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.alternates: dict[str, str] = {}
        self.text: list[str] = []
        self._stack: list[bool] = []  # per open element: inside English text?
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang") or ""
        if tag == "link" and a.get("rel") == "alternate":
            self.alternates[a.get("hreflang") or ""] = a.get("href") or ""
        if tag in ("link", "meta", "br", "img", "input", "image", "line", "circle", "rect"):
            return
        english = (self._stack[-1] if self._stack else False) or a.get("lang") == "en"
        self._stack.append(english)
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._skip -= 1
        if self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip and not (self._stack and self._stack[-1]):
            self.text.append(data)


def _parse(path: Path) -> _Page:
    parser = _Page()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _file_of(page: Path, href: str) -> Path:
    """The file a relative link of `page` opens (a folder serves its index.html)."""
    target = (page.parent / href).resolve()
    return target / "index.html" if href.endswith("/") else target


def test_every_page_exists_in_both_languages_and_links_its_counterparts(
    built_site: tuple[Path, BuildReport],
) -> None:
    out, _ = built_site
    chinese = LANGUAGES[1]
    pages = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    english = {p for p in pages if not p.startswith(chinese.prefix)}
    assert {chinese.prefix + p for p in english} == pages - english
    for rel in sorted(pages):
        if rel.endswith("404.html"):
            continue  # served at any depth: its links are absolute
        page = _parse(out / rel)
        language = chinese if rel.startswith(chinese.prefix) else SOURCE
        assert page.lang == language.tag, rel
        assert set(page.alternates) == {"en", "zh-Hans", "x-default"}, rel
        for tag, href in page.alternates.items():
            target = _file_of(out / rel, href)
            assert target.is_file(), (rel, tag, href)
        assert _file_of(out / rel, page.alternates["en"]) == (out / i18n.strip_prefix(rel))
        assert _file_of(out / rel, page.alternates["zh-Hans"]) == (
            out / chinese.prefix / i18n.strip_prefix(rel)
        )


def test_the_dataset_is_shared_not_copied(built_site: tuple[Path, BuildReport]) -> None:
    out, _ = built_site
    for name in ("leaderboard.csv", "leaderboard.json", "datapackage.json"):
        assert (out / "data" / name).is_file()
        assert not (out / "zh" / "data" / name).exists()
    data_page = (out / "zh/data/index.html").read_text(encoding="utf-8")
    assert 'href="../../data/leaderboard.csv"' in data_page
    assert "<code>co2e_t</code>" in data_page  # column names stay English
    assert "标准化的基于位置的排放量。" in data_page  # their meaning is translated


def test_chinese_pages_show_no_english_interface_text(
    built_site: tuple[Path, BuildReport], extracted: set[str]
) -> None:
    """No English message (beyond symbols and units) shows on a Chinese page, outside
    the text an entry or a catalog has only in English, which is marked lang="en"."""
    out, _ = built_site
    phrases = [
        m
        for m in extracted
        if len(m) >= 8
        and " " in m
        and "%" not in m
        and "<" not in m
        and m != DEFAULT_TITLE  # the About page cites the dataset by its English name too
    ]
    assert len(phrases) > 60
    for rel in (
        "zh/index.html",
        "zh/models/google/t5.html",
        "zh/methodology/index.html",
        "zh/data/index.html",
        "zh/about/index.html",
        "zh/ranking/1/index.html",
    ):
        path = out / rel
        if not path.is_file():
            continue  # a single page of rankings has no ranking/1/
        text = " ".join(" ".join(_parse(path).text).split())
        leftovers = [p for p in phrases if p in text]
        assert leftovers == [], rel
        assert re.search(r"[\u4e00-\u9fff]", text), rel


def test_an_edited_catalog_is_compiled_again(
    tmp_path: Path, isolated_catalogs: pytest.MonkeyPatch
) -> None:
    """`serve` rebuilds in one process: a translator's edit must show without a restart."""
    chinese = TRANSLATED[0]
    isolated_catalogs.setattr(i18n, "LOCALE_DIR", _copy_catalogs(tmp_path, lambda c: None))
    assert i18n.translations(chinese).gettext("Search") == "搜索"

    def reword(catalog: object) -> None:
        catalog["Search"].string = "查找模型"  # type: ignore[index]

    _rewrite(catalog_path(chinese), reword)
    assert i18n.translations(chinese).gettext("Search") == "查找模型"
