"""What if (builder/whatif.py): an entry's figures with another region, PUE or accelerator,
through the builder's own resolution and formula, and what each basis allows."""

from __future__ import annotations

import functools
import json

import pytest

from builder import compute, whatif
from builder.catalog import Catalog, load_catalog
from builder.compute import compute_result
from builder.entries.gather import check_paths, collect
from builder.entries.model import Entry

from .conftest import ENTRIES


@functools.cache
def _shipped() -> dict[str, Entry]:
    entries, errors = check_paths(collect([ENTRIES]))
    assert not errors
    return {e.id: e for e in entries}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def entries() -> dict[str, Entry]:
    return _shipped()


def test_no_choice_gives_the_published_figures_of_every_entry(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    for entry in entries.values():
        base, same = compute_result(entry, catalog), whatif.whatif(entry, catalog)
        assert (same.co2e_t, same.co2e_t_low, same.co2e_t_high) == (
            base.co2e_t,
            base.co2e_t_low,
            base.co2e_t_high,
        ), entry.id
        assert same.energy_mwh == base.energy_mwh, entry.id


def test_a_region_multiplies_the_energy_by_its_grid_for_the_training_year(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    t5 = entries["google/t5"]
    base = compute_result(t5, catalog)
    pl, se = whatif.whatif(t5, catalog, region="PL"), whatif.whatif(t5, catalog, region="SE")
    assert pl.energy_mwh == base.energy_mwh == se.energy_mwh
    pl_ci = catalog.regions["PL"].kg_per_kwh[2019]
    se_ci = catalog.regions["SE"].kg_per_kwh[2019]
    assert pl.co2e_t == pytest.approx(base.energy_mwh * pl_ci, rel=1e-12)
    assert pl.co2e_t / se.co2e_t == pytest.approx(pl_ci / se_ci, rel=1e-12)
    assert pl.co2e_t > 5 * se.co2e_t  # the Polish grid of 2019 is far dirtier than Sweden's
    # the stated intensity had no range; a region's carries the catalog's year window
    window = [v for y, v in catalog.regions["PL"].kg_per_kwh.items() if abs(y - 2019) <= 2]
    assert pl.co2e_t_high == pytest.approx(base.energy_mwh_high * max(window), rel=1e-12)
    assert pl.carbon_intensity is not None and pl.carbon_intensity.provenance == "default"


def test_a_pue_preset_replaces_the_stated_pue_with_the_fleet_value_and_its_range(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    t5 = entries["google/t5"]  # states PUE 1.12
    base = compute_result(t5, catalog)
    industry = whatif.whatif(t5, catalog, pue=whatif.INDUSTRY)
    used = catalog.industry_pue.nearest_year(2019)
    v = catalog.industry_pue.pue[used]
    assert industry.pue is not None and industry.pue.value == v
    assert industry.energy_mwh == pytest.approx(base.energy_mwh * v / 1.12, rel=1e-12)
    assert industry.pue.low < v < industry.pue.high


def test_an_accelerator_swap_scales_hours_by_the_peak_ratio_and_takes_its_power(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    t5 = entries["google/t5"]  # TPU v3, no precision stated: bf16
    base = compute_result(t5, catalog)
    swapped = whatif.whatif(t5, catalog, hardware="nvidia-a100-40gb")
    old = catalog.hardware["google-tpu-v3"].peak_flops["bf16"]
    new = catalog.hardware["nvidia-a100-40gb"].peak_flops["bf16"]
    assert base.accelerator_hours is not None and swapped.accelerator_hours is not None
    assert swapped.accelerator_hours.value == pytest.approx(
        base.accelerator_hours.value * old / new, rel=1e-12
    )
    assert swapped.power_w == compute.hardware_power(catalog, "nvidia-a100-40gb")
    assert swapped.pue == base.pue and swapped.carbon_intensity == base.carbon_intensity


def test_a_compute_estimate_on_other_hardware_equals_its_estimate_there(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    import dataclasses

    estimate = next(
        e for e in entries.values() if compute_result(e, catalog).basis == "compute-estimate"
    )
    key = "nvidia-h100-sxm"
    assert key != estimate.training.hardware
    moved = dataclasses.replace(
        estimate, training=dataclasses.replace(estimate.training, hardware=key, power_w=None)
    )
    direct = compute_result(moved, catalog)
    swapped = whatif.whatif(estimate, catalog, hardware=key)
    assert swapped.co2e_t == pytest.approx(direct.co2e_t, rel=1e-12)
    assert swapped.co2e_t_low == pytest.approx(direct.co2e_t_low, rel=1e-12)


def test_each_basis_allows_only_what_its_figures_depend_on(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    by_basis: dict[str, list[Entry]] = {}
    for e in entries.values():
        by_basis.setdefault(compute_result(e, catalog).basis, []).append(e)
    for e in by_basis.get("reported-energy", []):
        assert whatif.HARDWARE not in whatif.choices(e, catalog)
        with pytest.raises(whatif.NotAllowed):
            whatif.whatif(e, catalog, hardware="nvidia-h100-sxm")
        region = whatif.whatif(e, catalog, region="FR")
        assert region.energy_mwh == compute_result(e, catalog).energy_mwh
    for e in by_basis.get("reported-co2e", []):
        if e.training.carbon_intensity is None:
            assert whatif.choices(e, catalog) == frozenset()
            with pytest.raises(whatif.NotAllowed):
                whatif.whatif(e, catalog, region="FR")
    for e in by_basis["hardware-time"][:20]:
        assert whatif.choices(e, catalog) >= {whatif.REGION, whatif.PUE}


def test_the_cleanest_and_dirtiest_regions_bound_every_region_of_that_year(
    catalog: Catalog,
) -> None:
    for year in (2012, 2017, 2019, 2024):
        clean, dirty = whatif.extremes(catalog, year)
        of_year = [
            r
            for r in catalog.regions.values()
            if abs(r.nearest_year(year) - year) <= compute.YEAR_WINDOW
        ]
        every = [compute.intensity_of(r, year).value for r in of_year]
        values = [v for v in every if v > 0]  # a zero is a gap in a source's data
        assert compute.intensity_of(catalog.regions[clean], year).value == min(values)
        assert compute.intensity_of(catalog.regions[dirty], year).value == max(values)
        assert min(values) < max(values) / 10
    # a cloud region whose only figure is of 2024 is not a grid of 2017
    assert set(catalog.regions["gcp-europe-north2"].kg_per_kwh) == {2024}
    assert whatif.extremes(catalog, 2024)[0] == "gcp-europe-north2"
    assert "gcp-europe-north2" not in whatif.extremes(catalog, 2017)


def test_the_export_holds_every_entry_with_its_choices_and_the_hardware_it_names(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    results = [compute_result(e, catalog) for e in entries.values()]
    data = json.loads(json.dumps(whatif.export(results, catalog)))
    assert set(data["entries"]) == set(entries)
    for id_, row in data["entries"].items():
        assert set(row["can"]) == whatif.choices(entries[id_], catalog), id_
        if "hw" in row:
            assert row["hw"] in data["hardware"]
    for key, region in catalog.regions.items():
        assert ("l" in data["regions"][key]) == (region.via is not None), key
    # a T5 year (2019) and its window of years are kept for every region with figures
    assert set(data["regions"]["PL"]["y"]) >= {"2017", "2018", "2019", "2020", "2021"}


def test_the_export_names_regions_in_each_other_language_and_only_when_given(
    catalog: Catalog,
) -> None:
    from builder.present.i18n import LANGUAGES, SOURCE
    from builder.present.pages import place_names

    assert whatif.export([], catalog)["names"] == {}
    zh = next(lang for lang in LANGUAGES if lang != SOURCE)
    places = place_names(catalog, zh)
    names = {zh.tag: {k: places[r.name] for k, r in catalog.regions.items() if r.name in places}}
    named = whatif.export([], catalog, names)["names"][zh.tag]
    assert named["PL"] == "波兰"
    assert named["WORLD"] == "世界"
    assert "gcp-us-central1" not in named  # a cloud region keeps its own name


def test_fp16_and_bf16_are_one_class_where_an_accelerator_lists_only_one(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    # a TPU lists bf16 alone, a V100 fp16 alone: each is open to a run at the other
    assert "google-tpu-v2" in whatif.hardware_options(catalog, "fp16")
    assert "nvidia-v100" in whatif.hardware_options(catalog, "bf16")
    assert "google-tpu-v2" not in whatif.hardware_options(catalog, "fp32")
    # an accelerator with both formats is compared at the run's own
    a100 = catalog.hardware["nvidia-a100-40gb"]
    assert whatif.peak_at(a100, "fp16") == ("fp16", a100.peak_flops["fp16"])
    transformer = entries["google/transformer-big"]  # P100, no precision stated: fp16
    assert whatif.precision_of(transformer, catalog) == "fp16"
    base = compute_result(transformer, catalog)
    swapped = whatif.whatif(transformer, catalog, hardware="google-tpu-v2")
    old = catalog.hardware["nvidia-p100"].peak_flops["fp16"]
    new = catalog.hardware["google-tpu-v2"].peak_flops["bf16"]
    assert base.accelerator_hours is not None and swapped.accelerator_hours is not None
    assert swapped.accelerator_hours.value == pytest.approx(
        base.accelerator_hours.value * old / new, rel=1e-12
    )
    assert dict(swapped.accelerator_hours.args)["other"] == "bf16"


def test_the_seed_case_makes_one_choice_at_a_time_and_spans_the_papers_range(
    catalog: Catalog, entries: dict[str, Entry]
) -> None:
    from builder.present import choices

    published = compute_result(entries[choices.SEED_CASE], catalog)
    case = choices.seed_case(published, catalog)
    assert case is not None
    steps = {s.change: s for s in case.steps}
    assert [s.change for s in case.steps] == ["published", "pue", "hardware", "region", "dirtiest"]
    e, pue, hw = published.entry, choices.SEED_PROVIDER, choices.SEED_HARDWARE
    clean, dirty = whatif.extremes(catalog, case.year)
    expected = {
        "published": whatif.whatif(e, catalog),
        "pue": whatif.whatif(e, catalog, pue=pue),
        "hardware": whatif.whatif(e, catalog, pue=pue, hardware=hw),
        "region": whatif.whatif(e, catalog, region=clean, pue=pue, hardware=hw),
        "dirtiest": whatif.whatif(e, catalog, region=dirty),
    }
    for change, result in expected.items():
        assert steps[change].result.co2e_t == pytest.approx(result.co2e_t, rel=1e-12), change
    assert steps["published"].result.co2e_t == pytest.approx(published.co2e_t, rel=1e-12)
    # each choice towards the cleaner run lowers the figure
    figures = [steps[c].result.co2e_t for c in ("published", "pue", "hardware", "region")]
    assert figures == sorted(figures, reverse=True)
    # the paper's claim, with this site's own figures: over 100x between the extremes
    assert steps["published"].result.co2e_t / steps["region"].result.co2e_t > 10
    assert case.spread > 100
    # an entry that cannot take every choice has no seed case
    assert choices.seed_case(compute_result(entries["deepmind/gemma-2"], catalog), catalog) is None
