"""Efficiency, normalized: CO2e and energy per 10^21 FLOP and per billion parameters, worked
by hand, as the dataset and the pages give them."""

from __future__ import annotations

import dataclasses

import pytest

from builder.catalog import load_catalog
from builder.compute import compute_result
from builder.entries.model import Entry, SourceRef, Training
from builder.present import dataset
from builder.present.efficiency import COLUMN_SPECS, Ratio, efficiency, per_unit

SOURCE = (SourceRef("https://example.org/paper", "A paper, section 4"),)


def _entry(**extra: object) -> Entry:
    # 1,000 accelerators × 100 h = 100,000 accelerator-hours; × 500 W × PUE 1.2 = 60,000 kWh
    # = 60 MWh; × 0.4 kg CO2e/kWh = 24 t. Every input stated: no range.
    training = Training(
        hardware="nvidia-a100-sxm",
        accelerators=1000,
        hours=100,
        power_w=500,
        pue=1.2,
        carbon_intensity=0.4,
        flops=extra.pop("flops", None),  # type: ignore[arg-type]
    )
    return Entry(
        id="example/model",
        path="entries/example/model.yaml",
        name="Model",
        organization="Ex",
        training=training,
        sources=SOURCE,
        **extra,  # type: ignore[arg-type]
    )


def test_per_unit_scales_the_figure_and_both_ends_of_its_range() -> None:
    # 500 t (400-700 t) over 2e22 FLOP = 20 units of 1e21: 25 t (20-35 t) per unit
    assert per_unit(500, 400, 700, 2e22, 1e21) == Ratio(25, 20, 35)
    # 11,028 t over 405 billion parameters: 27.23 t per billion
    ratio = per_unit(11028, 2323.11, 15049.4, 405e9, 1e9)
    assert ratio is not None
    assert ratio.value == pytest.approx(27.2296, rel=1e-5)
    assert ratio.low == pytest.approx(5.73607, rel=1e-5)
    assert ratio.high == pytest.approx(37.1590, rel=1e-5)


@pytest.mark.parametrize("amount", [None, 0, -1e21])
def test_no_ratio_without_a_positive_denominator(amount: float | None) -> None:
    assert per_unit(500, 400, 700, amount, 1e21) is None


def test_no_ratio_of_an_unknown_figure() -> None:
    assert per_unit(None, None, None, 1e22, 1e21) is None


def test_a_model_with_compute_and_parameters_gets_all_four() -> None:
    r = compute_result(_entry(flops=3e22, parameters=6e9), load_catalog())
    assert (r.energy_mwh, r.co2e_t) == (pytest.approx(60), pytest.approx(24))
    e = efficiency(r)
    assert e.known
    # 3e22 FLOP = 30 × 1e21: 24 t / 30 = 0.8 t, 60 MWh / 30 = 2 MWh per 1e21 FLOP
    assert e.co2e_per_flop == Ratio(pytest.approx(0.8), pytest.approx(0.8), pytest.approx(0.8))  # type: ignore[arg-type]
    assert e.energy_per_flop is not None and e.energy_per_flop.value == pytest.approx(2)
    # 6e9 parameters = 6 billion: 24 t / 6 = 4 t, 60 MWh / 6 = 10 MWh per billion
    assert e.co2e_per_parameter is not None and e.co2e_per_parameter.value == pytest.approx(4)
    assert e.energy_per_parameter is not None and e.energy_per_parameter.value == pytest.approx(10)


def test_the_dataset_carries_the_worked_figures_and_leaves_the_unknown_empty() -> None:
    catalog = load_catalog()
    full = compute_result(_entry(flops=3e22, parameters=6e9), catalog)
    bare = compute_result(_entry(), catalog)
    known, unknown = dataset.rows_of([full, bare])
    assert known["co2e_t_per_1e21_flop"] == pytest.approx(0.8)
    assert (
        known["co2e_t_per_1e21_flop_low"]
        == known["co2e_t_per_1e21_flop_high"]
        == known["co2e_t_per_1e21_flop"]
    )
    assert known["energy_mwh_per_1e21_flop"] == pytest.approx(2)
    assert known["co2e_t_per_billion_params"] == pytest.approx(4)
    assert known["energy_mwh_per_billion_params_high"] == pytest.approx(10)
    names = [spec[0] for spec in COLUMN_SPECS]
    assert len(names) == 12 and all(unknown[n] is None for n in names)
    assert not efficiency(bare).known
    assert ",,,,,,,,,,,," in dataset.to_csv([bare]).splitlines()[1]  # twelve empty cells


def test_a_defaulted_input_gives_the_ratio_the_same_relative_range() -> None:
    entry = _entry(flops=1e21, parameters=1e9)
    training = dataclasses.replace(entry.training, pue=None)  # PUE from the catalog: a range
    r = compute_result(dataclasses.replace(entry, training=training), load_catalog())
    assert r.co2e_t_low < r.co2e_t < r.co2e_t_high
    e = efficiency(r)
    # one unit of each denominator: the ratios are the figures themselves
    assert e.co2e_per_flop == Ratio(r.co2e_t, r.co2e_t_low, r.co2e_t_high)
    assert e.energy_per_parameter is not None
    assert (e.energy_per_parameter.low, e.energy_per_parameter.high) == (
        r.energy_mwh_low,
        r.energy_mwh_high,
    )


def test_the_data_dictionary_and_datapackage_list_the_columns_with_units() -> None:
    package = dataset.datapackage("", "0")
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    for name, unit, *_ in COLUMN_SPECS:
        assert fields[name]["type"] == "number"
        assert f"Unit: {unit}." in fields[name]["description"]
    assert [c.name for c in dataset.COLUMNS][-12:] == [spec[0] for spec in COLUMN_SPECS]
