"""The other languages' pages rendered in a worker process equal those rendered in-process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from builder import build
from builder.build import build_site
from builder.config import SiteConfig
from builder.present.i18n import LANGUAGES

from .conftest import ENTRIES

# Builds the whole site twice.
pytestmark = pytest.mark.slow


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_rendering_in_a_worker_gives_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = SiteConfig(base_url="https://example.org/")
    monkeypatch.setattr(build, "PARALLEL_RENDER_PAGES", 10**9)
    build_site(ENTRIES, tmp_path / "one", config)
    monkeypatch.setattr(build, "PARALLEL_RENDER_PAGES", 1)
    # This process renders only English; the worker (a fresh interpreter) does Chinese.
    asked: list[list[str]] = []
    original = build.site_files

    def recording(*args: Any, **kwargs: Any) -> Any:
        asked.append([lang.tag for lang in kwargs.get("languages", LANGUAGES)])
        return original(*args, **kwargs)

    monkeypatch.setattr(build, "site_files", recording)
    report = build_site(ENTRIES, tmp_path / "two", config, cache_dir=tmp_path / "cache")
    assert asked == [["en"]]
    assert report.rendered_pages == 2 * report.entries
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    assert any(k.startswith("zh/models/") for k in two)
