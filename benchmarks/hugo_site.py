"""A Hugo site of our model pages, for the Hugo benchmark (benchmarks/bench_hugo.py).

    python benchmarks/hugo_site.py ENTRIES_DIR SITE_DIR

Copies the layouts of benchmarks/hugo/ and writes, from the results our builder computes:

- content/<lang>/models/<id>.md, one file per model and language: the page's data as JSON
  front matter (raw numbers, message ids, and for the sentences our code composes, a tree
  of message ids, numbers and words), the notes as the Markdown body (Goldmark renders it);
- i18n/en.yaml and i18n/zh.yaml, made of our gettext catalogs: each msgid is a key, its
  `%(name)s` placeholders become `{{ .name }}`;
- data/*.json: what every page shares: the catalog's labels and equivalents, the site's
  citation (CITATION.cff, from which Hugo composes each entry's BibTeX and CSL-JSON) and
  the build's settings (version, repository, build date).

`write_site` takes the settings our build ran with (`built_config`: the entries' last
changes, as `builder build` reads them); without, none (no repository, no history).

Hugo does the formatting (significant digits, grouping, dates) and the translation itself.
The sentences our code composes (the chain, the basis, the formula, where an input comes
from) are recorded by running the same functions that make our pages
(builder.present.model_page) with a gettext and a number formatter that return
placeholders instead of words and digits: the tree says which message, with which numbers.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LAYOUTS = Path(__file__).resolve().parent / "hugo"

from builder.config import SiteConfig  # noqa: E402
from builder.conventions import FIGURE_DIGITS, SHOWN_DIGITS  # noqa: E402
from builder.entries.model import Result  # noqa: E402
from builder.present import model_page  # noqa: E402
from builder.present.i18n import LANGUAGES, SOURCE, Language, read_catalog  # noqa: E402
from builder.present.pages import LINK_LABELS  # noqa: E402

HUGO_LANG = {"en": "en", "zh_Hans_CN": "zh"}  # our catalog code -> Hugo's language key
_TOKEN = re.compile("\ue000(\\d+)\ue001")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")

Segment = str | dict[str, Any]


class Recorder:
    """A gettext and number formatter that leave placeholders, then read them back as a
    tree: a list of words (str) and {"m": msgid, "a": {name: tree}} (a message),
    {"n": value, "d": digits} (a number), {"i": count}, {"p": place name}."""

    def __init__(self) -> None:
        self.items: list[Segment] = []

    def token(self, item: Segment) -> str:
        self.items.append(item)
        return f"\ue000{len(self.items) - 1}\ue001"

    def gettext(self, message: str) -> str:
        return _Message(self, message)

    def number(self, x: float | None, digits: int = SHOWN_DIGITS) -> str:
        return "—" if x is None else self.token({"n": x, "d": digits})

    def value(self, v: float) -> str:
        return self.token({"i": v} if isinstance(v, int) else {"n": v, "d": FIGURE_DIGITS})

    def tree(self, text: str) -> list[Segment]:
        out: list[Segment] = []
        for k, part in enumerate(_TOKEN.split(text)):
            if k % 2 == 0:
                if part:
                    out.append(part)
                continue
            item = self.items[int(part)]
            if "m" in item and isinstance(item, dict):
                item = {"m": item["m"], "a": {n: self.tree(v) for n, v in item["a"].items()}}
            out.append(item)
        return out


class _Message(str):
    """A message id's placeholder; `%` with its values gives another."""

    recorder: Recorder
    msgid: str

    def __new__(cls, recorder: Recorder, msgid: str) -> _Message:
        made = super().__new__(cls, recorder.token({"m": msgid, "a": {}}))
        made.recorder, made.msgid = recorder, msgid
        return made

    def __mod__(self, values: object) -> str:
        assert isinstance(values, dict)
        return self.recorder.token({"m": self.msgid, "a": {k: str(v) for k, v in values.items()}})


