"""One invalid fixture per failure mode, each message asserted word for word."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from builder.cli import main
from builder.entries.errors import EntryError
from builder.entries.gather import check_paths
from builder.entries.load import MAX_FILE_BYTES, read_entry
from builder.entries.validate import check_unique_ids

from .conftest import FIXTURES

INVALID = FIXTURES / "invalid"

EXPECTED = {
    "Upper_Case": [
        "entries/bad/Upper_Case.yaml:1:1: 'Upper_Case' in the path is not a valid id part "
        "(lowercase letters, digits and single hyphens) (rename it to 'upper-case')",
    ],
    "absurd-parameters": [
        "entries/bad/absurd-parameters.yaml:4:13: parameters: must be <= 1e+15 parameters "
        "(plausibility bound), got 1e+20 (check the unit and the number of zeros)",
    ],
    "alias": [
        "entries/bad/alias.yaml:8:11: YAML alias '*nothing' is not allowed "
        "(write the value out in full)",
    ],
    "anchor": [
        "entries/bad/anchor.yaml:4:11: YAML anchor '&run' is not allowed "
        "(write the value out in full)",
    ],
    "bad-escape": [
        "entries/bad/bad-escape.yaml:9:50: invalid YAML: found unknown escape character (in "
        "double quotes write \\\\ for a backslash, or use single quotes)",
    ],
    "bad-indentation": [
        "entries/bad/bad-indentation.yaml:6:17: invalid YAML: mapping values are not allowed "
        "in this context (quote a value that contains ': ', or fix the indentation)",
    ],
    "billion-laughs": [
        "entries/bad/billion-laughs.yaml:1:4: YAML anchor '&a' is not allowed (write the "
        "value out in full)",
    ],
    "boolean-pue": [
        "entries/bad/boolean-pue.yaml:8:8: training.pue: must be a number, got the boolean true",
    ],
    "boolean-word-days": [
        "entries/bad/boolean-word-days.yaml:7:9: training.days: must be a number, got the "
        "text 'yes'",
    ],
    "both-durations": [
        "entries/bad/both-durations.yaml:8:9: training.days: give hours or days, not both",
    ],
    "complex-key": [
        "entries/bad/complex-key.yaml:10:3: a key must be a plain word (write `name: value`)",
    ],
    "control-character": [
        "entries/bad/control-character.yaml:1:11: file contains the control character U+0007 "
        "(delete it; entries are plain text)",
    ],
    "control-escape": [
        "entries/bad/control-escape.yaml:1:7: name: must not contain the control character "
        "U+0000 (remove it; in double quotes it is written as an escape such as \\0)",
    ],
    "data-url": [
        "entries/bad/data-url.yaml:9:11: sources[0].url: only http and https links are "
        "allowed, got a 'data:' link (link to the document's web address)",
    ],
    "dedented-key": [
        "entries/bad/dedented-key.yaml:6:2: invalid YAML: did not find expected key (check "
        "the indentation of this line and the one above)",
    ],
    "deep-nesting": [
        "entries/bad/deep-nesting.yaml:4:28: "
        "parameters[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]: nested more than 16 levels "
        "deep (an entry nests only a few levels; check the brackets and the indentation)",
    ],
    "document-end-marker": [
        "entries/bad/document-end-marker.yaml:11:1: invalid YAML: did not find expected "
        "<document start> (one entry per file: remove the '...' line and what follows)",
    ],
    "duplicate-key": [
        "entries/bad/duplicate-key.yaml:4:1: name: duplicate key (first set on line 1) "
        "(keep one of the two)",
    ],
    "duplicate-training-key": [
        "entries/bad/duplicate-training-key.yaml:8:3: training.accelerators: duplicate key "
        "(first set on line 6) (keep one of the two)",
    ],
    "empty": [
        "entries/bad/empty.yaml:1:1: the file is empty "
        "(start from `leaderboard new` or copy an existing entry)",
    ],
    "empty-name": [
        "entries/bad/empty-name.yaml:1:6: name: is required but empty",
    ],
    "empty-source-item": [
        "entries/bad/empty-source-item.yaml:10:4: sources[1]: must be a mapping of keys, got "
        "an empty value (write one `key: value` per line, indented below)",
    ],
    "fractional-accelerators": [
        "entries/bad/fractional-accelerators.yaml:6:17: training.accelerators: "
        "must be a whole number, got 8.5",
    ],
    "ftp-url": [
        "entries/bad/ftp-url.yaml:9:11: sources[0].url: only http and https links are "
        "allowed, got a 'ftp:' link (link to the document's web address)",
    ],
    "hours-and-accelerator-hours": [
        "entries/bad/hours-and-accelerator-hours.yaml:7:9: training.days: give "
        "accelerator_hours or accelerators with hours/days, not both "
        "(keep the one the source states)",
    ],
    "huge-integer": [
        "entries/bad/huge-integer.yaml:6:17: training.accelerators: must be a finite number, "
        "got inf (it is too large for a number; check the unit and the number of zeros)",
    ],
    "impossible-date": [
        "entries/bad/impossible-date.yaml:3:11: released: '2019-02-30' is not a real date",
    ],
    "impossible-month": [
        "entries/bad/impossible-month.yaml:3:11: released: '2019-13' is not a real date",
    ],
    "intensity-too-high": [
        "entries/bad/intensity-too-high.yaml:8:21: training.carbon_intensity: must be <= 2 "
        "kg CO2e/kWh (plausibility bound), got 429 (check the unit and the number of zeros)",
    ],
    "ipv6-url": [
        "entries/bad/ipv6-url.yaml:9:11: sources[0].url: 'http://[2001:db8::1/paper' is not "
        "a valid web address",
    ],
    "javascript-url": [
        "entries/bad/javascript-url.yaml:9:11: sources[0].url: only http and https links are "
        "allowed, got a 'javascript:' link (link to the document's web address)",
    ],
    "just-null": [
        "entries/bad/just-null.yaml:1:1: an entry must be a mapping of keys, got an empty "
        "value (start with `name: ...` on the first line)",
    ],
    "just-number": [
        "entries/bad/just-number.yaml:1:1: an entry must be a mapping of keys, got 42 (start "
        "with `name: ...` on the first line)",
    ],
    "just-tilde": [
        "entries/bad/just-tilde.yaml:1:1: an entry must be a mapping of keys, got an empty "
        "value (start with `name: ...` on the first line)",
    ],
    "line-separator": [
        "entries/bad/line-separator.yaml:9:54: file contains U+2028 LINE SEPARATOR, a line "
        "break editors do not show (replace it with a space or a newline)",
    ],
    "list-not-mapping": [
        "entries/bad/list-not-mapping.yaml:1:1: an entry must be a mapping of keys, got a list "
        "(start with `name: ...` on the first line)",
    ],
    "long-domain": [
        "entries/bad/long-domain.yaml:4:9: domain: "
        "'languagelanguagelanguagelanguagelanguagelanguagelanguagel...' is not allowed (one "
        "of: language, code, vision, multimodal, speech, science, other)",
    ],
    "long-key": [
        "entries/bad/long-key.yaml:10:1: a key must be a short word, got 150 characters "
        "(write `name: value`)",
    ],
    "missing-hardware": [
        "entries/bad/missing-hardware.yaml:5:17: training.accelerators: needs the hardware the "
        "time or compute ran on (add `hardware:` to training, a key of "
        "builder/data/hardware.yaml)",
    ],
    "missing-required": [
        "entries/bad/missing-required.yaml:1:1: name: required key is missing "
        "(add `name:`, for example `name: T5`)",
        "entries/bad/missing-required.yaml:1:1: organization: required key is missing "
        "(add `organization:`, for example `organization: Google`)",
        "entries/bad/missing-required.yaml:1:1: sources: required key is missing (add `sources:`)",
    ],
    "missing-training": [
        "entries/bad/missing-training.yaml:1:1: gives no basis for the figures (a source must "
        "give hardware with the training time (training.accelerators with hours or days, or "
        "training.accelerator_hours), or reported.energy_mwh, or reported.co2e_t, or "
        "training.flops with training.hardware)",
    ],
    "negative-days": [
        "entries/bad/negative-days.yaml:7:9: training.days: must be > 0 days, got -2",
    ],
    "negative-intensity": [
        "entries/bad/negative-intensity.yaml:8:21: training.carbon_intensity: must be > 0 kg "
        "CO2e/kWh, got -0.4",
    ],
    "negative-reported": [
        "entries/bad/negative-reported.yaml:9:11: reported.co2e_t: must be > 0 t CO2e, got -12",
    ],
    "no-duration": [
        "entries/bad/no-duration.yaml:6:17: training.accelerators: needs the training time: "
        "add hours or days (or give accelerator_hours instead)",
    ],
    "no-sources": [
        "entries/bad/no-sources.yaml:8:10: sources: needs at least 1 item "
        "(add `- {url: ..., title: ...}`)",
    ],
    "no-training-time": [
        "entries/bad/no-training-time.yaml:5:13: training.hardware: needs the training time: "
        "add hours or days (or give accelerator_hours instead)",
    ],
    "non-finite": [
        "entries/bad/non-finite.yaml:8:12: training.power_w: must be a finite number, got inf",
    ],
    "notes-deep-list": [
        "entries/bad/notes-deep-list.yaml:13:3: notes: lists and quotes nest 3000 levels "
        "deep here, over the limit of 10 (flatten the nesting)",
    ],
    "notes-long-paragraph": [
        "entries/bad/notes-long-paragraph.yaml:13:3: notes: a paragraph of 4,499 characters "
        "is over the 4,000-character limit (split it with blank lines)",
    ],
    "notes-many-brackets": [
        "entries/bad/notes-many-brackets.yaml:12:3: notes: has 300 '[' characters, over the "
        "limit of 200 (link to fewer documents; list the others under sources)",
    ],
    "power-too-high": [
        "entries/bad/power-too-high.yaml:8:12: training.power_w: must be <= 5000 W "
        "(plausibility bound), got 6000 (check the unit and the number of zeros)",
    ],
    "pue-below-one": [
        "entries/bad/pue-below-one.yaml:8:8: training.pue: must be >= 1, got 0.5",
    ],
    "quoted-accelerators": [
        "entries/bad/quoted-accelerators.yaml:6:17: training.accelerators: must be a number, "
        "got the text '512' (remove the quotes)",
    ],
    "quoted-number": [
        "entries/bad/quoted-number.yaml:8:12: training.power_w: must be a number, "
        "got the text '310' (remove the quotes)",
    ],
    "released-tomorrow": [
        "entries/bad/released-tomorrow.yaml:3:11: released: must be a date as YYYY, YYYY-MM "
        "or YYYY-MM-DD, got the text 'tomorrow'",
    ],
    "scalar-not-mapping": [
        "entries/bad/scalar-not-mapping.yaml:1:1: an entry must be a mapping of keys, got "
        "the text 'A model trained on 512 TPUs for 20 days' (start with `name: ...` on the "
        "first line)",
    ],
    "second-document": [
        "entries/bad/second-document.yaml:10:1: more than one YAML document (remove the "
        "'---' separator; one entry per file)",
    ],
    "tab-in-list": [
        "entries/bad/tab-in-list.yaml:9:1: invalid YAML: found character that cannot start "
        "any token (indent with spaces; YAML does not allow tabs)",
    ],
    "tab-indent": [
        "entries/bad/tab-indent.yaml:5:1: invalid YAML: found character that cannot start any "
        "token (indent with spaces; YAML does not allow tabs)",
    ],
    "tag-on-key": [
        "entries/bad/tag-on-key.yaml:3:3: YAML tag '!!python/object/apply:os.system' is not "
        "allowed (remove the tag; write a plain value)",
    ],
    "tag-on-root": [
        "entries/bad/tag-on-root.yaml:1:5: YAML tag '!!python/object/apply:os.system' is not "
        "allowed (remove the tag; write a plain value)",
    ],
    "training-as-list": [
        "entries/bad/training-as-list.yaml:5:3: training: must be a mapping of keys, got a "
        "list (write one `key: value` per line, indented below)",
    ],
    "unclosed-bracket": [
        "entries/bad/unclosed-bracket.yaml:5:8: invalid YAML: did not find expected ',' or '}' "
        "(close every '[' with ']' and every '{' with '}')",
    ],
    "unclosed-list": [
        "entries/bad/unclosed-list.yaml:8:10: invalid YAML: this '[' is never closed (close "
        "it with ']')",
    ],
    "unclosed-quote": [
        "entries/bad/unclosed-quote.yaml:1:7: invalid YAML: the quote opened here is closed "
        'only on line 9 (end the value with " on this line)',
    ],
    "unclosed-single-quote": [
        "entries/bad/unclosed-single-quote.yaml:2:15: invalid YAML: this quote is never "
        "closed (end the value with ')",
    ],
    "units-in-number": [
        "entries/bad/units-in-number.yaml:9:15: reported.energy_mwh: must be a number, got the "
        "text '85.7 MWh' (write a plain number such as 1.7e6 or 10_000, without units or commas)",
    ],
    "unknown-domain": [
        "entries/bad/unknown-domain.yaml:4:9: domain: 'languages' is not allowed "
        "(did you mean 'language'?)",
    ],
    "unknown-hardware": [
        "entries/bad/unknown-hardware.yaml:5:13: training.hardware: unknown hardware "
        "'nvidia-a100' (did you mean 'nvidia-a100-40gb', 'nvidia-a100-80gb', 'nvidia-a100-pcie'?)",
    ],
    "unknown-key": [
        "entries/bad/unknown-key.yaml:6:3: training.acelerators: unknown key "
        "(did you mean 'accelerators'?)",
        "entries/bad/unknown-key.yaml:7:9: training.days: needs the number of accelerators "
        "(add `accelerators:`, or give accelerator_hours instead)",
    ],
    "unknown-region": [
        "entries/bad/unknown-region.yaml:8:11: training.region: unknown region 'us-iowa' "
        "(did you mean 'US-WA', 'US-IA', 'US-WY'?)",
    ],
    "unknown-source-key": [
        "entries/bad/unknown-source-key.yaml:9:65: sources[0].page: unknown key (allowed "
        "keys: url, title)",
    ],
    "unknown-top-level-key": [
        "entries/bad/unknown-top-level-key.yaml:4:1: paramaters: unknown key (did you mean "
        "'parameters'?)",
    ],
    "unquoted-ampersand": [
        "entries/bad/unquoted-ampersand.yaml:2:15: YAML anchor '&AI' is not allowed (put "
        "text that starts with '&' in quotes)",
    ],
    "unquoted-at": [
        "entries/bad/unquoted-at.yaml:1:7: invalid YAML: found character that cannot start "
        "any token (put a value that starts with '@' in quotes)",
    ],
    "unquoted-star": [
        "entries/bad/unquoted-star.yaml:10:8: a value starting with '*' is read as a YAML "
        "alias (put the value in quotes)",
    ],
    "url-with-spaces": [
        "entries/bad/url-with-spaces.yaml:9:11: sources[0].url: 'https://example.org/my "
        "paper.pdf' is not a valid web address (write a space as %20)",
    ],
    "yaml-tag": [
        "entries/bad/yaml-tag.yaml:5:13: YAML tag '!!python/object/apply:os.system' is not "
        "allowed (remove the tag; write a plain value)",
    ],
    "year-1800": [
        "entries/bad/year-1800.yaml:3:11: released: year must be between 1950 and 2100, got 1800",
    ],
    "zero-accelerators": [
        "entries/bad/zero-accelerators.yaml:6:17: training.accelerators: must be > 0 "
        "accelerators, got 0",
    ],
}


def _check(path: Path) -> list[str]:
    _, errors = check_paths([path])
    return [e.format() for e in errors]


@pytest.fixture()
def in_invalid(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(INVALID)
    return INVALID


def test_every_fixture_has_an_expectation() -> None:
    files = {p.stem for p in (INVALID / "entries" / "bad").glob("*.yaml")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_invalid_fixture(case: str, in_invalid: Path) -> None:
    entries, errors = check_paths([Path(f"entries/bad/{case}.yaml")])
    assert entries == []
    assert [e.format() for e in errors] == EXPECTED[case]


def test_all_errors_of_a_folder_are_reported_sorted(in_invalid: Path) -> None:
    lines = _check(Path("entries"))
    assert lines == sorted(line for case in EXPECTED.values() for line in case)


VALID = """name: Test Model
organization: Test Org
training:
  hardware: nvidia-v100
  accelerators: 8
  days: 2
