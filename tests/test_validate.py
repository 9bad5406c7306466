"""One invalid fixture per failure mode, each message asserted word for word."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import check_paths
from builder.load import MAX_FILE_BYTES

from .conftest import FIXTURES

INVALID = FIXTURES / "invalid"

EXPECTED = {
    "Upper_Case": [
        "entries/bad/Upper_Case.yaml:1:1: 'Upper_Case' in the path is not a valid id part "
        "(lowercase letters, digits and single hyphens) (rename it to 'upper-case')",
    ],
    "alias": [
        "entries/bad/alias.yaml:8:11: YAML alias '*nothing' is not allowed "
        "(write the value out in full)",
    ],
    "anchor": [
        "entries/bad/anchor.yaml:4:11: YAML anchor '&run' is not allowed "
        "(write the value out in full)",
    ],
    "both-durations": [
        "entries/bad/both-durations.yaml:8:9: training.days: give hours or days, not both",
    ],
    "duplicate-key": [
        "entries/bad/duplicate-key.yaml:4:1: name: duplicate key (first set on line 1) "
        "(keep one of the two)",
    ],
    "empty": [
        "entries/bad/empty.yaml:1:1: the file is empty "
        "(start from `leaderboard new` or copy an existing entry)",
    ],
    "fractional-accelerators": [
        "entries/bad/fractional-accelerators.yaml:6:17: training.accelerators: "
        "must be a whole number, got 8.5",
    ],
    "hours-and-accelerator-hours": [
        "entries/bad/hours-and-accelerator-hours.yaml:7:9: training.days: give "
        "accelerator_hours or accelerators with hours/days, not both "
        "(keep the one the source states)",
    ],
    "impossible-date": [
        "entries/bad/impossible-date.yaml:3:11: released: '2019-02-30' is not a real date",
    ],
    "intensity-too-high": [
        "entries/bad/intensity-too-high.yaml:8:21: training.carbon_intensity: must be <= 2 "
        "kg CO2e/kWh (plausibility bound), got 429 (check the unit and the number of zeros)",
    ],
    "javascript-url": [
        "entries/bad/javascript-url.yaml:9:11: sources[0].url: only http and https links are "
        "allowed, got a 'javascript:' link (link to the document's web address)",
    ],
    "list-not-mapping": [
        "entries/bad/list-not-mapping.yaml:1:1: an entry must be a mapping of keys, got a list "
        "(start with `name: ...` on the first line)",
    ],
    "missing-required": [
        "entries/bad/missing-required.yaml:1:1: name: required key is missing "
        "(add `name:`, for example `name: T5`)",
        "entries/bad/missing-required.yaml:1:1: organization: required key is missing "
        "(add `organization:`, for example `organization: Google`)",
        "entries/bad/missing-required.yaml:1:1: sources: required key is missing (add `sources:`)",
    ],
    "negative-days": [
        "entries/bad/negative-days.yaml:7:9: training.days: must be > 0 days, got -2",
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
        "entries/bad/no-training-time.yaml:5:3: training: missing the training time "
        "(give accelerators with hours or days, or accelerator_hours)",
    ],
    "non-finite": [
        "entries/bad/non-finite.yaml:8:12: training.power_w: must be a finite number, got inf",
    ],
    "power-too-high": [
        "entries/bad/power-too-high.yaml:8:12: training.power_w: must be <= 5000 W "
        "(plausibility bound), got 6000 (check the unit and the number of zeros)",
    ],
    "pue-below-one": [
        "entries/bad/pue-below-one.yaml:8:8: training.pue: must be >= 1, got 0.5",
    ],
    "quoted-number": [
        "entries/bad/quoted-number.yaml:8:12: training.power_w: must be a number, "
        "got the text '310' (remove the quotes)",
    ],
    "tab-indent": [
        "entries/bad/tab-indent.yaml:5:1: invalid YAML: found character that cannot start any "
        "token (indent with spaces; YAML does not allow tabs)",
    ],
    "unclosed-bracket": [
        "entries/bad/unclosed-bracket.yaml:5:8: invalid YAML: did not find expected ',' or '}' "
        "(close every '[' with ']' and every '{' with '}')",
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
    "yaml-tag": [
        "entries/bad/yaml-tag.yaml:5:13: YAML tag '!!python/object/apply:os.system' is not "
        "allowed (remove the tag; write a plain value)",
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
    path = tmp_path / "entries" / "org" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Path("entries/org") / name


def test_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    data = VALID.encode() + b"notes: |\n" + b"  padding text\n" * (MAX_FILE_BYTES // 15 + 1)
    path = _write(tmp_path, "big.yaml", data)
    assert _check(path) == [
        f"entries/org/big.yaml:1:1: file is {len(data):,} bytes, over the 65,536-byte limit "
        "(shorten the notes; link to long material instead)"
    ]


def test_byte_order_mark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + VALID.encode())
    assert _check(path) == [
        "entries/org/bom.yaml:1:1: file starts with a byte-order mark "
        "(save it as UTF-8 without BOM)"
    ]


def test_invalid_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "latin1.yaml", VALID.replace("Test Org", "Caf\xe9").encode("latin-1"))
    assert _check(path) == [
        "entries/org/latin1.yaml:2:18: invalid UTF-8 byte 0xe9 (save the file as UTF-8)"
    ]


def test_binary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = _write(tmp_path, "blob.yaml", b"\x89PNG\r\n\x1a\n\x00\x00")
    assert _check(path) == [
        "entries/org/blob.yaml:1:1: file contains NUL bytes; it looks binary "
        "(entries are UTF-8 YAML text)"
    ]


def test_ids_colliding_by_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, "model.yaml", VALID.encode())
    _write(tmp_path, "model.yml", VALID.encode())
    assert _check(Path("entries")) == [
        "entries/org/model.yml:1:1: entry files end in .yaml (rename it to model.yaml)"
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
    assert entry.id == "org/sci"
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
