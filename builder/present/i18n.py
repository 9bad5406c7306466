"""The site's languages: gettext catalogs compiled at build time, and locale-aware formatting.

English is the source language: its text is the message ids, written in the
templates and code, and it is published at the site root. Every other
language has a catalog, builder/locale/<code>/LC_MESSAGES/messages.po, made
and updated with Babel from builder/locale/messages.pot (see README,
"Translating"). A build compiles each catalog in memory and refuses one with
an untranslated or fuzzy message, and a page that asks for a message the
catalog lacks fails the build: a reader never meets English where their
language was promised, except for an entry's own words (names, notes, source
titles), which exist only in English and are marked `lang="en"`.

Numbers use the locale's symbols from CLDR (through Babel) with the site's
own significant-digit rounding; dates go through Babel's date skeletons.
"""

from __future__ import annotations

import datetime
import functools
import gettext as _gettext
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from builder.config import PACKAGE_DIR
from builder.conventions import FIGURE_DIGITS, SHOWN_DIGITS, format_estimate, format_number
from builder.entries.errors import ProjectFileInvalid

if TYPE_CHECKING:  # Babel loads only when pages are rendered: `check` stays quick
    from babel import Locale
    from babel.messages.catalog import Catalog as MessageCatalog

LOCALE_DIR = PACKAGE_DIR / "locale"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    """One published language: its catalog code, URL prefix, `lang` tag and own name."""

    code: str  # catalog folder under builder/locale, and Babel locale
    prefix: str  # "" for the site root, else "zh/"
    tag: str  # BCP 47, for <html lang> and hreflang
    name: str  # in its own language, for the switch


LANGUAGES: tuple[Language, ...] = (
    Language("en", "", "en", "English"),
    Language("zh_Hans_CN", "zh/", "zh-Hans", "简体中文"),
)
SOURCE = LANGUAGES[0]


class TranslationError(ProjectFileInvalid):
    """A catalog that cannot be used: untranslated, fuzzy or unreadable messages."""


def catalog_path(language: Language) -> Path:
    """The .po file of a language (English has none: it is the source)."""
    return LOCALE_DIR / language.code / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path) -> MessageCatalog:
    """A .po file as a Babel catalog."""
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        return read_po(fh, abort_invalid=True)


def catalog_problems(catalog: MessageCatalog, path: Path) -> list[str]:
    """Each untranslated or fuzzy message, as `path:line: problem "msgid"`."""
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        where = f"{path}:{message.lineno}" if message.lineno else str(path)
        text = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(
                f'{where}: fuzzy (review it, then remove the "#, fuzzy" line): {text!r}'
            )
        elif not all(strings):
            problems.append(f"{where}: no translation: {text!r}")
        else:
            ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
            problems.extend(_placeholder_problems(ids, [str(s) for s in strings], where))
    for message in catalog.obsolete.values():
        problems.append(f"{path}: obsolete message left in the catalog (delete it): {message.id!r}")
    return problems


_PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]")


def _placeholder_problems(ids: tuple[str, ...], strings: list[str], where: str) -> list[str]:
    """A translation whose %(name)s placeholders are not those of its message id: the
    page would fail, or show a placeholder's name, when it is filled in."""
    wanted = [sorted(set(_PLACEHOLDER.findall(text))) for text in ids]
    problems = []
    for string in strings:
        found = sorted(set(_PLACEHOLDER.findall(string)))
        if found not in wanted:
            problems.append(
                f"{where}: the translation's placeholders {', '.join(found) or '(none)'} differ "
                f"from the message's {', '.join(wanted[-1]) or '(none)'} (keep each %(name)s "
                f"as it is in msgid, translating only the words around it): {ids[0]!r}"
            )
    return problems


# Per language code: the message ids a build asked for and its catalog lacks (shared by
# every compiled copy of the catalog in this process).
_MISSING: dict[str, set[str]] = {}


class StrictTranslations(_gettext.GNUTranslations):
    """Translations that remember every message id they do not have, instead of hiding it."""

    def __init__(self, fp: io.BytesIO, code: str = "") -> None:
        self.missing: set[str] = _MISSING.setdefault(code, set())
        super().__init__(fp)

    def gettext(self, message: str) -> str:
        if message not in self._catalog:  # type: ignore[attr-defined]
            self.missing.add(message)
            return message
        return super().gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        if (msgid1, 0) not in self._catalog:  # type: ignore[attr-defined]
            self.missing.add(msgid1)
        return super().ngettext(msgid1, msgid2, n)


class SourceTranslations(_gettext.NullTranslations):
    """English: the message ids are the text."""

    missing: set[str] = set()  # noqa: RUF012 - never filled: English lacks nothing


_SOURCE_TRANSLATIONS = SourceTranslations()


def translations(language: Language) -> _gettext.NullTranslations:
    """The compiled catalog of a language; TranslationError if it is incomplete.

    Compiled once per version of the .po file, so `serve` picks up a translator's edit.
    (builder.incremental.memo keeps compiled catalogs in the build cache's folder.)
    """
    if language == SOURCE:
        return _SOURCE_TRANSLATIONS
    path, st = catalog_version(language)
    return _compiled(path, st.st_mtime_ns, st.st_size)


def catalog_version(language: Language) -> tuple[Path, os.stat_result]:
    """The .po file of a language and its status now; TranslationError if there is none."""
    path = catalog_path(language)
    try:
        return path, path.stat()
    except FileNotFoundError as exc:
        raise TranslationError(f"{path}: no catalog for {language.tag}") from exc


@functools.lru_cache(maxsize=8)
def _compiled(path: Path, mtime_ns: int, size: int) -> StrictTranslations:
    return strict_translations(compile_messages(path, read_source(path)), path)


