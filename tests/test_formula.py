"""The shared formula: Patterson's Table 4 reproduced, and properties for any input."""

from __future__ import annotations

import dataclasses
import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import formula
from builder.catalog import load_catalog
from builder.compute import compute_result, compute_results
from builder.entries.gather import check_paths
from builder.entries.model import Entry, SourceRef, Training

from .conftest import ENTRIES

# Patterson et al. 2021, Table 4: total energy (MWh) and gross tCO2e as published.
PATTERSON_TABLE4 = {
    "google/evolved-transformer-nas": (7.5, 3.2),
    "google/t5": (85.7, 46.7),
    "google/meena": (232, 96.4),
    "google/gshard-600b": (24.1, 4.8),
    "google/switch-transformer": (179, 72.2),
    "openai/gpt-3": (1287, 552.1),
}


def _entry(entry_id: str) -> Entry:
    (entry,), errors = check_paths([ENTRIES / f"{entry_id}.yaml"])
    assert errors == []
    return entry


@pytest.mark.parametrize("entry_id", sorted(PATTERSON_TABLE4))
def test_patterson_table4_reproduces_within_1_5_percent(entry_id: str) -> None:
    energy_mwh, co2e_t = PATTERSON_TABLE4[entry_id]
    entry = _entry(entry_id)
    assert entry.reported.energy_mwh == energy_mwh
    assert entry.reported.co2e_t == co2e_t
    result = compute_result(entry, load_catalog())
    assert result.defaults == (), "Table 4 states every input"
    assert result.energy_mwh == pytest.approx(energy_mwh, rel=0.015)
    assert result.co2e_t == pytest.approx(co2e_t, rel=0.015)


def test_design_reference_figures() -> None:
    t5 = formula.energy_kwh(formula.accelerator_hours(512, 20 * 24), 310, 1.12) / 1000
    assert round(t5, 1) == 85.3  # Table 4 prints 85.7: within rounding of its 20 days
    assert round(formula.co2e_t(85.7, 0.545), 1) == 46.7
    gpt3 = formula.energy_kwh(formula.accelerator_hours(10_000, 14.8 * 24), 330, 1.10) / 1000
    assert round(gpt3) == 1289
    assert round(formula.co2e_t(1287, 0.429)) == 552


def test_ratio_of_nothing_reported_is_none() -> None:
    assert formula.ratio(10.0, None) is None
    assert formula.ratio(10.0, 0) is None
    assert formula.ratio(10.0, 4.0) == 2.5


positive = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
pues = st.floats(min_value=1.0, max_value=3.0)
intensities = st.floats(min_value=1e-3, max_value=2.0)


@given(positive, st.floats(min_value=1.0, max_value=5000.0), pues, intensities)
def test_outputs_finite_and_non_negative(hours: float, power: float, pue: float, ci: float) -> None:
    kwh = formula.energy_kwh(hours, power, pue)
    t = formula.co2e_t(kwh / 1000, ci)
    assert math.isfinite(kwh) and kwh > 0
    assert math.isfinite(t) and t > 0


@given(
    positive,
    st.floats(min_value=1.0, max_value=5000.0),
    pues,
    intensities,
    st.floats(min_value=0.1, max_value=10.0),
)
def test_linear_in_each_input(hours: float, power: float, pue: float, ci: float, k: float) -> None:
    base = formula.energy_kwh(hours, power, pue)
    assert formula.energy_kwh(hours * k, power, pue) == pytest.approx(base * k, rel=1e-12)
    assert formula.energy_kwh(hours, power * k, pue) == pytest.approx(base * k, rel=1e-12)
    assert formula.energy_kwh(hours, power, pue * k) == pytest.approx(base * k, rel=1e-12)
    assert formula.co2e_t(base, ci * k) == pytest.approx(formula.co2e_t(base, ci) * k, rel=1e-12)


def _synthetic(
    power: float | None,
    pue: float | None,
    ci: float | None,
    region: str | None,
    year: int | None,
    hours: float,
) -> Entry:
    return Entry(
        id="test/model",
        path="entries/test/model.yaml",
        name="Model",
        organization="Nobody",
        training=Training(
            hardware="nvidia-v100",
            accelerator_hours=hours,
            power_w=power,
            pue=pue,
            carbon_intensity=ci,
            region=region,
            year=year,
        ),
        sources=(SourceRef("https://example.org", "Paper, Table 1"),),
    )