sources:
  - {url: "https://example.org/paper", title: "Paper, Table 1"}
"""


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "entries" / "ibm" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Path("entries/ibm") / name


def test_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = VALID.encode() + b"notes: |\n" + b"  padding text\n" * (MAX_FILE_BYTES // 15 + 1)
    path = _write(tmp_path, "big.yaml", data)
    assert _check(path) == [
        f"entries/ibm/big.yaml:1:1: file is {len(data):,} bytes, over the 65,536-byte limit "
        "(shorten the notes; link to long material instead)"
    ]


def test_byte_order_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + VALID.encode())
    assert _check(path) == [
        "entries/ibm/bom.yaml:1:1: file starts with a byte-order mark "
        "(save it as UTF-8 without BOM)"
    ]


def test_invalid_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "latin1.yaml", VALID.replace("Test Org", "Caf\xe9").encode("latin-1"))
    assert _check(path) == [
        "entries/ibm/latin1.yaml:2:18: invalid UTF-8 byte 0xe9 (save the file as UTF-8)"
    ]


def test_binary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "blob.yaml", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert _check(path) == [
        "entries/ibm/blob.yaml:1:1: file contains NUL bytes; it looks binary "
        "(entries are UTF-8 YAML text)"
    ]


def test_ids_colliding_by_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "model.yaml", VALID.encode())
    _write(tmp_path, "model.yml", VALID.encode())
    assert _check(Path("entries")) == [
        "entries/ibm/model.yml:1:1: entry files end in .yaml (rename it to model.yaml)"
    ]


def test_valid_entry_with_scientific_notation_and_underscores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = (
        VALID.replace(
            "  accelerators: 8\n  days: 2\n", "  accelerator_hours: 1_000_000\n  flops: 4.05e22\n"
        )
        + "parameters: 11e9\nreleased: 2019-10-01\n"
    )
    path = _write(tmp_path, "sci.yaml", text.encode())
    entries, errors = check_paths([path])
    assert errors == []
    (entry,) = entries
    assert entry.id == "ibm/sci"
    assert entry.training.accelerator_hours == 1_000_000
    assert entry.training.flops == 4.05e22
    assert entry.parameters == 11e9
    assert entry.released == "2019-10-01"


def test_empty_optional_values_mean_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = VALID.replace("  days: 2\n", "  days: 2\n  accelerator_hours:\n  pue:\n")
    entries, errors = check_paths([_write(tmp_path, "blank.yaml", text.encode())])
    assert errors == []
    assert entries[0].training.pue is None


def test_check_command_over_the_whole_corpus() -> None:
    """`check` over every bad input: exit status 1, each file named, no traceback, no hang."""
    result = subprocess.run(
        [sys.executable, "-m", "builder", "check", "entries"],
        cwd=INVALID,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    expected = sorted(line for case in EXPECTED.values() for line in case)
    assert result.stdout.splitlines() == expected
    files = len(list((INVALID / "entries" / "bad").glob("*.yaml")))
    assert result.stderr.strip() == f"Found {len(expected)} errors in {files} files"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_check_command_fails_on_each_bad_input(
    case: str, in_invalid: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", f"entries/bad/{case}.yaml"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == EXPECTED[case]
    assert err.startswith("Found ")


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_errors_point_inside_the_file(case: str, in_invalid: Path) -> None:
    path = Path(f"entries/bad/{case}.yaml")
    lines = path.read_bytes().decode("utf-8", errors="replace").split("\n")
    _, errors = check_paths([path])
    assert errors
    for error in errors:
        assert 1 <= error.line <= len(lines)
        assert 1 <= error.column <= max(1, len(lines[error.line - 1]) + 1)


def test_alias_bomb_is_refused_at_the_first_anchor(tmp_path: Path) -> None:
    """A 'billion laughs' document of 10**30 nodes once expanded: refused before any expansion."""
    levels = ["a: &l0 [" + ", ".join(["lol"] * 10) + "]"]
    for i in range(1, 30):
        levels.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    path = tmp_path / _write(tmp_path, "bomb.yaml", ("\n".join(levels) + "\n" + VALID).encode())
    start = time.perf_counter()
    raw = read_entry(path, tmp_path / "entries", "bomb.yaml")
    assert time.perf_counter() - start < 1.0
    assert isinstance(raw, EntryError)
    assert raw.format() == (
        "bomb.yaml:1:4: YAML anchor '&l0' is not allowed (write the value out in full)"
    )


def test_ids_colliding_by_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for org in ("IBM", "ibm"):
        path = tmp_path / "entries" / org / "model.yaml"
        if path.parent.exists():
            pytest.skip("the file system ignores case: the two files cannot both exist")
        path.parent.mkdir(parents=True)
        path.write_text(VALID, encoding="utf-8")
    entries, errors = check_paths([Path("entries")])
    assert [e.id for e in entries] == ["ibm/model"]
    assert [e.format() for e in errors] == [
        "entries/IBM/model.yaml:1:1: 'IBM' in the path is not a valid id part "
        "(lowercase letters, digits and single hyphens) (rename it to 'ibm')"
    ]


def test_ids_differing_only_by_case_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids are lowercase, so only an entry built elsewhere can collide; the check still holds."""
    monkeypatch.chdir(tmp_path)
    (entry,) = check_paths([_write(tmp_path, "model.yaml", VALID.encode())])[0]
    twin = dataclasses.replace(entry, id="IBM/Model", path="entries/IBM/Model.yaml")
    assert [e.format() for e in check_unique_ids([entry, twin])] == [
        "entries/ibm/model.yaml:1:1: id 'ibm/model' is already used by entries/IBM/Model.yaml "
        "(rename one of the two files)"
    ]


