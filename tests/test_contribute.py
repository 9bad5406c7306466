"""The contributor's tools: JSON Schema, scaffold, preview, warnings, model-card import, export."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from builder.catalog import load_catalog
from builder.cli import main
from builder.compute import compute_result
from builder.contrib.hf import export_block, import_card
from builder.contrib.preview import preview_markdown
from builder.conventions import format_estimate, format_number, significant
from builder.entries.errors import EntryError
from builder.entries.gather import check_paths
from builder.entries.json_schema import SCHEMA_PATH, schema_text
from builder.entries.load import RawEntry, entries_root_for, read_entry
from builder.entries.model import entry_basis
from builder.entries.plausibility import check_all

from .conftest import ENTRIES, FIXTURES, ROOT

# Rules the schema cannot express: a calendar, URL parsing, control characters, and the
# limits that keep Markdown notes cheap to render.
VALIDATOR_ONLY = {
    "impossible-date",
    "ipv6-url",
    "control-escape",
    "notes-deep-list",
    "notes-long-paragraph",
    "notes-many-brackets",
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / SCHEMA_PATH).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schema_is_generated_from_the_code() -> None:
    assert (ROOT / SCHEMA_PATH).read_text(encoding="utf-8") == schema_text(), (
        "regenerate it: leaderboard schema --out schema/entry.schema.json"
    )


def test_every_shipped_entry_satisfies_the_schema(
    validator: jsonschema.Draft202012Validator,
) -> None:
    failures = {}
    for path in sorted(ENTRIES.rglob("*.yaml")):
        raw = read_entry(path, ENTRIES)
        assert isinstance(raw, RawEntry)
        errors = [e.message for e in validator.iter_errors(raw.root.plain())]
        if errors:
            failures[path.name] = errors
    assert failures == {}


def test_schema_and_validator_agree_on_the_bad_fixtures(
    validator: jsonschema.Draft202012Validator,
) -> None:
    folder = FIXTURES / "invalid" / "entries" / "bad"
    schema_judged = 0
    for path in sorted(folder.glob("*.yaml")):
        _, errors = check_paths([path])
        assert errors, f"the validator accepts {path.name}"
        raw = read_entry(path, entries_root_for(path))
        if isinstance(raw, EntryError):
            continue  # unreadable YAML or a bad path: no document for the schema to judge
        accepted = validator.is_valid(raw.root.plain())
        assert accepted == (path.stem in VALIDATOR_ONLY), path.name
        schema_judged += 1
    assert schema_judged >= 20


@pytest.mark.slow
def test_build_publishes_the_schema(tmp_path: Path) -> None:
    from builder.build import build_site
    from builder.config import SiteConfig

    build_site(ENTRIES, tmp_path / "site", SiteConfig())
    published = (tmp_path / "site" / "schema" / "entry.schema.json").read_text(encoding="utf-8")
    assert published == schema_text()


def test_new_scaffolds_an_entry_that_validates_once_filled_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = tmp_path / "entries"
    code = main(
        [
            "new",
            "--entries",
            str(entries),
            "--no-input",
            "--name",
            "Tiny LM 1B",
            "--organization",
            "Meta AI",
            "--hardware",
            "nvidia-h100-sxm",
            "--accelerators",
            "64",
            "--days",
            "3.5",
            "--released",
            "2025-02",
            "--source-url",
            "https://example.org/tiny-lm",
            "--source-title",
            "Tiny LM technical report, Table 3",
        ]
    )
    assert code == 0
    path = entries / "meta" / "tiny-lm-1b.yaml"  # the folder of the organization's aliases
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/entry.schema.json\n")
    entries_found, errors = check_paths([path])
    assert errors == []
    assert entries_found[0].training.accelerators == 64
    # Filling in a commented field keeps it valid.
    path.write_text(text.replace("  # power_w: 310\n", "  power_w: 650\n"), encoding="utf-8")
    entries_found, errors = check_paths([path])
    assert errors == [] and entries_found[0].training.power_w == 650
    assert "Wrote " in capsys.readouterr().err


def test_new_prompts_with_catalog_completion(tmp_path: Path) -> None:
    from builder.contrib.prompts import Keys, prompt_missing
    from builder.contrib.scaffold import Draft

    asked: list[tuple[str, list[str]]] = []
    answers = iter(
        [
            "1",  # the source discloses the accelerators and the training time
            "Tiny LM",
            "Example Lab",
            "nvidia-h10",
            "nvidia-h100-sxm",
            "",
            "12000",
            "2025",
            "FR",
            "https://example.org",
            "Report, Section 4",
        ]
    )

    def ask(question: str, completions: object) -> str:
        asked.append((question, list(completions)))  # type: ignore[call-overload]
        return next(answers)

    draft = Draft()
    keys = Keys(["nvidia-h100-sxm", "nvidia-a100-80gb"], ["nvidia-h100-sxm"], ["FR", "US"])
    prompt_missing(draft, ask, keys)
    assert draft.hardware == "nvidia-h100-sxm"  # the typo was asked again
    assert draft.accelerator_hours == 12000 and draft.region == "FR"
    hardware_questions = [c for q, c in asked if q.startswith("Hardware key")]
    assert hardware_questions == [["nvidia-h100-sxm", "nvidia-a100-80gb"]] * 2


def test_preview_table() -> None:
    (entry,), _ = check_paths([ENTRIES / "google" / "t5.yaml"])
    result = compute_result(entry, load_catalog())
    text = preview_markdown([result], [])
    lines = text.splitlines()
    assert lines[4] == (
        "| T5 (`google/t5`) | hardware-time | 245,760 | 85.3 | 46.5 | 46.5–46.5 | 46.7 | 1.00× "
        "| high |"
    )
    assert "- power_w: **310** (stated: Stated by the entry)" in lines


def test_preview_rounds_a_figure_with_a_range_as_the_site_does() -> None:
    """A figure with a range: 3 significant digits, its bounds 2 (`format_estimate`)."""
    (entry,), _ = check_paths([ENTRIES / "openai" / "gpt-2.yaml"])
    r = compute_result(entry, load_catalog())
    assert r.co2e_t_low < r.co2e_t < r.co2e_t_high  # defaults widen it
    row = preview_markdown([r], []).splitlines()[4].split(" | ")
    assert row[4] == format_estimate(r.co2e_t) == format_number(significant(r.co2e_t, 3), 3)
    assert row[5] == f"{format_estimate(r.co2e_t_low, 2)}–{format_estimate(r.co2e_t_high, 2)}"
    chain = next(line for line in preview_markdown([r], []).splitlines() if "4. CO2e" in line)
    assert f"**{format_estimate(r.co2e_t)}** t, range {row[5]}" in chain


def test_preview_command_prints_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(ENTRIES / "openai" / "gpt-2.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("### Computed figures\n")
    assert "- Defaults used: power, PUE, grid intensity." in out


def _entry_text(**training: object) -> str:
    fields = "".join(f"  {k}: {v}\n" for k, v in training.items())
    return (
        "name: Twin\norganization: Lab\ntraining:\n  hardware: nvidia-v100\n"
        + fields
        + "reported:\n  co2e_t: 1\n"
        + 'sources:\n  - {url: "https://example.org", title: "Paper, Table 1"}\n'
    )


def test_plausibility_warnings(tmp_path: Path) -> None:
    folder = tmp_path / "entries" / "ibm"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(_entry_text(accelerators=8, days=1, flops="1e25"))
    (folder / "b.yaml").write_text(_entry_text(accelerators=8, days=1))
    entries, errors = check_paths([tmp_path / "entries"])
    assert errors == []
    from builder.compute import compute_results

    warnings = check_all(compute_results(entries, load_catalog()))
    messages = [(Path(w.path).name, w.field, w.message) for w in warnings]
    assert (
        "a.yaml",
        "training.flops",
        "1e+25 FLOP over 192 accelerator-hours is 14,467,593 TFLOP/s per accelerator, "
        "outside the plausible 0.1-2,500 TFLOP/s",
    ) in messages
    assert any(m[0] == "b.yaml" and m[2].startswith("has the same name as ibm/a") for m in messages)
    assert any(m[1] == "reported.co2e_t" and "the notes do not say why" in m[2] for m in messages)
    assert all(w.severity == "warning" for w in warnings)


def test_check_prints_warnings_but_passes_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "entries" / "ibm"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text(_entry_text(accelerators=8, days=1))
    assert main(["check", str(folder / "a.yaml")]) == 0
    captured = capsys.readouterr()
    assert ": warning: reported.co2e_t: computed CO2e is" in captured.out
    assert captured.err.strip() == "OK: 1 entry valid, 1 warning"
    assert main(["check", "--strict", str(folder / "a.yaml")]) == 1
    assert capsys.readouterr().err.strip() == "Found 1 error in 1 file"
    assert main(["check", "--format", "github", str(folder / "a.yaml")]) == 0
    assert capsys.readouterr().out.startswith("::warning file=")


HF = FIXTURES / "hf"


def test_import_real_card_whose_text_confirms_grams() -> None:
    imported = import_card((HF / "aira-2-1b1.md").read_text(encoding="utf-8"), load_catalog())
    assert imported.co2e_t == pytest.approx(0.00171)
    assert imported.hardware == "nvidia-a100-40gb"
    assert imported.region == "SG"
    assert imported.notes[0] == (
        "**Unit:** the card's emissions value is 1710 g, which its text "
        "confirms in kilograms (1.71 kg): 0.00171 t."
    )
    assert [t.text for t in imported.todo("https://huggingface.co/a/b")] == [
        "training time: accelerators with days or hours, or accelerator_hours"
    ]


def test_import_real_card_in_grams_without_hardware() -> None:
    text = (HF / "autotrain-summarization.md").read_text(encoding="utf-8")
    imported = import_card(text, load_catalog())
    assert imported.co2e_t == pytest.approx(25.447577064303335e-6)
    assert imported.hardware is None
    todo = imported.todo(None)
    assert "hardware: a key of builder/data/hardware.yaml" in [t.text for t in todo]
    assert "if this one does, the figure is 0.0254476 t" in imported.notes[0]


def test_import_card_that_wrote_kilograms() -> None:
    text = (HF / "synthetic-kilograms.md").read_text(encoding="utf-8")
    imported = import_card(text, load_catalog())
    assert imported.co2e_t == pytest.approx(0.1492)
    assert imported.accelerators == 8
    assert imported.hardware == "nvidia-a100-80gb"
    assert imported.region == "aws-us-east-1"
    assert "so kilograms were used: 0.1492 t" in imported.notes[0]


def test_import_hf_command_drafts_an_entry_that_validates_once_completed(tmp_path: Path) -> None:
    out = tmp_path / "entries" / "meta" / "model.yaml"
    assert (
        main(
            [
                "import-hf",
                str(HF / "synthetic-kilograms.md"),
                "--name",
                "Model",
                "--org",
                "Lab",
                "--url",
                "https://huggingface.co/lab/model",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8")
    drafted, errors = check_paths([out])
    assert errors == []  # the card's reported CO2e is a basis of its own
    assert entry_basis(drafted[0]) == "reported-co2e"
    out.write_text(
        text.replace(
            "  # TODO training time: accelerators with days or hours, or accelerator_hours\n",
            "  days: 2\n",
        ),
        encoding="utf-8",
    )
    entries, errors = check_paths([out])
    assert errors == []
    assert entries[0].reported.co2e_t == pytest.approx(0.1492)
    assert entry_basis(entries[0]) == "hardware-time"  # with the time, the formula applies


def test_import_rejects_a_card_without_emissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# A model\n", encoding="utf-8")
    assert main(["import-hf", str(card), "--name", "A", "--org", "B"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {card}: the front matter has no co2_eq_emissions block"
    )


@pytest.mark.parametrize("entry_id", ["google/t5", "meta/llama-2-70b", "bigscience/bloom"])
def test_export_then_import_round_trips(entry_id: str, tmp_path: Path) -> None:
    catalog = load_catalog()
    (entry,), _ = check_paths([ENTRIES / f"{entry_id}.yaml"])
    result = compute_result(entry, catalog)
    block = export_block(result, catalog)
    card = f"---\n{block}---\n# Model\n"
    imported = import_card(card, catalog)
    assert imported.co2e_t == pytest.approx(result.co2e_t, rel=1e-6)
    assert imported.hardware == entry.training.hardware
    assert imported.accelerators == entry.training.accelerators
    assert (imported.days, imported.hours) == (entry.training.days, entry.training.hours)
    if entry.training.region:
        assert imported.region == entry.training.region


def test_export_hf_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export-hf", "google/t5"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("co2_eq_emissions:\n  emissions: 465")
    assert "  hardware_used: 512 x Google TPU v3 (per chip) for 20 days\n" in out
    assert main(["export-hf", "nobody/nothing"]) == 2
