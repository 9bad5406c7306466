"""Entry format 2: each basis's arithmetic and range, checked against figures worked out
by hand (see the comments in tests/fixtures/bases/entries), and the errors of entries
that give no basis or name a run wrongly with same_run_as."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from builder.catalog import Catalog, Hardware, Proxy, PueSeries, Source, load_catalog
from builder.compute import compute_result
from builder.entries.errors import EntriesInvalid
from builder.entries.gather import check_files, check_paths, collect
from builder.entries.model import Result
from builder.entries.plausibility import check_bounds
from builder.present.model_page import formula_text
from builder.present.ranked import Summary
from builder.utilization import Utilization

from .conftest import ENTRIES, FIXTURES

BASES = FIXTURES / "bases" / "entries"
SHEET = Source("test-sheet", "Test datasheet", "https://example.org/sheet", "")


def _hardware(key: str, **given: object) -> Hardware:
    blank: dict[str, object] = {
        "name": key.replace("-", " ").title(),
        "vendor": "Test",
        "kind": "gpu",
        "released": 2019,
        "memory_gb": 32,
        "tdp_w": None,
        "tdp_source": None,
        "measured_w": None,
        "measured_source": None,
        "measured_note": "",
        "note": "",
    }
    return Hardware(key=key, **{**blank, **given})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The shipped catalog with figures these tests control: a GPU measured at 400 W, a
    TPU with peaks and no power of its own (the GPU's lent, widened by 1.25), a fleet
    PUE for the organization Lab, and the default utilization 0.40 (0.20-0.60)."""
    real = load_catalog()
    gpu = _hardware("test-gpu", measured_w=400.0, measured_source=SHEET)
    tpu = _hardware(
        "test-tpu",
        kind="tpu",
        peak_flops={"bf16": 100e12, "fp32": 25e12},
        peak_source=SHEET,
        proxy=Proxy("test-gpu", "same board class", 1.25),
    )
    fleet = PueSeries("lab-fleet", "Lab", SHEET, {2019: 1.12, 2020: 1.10, 2021: 1.08}, {}, ("Lab",))
    return dataclasses.replace(
        real,
        hardware={**real.hardware, "test-gpu": gpu, "test-tpu": tpu},
        providers={**real.providers, "lab-fleet": fleet},
        utilization=Utilization(0.40, 0.20, 0.60, (SHEET,)),
    )


@pytest.fixture(scope="module")
def results(catalog: Catalog) -> dict[str, Result]:
    files = [(os.fspath(path), None) for path in collect([BASES])]
    entries = check_files(files, catalog=catalog)
    return {e.id: compute_result(e, catalog) for e in entries.values()}


def _figures(r: Result) -> tuple[float | None, ...]:
    return (
        r.energy_mwh,
        r.energy_mwh_low,
        r.energy_mwh_high,
        r.co2e_t,
        r.co2e_t_low,
        r.co2e_t_high,
    )


def test_the_shipped_default_utilization_is_0_40_from_0_20_to_0_60() -> None:
    u = load_catalog().utilization
    assert u is not None
    assert (u.value, u.low, u.high) == (0.40, 0.20, 0.60)


def test_hardware_time(results: dict[str, Result]) -> None:
    r = results["allenai/hardware-time"]
    assert r.basis == "hardware-time"
    assert r.accelerator_hours is not None and r.accelerator_hours.value == 15_360
    # 15,360 h x 400 W (360-440) x PUE 1.10 (1.08-1.12); x 0.4 kg CO2e/kWh
    assert _figures(r) == pytest.approx((6.7584, 5.971968, 7.569408, 2.70336, 2.3887872, 3.0277632))
    assert r.defaults == ("power_w", "pue")
    assert r.utilization is None


def test_reported_energy_of_it_equipment_is_multiplied_by_the_pue(
    results: dict[str, Result],
) -> None:
    r = results["allenai/reported-energy"]
    assert r.basis == "reported-energy"
    assert _figures(r) == pytest.approx((110, 108, 112, 55, 54, 56))
    assert r.accelerator_hours is None and r.power_w is None
    assert r.pue is not None and r.pue.provenance == "default"
    assert r.energy_ratio is None  # the reported energy is not compared with itself


def test_reported_facility_energy_is_taken_as_it_is(results: dict[str, Result]) -> None:
    r = results["allenai/reported-energy-facility"]
    assert r.basis == "reported-energy"
    assert _figures(r) == pytest.approx((100, 100, 100, 50, 50, 50))
    assert r.pue is None and r.quality == "high"