@settings(max_examples=200, deadline=None)
@given(
    power=st.one_of(st.none(), st.floats(min_value=1.0, max_value=5000.0)),
    pue=st.one_of(st.none(), pues),
    ci=st.one_of(st.none(), intensities),
    region=st.sampled_from([None, "US", "FR", "US-GA", "gcp-us-central1", "CN"]),
    year=st.one_of(st.none(), st.integers(min_value=1990, max_value=2100)),
    hours=positive,
)
def test_result_ranges_bracket_the_estimate(
    power: float | None,
    pue: float | None,
    ci: float | None,
    region: str | None,
    year: int | None,
    hours: float,
) -> None:
    r = compute_result(_synthetic(power, pue, ci, region, year, hours), load_catalog())
    for value in (
        r.energy_mwh,
        r.energy_mwh_low,
        r.energy_mwh_high,
        r.co2e_t,
        r.co2e_t_low,
        r.co2e_t_high,
    ):
        assert math.isfinite(value) and value > 0
    assert r.energy_mwh_low <= r.energy_mwh * (1 + 1e-12)
    assert r.energy_mwh * (1 - 1e-12) <= r.energy_mwh_high
    assert r.co2e_t_low <= r.co2e_t * (1 + 1e-12) <= r.co2e_t_high * (1 + 1e-12)
    stated = {"power_w": power, "pue": pue, "carbon_intensity": ci}
    assert set(r.defaults) == {k for k, v in stated.items() if v is None}
    for i in r.inputs:
        if i.provenance == "default":
            assert i.citation is not None and i.citation.url.startswith("http")
        else:
            assert i.low == i.value == i.high


def test_results_independent_of_entry_order() -> None:
    entries, errors = check_paths([ENTRIES])
    assert errors == []
    catalog = load_catalog()
    expected = compute_results(entries, catalog)
    shuffled = list(entries)
    random.Random(7).shuffle(shuffled)
    assert compute_results(shuffled, catalog) == expected


def test_stated_inputs_are_used_as_is() -> None:
    entry = _synthetic(300.0, 1.2, 0.5, None, 2020, 1000.0)
    r = compute_result(entry, load_catalog())
    assert r.energy_mwh == pytest.approx(1000 * 300 / 1000 * 1.2 / 1000)
    assert r.co2e_t == pytest.approx(r.energy_mwh * 0.5)
    assert r.quality == "high"
    assert (r.co2e_t_low, r.co2e_t_high) == (r.co2e_t, r.co2e_t)


def test_defaults_name_their_catalog_rows() -> None:
    catalog = load_catalog()
    r = compute_result(_synthetic(None, None, None, "FR", 2021, 1000.0), catalog)
    assert r.quality == "low"
    assert r.power_w.citation is not None and r.power_w.citation.row == "nvidia-v100"
    assert r.carbon_intensity.citation is not None and r.carbon_intensity.citation.row == "FR"
    assert r.carbon_intensity.value == catalog.regions["FR"].kg_per_kwh[2021]
    assert r.pue.citation is not None and r.pue.citation.row == "industry"
    unknown = compute_result(_synthetic(None, None, None, None, 2021, 1000.0), catalog)
    assert unknown.carbon_intensity.citation is not None
    assert unknown.carbon_intensity.citation.row == "WORLD"
    assert "unknown" in unknown.carbon_intensity.basis


def test_net_only_from_a_stated_net_intensity() -> None:
    entry = _synthetic(300.0, 1.1, 0.4, None, 2020, 1000.0)
    assert compute_result(entry, load_catalog()).net_co2e_t is None
    net = dataclasses.replace(
        entry, training=dataclasses.replace(entry.training, net_carbon_intensity=0.1)
    )
    r = compute_result(net, load_catalog())
    assert r.net_co2e_t == pytest.approx(r.energy_mwh * 0.1)


def test_cloud_region_defaults_to_its_provider_fleet_pue() -> None:
    r = compute_result(_synthetic(300.0, None, None, "gcp-us-central1", 2021, 10.0), load_catalog())
    assert r.pue.citation is not None and r.pue.citation.row == "google"


def test_fixture_entries_folder_exists() -> None:
    assert Path(ENTRIES).is_dir()
