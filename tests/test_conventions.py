"""What every stage agrees on (builder/conventions.py) is said once and used everywhere."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder import conventions
from builder.catalog import load_catalog
from builder.compute import compute_result
from builder.contrib.preview import preview_markdown
from builder.conventions import (
    CHART_DOMAINS,
    DOMAINS,
    FIGURE_DIGITS,
    FLAG_PERCENT,
    SHOWN_DIGITS,
    format_number,
    is_flagged,
    model_path,
    significant,
)
from builder.entries.gather import check_paths
from builder.entries.model import Result
from builder.entries.schema import ENTRY
from builder.present import charts
from builder.present.dataset import COLUMNS
from builder.present.i18n import LANGUAGES, SOURCE, formats

from .conftest import ENTRIES, ROOT


@pytest.fixture(scope="module")
def results() -> list[Result]:
    catalog = load_catalog()
    entries, _ = check_paths(sorted(ENTRIES.rglob("*.yaml")))
    return [compute_result(e, catalog) for e in entries]


def _shown(text: str) -> float:
    """The value a figure written for people stands for (English symbols)."""
    return float(text.replace(",", ""))


def test_a_figure_is_rounded_the_same_way_in_the_dataset_the_charts_and_the_pages(
    results: list[Result],
) -> None:
    column = {c.name: c for c in COLUMNS}
    labels = charts.domain_labels(SOURCE)
    fmt = formats(SOURCE)
    pairs = {"co2e_t": "co2e_t", "co2e_t_low": "co2e_low", "co2e_t_high": "co2e_high"}
    pairs["energy_mwh"] = "energy_mwh"
    for r in results:
        row = charts._row(r, labels)
        for name, key in pairs.items():
            exact = getattr(r, name)
            published = column[name].get(r)
            assert published == row[key] == significant(exact, FIGURE_DIGITS), (r.entry.id, name)
            if exact is None:  # a reported-co2e entry without a stated intensity has no energy
                assert name == "energy_mwh" and r.basis == "reported-co2e", (r.entry.id, name)
                continue
            # A page writes the same value to fewer digits, through the same rounding;
            # whole digits are never dropped.
            for digits in (SHOWN_DIGITS, 4):
                expected = significant(exact, digits) if abs(exact) < 10**digits else round(exact)
                assert math.isclose(_shown(fmt.number(exact, digits)), expected, rel_tol=1e-12)
        assert row["url"] == model_path(r.entry.id)


def test_significant_keeps_digits_and_gives_whole_numbers_as_integers() -> None:
    assert significant(11028.0139) == 11028
    assert isinstance(significant(11028.0139), int)
    assert significant(0.118912345) == 0.118912
    assert significant(1.0018456) == 1.00185
    assert significant(3.14e23) == 3.14e23
    assert significant(None) is None
    assert significant(0.0) == 0.0
    assert format_number(123456.7) == "123,457"
    assert format_number(0.0123456) == "0.0123"
    assert format_number(9.996) == "10"


def test_the_flag_threshold_is_one_number_for_pages_and_previews(results: list[Result]) -> None:
    assert f"{conventions.FLAG_RATIO:.0%}" == FLAG_PERCENT
    below, above = 1 + conventions.FLAG_RATIO * 0.9, 1 + conventions.FLAG_RATIO * 1.1
    assert not is_flagged(below) and is_flagged(above) and is_flagged(2 - above)
    r = results[0]
    for ratio, flagged in ((below, False), (above, True)):
        preview = preview_markdown([_with_ratio(r, ratio)], [])
        assert ("⚠" in preview) is flagged


def _with_ratio(r: Result, ratio: float) -> Result:
    import dataclasses

    return dataclasses.replace(r, co2e_ratio=ratio)


def test_the_schema_the_charts_and_the_filters_share_one_domain_list() -> None:
    assert ENTRY.fields["domain"].choices == DOMAINS
    assert (*DOMAINS, conventions.UNKNOWN_DOMAIN) == CHART_DOMAINS
    for language in LANGUAGES:
        assert list(charts.domain_labels(language)) == list(CHART_DOMAINS)
    # The dataset's description of the column is a translated sentence: it names them all.
    (domain,) = [c for c in COLUMNS if c.name == "domain"]
    assert set(re.findall(r"[a-z]+", domain.description)) - {"or"} == set(DOMAINS)


# Literals that belong to builder/conventions.py only, line by line.
SAID_ONCE = {
    "a domain list": re.compile(r"""["']multimodal["']|\bspeech\b.{0,20}\bmultimodal\b"""),
    "a model page's URL": re.compile(r"models/\{"),
    "the flag threshold": re.compile(r"(?i)(flag|ratio).*\b0\.10?(?!\d)|\b10%"),
}


def repeats(root: Path) -> list[str]:
    """Each line of the builder, the templates and the scripts that says one of SAID_ONCE."""
    files = [
        *(root / "builder").rglob("*.py"),
        *(root / "templates").rglob("*.html"),
        *(root / "site" / "assets").glob("*.js"),
    ]
    found = []
    for path in files:
        if path.name == "conventions.py":
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == "dataset.py":  # the translated sentence the test above checks
            text = text.replace("language, vision, speech, multimodal, code, science or other.", "")
        for number, line in enumerate(text.splitlines(), 1):
            for what, pattern in SAID_ONCE.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(root)}:{number}: {what}: {line.strip()}")
    return found


def test_no_other_module_or_template_repeats_what_conventions_says() -> None:
    found = repeats(ROOT)
    assert not found, "\n".join(found)


def test_entries_and_the_computation_do_not_import_the_presentation() -> None:
    modules = [
        "builder.entries.load",
        "builder.entries.validate",
        "builder.entries.plausibility",
        "builder.entries.model",
        "builder.compute",
    ]
    code = (
        f"import sys\nfor m in {modules!r}: __import__(m)\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('builder.present'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(ROOT), capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


def test_conventions_imports_nothing_from_the_builder() -> None:
    source = (ROOT / "builder" / "conventions.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(from|import) builder", source, re.MULTILINE)
