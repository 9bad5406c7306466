"""import-epoch: Epoch AI's notable-models rows drafted as valid entries, never written
over an existing one, and re-read by --diff when the CSV changes."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from builder.catalog import Catalog, load_catalog
from builder.cli import main
from builder.compute import compute_result
from builder.contrib.epoch import (
    Draft,
    Skipped,
    draft_row,
    map_domain,
    map_hardware,
    map_organization,
)
from builder.contrib.epoch_command import _problems
from builder.entries.gather import check_files
from builder.epoch_rows import EPOCH_CSV, EPOCH_URL, EpochError, read_csv, read_rows

from .conftest import ROOT

HEADER = next(csv.reader(io.StringIO(EPOCH_CSV.read_text(encoding="utf-8-sig"))))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def _csv(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in HEADER})
    return out.getvalue()


TIMED = {
    "Model": "Test-LM 7B",
    "Organization": "Meta AI",
    "Publication date": "2024-04-18",
    "Domain": "Language",
    "Parameters": "7000000000.0",
    "Training compute (FLOP)": "8.4e+23",
    "Training hardware": "NVIDIA H100 SXM5 80GB",
    "Hardware quantity": "1024.0",
    "Training time (hours)": "500.0",
    "Training time notes": "Stated in the paper, Table 2.",
    "Confidence": "Confident",
    "Link": "https://example.org/test-lm https://example.org/second",
    "Reference": "Test-LM: a paper, Table 2",
}
COMPUTED = {
    "Model": "Frontier-X",
    "Organization": "Some New Lab",
    "Publication date": "2024-08-13",
    "Domain": "Multimodal,Language,Vision",
    "Training compute (FLOP)": "3e+25",
    "Training hardware": "NVIDIA H100 SXM5 80GB",
    "Numerical format": "FP8",
    "Hardware utilization (MFU)": "0.35",
    "Training compute notes": "Estimate from statements. " * 40,
    "Confidence": "Likely",
    "Link": "https://example.org/frontier-x",
}


def _draft(row: dict[str, str], catalog: Catalog) -> Draft:
    (parsed,) = read_rows(_csv(row))
    draft = draft_row(parsed, catalog)
    assert isinstance(draft, Draft)
    return draft


def _computed(draft: Draft, catalog: Catalog):  # type: ignore[no-untyped-def]
    found = check_files([(draft.path, draft.text.encode())], catalog=catalog)
    return compute_result(found[draft.path], catalog)


def test_a_row_with_hardware_quantity_and_time_is_a_hardware_time_entry(catalog: Catalog) -> None:
    draft = _draft(TIMED, catalog)
    assert draft.path == "entries/meta/test-lm-7b.yaml"  # "Meta AI" is an alias of meta
    assert (draft.basis, draft.new_organization) == ("hardware-time", False)
    r = _computed(draft, catalog)
    assert r.basis == "hardware-time"
    assert r.entry.training.accelerators == 1024 and r.entry.training.hours == 500
    assert r.accelerator_hours.value == pytest.approx(512_000)
    # the primary source first (the first of the row's links), Epoch second with its credit
    first, second = r.entry.sources
    assert first.url == "https://example.org/test-lm"
    assert first.title == "Test-LM: a paper, Table 2"
    assert second.url == EPOCH_URL
    assert second.title == (
        "Epoch AI, Data on Notable AI Models (CC BY 4.0), row “Test-LM 7B”, accessed 2026-01-26"
    )
    assert "confidence label is Confident" in r.entry.notes
    assert "Epoch's notes on training time: Stated in the paper, Table 2." in r.entry.notes


def test_a_row_with_compute_and_hardware_only_is_a_compute_estimate(catalog: Catalog) -> None:
    draft = _draft(COMPUTED, catalog)
    assert draft.path == "entries/some-new-lab/frontier-x.yaml"
    assert draft.new_organization
    assert _problems(draft, catalog) == []  # the new folder is said in the header instead
    catalog_with_org = Catalog(
        **{**catalog.__dict__, "organizations": {**catalog.organizations, "some-new-lab": None}}
    )
    r = _computed(draft, catalog_with_org)
    assert r.basis == "compute-estimate"
    t = r.entry.training
    assert (t.flops, t.precision, t.utilization) == (3e25, "fp8", 0.35)
    assert r.entry.domain == "multimodal"
    peak = catalog.hardware["nvidia-h100-sxm"].peak_flops["fp8"]
    assert r.accelerator_hours.value == pytest.approx(3e25 / (peak * 0.35) / 3600)
    notes = r.entry.notes
    assert "model FLOP utilization is Epoch's figure" in notes
    compute_note = next(p for p in notes.split("\n\n") if p.startswith("Epoch's notes on compute"))
    assert len(compute_note) < 460 and compute_note.rstrip().endswith(" …")


def test_hardware_names_map_to_catalog_keys_and_guesses_are_marked(catalog: Catalog) -> None:
    found = map_hardware("NVIDIA H100 SXM5 80GB", catalog)
    assert found is not None and (found.key, found.guessed) == ("nvidia-h100-sxm", False)
    ambiguous = map_hardware("NVIDIA A100", catalog)
    assert ambiguous is not None and (ambiguous.key, ambiguous.guessed) == (
        "nvidia-a100-40gb",
        True,
    )
    guessed = map_hardware("Google TPU v4 pod slice", catalog)
    assert guessed is not None and (guessed.key, guessed.guessed) == ("google-tpu-v4", True)
    assert map_hardware("Cerebras CS-2", catalog) is None
    second = map_hardware("Cerebras CS-2,NVIDIA V100", catalog)
    assert second is not None and second.key == "nvidia-v100"


def test_older_accelerators_map_to_their_own_rows(catalog: Catalog) -> None:
    """The 2015 Maxwell GTX TITAN X is not the 2016 Pascal TITAN X, the four K40 variants
    share one row, and the K20X (rated above the K20m) has its own."""
    keys = {
        name: hw.key
        for name in (
            "NVIDIA GeForce GTX TITAN X",
            "NVIDIA TITAN Xp",
            "NVIDIA Tesla K40c",
            "NVIDIA Tesla K40t",
            "NVIDIA Tesla K20m",
            "NVIDIA Tesla K20X",
            "NVIDIA Quadro RTX 5000",
        )
        if (hw := map_hardware(name, catalog)) is not None and not hw.guessed
    }
    assert keys == {
        "NVIDIA GeForce GTX TITAN X": "nvidia-gtx-titan-x",
        "NVIDIA TITAN Xp": "nvidia-titan-xp",
        "NVIDIA Tesla K40c": "nvidia-k40",
        "NVIDIA Tesla K40t": "nvidia-k40",
        "NVIDIA Tesla K20m": "nvidia-k20",
        "NVIDIA Tesla K20X": "nvidia-k20x",
        "NVIDIA Quadro RTX 5000": "nvidia-quadro-rtx-5000",
    }
    maxwell, pascal = catalog.hardware["nvidia-gtx-titan-x"], catalog.hardware["nvidia-titan-x"]
    assert (maxwell.released, pascal.released) == (2015, 2016)
    assert catalog.hardware["nvidia-k20x"].tdp_w == 235 > catalog.hardware["nvidia-k20"].tdp_w


def test_organizations_and_domains(catalog: Catalog) -> None:
    assert map_organization("Google DeepMind", catalog.organizations) == "deepmind"
    assert map_organization("Microsoft Research,OpenAI", catalog.organizations) == "microsoft"
    assert map_organization("Some New Lab,Google", catalog.organizations) == "google"
    assert map_organization("Mistral AI", catalog.organizations) == "mistral-ai"
    assert map_organization("Microsoft Research Asia", catalog.organizations) == "microsoft"
    assert map_organization("Carnegie Mellon University (CMU)", catalog.organizations) == "cmu"
    assert map_domain("Language,Vision,Multimodal") == "multimodal"
    assert map_domain("Biology") == "science"
    assert map_domain("Games") == "other"
    assert map_domain("") is None


def test_rows_that_cannot_be_entered_say_why(catalog: Catalog) -> None:
    rows = read_rows(
        _csv(
            {**TIMED, "Training hardware": ""},
            {**TIMED, "Training hardware": "Cerebras CS-2"},
            {**TIMED, "Hardware quantity": "", "Training compute (FLOP)": ""},
        )
    )
    reasons = [draft_row(row, catalog) for row in rows]
    assert [(s.reason, s.detail) for s in reasons if isinstance(s, Skipped)] == [
        ("no training hardware", ""),
        ("hardware not in the catalog", "Cerebras CS-2"),
        ("neither quantity with training time nor training compute", ""),
    ]


def test_a_file_without_epochs_columns_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("Model,Organization\nX,Y\n", encoding="utf-8")
    with pytest.raises(EpochError, match=r"other\.csv: not Epoch's notable-models CSV"):
        read_csv(bad)
    with pytest.raises(EpochError, match=r"file not found \(download the CSV"):
        read_csv(tmp_path / "absent.csv")


def test_every_draft_of_the_shipped_csv_is_valid_or_says_what_the_catalog_lacks(
    catalog: Catalog,
) -> None:
    """The drafts of the whole shipped CSV: each one valid, except where the catalog has
    no peak FLOP/s for the hardware a compute estimate needs."""
    drafts = [d for d in map(lambda r: draft_row(r, catalog), read_csv(EPOCH_CSV))]
    made = [d for d in drafts if isinstance(d, Draft)]
    assert len(made) > 200
    lacking = set()
    for draft in made:
        for problem in _problems(draft, catalog):
            assert "has no peak FLOP/s" in problem.message, (draft.path, problem.message)
            lacking.add(draft.text.split("hardware: ")[1].split("\n")[0])
    assert lacking <= {k for k, h in catalog.hardware.items() if not h.peak_flops}


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import-epoch", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_out_writes_drafts_and_never_over_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "epoch.csv"
    source.write_text(_csv(TIMED), encoding="utf-8")
    out = tmp_path / "drafts"
    args = ["--csv", str(source), "--accessed", "2026-02-01", "--entries", str(tmp_path / "none")]
    code, printed, said = _run(capsys, *args, "--out", str(out))
    written = out / "meta" / "test-lm-7b.yaml"
    assert (code, printed) == (0, "")
    assert said.strip() == "written (hardware-time): 1"
    assert "accessed 2026-02-01" in written.read_text(encoding="utf-8")
    written.write_text("my edits\n", encoding="utf-8")
    code, _, said = _run(capsys, *args, "--out", str(out))
    assert code == 0 and f"kept {written}: it exists already" in said
    assert written.read_text(encoding="utf-8") == "my edits\n"


def test_a_row_entered_already_is_not_drafted_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "epoch.csv"
    source.write_text(_csv(TIMED), encoding="utf-8")
    entries = tmp_path / "entries"
    args = ["--csv", str(source), "--accessed", "2026-02-01", "--entries", str(entries)]
    assert _run(capsys, *args, "--out", str(entries))[0] == 0
    code, printed, said = _run(capsys, *args)
    assert (code, printed, said.strip()) == (0, "", "entered already: 1")


def test_only_names_models_of_the_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, said = _run(capsys, "--only", "Nemotron-4 34B")
    assert code == 2
    assert "not a model of the CSV: 'Nemotron-4 34B' (did you mean Nemotron-4 340B" in said
    code, printed, said = _run(capsys, "--only", "nemotron-4 340b", "--entries", "nowhere")
    assert code == 0
    assert printed.startswith(
        "# entries/nvidia/nemotron-4-340b.yaml: basis hardware-time; Epoch confidence Confident"
    )


def test_with_csv_the_access_date_must_be_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, said = _run(capsys, "--csv", str(EPOCH_CSV))
    assert code == 2 and "--accessed YYYY-MM-DD is needed with --csv" in said


def test_diff_lists_the_figures_the_csv_now_gives_differently(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "epoch.csv"
    entries = tmp_path / "entries"
    source.write_text(_csv(TIMED, COMPUTED), encoding="utf-8")
    args = ["--csv", str(source), "--accessed", "2026-02-01", "--entries", str(entries)]
    assert _run(capsys, *args, "--out", str(entries), "--only", "Test-LM 7B")[0] == 0
    code, printed, said = _run(capsys, *args, "--diff")
    assert (code, printed) == (0, "")
    assert said.strip() == "1 entries drafted from Epoch's rows; 0 of them differ from this CSV"
    source.write_text(_csv({**TIMED, "Training time (hours)": "620.0"}), encoding="utf-8")
    code, printed, _ = _run(capsys, *args, "--diff")
    path = entries / "meta" / "test-lm-7b.yaml"
    assert printed.splitlines() == [f"{path}: training.hours: 500 in the entry, 620 in the CSV"]


def _entry(folder: Path, name: str, training: str, notes: str = "", cite: str = "") -> None:
    path = folder / "entries" / "meta" / f"{name.lower()}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"name: {name}", "organization: Meta", "training:"]
    lines += [f"  {line}" for line in training.splitlines()]
    lines += ["sources:", '  - {url: "https://example.org/paper", title: "Paper, Table 1"}']
    if cite:
        lines.append(f'  - {{url: "{EPOCH_URL}", title: "Epoch AI, notable models, row “{cite}”"}}')
    if notes:
        lines += ["notes: |", f"  {notes}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _epoch_warnings(folder: Path, *rows: dict[str, str]) -> list[tuple[str, str]]:
    from builder.compute import compute_results
    from builder.entries import epoch_checks
    from builder.entries.gather import check_paths

    entries, errors = check_paths([folder / "entries"])
    assert not [e for e in errors if e.severity == "error"]
    results = compute_results(entries, load_catalog())
    found = epoch_checks.check_all(results, read_rows(_csv(*rows)))
    return sorted((Path(w.path).stem, w.message) for w in found)


ROW = {
    "Model": "Alpha",
    "Training hardware": "NVIDIA H100 SXM5 80GB",
    "Hardware quantity": "1000",
    "Training time (hours)": "100",
    "Confidence": "Confident",
}


def test_accelerator_hours_that_differ_from_epochs_by_more_than_10_percent_are_warned(
    tmp_path: Path,
) -> None:
    run = "hardware: nvidia-h100-sxm\naccelerators: 1000\nhours: {}"
    _entry(tmp_path, "Alpha", run.format(109))  # 9% above: agrees
    _entry(tmp_path, "Beta", run.format(88))  # 12% below
    _entry(tmp_path, "Gamma", run.format(50), notes="**Epoch:** the row counts a restart.")
    rows = [ROW, {**ROW, "Model": "Beta"}, {**ROW, "Model": "Gamma"}]
    assert _epoch_warnings(tmp_path, *rows) == [
        ("beta", "88,000 accelerator-hours, 12% below Epoch's 100,000 (1,000 × 100 h)")
    ]


def test_the_row_an_entry_cites_is_the_one_compared_and_speculative_rows_are_warned(
    tmp_path: Path,
) -> None:
    _entry(
        tmp_path,
        "Alpha",
        "hardware: nvidia-h100-sxm\naccelerators: 1000\nhours: 100",
        cite="Alpha (large)",
    )
    rows = [
        {**ROW, "Hardware quantity": "10"},  # of the same name, but not the row cited
        {**ROW, "Model": "Alpha (large)", "Confidence": "Speculative"},
    ]
    assert _epoch_warnings(tmp_path, *rows) == [
        ("alpha", "Epoch labels its row “Alpha (large)” Speculative")
    ]


def test_a_cluster_power_more_than_twice_from_epochs_power_draw_is_warned(tmp_path: Path) -> None:
    run = "hardware: nvidia-h100-sxm\naccelerators: 1000\nhours: 100\npower_w: 700\npue: 1.2"
    _entry(tmp_path, "Alpha", run)  # 0.84 MW
    _entry(tmp_path, "Beta", run)
    rows = [
        {**ROW, "Training power draw (W)": "1600000"},  # 1.9x: agrees
        {**ROW, "Model": "Beta", "Training power draw (W)": "1700000"},  # 2.02x
    ]
    assert _epoch_warnings(tmp_path, *rows) == [
        (
            "beta",
            "the cluster draws 0.84 MW (accelerators × power × PUE), 0.49x Epoch's training "
            "power draw of 1.7 MW",
        )
    ]


def test_the_shipped_entries_agree_with_epoch_or_say_why() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "builder", "check", "entries"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    epoch = [line for line in result.stdout.splitlines() if "Epoch" in line]
    # a Speculative row is always pointed out; the entry's notes must say so too
    for line in epoch:
        path, _, message = line.partition(":")
        assert "Speculative" in message, line
        assert "Speculative" in (ROOT / path).read_text(encoding="utf-8")