def strict_translations(compiled: bytes, path: Path) -> StrictTranslations:
    """The translations of a compiled catalog (.mo bytes) made of the .po file `path`."""
    return StrictTranslations(io.BytesIO(compiled), path.parent.parent.name)


def read_source(path: Path) -> bytes:
    """The bytes of a .po file; TranslationError if it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TranslationError(f"{path}: cannot be read: {exc}") from exc


def compile_messages(path: Path, source: bytes) -> bytes:
    """The .po file `path` (its bytes: `source`) compiled to .mo bytes; TranslationError,
    as `path:line: problem`, for a file that cannot be read or a message that cannot be
    used."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        catalog = read_po(io.BytesIO(source), abort_invalid=True)
    except PoFileError as exc:
        what = str(exc).removesuffix(f" on {exc.lineno}")  # Babel counts lines from 0
        raise TranslationError(
            f"{path}:{exc.lineno + 1}: not a valid .po file: {what} in {exc.line.strip()!r} "
            '(each entry is msgid "..." then msgstr "...", every string quoted)'
        ) from exc
    except Exception as exc:  # Babel raises several kinds for a malformed file
        raise TranslationError(f"{path}:1: cannot be read: {exc}") from exc
    problems = catalog_problems(catalog, path)
    if problems:
        raise TranslationError("\n".join(problems))
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def forget() -> None:
    """Drop the catalogs compiled in this process: the next call compiles again."""
    _compiled.cache_clear()


def missing_messages(language: Language) -> set[str]:
    """Message ids a build asked of this language's catalog and did not find."""
    if language == SOURCE:
        return set()
    return _MISSING.setdefault(language.code, set())


def reset_missing() -> None:
    """Forget the messages recorded missing (a new build starts)."""
    for language in LANGUAGES:
        missing_messages(language).clear()


def check_complete() -> None:
    """TranslationError naming every message a page asked for that a catalog lacks."""
    problems = [
        f"{catalog_path(language)}: no translation for {message!r}"
        for language in LANGUAGES
        for message in sorted(missing_messages(language))
    ]
    if problems:
        raise TranslationError(
            "\n".join(problems)
            + "\nrun scripts/update-translations, translate the new messages, then build again"
        )


@dataclass
class Formats:
    """Numbers and dates the way a language writes them (CLDR data through Babel)."""

    language: Language
    locale: Locale = field(init=False)
    group: str = field(init=False)
    decimal: str = field(init=False)

    def __post_init__(self) -> None:
        from babel import Locale, numbers

        self.locale = Locale.parse(self.language.code)
        self.group = numbers.get_group_symbol(self.locale)
        self.decimal = numbers.get_decimal_symbol(self.locale)

    def number(self, x: float | None, digits: int = SHOWN_DIGITS) -> str:
        """`digits` significant digits, the locale's grouping and decimal mark; '—' if unknown.

        Equal to Babel's format_decimal of the rounded value with pattern `#,##0.###…`
        (tests/test_i18n.py checks that) at a quarter of its cost (3 µs against 13 µs
        here): model pages hold dozens of numbers.
        """
        return self._symbols(format_number(x, digits))

    def estimate(self, x: float | None, digits: int = SHOWN_DIGITS) -> str:
        """A figure that carries a range (see conventions.format_estimate), as the language
        writes numbers: `digits` significant digits, whole digits included."""
        return self._symbols(format_estimate(x, digits))

    def _symbols(self, text: str) -> str:
        if self.group == "," and self.decimal == ".":
            return text
        return text.replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)

    def integer(self, n: int) -> str:
        """A count with the locale's grouping."""
        return self._symbols(f"{n:,}")

    def value(self, v: int | float) -> str:
        """A count with grouping, or a measured value to 6 significant digits."""
        return self.integer(v) if isinstance(v, int) else self.number(v, FIGURE_DIGITS)

    def released(self, value: str | None) -> str:
        """A release date given as YYYY, YYYY-MM or YYYY-MM-DD, as the language writes it."""
        return _released(self.language.code, value) if value else "—"

    def date(self, value: datetime.date) -> str:
        """A full date, e.g. for when the site was built."""
        from babel.dates import format_date

        return format_date(value, format="long", locale=self.locale)


@functools.lru_cache(maxsize=4096)
def _released(code: str, value: str) -> str:
    from babel import Locale
    from babel.dates import format_skeleton

    if code == SOURCE.code:
        return value  # ISO dates read well in English tables and sort as text
    parts = [int(p) for p in value.split("-")]
    day = datetime.date(
        parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
    )
    skeleton = {1: "y", 2: "yMMM", 3: "yMMMd"}[len(parts)]
    return format_skeleton(skeleton, day, locale=Locale.parse(code))


@functools.cache
def formats(language: Language) -> Formats:
    """The shared Formats of a language."""
    return Formats(language)


def strip_prefix(path: str) -> str:
    """A page's path with its language prefix removed."""
    for language in LANGUAGES:
        if language.prefix and path.startswith(language.prefix):
            return path[len(language.prefix) :]
    return path


def extract_labels(
    fileobj: IO[bytes], keywords: object, comment_tags: object, options: object
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for catalog YAML files: every `label:` value is a message.

    babel.cfg names it for builder/data/equivalents.yaml, whose labels readers see.
    """
    import yaml

    def walk(node: yaml.Node) -> Iterator[tuple[int, str, str, list[str]]]:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == "label" and isinstance(value, yaml.ScalarNode):
                    yield value.start_mark.line + 1, "N_", value.value, []
                else:
                    yield from walk(value)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                yield from walk(item)

    root = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    if root is not None:
        yield from walk(root)