def test_reported_co2e_gives_energy_only_with_a_stated_intensity(
    results: dict[str, Result],
) -> None:
    r = results["allenai/reported-co2e"]
    assert r.basis == "reported-co2e"
    assert _figures(r) == pytest.approx((100, 100, 100, 30, 30, 30))  # 30 t / 0.3 kg/kWh
    assert r.co2e_ratio is None
    alone = results["allenai/reported-co2e-only"]
    assert alone.basis == "reported-co2e"
    assert _figures(alone) == (None, None, None, 30, 30, 30)
    assert (alone.accelerator_hours, alone.power_w, alone.pue) == (None, None, None)
    assert alone.carbon_intensity is None and alone.inputs == ()


def test_compute_estimate_at_the_default_utilization(results: dict[str, Result]) -> None:
    r = results["allenai/compute-estimate"]
    assert r.basis == "compute-estimate"
    hours = r.accelerator_hours
    assert hours is not None
    # 3.6e21 FLOP / (1e14 FLOP/s bf16 x 0.40) / 3600 s; the fewest hours at 0.60
    assert (hours.value, hours.low, hours.high) == pytest.approx((25_000, 50_000 / 3, 50_000))
    power = r.power_w
    assert power is not None  # test-gpu's 400 W (360-440), its range widened by 1.25
    assert (power.value, power.low, power.high) == pytest.approx((400, 288, 550))
    assert _figures(r) == pytest.approx((11, 5.28, 30.25, 4.4, 2.112, 12.1))
    assert r.utilization is not None and r.utilization.provenance == "default"
    assert r.quality == "low"  # a defaulted power and an assumed utilization


def test_compute_estimate_with_stated_precision_and_utilization_has_no_range(
    results: dict[str, Result],
) -> None:
    r = results["allenai/compute-estimate-stated"]
    assert r.accelerator_hours is not None
    # 9e20 FLOP / (2.5e13 FLOP/s fp32 x 0.5) / 3600 s = 20,000 h; x 300 W x 1.2; x 0.5
    assert r.accelerator_hours.value == pytest.approx(20_000)
    assert _figures(r) == pytest.approx((7.2, 7.2, 7.2, 3.6, 3.6, 3.6))
    assert r.quality == "high"


def test_a_run_named_by_same_run_as_is_valid(results: dict[str, Result]) -> None:
    assert results["allenai/same-run"].entry.training.same_run_as == "allenai/hardware-time"


def test_a_compute_estimate_needs_a_peak_for_its_precision(catalog: Catalog) -> None:
    text = (BASES / "allenai" / "compute-estimate.yaml").read_text(encoding="utf-8")
    text = text.replace("  flops: 3.6e21\n", "  flops: 3.6e21\n  precision: fp8\n")
    with pytest.raises(EntriesInvalid) as caught:
        check_files(
            [(os.fspath(BASES / "allenai" / "compute-estimate.yaml"), text.encode())],
            catalog=catalog,
        )
    (error,) = caught.value.errors
    assert error.field == "training.precision"
    assert "no peak FLOP/s for 'test-tpu' at fp8" in error.message
    assert error.hint.startswith("give training.precision as one of: fp32, bf16")


def test_t5_is_unchanged() -> None:
    (entry,), errors = check_paths([ENTRIES / "google" / "t5.yaml"])
    assert errors == []
    r = compute_result(entry, load_catalog())
    assert r.basis == "hardware-time"
    # 512 x 480 h x 310 W x 1.12 = 85.33 MWh (Patterson: 85.7); x 0.545 = 46.5 t (46.7)
    assert _figures(r) == pytest.approx((85.327872,) * 3 + (46.50369024,) * 3)
    assert r.energy_mwh == pytest.approx(85.7, rel=0.015)
    assert r.co2e_t == pytest.approx(46.7, rel=0.015)


def test_strubell_nas_hours_are_accepted_with_a_warning() -> None:
    (entry,), errors = check_paths([BASES / "google" / "nas-strubell-2019.yaml"])
    assert errors == []
    (warning,) = check_bounds(entry)
    assert warning.field == "training.hours"
    assert "274,120 h is more than the plausible 24,000 h" in warning.message


# --- errors ---