class _Places(Mapping[str, str]):
    """Place names, left for Hugo's i18n to translate."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def __getitem__(self, key: str) -> str:
        return self.recorder.token({"p": key})

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 1  # not empty: Input.explain uses it


def plain(tree: list[Segment]) -> str:
    """The message id of a tree that is one message without values (the template gives it
    to Hugo's i18n directly, sparing a partial)."""
    (only,) = tree
    assert isinstance(only, dict) and not only["a"], tree
    return str(only["m"])


@contextmanager
def _recording(rec: Recorder) -> Iterator[None]:
    """model_page.formula_text with the recorder's gettext and numbers."""
    fmt = mock.Mock(number=rec.number)
    tr = mock.Mock(gettext=rec.gettext)
    with (
        mock.patch.object(model_page, "formats", return_value=fmt),
        mock.patch.object(model_page, "translations", return_value=tr),
    ):
        yield


def page_data(
    r: Result,
    rank: tuple[int, int],
    total: int,
    language: Language,
    catalog: Any,
    config: SiteConfig | None = None,
) -> dict[str, Any]:
    """The front matter of a model's page in one language; `rank`: its best and worst."""
    e, rec = r.entry, Recorder()
    _, n, tree = rec.gettext, rec.number, rec.tree
    basis = model_page.basis_words(r, _, language)
    used = model_page.used_inputs(r)
    with _recording(rec):
        formula = [tree(line) for line in model_page.formula_text(r, language)]
    hardware = catalog.hardware.get(e.training.hardware or "")
    return {
        "title": e.name,
        "id": e.id,
        "org": e.organization,
        "released": e.released,
        "domain": e.domain,
        "parameters": e.parameters,
        "rank": list(rank),
        "total": total,
        "co2e": [r.co2e_t, r.co2e_t_low, r.co2e_t_high],
        "energy": [r.energy_mwh, r.energy_mwh_low, r.energy_mwh_high],
        "net": r.net_co2e_t,
        "quality": r.quality,
        "used": len(used),
        "defaulted": sum(1 for i in used if i.provenance == "default"),
        "basis": {
            "key": basis.key,
            "name": plain(tree(basis.name)),
            "summary": plain(tree(basis.summary)),
            "assumed": tree(basis.assumed),
        },
        "chain": [
            {
                "key": link.key,
                "label": plain(tree(link.label)),
                "value": tree(link.value),
                "range": tree(link.range),
                "prov": link.provenance,
                "provlabel": plain(tree(link.provenance_label)),
                "how": tree(link.how),
            }
            for link in model_page.chain(r, _, n)
        ],
        "inputs": [
            {
                "name": i.name,
                "value": i.value,
                "low": i.low,
                "high": i.high,
                "prov": i.provenance,
                "origin": tree(i.explain(_, rec.value, _Places(rec))),
                "citation": i.citation
                and {
                    "url": i.citation.url,
                    "title": i.citation.title,
                    "licence": i.citation.licence,
                },
            }
            for i in r.inputs
        ],
        "hardware": hardware and {"name": hardware.name, "code": e.training.hardware},
        "accelerators": e.training.accelerators,
        "region": e.training.region,
        "year": e.training.year,
        "flops": e.training.flops,
        "basiskey": r.basis,
        "formula": formula,
        "reported": [e.reported.energy_mwh, e.reported.co2e_t, e.reported.net_co2e_t],
        "ratios": [r.energy_ratio, r.co2e_ratio],
        "sources": [{"url": s.url, "title": s.title} for s in e.sources],
        "links": [[LINK_LABELS[k], url] for k, url in sorted((e.links or {}).items())],
        **page_extras(r, catalog, config or SiteConfig()),
    }


def _ratio(x: Any) -> list[float] | None:
    return None if x is None else [x.value, x.low, x.high]


def page_extras(r: Result, catalog: Any, config: SiteConfig) -> dict[str, Any]:
    """The what-if panel's choices, the efficiency figures and the entry's last change."""
    from builder import whatif
    from builder.present.efficiency import efficiency
    from builder.present.trust import last_changed

    eff = efficiency(r)
    changed = last_changed(config, r.entry.id)
    return {
        "whatif": whatif.panel(r.entry, catalog),
        "eff": [
            _ratio(x)
            for x in (
                eff.co2e_per_flop,
                eff.energy_per_flop,
                eff.co2e_per_parameter,
                eff.energy_per_parameter,
            )
        ],
        "changed": changed and {"date": changed.date.isoformat(), "source": changed.source},
    }


def citation_data() -> dict[str, Any] | None:
    """The site's citation (CITATION.cff), for each page's "Cite this entry" block: Hugo
    composes the entry's BibTeX and CSL-JSON from it as builder/present/citation.py does."""
    from builder.present.citation import _bibtex_author, bibtex_text
    from builder.present.trust import load_citation

    c = load_citation()
    if c is None:
        return None
    parts = [int(p) for p in (c.date_released or "").split("-") if p.isdigit()]
    return {
        "title": c.title,
        "bibtitle": bibtex_text(c.title),
        "bibauthor": " and ".join(_bibtex_author(a) for a in c.authors),
        "author": [
            {"family": a.family, "given": a.given} if a.family else {"literal": a.name}
            for a in c.authors
        ],
        "version": c.version,
        "year": c.date_released[:4] if c.date_released else None,
        "issued": parts or None,
        "url": c.url,
    }


def hugo_messages(language: Language) -> dict[str, dict[str, str]]:
    """A Hugo i18n table of our catalog: msgid -> {"other": text with {{ .name }}}."""
    from babel.messages.pofile import read_po

    pot = ROOT / "builder" / "locale" / "messages.pot"
    with pot.open("rb") as fh:
        source = read_po(fh)
    strings: dict[str, str] = {}
    if language != SOURCE:
        from builder.present.i18n import catalog_path

        for m in read_catalog(catalog_path(language)):
            if m.id and isinstance(m.id, str):
                strings[m.id] = str(m.string)
    out = {}
    for m in source:
        if m.id and isinstance(m.id, str):
            text = strings.get(m.id, m.id)
            out[m.id] = {"other": _PLACEHOLDER.sub(r"{{ .\1 }}", text.replace("%%", "%"))}
    return out


def site_data(config: SiteConfig) -> dict[str, str]:
    """What every page shares of the build's settings: the version, and for the "edit"
    and "report a problem" links, the repository and the site's address."""
    from builder import __version__
    from builder.present.trust import ISSUE_FORM

    return {
        "version": __version__,
        "repo": config.repo_url,
        "branch": config.branch,
        "form": ISSUE_FORM,
        "url": config.site_url,
        "built": config.build_date.isoformat() if config.build_date else "",
    }


def built_config(entries: Path) -> SiteConfig:
    """The settings `builder build --entries ENTRIES` runs with (no repository, no base
    URL): the build date of SOURCE_DATE_EPOCH, each entry's last change."""
    from builder.config import build_date_from_env
    from builder.entries.load import entry_file_names
    from builder.history import with_history

    config = SiteConfig(build_date=build_date_from_env())
    return with_history(config, entries, entry_file_names(entries))


def write_site(
    entries: Path, site: Path, keep_public: bool = False, config: SiteConfig | None = None
) -> int:
    """The Hugo site of the entries' model pages, in every language; the pages written.
    With `keep_public`, Hugo's last output (site/public) stays, for a rebuild. `config`:
    the settings our build ran with (repository, entry history), by default none."""
    from builder.catalog import load_catalog
    from builder.compute import compute_results
    from builder.entries.gather import check_paths
    from builder.present.pages import INPUT_LABELS, LABELS, LanguagePages, place_names

    found, _ = check_paths([entries])
    catalog = load_catalog()
    results = compute_results(found, catalog)
    names = {r.entry.id: r.entry.name for r in results}
    for part in ("content", "i18n", "data") if keep_public else ("",):
        shutil.rmtree(site / part, ignore_errors=True)
    shutil.copytree(LAYOUTS, site, dirs_exist_ok=True)
    data = site / "data"
    data.mkdir(exist_ok=True)
    (data / "labels.json").write_text(json.dumps(LABELS), encoding="utf-8")
    (data / "inputs.json").write_text(json.dumps(INPUT_LABELS), encoding="utf-8")
    equivalents = [
        {
            "label": eq.label,
            "per": eq.t_co2e_per_unit,
            "url": eq.source.url,
            "title": eq.source.title,
            "locator": eq.locator,
        }
        for eq in catalog.equivalents
    ]
    config = config or SiteConfig()
    (data / "site.json").write_text(json.dumps(site_data(config)), encoding="utf-8")
    (data / "citation.json").write_text(json.dumps(citation_data()), encoding="utf-8")
    (data / "equivalents.json").write_text(json.dumps(equivalents), encoding="utf-8")
    (site / "i18n").mkdir(exist_ok=True)
    written = 0
    for language in LANGUAGES:
        code = HUGO_LANG[language.code]
        messages = hugo_messages(language)
        pages = LanguagePages(language, catalog, config)
        for slug in ("methodology", "data", "contribute", "about"):  # the nav's page titles
            if slug in pages.pages:
                messages[f"nav-{slug}"] = {"other": pages.pages[slug].title}
        for english, name in place_names(catalog, language).items():
            messages.setdefault(english, {"other": name})
        (site / "i18n" / f"{code}.json").write_text(
            json.dumps(messages, ensure_ascii=False, indent=0), encoding="utf-8"
        )
        for rank, r in enumerate(results, start=1):
            front = page_data(r, (rank, rank), len(results), language, catalog, config)
            run = r.entry.training.same_run_as  # the entry whose training run it reuses
            front["samerun"] = run in names and [run, names[run]]
            page = site / "content" / code / "models" / f"{r.entry.id}.md"
            page.parent.mkdir(parents=True, exist_ok=True)
            body = json.dumps(front, ensure_ascii=False)
            page.write_text(f"{body}\n{r.entry.notes or ''}", encoding="utf-8")
            written += 1
    return written


def main() -> None:
    entries, site = Path(sys.argv[1]), Path(sys.argv[2])
    print(f"{write_site(entries, site)} pages written below {site}")


if __name__ == "__main__":
    main()
