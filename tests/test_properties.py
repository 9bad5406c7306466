"""Properties of the loader and validator over generated input.

(a) any valid entry is accepted, and its figures are finite, positive and within range;
(b) a valid entry after random edits gives errors, never an exception, each placed
    on a line and column that exist in the file;
(c) arbitrary text and bytes are handled the same way.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import catalog
from builder.compute import compute_result
from builder.entries.errors import EntryError
from builder.entries.load import RawEntry, read_entry
from builder.entries.validate import validate_entry
from builder.present.dataset import to_csv, to_json

from .strategies import YAMLISH, mutated_entries, valid_entries

CI_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,  # nothing written into the working copy
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_BREAK = re.compile(r"\r\n|\r|\n")  # the line breaks the loader counts


@pytest.fixture(scope="module")
def entry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file below an entries folder, rewritten by every example."""
    path = tmp_path_factory.mktemp("properties") / "entries" / "org" / "model.yaml"
    path.parent.mkdir(parents=True)
    return path


def check(path: Path, data: bytes) -> tuple[RawEntry | None, object]:
    """Write `data`, read and validate it: the raw entry and the validator's answer."""
    path.write_bytes(data)
    raw = read_entry(path, path.parent.parent, "entries/org/model.yaml")
    if isinstance(raw, EntryError):
        return None, [raw]
    return raw, validate_entry(raw, catalog.hardware_index, catalog.region_keys)


def assert_located(data: bytes, errors: list[EntryError]) -> None:
    """Every error names this file and a line and column that exist in it."""
    lines = _BREAK.split(data.decode("utf-8", errors="replace"))
    assert errors
    for error in errors:
        assert isinstance(error, EntryError)
        assert error.path == "entries/org/model.yaml"
        assert 1 <= error.line <= len(lines), error
        assert 1 <= error.column <= len(lines[error.line - 1]) + 1, error
        assert error.message
        assert error.format().startswith(f"entries/org/model.yaml:{error.line}:{error.column}: ")


@CI_SETTINGS
@given(case=valid_entries())
def test_valid_entries_are_accepted_and_give_sane_figures(
    entry_file: Path, case: tuple[str, dict[str, object]]
) -> None:
    text, stated = case
    _, result = check(entry_file, text.encode("utf-8"))
    assert not isinstance(result, list), [e.format() for e in result]
    entry = result
    assert entry.name == str(stated["name"]).strip()
    assert entry.organization == str(stated["organization"]).strip()
    training = stated["training"]
    assert isinstance(training, dict)
    assert entry.training.hardware == training["hardware"]
    for key, value in training.items():
        if isinstance(value, (int, float)):
            assert getattr(entry.training, key) == pytest.approx(value, rel=1e-6), key
    sources = stated["sources"]
    assert isinstance(sources, list)
    assert [s.url for s in entry.sources] == [url for url, _ in sources]
    assert [s.title for s in entry.sources] == [title.strip() for _, title in sources]

    figures = compute_result(entry, catalog.load_catalog())
    energy = (figures.energy_mwh_low, figures.energy_mwh, figures.energy_mwh_high)
    for low, value, high in (energy, *((i.low, i.value, i.high) for i in figures.inputs)):
        assert all(math.isfinite(x) for x in (low, value, high))
        # A grid intensity may be 0: the grid catalog quotes 0.0 kg/kWh where the source
        # rounds a hydro-powered grid down (Burundi before 2010, for one).
        assert 0 <= low <= value <= high
    assert energy[0] > 0
    co2e = (figures.co2e_t_low, figures.co2e_t, figures.co2e_t_high)
    assert all(math.isfinite(x) for x in co2e)
    assert 0 <= co2e[0] <= co2e[1] <= co2e[2]
    if co2e[2] == 0:  # only a grid that the catalog gives as carbon-free gives none
        assert any(i.high == 0 for i in figures.inputs)
    if figures.net_co2e_t is not None:
        assert math.isfinite(figures.net_co2e_t) and figures.net_co2e_t >= 0
    row = json.loads(to_json([figures]))[0]
    assert row["name"] == entry.name
    assert to_csv([figures]).count("\n") >= 2


@CI_SETTINGS
@given(data=mutated_entries())
def test_mutated_entries_give_located_errors_never_exceptions(
    entry_file: Path, data: bytes
) -> None:
    _, result = check(entry_file, data)
    if isinstance(result, list):
        assert_located(data, result)


@CI_SETTINGS
@given(data=st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(entry_file: Path, data: bytes) -> None:
    _, result = check(entry_file, data)
    assert isinstance(result, list)  # nothing random is a valid entry
    assert_located(data, result)


@CI_SETTINGS
@given(text=st.text(max_size=3000) | YAMLISH)
def test_arbitrary_text_never_raises(entry_file: Path, text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    _, result = check(entry_file, data)
    assert isinstance(result, list)
    assert_located(data, result)
