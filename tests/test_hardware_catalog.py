"""The accelerator catalog: peak FLOP/s with their sources, proxies that lend power from a
sibling row, and the corrected TPU and A100 PCIe rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import catalog, catalog_hardware
from builder.catalog_rows import CatalogError

# Rows whose peak FLOP/s no readable source confirmed; each note says so. Every row
# has a sourced peak now; a row added without one must be listed here.
PEAK_NOT_CONFIRMED: set[str] = set()


@pytest.fixture(scope="module")
def hardware() -> dict[str, catalog.Hardware]:
    return dict(catalog.load_catalog().hardware)


def test_every_accelerator_has_a_sourced_peak_or_says_why_not(
    hardware: dict[str, catalog.Hardware],
) -> None:
    without = {key for key, hw in hardware.items() if not hw.peak_flops}
    assert without == PEAK_NOT_CONFIRMED
    for key, hw in hardware.items():
        if hw.peak_flops:
            assert hw.peak_source is not None, key
            assert set(hw.peak_flops) <= set(catalog_hardware.PRECISIONS), key
            assert all(1e12 <= v < 1e17 for v in hw.peak_flops.values()), key
        else:
            assert hw.peak_source is None, key
            assert "peak_tflops is left out" in hw.note, key


def test_peaks_are_in_flops_and_dense(hardware: dict[str, catalog.Hardware]) -> None:
    assert hardware["nvidia-a100-80gb"].peak_flops["bf16"] == 312e12
    assert hardware["nvidia-h100-sxm"].peak_flops["bf16"] == pytest.approx(989.4e12)
    assert hardware["google-tpu-v4"].peak_flops == {"bf16": 275e12}


def test_every_proxy_names_an_existing_row_with_power(
    hardware: dict[str, catalog.Hardware],
) -> None:
    proxied = {key: hw.proxy for key, hw in hardware.items() if hw.proxy is not None}
    assert set(proxied) >= {"nvidia-h800", "google-tpu-v5e", "google-tpu-v5p", "google-tpu-v6e"}
    for key, proxy in proxied.items():
        own = hardware[key]
        assert own.tdp_w is None and own.measured_w is None, key
        target = hardware[proxy.hardware]
        assert target.tdp_w is not None or target.measured_w is not None, key
        assert proxy.widen >= 1 and proxy.reason, key
    assert proxied["nvidia-h800"].hardware == "nvidia-h100-sxm"


def test_tpu_v4_chip_figure_is_not_a_tdp_and_system_power_is_measured(
    hardware: dict[str, catalog.Hardware],
) -> None:
    v4 = hardware["google-tpu-v4"]
    assert v4.tdp_w is None
    assert v4.chip_max_w == 192
    assert v4.chip_max_source is not None and v4.chip_max_source.key == "google-cloud-tpu-v4"
    assert v4.measured_w == 378.5
    assert v4.measured_source is not None and v4.measured_source.key == "chowdhery-2022-palm"


def test_tpu_v3_unconfirmed_tdp_is_replaced_by_the_measured_chip_maximum(
    hardware: dict[str, catalog.Hardware],
) -> None:
    v3 = hardware["google-tpu-v3"]
    assert v3.tdp_w is None
    assert v3.chip_max_w == 262
    assert v3.chip_max_source is not None and v3.chip_max_source.key == "google-cloud-tpu-v3"
    assert v3.measured_w == 283
    assert "not a TDP" in v3.note


def test_the_a100_pcie_40gb_card_has_its_own_row(hardware: dict[str, catalog.Hardware]) -> None:
    card = hardware["nvidia-a100-pcie-40gb"]
    assert card.tdp_w == 250 and card.tdp_source is not None
    assert card.memory_gb == 40
    assert hardware["nvidia-a100-pcie"].tdp_w == 300


@pytest.fixture()
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(catalog.DATA_DIR, folder)
    monkeypatch.setattr(catalog, "DATA_DIR", folder)
    catalog.forget()
    yield folder
    catalog.forget()


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("peak_tflops: {bf16: 275}", "peak_tflops: {int8: 275}", "'int8' is not a precision"),
        ("peak_tflops: {bf16: 275}", "peak_tflops: {bf16: lots}", "expected a peak in TFLOPS"),
        ("    peak_source: google-cloud-tpu-v4\n", "", "missing 'peak_source'"),
        ("{hardware: nvidia-h100-sxm,", "{hardware: nvidia-h100-sxn,", "did you mean"),
        ("{hardware: nvidia-h100-sxm,", "{hardware: nvidia-a10,", "no power of its own"),
        ("widen: 1.25}", "widen: 0.5}", "a factor of 1 or more"),
    ],
)
def test_a_broken_peak_or_proxy_is_located(data_copy: Path, old: str, new: str, words: str) -> None:
    path = data_copy / "hardware.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(CatalogError, match=r"hardware\.yaml:\d+: accelerators: ") as caught:
        catalog.load_catalog()
    assert words in str(caught.value)