def test_entries_not_two_levels_deep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for rel in ("entries/model.yaml", "entries/ibm/team/model.yaml", "entries/ibm/fine.yaml"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(VALID, encoding="utf-8")
    entries, errors = check_paths([Path("entries")])
    assert [e.id for e in entries] == ["ibm/fine"]
    assert [e.format() for e in errors] == [
        "entries/ibm/team/model.yaml:1:1: entry files live at entries/<org>/<model>.yaml "
        "(move it so its id has two parts, not 'ibm/team/model')",
        "entries/model.yaml:1:1: entry files live at entries/<org>/<model>.yaml "
        "(move it so its id has two parts, not 'model')",
    ]


def test_symbolic_links_are_not_followed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A link could make the checker quote any file on the machine; it is refused unread."""
    monkeypatch.chdir(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "model.yaml").write_text("token: s3cr3t\n", encoding="utf-8")
    org = tmp_path / "entries" / "ibm"
    org.mkdir(parents=True)
    (org / "link.yaml").symlink_to(secret)
    (tmp_path / "entries" / "elsewhere").symlink_to(outside, target_is_directory=True)
    entries, errors = check_paths([Path("entries")])
    assert entries == []
    lines = [e.format() for e in errors]
    assert lines[0] == (
        "entries/ibm/link.yaml:1:1: entry files must be regular files, not symbolic links "
        "(replace the link with the file itself)"
    )
    # Whether the linked folder is walked at all depends on the Python version.
    assert lines[1:] in (
        [],
        [
            "entries/elsewhere/model.yaml:1:1: the file resolves to a path outside the entries "
            "folder (entries must not be reached through symbolic links)"
        ],
    )
    assert not any("hunter2" in line or "s3cr3t" in line or "password" in line for line in lines)


def test_huge_file_is_not_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "huge.yaml", b"")
    with path.open("wb") as handle:  # sparse: 1 GiB on paper, nothing on disk
        handle.truncate(1 << 30)
    tracemalloc.start()
    try:
        error = read_entry(path, Path("entries"), path.as_posix())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(error, EntryError)
    assert peak < 4 * MAX_FILE_BYTES
    assert _check(path) == [
        "entries/ibm/huge.yaml:1:1: file is 1,073,741,824 bytes, over the 65,536-byte limit "
        "(shorten the notes; link to long material instead)"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('  hardware: " nvidia-v100 "\n', "nvidia-v100"),
        ("  hardware: nvidia-v100   # trailing comment\n", "nvidia-v100"),
    ],
)
def test_hardware_is_looked_up_as_cleaned(
    text: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "hw.yaml", VALID.replace("  hardware: nvidia-v100\n", text).encode())
    entries, errors = check_paths([path])
    assert errors == []
    assert entries[0].training.hardware == expected


def test_keys_are_reported_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "keys.yaml", (VALID + "true: 1\n").encode())
    assert _check(path) == [
        "entries/ibm/keys.yaml:9:1: true: unknown key (allowed keys: name, organization, "
        "released, parameters, domain, links, training, reported, sources, notes)"
    ]
