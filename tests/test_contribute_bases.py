"""Entry format 2 in the contributor's tools: `new` asks what the source discloses and
drafts that basis's keys, `preview` shows the basis and the chain, `import-hf` states the
basis of its draft and counts what is left, `export-hf` says which basis it exports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main
from builder.contrib.prompts import Keys, disclosure_question, prompt_missing
from builder.contrib.scaffold import KEYS, Draft, basis_keys
from builder.entries.gather import check_paths
from builder.entries.model import entry_basis
from builder.entries.schema import BASES, BASIS_OPTIONS, ENTRY, derive_basis

from .conftest import FIXTURES, ROOT

SOURCE = ["--source-url", "https://example.org/report", "--source-title", "Report, Table 2"]
# What each basis needs, as flags; the file each writes is entries/meta/<basis>.yaml.
NEEDS = {
    "hardware-time": ["--hardware", "nvidia-h100-sxm", "--accelerators", "64", "--days", "3.5"],
    "reported-energy": ["--energy-mwh", "120", "--energy-scope", "it"],
    "reported-co2e": ["--co2e-t", "30"],
    "compute-estimate": ["--hardware", "nvidia-h100-sxm", "--flops", "3.6e21"],
}
GIVEN = {
    "hardware-time": {"training.hardware", "training.accelerators", "training.days"},
    "reported-energy": {"reported.energy_mwh", "reported.energy_scope"},
    "reported-co2e": {"reported.co2e_t"},
    "compute-estimate": {"training.hardware", "training.flops"},
}
_SECTION = re.compile(r"(# )?([a-z_]+):")
_HINT = re.compile(r"(?:#   |  # )([a-z0-9_]+): (.+)")


def _new(entries: Path, *flags: str) -> int:
    return main(["new", "--entries", str(entries), "--no-input", "--org", "Meta", *flags])


def _hints(text: str) -> tuple[set[str], str]:
    """The keys of training and reported a draft offers commented out, and its text with
    all of them filled in (same_run_as aside: it must name an entry that exists)."""
    section, hinted, out = "", set(), []
    for line in text.splitlines():
        top = _SECTION.fullmatch(line)
        if top:
            section = top.group(2)
            out.append(f"{section}:" if section in ("training", "reported") else line)
            continue
        hint = _HINT.fullmatch(line)
        if hint and section in ("training", "reported"):
            hinted.add(f"{section}.{hint.group(1)}")
            if hint.group(1) != "same_run_as":
                line = f"  {hint.group(1)}: {hint.group(2)}"
        out.append(line)
    return hinted, "\n".join(out) + "\n"


def test_each_basis_with_its_options_stays_that_basis() -> None:
    fields = {
        f"{section}.{name}"
        for section in ("training", "reported")
        for name in ENTRY.fields[section].fields
    }
    assert set(KEYS.values()) <= fields  # every answer of `new` fills in a declared key
    for basis, groups in BASES:
        assert set(BASIS_OPTIONS[basis]) <= fields, basis
        for group in groups:
            assert derive_basis({*group, *BASIS_OPTIONS[basis]}) == basis, (basis, group)


@pytest.mark.parametrize("basis", [basis for basis, _ in BASES])
def test_new_drafts_only_the_keys_of_what_the_source_discloses(
    basis: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = tmp_path / "entries"
    assert _new(entries, "--name", basis, "--discloses", basis, *NEEDS[basis], *SOURCE) == 0
    path = entries / "meta" / f"{basis}.yaml"
    assert capsys.readouterr().err == (
        f"Wrote {path} (basis {basis}). Fill in what the sources state, "
        f"then: leaderboard check {path}\n"
    )
    text = path.read_text(encoding="utf-8")
    (entry,), errors = check_paths([path])
    assert errors == [] and entry_basis(entry) == basis  # valid as drafted
    hinted, filled = _hints(text)
    assert hinted == basis_keys(basis, GIVEN[basis]) - GIVEN[basis]
    path.write_text(filled, encoding="utf-8")
    (entry,), errors = check_paths([path])
    assert [e.format() for e in errors] == []  # every hint filled in: still valid,
    assert entry_basis(entry) == basis  # and still the same basis


def test_new_takes_the_basis_from_the_flags_given(tmp_path: Path) -> None:
    entries = tmp_path / "entries"
    assert _new(entries, "--name", "Tiny", *NEEDS["compute-estimate"], *SOURCE) == 0
    text = (entries / "meta" / "tiny.yaml").read_text(encoding="utf-8")
    assert "# Basis: compute-estimate. The source discloses the training compute only" in text
    assert "  flops: 3.6e21\n" in text
    assert "accelerators" not in text and "energy_mwh" not in text


def test_new_without_enough_answers_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "--entries", str(tmp_path), "--no-input", "--name", "X"]) == 2
    assert capsys.readouterr().err == (
        "error: missing --organization, --discloses (hardware-time, reported-energy, "
        "reported-co2e, compute-estimate), --source-url, --source-title "
        "(run in a terminal to be asked)\n"
    )
    assert _new(tmp_path, "--name", "X", "--discloses", "reported-energy") == 2
    assert capsys.readouterr().err == (
        "error: missing --energy-mwh, --source-url, --source-title "
        "(run in a terminal to be asked)\n"
    )
    assert _new(tmp_path, "--name", "X", "--hardware", "nvidia-v100", *SOURCE) == 2
    assert capsys.readouterr().err == (
        "error: missing --discloses (hardware-time, reported-energy, reported-co2e, "
        "compute-estimate) (run in a terminal to be asked)\n"
    )
    assert _new(tmp_path, "--name", "X", "--discloses", "hardware-time", *SOURCE) == 2
    assert capsys.readouterr().err == (
        "error: missing --hardware, --accelerators with --days or --hours "
        "(or --accelerator-hours) (run in a terminal to be asked)\n"
    )


def test_new_refuses_flags_the_basis_does_not_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = ["--discloses", "reported-co2e", "--co2e-t", "30", "--hardware", "nvidia-v100"]
    assert _new(tmp_path, "--name", "X", *flags, "--days", "3", *SOURCE) == 2
    assert capsys.readouterr().err == (
        "error: --hardware, --days: not used by an entry of the basis reported-co2e (the "
        "source discloses the emissions only); drop them, or give --discloses for what "
        "the source does disclose\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_new_writes_no_draft_that_would_not_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = tmp_path / "entries"
    assert _new(entries, "--name", "X", "--co2e-t", "-5", *SOURCE) == 1
    captured = capsys.readouterr()
    path = entries / "meta" / "x.yaml"
    (error,) = captured.out.splitlines()
    assert error.startswith(f"{path}:") and ": reported.co2e_t: " in error
    assert captured.err == "Not written: the draft would have 1 error in 1 file\n"
    assert not path.exists()


def test_new_asks_what_the_source_discloses_first() -> None:
    asked: list[str] = []
    answers = iter(["5", "emissions", "3", "Tiny LM", "Example Lab", "thirty", "30", ""])
    answers = iter([*answers, "2025", "https://example.org", "Report, Section 4"])

    def ask(question: str, completions: object) -> str:
        asked.append(question)
        return next(answers)

    draft = Draft()
    prompt_missing(draft, ask, Keys(["nvidia-h100-sxm"], ["nvidia-h100-sxm"], ["FR"]))
    assert disclosure_question() == (
        "What does the source disclose about the training run?\n"
        "  1. the accelerators and the training time (hardware-time)\n"
        "  2. the energy used (reported-energy)\n"
        "  3. the emissions only (reported-co2e)\n"
        "  4. the training compute only (FLOP) (compute-estimate)\n"
        "Answer 1-4: "
    )
    assert asked == [
        disclosure_question(),  # 5 is not on the list
        disclosure_question(),  # nor is 'emissions'
        disclosure_question(),
        "Model name (as published): ",
        "Organization: ",
        "Emissions the source reports, in t CO2e: ",  # 'thirty' is not a number
        "Emissions the source reports, in t CO2e: ",
        "Grid intensity the source states, kg CO2e/kWh (empty if none): ",
        "Released (YYYY, YYYY-MM or YYYY-MM-DD; empty to skip): ",
        # no region: an entry of reported CO2e does not use one
        "Source URL: ",
        "Source title with a locator (e.g. 'Paper, Table 2'): ",
    ]
    assert (draft.discloses, draft.co2e_t, draft.carbon_intensity) == ("reported-co2e", 30, None)


def test_new_asks_for_a_compute_estimate_only_hardware_with_a_peak() -> None:
    asked: list[tuple[str, list[str]]] = []
    answers = iter(["4", "Tiny", "Lab", "nvidia-v100", "nvidia-h100-sxm", "3.6e21", "", ""])
    answers = iter([*answers, "https://example.org", "Report, Section 4"])

    def ask(question: str, completions: object) -> str:
        asked.append((question, list(completions)))  # type: ignore[call-overload]
        return next(answers)

    draft = Draft()
    prompt_missing(draft, ask, Keys(["nvidia-h100-sxm", "nvidia-v100"], ["nvidia-h100-sxm"], []))
    assert (draft.hardware, draft.flops, draft.region) == ("nvidia-h100-sxm", 3.6e21, None)
    hardware = [c for q, c in asked if q.startswith("Hardware key")]
    assert hardware == [["nvidia-h100-sxm"]] * 2  # nvidia-v100 was asked again


HF = FIXTURES / "hf"


def _card(tmp_path: Path, block: str) -> Path:
    card = tmp_path / "README.md"
    card.write_text(f"---\nco2_eq_emissions:\n{block}---\n# A model\n", encoding="utf-8")
    return card


def _import(card: Path, out: Path, *flags: str) -> int:
    return main(
        ["import-hf", str(card), "--name", "Model", "--org", "Meta", "--out", str(out), *flags]
    )


def test_import_hf_counts_one_thing_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "entries" / "meta" / "model.yaml"
    assert _import(HF / "synthetic-kilograms.md", out, "--url", "https://huggingface.co/a/b") == 0
    assert capsys.readouterr().err == (
        f"Wrote {out}, valid as it is, basis reported-co2e; 1 thing to fill in for the "
        "shared formula: training time: accelerators with days or hours, or "
        "accelerator_hours\n"
    )
    text = out.read_text(encoding="utf-8")
    assert text.count("TODO ") == 1
    assert "# Basis: reported-co2e, the emissions the source reports, taken as they are;" in text
    (entry,), errors = check_paths([out])
    assert errors == [] and entry_basis(entry) == "reported-co2e"


def test_import_hf_counts_things_left_and_what_comes_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "entries" / "meta" / "model.yaml"
    assert _import(HF / "autotrain-summarization.md", out) == 0
    assert capsys.readouterr().err == (
        f"Wrote {out}; 1 thing to fill in before it is valid: the card's address as a "
        "source (or pass --url); then 2 more for the shared formula\n"
    )
    text = out.read_text(encoding="utf-8")
    assert text.count("TODO ") == 3
    assert "# training:\n#   TODO hardware: a key of builder/data/hardware.yaml\n" in text
    _, errors = check_paths([out])
    assert [e.field for e in errors] == ["sources"]
    assert _import(HF / "autotrain-summarization.md", out, "--force", "--url", "https://a.b/") == 0
    assert capsys.readouterr().err.startswith(
        f"Wrote {out}, valid as it is, basis reported-co2e; 2 things to fill in for the "
        "shared formula: hardware: "
    )


@pytest.mark.parametrize(
    ("hardware_used", "training"),
    [
        ("8 x NVIDIA A100 80GB for 3 days", "  accelerators: 8\n  days: 3\n"),
        ("4 x NVIDIA A100 80GB, 36.5 hours", "  accelerators: 4\n  hours: 36.5\n"),
        ("NVIDIA A100 80GB, 1,200 GPU-hours", "  accelerator_hours: 1200\n"),
    ],
)
def test_import_hf_with_the_training_time_drafts_hardware_time(
    hardware_used: str, training: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = _card(tmp_path, f"  emissions: 5000\n  hardware_used: {hardware_used}\n")
    out = tmp_path / "entries" / "meta" / "model.yaml"
    assert _import(card, out, "--url", "https://huggingface.co/a/b") == 0
    assert capsys.readouterr().err == f"Wrote {out}, valid as it is, basis hardware-time\n"
    text = out.read_text(encoding="utf-8")
    assert f"training:\n  hardware: nvidia-a100-80gb\n{training}reported:\n" in text
    assert "TODO " not in text
    (entry,), errors = check_paths([out])
    assert errors == [] and entry_basis(entry) == "hardware-time"


def _entries(tmp_path: Path, **files: str) -> Path:
    """entries/allenai/<name>.yaml for each file given, each with a source."""
    folder = tmp_path / "entries" / "allenai"
    folder.mkdir(parents=True, exist_ok=True)
    source = 'sources:\n  - {url: "https://example.org/r", title: "Report, Table 1"}\n'
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text + source, encoding="utf-8")
    return folder


RUN = (
    "name: Run\norganization: Lab\nreleased: 2020\ntraining:\n  hardware: nvidia-v100\n"
    "  accelerators: 64\n  days: 10\n  power_w: 300\n  pue: 1.1\n  carbon_intensity: 0.4\n"
)
ENERGY = (
    "name: 'Energy *bold* <b>x</b> | cell'\norganization: Lab\ntraining:\n"
    "  carbon_intensity: 0.5\n  same_run_as: allenai/run\n"
    "reported:\n  energy_mwh: 100\n  energy_scope: it\n"
)
EMITTED = "name: Emitted\norganization: Lab\nreported:\n  co2e_t: 30\n"


def test_preview_shows_the_basis_and_the_chain_with_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _entries(tmp_path, run=RUN, energy=ENERGY, emitted=EMITTED)
    assert main(["preview", str(folder / "run.yaml"), str(folder / "emitted.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == (
        "| Entry | Basis | Accelerator-hours | Energy (MWh) | CO2e (t) | Range (t) "
        "| Reported CO2e (t) | Computed / reported | Quality |"
    )
    assert lines[4:6] == [
        "| Emitted (`allenai/emitted`) | reported-co2e | — | — | 30 | 30–30 | 30 | — | high |",
        "| Run (`allenai/run`) | hardware-time | 15,360 | 5.07 | 2.03 | 2.03–2.03 | — | — | high |",
    ]
    at = lines.index("#### Emitted")
    assert lines[at + 2 : at + 8] == [
        "- Basis: **reported-co2e**, the emissions the source reports, taken as they are.",
        "- Chain (compute → accelerator-hours → energy → CO2e):",
        "  1. compute: not stated",
        "  2. accelerator-hours: not used: the source's figures start later in the chain",
        "  3. energy: not computed: the source states no grid intensity to divide the CO2e by",
        "  4. CO2e: **30** t — reported",
    ]
    at = lines.index("#### Run")
    assert lines[at + 2 : at + 8] == [
        "- Basis: **hardware-time**, computed from the accelerators and the training time "
        "the source states.",
        "- Chain (compute → accelerator-hours → energy → CO2e):",
        "  1. compute: not stated",
        "  2. accelerator-hours: **15,360** — derived: 64 accelerators × 10 days × 24 h, "
        "both stated",
        "  3. energy: **5.07** MWh — derived: accelerator-hours × power **300** (stated) × "
        "PUE **1.1** (stated)",
        "  4. CO2e: **2.03** t — derived: energy × grid intensity **0.4** (stated)",
    ]


def test_preview_of_an_entry_that_reuses_a_run_not_previewed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _entries(tmp_path, run=RUN, energy=ENERGY)
    # A pull request changes only energy.yaml: the run it names is checked from its folder.
    assert main(["preview", str(folder / "energy.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if line.startswith("| ")]) == 2  # header and one entry
    heading = "#### Energy \\*bold\\* &lt;b&gt;x&lt;/b&gt; \\| cell"
    at = lines.index(heading)
    assert lines[at + 2 : at + 5] == [
        "- Basis: **reported-energy**, computed from the training energy the source reports.",
        "- Same run as `allenai/run`: shown, but not counted again in totals.",
        "- Chain (compute → accelerator-hours → energy → CO2e):",
    ]
    energy = lines[at + 7]
    assert re.fullmatch(
        r"  3\. energy: \*\*[\d.]+\*\* MWh, range [\d.]+–[\d.]+ — reported 100 MWh of IT "
        r"equipment × PUE \*\*[\d.]+\*\* \([\d.]+–[\d.]+, default\)",
        energy,
    ), energy
    assert main(["check", str(folder / "energy.yaml")]) == 0
    assert capsys.readouterr().err == "OK: 1 entry valid\n"


def test_preview_still_refuses_a_run_that_is_not_an_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _entries(tmp_path, energy=ENERGY)
    assert main(["preview", str(folder / "energy.yaml")]) == 1
    out = capsys.readouterr().out
    assert "training.same_run_as: names 'allenai/run', which is not an entry" in out


def test_export_hf_says_the_basis_and_exports_only_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _entries(tmp_path, run=RUN, emitted=EMITTED)
    entries = str(folder.parent)
    assert main(["export-hf", "--entries", entries, "allenai/emitted"]) == 0
    assert capsys.readouterr().out == (
        "co2_eq_emissions:\n"
        "  emissions: 30000000\n"
        "  source: ML Training Emissions Leaderboard, basis reported-co2e; the emissions "
        "the source reports, taken as they are\n"
        "  training_type: pre-training\n"
    )
    assert main(["export-hf", "--entries", entries, "allenai/run"]) == 0
    block = capsys.readouterr().out
    assert block == (
        "co2_eq_emissions:\n"
        "  emissions: 2027520\n"
        "  source: ML Training Emissions Leaderboard, basis hardware-time; computed from the "
        "accelerators and the training time the source states, with the formula of "
        "Patterson et al. 2021 (arXiv 2104.10350)\n"
        "  training_type: pre-training\n"
        "  hardware_used: 64 x NVIDIA Tesla V100 SXM2 for 10 days\n"
    )
    card = _card(tmp_path, block.split("\n", 1)[1])
    out = tmp_path / "drafts" / "entries" / "allenai" / "again.yaml"
    assert _import(card, out, "--url", "https://huggingface.co/a/b") == 0
    (entry,), errors = check_paths([out])
    assert errors == [] and entry_basis(entry) == "hardware-time"
    assert (entry.training.accelerators, entry.training.days) == (64, 10)


def test_import_hf_of_a_card_without_a_figure_asks_for_one_basis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = _card(tmp_path, "  emissions: unknown\n  hardware_used: 8 x NVIDIA A100 80GB\n")
    out = tmp_path / "entries" / "meta" / "model.yaml"
    assert _import(card, out, "--url", "https://huggingface.co/a/b") == 0
    assert capsys.readouterr().err == (
        f"Wrote {out}; 1 thing to fill in before it is valid: co2e_t: the card's emissions "
        "value is missing or not a number (or give the training time); then 1 more for "
        "the shared formula\n"
    )
    text = out.read_text(encoding="utf-8")
    assert text.count("TODO ") == 2
    assert "# Basis: none yet; the card gives neither the emissions nor the training time." in text
    _, errors = check_paths([out])
    assert [e.message for e in errors] == ["needs the training time: add hours or days"]


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX only")
def test_new_in_a_terminal_asks_the_disclosure_first(tmp_path: Path) -> None:
    import pty

    main_fd, terminal = pty.openpty()  # `new` asks only when its input is a terminal
    answers = ["2", "Tiny LM", "Meta AI", "120", "it", "2024", "FR"]
    answers += ["https://example.org/report", "Report, Table 2"]
    os.write(main_fd, "".join(f"{a}\n" for a in answers).encode())
    try:
        done = subprocess.run(
            [sys.executable, "-m", "builder", "new", "--entries", str(tmp_path / "entries")],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(main_fd)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(disclosure_question())
    assert done.stdout.count("?") == 2  # the disclosure, then whether energy includes cooling
    path = tmp_path / "entries" / "meta" / "tiny-lm.yaml"
    assert done.stderr.startswith(f"Wrote {path} (basis reported-energy).")
    (entry,), errors = check_paths([path])
    assert errors == [] and entry_basis(entry) == "reported-energy"
    assert (entry.reported.energy_mwh, entry.reported.energy_scope) == (120, "it")
    assert (entry.training.region, entry.released) == ("FR", "2024")


def test_preview_of_facility_energy_says_it_is_taken_as_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = ENERGY.replace("  energy_scope: it\n", "").replace("  same_run_as: allenai/run\n", "")
    folder = _entries(tmp_path, energy=text)
    assert main(["preview", str(folder / "energy.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        "  3. energy: **100** MWh — reported, for the whole facility (cooling and power "
        "delivery included)"
    ) in lines
    assert "  4. CO2e: **50** t — derived: energy × grid intensity **0.5** (stated)" in lines


def test_import_hf_with_the_time_but_no_known_hardware_asks_only_for_the_hardware(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = _card(tmp_path, "  emissions: 5000\n  hardware_used: 1,200 GPU-hours on our cluster\n")
    out = tmp_path / "entries" / "meta" / "model.yaml"
    assert _import(card, out, "--url", "https://huggingface.co/a/b") == 0
    assert capsys.readouterr().err == (
        f"Wrote {out}, valid as it is, basis reported-co2e; 1 thing to fill in for the "
        "shared formula: hardware: a key of builder/data/hardware.yaml\n"
    )
    text = out.read_text(encoding="utf-8")
    assert "training:\n  accelerator_hours: 1200\n  # TODO hardware: a key of" in text
    out.write_text(text.replace("  # TODO hardware: a key", "  hardware: nvidia-v100 #"))
    (entry,), errors = check_paths([out])
    assert errors == [] and entry_basis(entry) == "hardware-time"