def _write(folder: Path, name: str, training: str = "", reported: str = "") -> Path:
    path = folder / "entries" / "allenai" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"name: {name}", "organization: Lab"]
    lines += ["training:", *(f"  {line}" for line in training.splitlines())] if training else []
    lines += ["reported:", *(f"  {line}" for line in reported.splitlines())] if reported else []
    lines += ["sources:", '  - {url: "https://example.org/r", title: "Report, Table 1"}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _errors(folder: Path) -> list[tuple[str, str, str]]:
    _, errors = check_paths([folder / "entries"])
    return [(Path(e.path).name, e.field, e.message) for e in errors]


def test_an_entry_without_a_basis_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "nothing", training="region: US")
    (error,) = check_paths([tmp_path / "entries"])[1]
    assert error.message == "gives no basis for the figures"
    assert "reported.energy_mwh" in error.hint and "training.flops" in error.hint


def test_compute_without_hardware_points_at_the_missing_key(tmp_path: Path) -> None:
    _write(tmp_path, "flops", training="flops: 1e21")
    assert _errors(tmp_path) == [
        ("flops.yaml", "training.flops", "needs the hardware the time or compute ran on")
    ]


def test_same_run_as_an_unknown_id_suggests_the_nearest(tmp_path: Path) -> None:
    _write(tmp_path, "base", reported="co2e_t: 1")
    _write(tmp_path, "tuned", training="same_run_as: allenai/bsae", reported="co2e_t: 1")
    errors = check_paths([tmp_path / "entries"])[1]
    assert [(e.field, e.message, e.hint) for e in errors] == [
        (
            "training.same_run_as",
            "names 'allenai/bsae', which is not an entry",
            "did you mean 'allenai/base'?",
        )
    ]


def test_same_run_as_itself_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "solo", training="same_run_as: allenai/solo", reported="co2e_t: 1")
    assert _errors(tmp_path) == [("solo.yaml", "training.same_run_as", "names the entry itself")]


def test_same_run_as_a_chain_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "a", training="same_run_as: allenai/b", reported="co2e_t: 1")
    _write(tmp_path, "b", training="same_run_as: allenai/c", reported="co2e_t: 1")
    _write(tmp_path, "c", reported="co2e_t: 1")
    assert _errors(tmp_path) == [
        (
            "a.yaml",
            "training.same_run_as",
            "names 'allenai/b', which itself reuses the run of 'allenai/c'",
        )
    ]


def test_a_chain_through_an_entry_kept_from_an_earlier_build_is_refused(tmp_path: Path) -> None:
    a = _write(tmp_path, "a", training="same_run_as: allenai/b", reported="co2e_t: 1")
    kept = [
        Summary(
            "allenai/b",
            "entries/allenai/b.yaml",
            1.0,
            "Lab",
            "",
            None,
            None,
            "k",
            "",
            "",
            "reported-co2e",
            "allenai/c",
        ),
        Summary(
            "allenai/c",
            "entries/allenai/c.yaml",
            1.0,
            "allenai",
            "",
            None,
            None,
            "k",
            "",
            "",
            "reported-co2e",
        ),
    ]
    with pytest.raises(EntriesInvalid) as caught:
        check_files([(os.fspath(a), None)], others=kept)
    assert [(e.field, e.message) for e in caught.value.errors] == [
        ("training.same_run_as", "names 'allenai/b', which itself reuses the run of 'allenai/c'")
    ]


def test_the_formula_shown_starts_where_the_basis_enters(results: dict[str, Result]) -> None:
    assert formula_text(results["allenai/reported-co2e-only"]) == ["30 t CO2e, as reported"]
    assert formula_text(results["allenai/reported-co2e"]) == [
        "30 t CO2e ÷ 0.3 kg CO2e/kWh = 100 MWh"
    ]
    assert formula_text(results["allenai/reported-energy"]) == [
        "100 MWh × PUE 1.1 = 110 MWh",
        "110 MWh × 0.5 kg CO2e/kWh = 55 t CO2e",
    ]
    assert formula_text(results["allenai/compute-estimate"]) == [
        "3.60e21 FLOP ÷ (100 TFLOP/s × 0.4) ÷ 3600 s = 25,000 h",
        "25,000 h × 400 W ÷ 1000 × PUE 1.1 = 11,000 kWh = 11 MWh",
        "11 MWh × 0.4 kg CO2e/kWh = 4.4 t CO2e",
    ]
