"""A broken catalog or translation file is reported as `file:line: what to fix`, never as
a traceback: the command line prints it and exits with 1."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from builder import catalog
from builder.catalog_rows import CatalogError
from builder.entries.errors import BuildFailed
from builder.incremental import memo
from builder.present import i18n
from tests.conftest import copy_project, run_builder

ENTRY = "allenai/elmo.yaml"
PO = Path("builder/locale/zh_Hans_CN/LC_MESSAGES/messages.po")

# (file, text replaced, its replacement, words the message must hold)
BREAKAGES = [
    ("pue.yaml", "industry:", "industry: [oops", "not valid YAML"),
    ("hardware.yaml", "    vendor: NVIDIA", "    vendor: [NVIDIA]", "expected text"),
    ("grid.yaml", "kg_per_kwh: {2000: 0.5273", "kg_per_kwh: {2000: lots", "expected kg CO2e"),
    ("pue.yaml", "pue: {", "pue: {twenty: 1.2, ", "expected a year"),
    (
        "equivalents.yaml",
        "source: epa-green-vehicles",
        "source: epa-green-vehiclez",
        "did you mean epa-green-vehicles",
    ),
    ("hardware.yaml", "accelerators:", "accelerators: 3\nformer_accelerators:", "mapping"),
]


def _break(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file by `new`; the 1-based line where that happened."""
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of builder/data that the catalog reads instead; nothing is kept after."""
    folder = tmp_path / "data"
    shutil.copytree(catalog.DATA_DIR, folder)
    monkeypatch.setattr(catalog, "DATA_DIR", folder)
    memo.forget()
    yield folder
    memo.forget()


@pytest.mark.parametrize(("name", "old", "new", "words"), BREAKAGES)
@pytest.mark.parametrize("cached", [False, True])
def test_a_broken_catalog_names_file_and_line(
    data_copy: Path, tmp_path: Path, name: str, old: str, new: str, words: str, cached: bool
) -> None:
    line = _break(data_copy / name, old, new)
    with pytest.raises(BuildFailed) as caught:
        memo.load_catalog(tmp_path / "cache" if cached else None)
    message = str(caught.value)
    match = re.match(rf"(.*{re.escape(name)}):(\d+): ", message)
    assert match, message
    assert Path(match.group(1)).resolve() == (data_copy / name).resolve()
    assert int(match.group(2)) in (line, line + 1), message  # YAML errors show where it noticed
    assert words in message


def test_a_catalog_parsed_before_is_still_checked(data_copy: Path, tmp_path: Path) -> None:
    """A parsed copy kept in the cache folder does not hide a mistake made since."""
    cache = tmp_path / "cache"
    memo.load_catalog(cache)
    line = _break(data_copy / "grid.yaml", "    source: owid-energy", "    source: owid")
    memo.forget()
    with pytest.raises(CatalogError, match=rf"grid\.yaml:{line}: regions: WORLD: source"):
        memo.load_catalog(cache)


def test_check_reports_a_broken_catalog_without_a_traceback(tmp_path: Path) -> None:
    base = copy_project(tmp_path / "project", [ENTRY])
    line = _break(base / "builder/data/hardware.yaml", "    name: NVIDIA Tesla P100", "    nam: x")
    run = run_builder("check", "entries", cwd=base, code=base)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"error: builder/data/hardware.yaml:{line - 1}: "), run.stderr
    assert "missing 'name'" in run.stderr


def test_build_reports_a_broken_catalog_without_a_traceback(tmp_path: Path) -> None:
    base = copy_project(tmp_path / "project", [ENTRY])
    line = _break(base / "builder/data/grid.yaml", "    kind: world", "    kind: [world]")
    run = run_builder("build", "--no-cache", "--out", "_site", cwd=base, code=base)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith(f"error: builder/data/grid.yaml:{line}: "), run.stderr


def _po_error(tmp_path: Path, old: str, new: str) -> tuple[str, int]:
    base = copy_project(tmp_path / "project", [ENTRY])
    line = _break(base / PO, old, new)
    run = run_builder("build", "--no-cache", "--out", "_site", cwd=base, code=base)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    return run.stderr, line


def test_a_malformed_translation_file_names_its_line(tmp_path: Path) -> None:
    err, line = _po_error(tmp_path, 'msgstr "搜索"', 'msgstr "搜索"\nmsgtext "x"')
    assert re.search(rf"messages\.po:{line + 1}: not a valid \.po file: ", err), err


def test_a_translation_with_other_placeholders_names_its_line(tmp_path: Path) -> None:
    err, line = _po_error(tmp_path, "共 %(total)s", "共 %(totl)s")
    assert re.search(rf"messages\.po:{line - 1}: the translation's placeholders ", err), err
    assert "%(totl)s" in err
    assert "%(total)s" in err


def test_placeholders_are_compared_message_by_message() -> None:
    from babel.messages.catalog import Catalog

    messages = Catalog(locale="zh_Hans_CN")
    messages.add("%(n)s models", "%(n)s 个模型", lineno=3)
    messages.add("%(n)s of %(total)s", "%(n)s / %(totl)s", lineno=7)
    messages.add("Search", "%(x)s 搜索", lineno=9)
    problems = i18n.catalog_problems(messages, PO)
    assert [p.split(":")[1] for p in problems] == ["7", "9"]
