"""Hostile input at the command line: entry text is escaped for every output it reaches.

Each test is one attack on a command (`check`, `preview`, `new`, `import-hf`,
`export-hf`, `--base-url`) or on the entry rules, and says what it protects.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.catalog import load_catalog
from builder.cli import main
from builder.compute import compute_results
from builder.contrib.preview import preview_markdown
from builder.entries.errors import EntryError
from builder.entries.gather import check_paths
from builder.entries.plausibility import check_all
from builder.entries.yaml_tree import parse_yaml

from .conftest import ROOT, run_builder

VALID = """\
name: {name}
organization: {organization}
released: {released}
training:
  hardware: {hardware}
  accelerators: 8
  days: 2
  year: {year}
sources:
  - {{url: {url}, title: "Paper, Table 1"}}
"""


def entry_text(**values: str) -> str:
    given = {
        "name": "Model",
        "organization": "Lab",
        "released": "2020-05",
        "hardware": "nvidia-v100",
        "year": "2020",
        "url": "https://example.org/paper",
    }
    return VALID.format(**{**given, **values})


def write_entry(root: Path, entry_id: str = "meta/model", **values: str) -> Path:
    path = root / "entries" / f"{entry_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entry_text(**values), encoding="utf-8")
    return path


run = run_builder


# ---------------------------------------------------------------------------------------
# check: the terminal and GitHub Actions


def test_check_does_not_send_escape_sequences_to_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a hardware key is quoted in its "unknown hardware" message
    path = write_entry(tmp_path, hardware=r'"\e[2J\e[H\e[32mOK: 1 entry valid\e[0m"')
    assert main(["check", str(path)]) == 1
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "\\x1b[2J" in captured.out  # shown, visibly


def test_check_keeps_one_error_per_line_so_values_cannot_forge_workflow_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    forged = r'"x\n::error file=README.md,line=1::forged\r::warning::more"'
    path = write_entry(tmp_path, hardware=forged)
    for fmt in ("text", "github"):
        assert main(["check", "--format", fmt, str(path)]) == 1
        out = capsys.readouterr().out
        lines = out.splitlines()
        assert "\r" not in out
        assert len(lines) == 1, lines  # one error: the hardware is unknown
        if fmt == "text":
            assert not any(line.startswith("::") for line in lines)
        else:
            assert lines[0].startswith("::error file=")
            assert "x%0A::error file=README.md,line=1::forged%0D::warning::more" in out


def test_github_annotation_properties_are_encoded() -> None:
    error = EntryError("a,b:c%\n.yaml", 3, 4, "f:g,h", "m%\r\nn: o,p", "fix it")
    assert error.format_github() == (
        "::error file=a%2Cb%3Ac%25%0A.yaml,line=3,col=4,title=f%3Ag%2Ch::"
        "f:g,h: m%25%0D%0An: o,p (fix it)"
    )


def test_broken_pipe_exits_quietly(tmp_path: Path) -> None:
    for i in range(400):
        write_entry(tmp_path, f"meta/model-{i}", hardware="no-such-accelerator-" + "x" * 40)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "check", str(tmp_path / "entries")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    with process, process.stderr:
        process.stdout.readline()
        process.stdout.close()  # as `head -1` does
        err = process.stderr.read().decode()
        code = process.wait(timeout=120)
    assert "Traceback" not in err
    assert "BrokenPipeError" not in err
    assert code in (1, 141)


# ---------------------------------------------------------------------------------------
# preview: the job summary's Markdown


def test_preview_escapes_markdown_and_html_in_entry_text(tmp_path: Path) -> None:
    path = write_entry(
        tmp_path,
        name=r'"A\r<!-- <img src=https://evil.example/x.png> | *b* [c](https://evil.example)"',
        organization='"<b>Lab</b> & co"',
    )
    entries, errors = check_paths([path])
    assert errors == []
    results = compute_results(entries, load_catalog())
    markdown = preview_markdown(results, [])
    assert "<!--" not in markdown
    assert "<img" not in markdown
    assert "[c](" not in markdown and "\\[c\\](" in markdown
    assert "\r" not in markdown
    table_rows = [line for line in markdown.splitlines() if line.startswith("| A")]
    assert len(table_rows) == 1
    assert len(re.split(r"(?<!\\)\|", table_rows[0])) == 11  # 9 cells between 10 bars
    assert "&lt;img src=https://evil.example/x.png&gt;" in markdown


# ---------------------------------------------------------------------------------------
# new and import-hf: YAML drafts

INJECTION = 'x\nextra: 1\n"y": [z]\n  hours: 3\n# \\ " \' : # {a} &b *c !d %e @f `g\t\r\x85\u2028'


def _draft_values(text: str) -> dict[str, object]:
    return parse_yaml(text, "draft.yaml").plain()  # type: ignore[no-any-return]


def test_new_writes_every_value_as_a_safe_yaml_scalar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from builder.contrib.scaffold import Draft, render_entry

    entries = tmp_path / "entries"
    values = {
        "organization": "Lab\nevil: 1",
        "hardware": "nvidia-v100\nevil: 2",
        "released": "2020\nevil: 3",
        "region": "US\nevil: 4",
        "source_url": "https://example.org/\nevil: 5",
        "source_title": "Title}, evil: 6, {x: y",
    }
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in values.items()]
    code = main(
        [
            "new",
            "--name",
            INJECTION,
            "--accelerators",
            "8",
            "--days",
            "2",
            *flags,
            "--entries",
            str(entries),
            "--no-input",
        ]
    )
    # The values are not valid, so nothing is written; each error shows its value escaped.
    assert code == 1 and not entries.exists()
    out = capsys.readouterr().out
    assert "got the text '2020\\nevil: 3'" in out and "\nevil" not in out
    draft = Draft(name=INJECTION, accelerators=8, days=2, **values)
    data = _draft_values(render_entry(draft))
    assert set(data) == {"name", "organization", "released", "training", "sources"}
    assert data["name"] == INJECTION
    assert data["organization"] == "Lab\nevil: 1"
    assert data["released"] == "2020\nevil: 3"
    assert data["training"] == {
        "hardware": "nvidia-v100\nevil: 2",
        "accelerators": 8,
        "days": 2,
        "region": "US\nevil: 4",
    }
    assert data["sources"] == [
        {"url": "https://example.org/\nevil: 5", "title": "Title}, evil: 6, {x: y"}
    ]


HF_CARD = """\
---
co2_eq_emissions:
  emissions: 1000000
  hardware_used: "8 x A100\\nevil: 1\\n  - x"
  geographical_location: "nowhere\\n  evil: 2"
  source: "a\\n\\u2028b\\rc\\x1b[2J"
  training_type: "fine-tuning\\nnotes: overwritten"
---
# Model
"""


def test_import_hf_writes_every_value_as_a_safe_yaml_scalar(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(HF_CARD, encoding="utf-8")
    out = tmp_path / "draft.yaml"
    url = "https://huggingface.co/lab/model\nevil: 3"
    args = ["import-hf", str(card), "--name", INJECTION, "--org", "Lab\n- x", "--url", url]
    code = main([*args, "--out", str(out)])
    assert code == 0
    data = _draft_values(out.read_text(encoding="utf-8"))
    assert set(data) == {"name", "organization", "training", "reported", "sources", "notes"}
    assert data["name"] == INJECTION
    assert data["organization"] == "Lab\n- x"
    assert data["reported"] == {"co2e_t": 1.0}
    assert data["sources"] == [{"url": url, "title": "Model card, co2_eq_emissions"}]
    notes = data["notes"]
    assert isinstance(notes, str)
    for said in ("8 x A100\nevil: 1\n  - x", "nowhere\n  evil: 2", "a\n\u2028b\rc\x1b[2J"):
        assert said in notes
    assert set(data["training"]) <= {"hardware", "accelerators", "region"}  # type: ignore[arg-type]


BILLION_LAUGHS = """\
---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
co2_eq_emissions:
  emissions: *i
---
# Model
"""


def test_import_hf_refuses_yaml_aliases_in_a_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "README.md"
    card.write_text(BILLION_LAUGHS, encoding="utf-8")
    start = time.perf_counter()
    assert main(["import-hf", str(card), "--name", "M", "--org", "L"]) == 2
    assert time.perf_counter() - start < 5
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == (
        f"error: {card}:2:4: front matter: YAML anchor '&a' is not allowed "
        "(write the value out in full)"
    )


@pytest.mark.parametrize("written", [".inf", "-.inf", ".nan", "1e400"])
def test_import_hf_refuses_non_finite_emissions(
    written: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "README.md"
    card.write_text(f"---\nco2_eq_emissions:\n  emissions: {written}\n---\n", encoding="utf-8")
    assert main(["import-hf", str(card), "--name", "M", "--org", "L"]) == 2
    captured = capsys.readouterr()
    assert "inf" not in captured.out and "nan" not in captured.out
    assert captured.err.strip().startswith(f"error: {card}:3:14: co2_eq_emissions.emissions: ")
    assert "finite" in captured.err


def test_import_hf_never_overwrites_a_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nco2_eq_emissions:\n  emissions: 1000\n---\n", encoding="utf-8")
    out = write_entry(tmp_path)
    before = out.read_text(encoding="utf-8")
    assert main(["import-hf", str(card), "--name", "M", "--org", "L", "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == before
    assert capsys.readouterr().err.strip() == (
        f"error: {out} already exists (use --force to overwrite)"
    )
    args = ["import-hf", str(card), "--name", "M", "--org", "L", "--out", str(out), "--force"]
    assert main(args) == 0
    assert out.read_text(encoding="utf-8") != before


# ---------------------------------------------------------------------------------------
# export-hf: the id names a file inside entries/


@pytest.mark.parametrize(
    "entry_id", ["../../x", "lab/../../../etc/passwd", "/etc/passwd", "lab", "lab/a/b", "Lab/x"]
)
def test_export_hf_reads_only_inside_the_entries_folder(
    entry_id: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = tmp_path / "data" / "entries"
    write_entry(tmp_path / "data")
    outside = tmp_path / "x.yaml"
    outside.write_text(entry_text(), encoding="utf-8")
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "passwd.yaml").write_text(entry_text(), encoding="utf-8")
    assert main(["export-hf", entry_id, "--entries", str(entries)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "is not an entry id" in captured.err
    assert "<org>/<model>" in captured.err
    assert main(["export-hf", "meta/model", "--entries", str(entries)]) == 0


def test_export_hf_does_not_follow_a_link_out_of_the_entries_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entries = tmp_path / "entries"
    entries.mkdir()
    elsewhere = tmp_path / "elsewhere"
    write_entry(elsewhere)
    (entries / "meta").symlink_to(elsewhere / "entries" / "meta", target_is_directory=True)
    assert main(["export-hf", "meta/model", "--entries", str(entries)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "leads outside" in captured.err


# ---------------------------------------------------------------------------------------
# --base-url and --repo-url


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/\nDisallow: /",
        "https://example.org/ x",
        "https://example.org/\x1b[2J",
        "example.org",
        "javascript:alert(1)//",
        "ftp://example.org/",
        "https://",
    ],
)
@pytest.mark.parametrize("flag", ["--base-url", "--repo-url"])
def test_site_urls_must_be_absolute_http_urls(
    flag: str, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["build", "--out", str(tmp_path / "site"), flag, url])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: " in err
    assert "\x1b" not in err
    assert not (tmp_path / "site").exists()


def test_robots_and_sitemap_escape_the_site_url() -> None:
    from builder.present.pages import robots_txt, sitemap

    url = "https://example.org/a b\r\nDisallow: /\x1b<x>/"
    robots = robots_txt(url)
    assert robots.splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Sitemap: https://example.org/a%20b%0D%0ADisallow:%20/%1B%3Cx%3E/sitemap.xml",
    ]
    xml = sitemap(url, ["index.html"])
    assert "\n" + "Disallow" not in xml
    assert "<x>" not in xml and "\x1b" not in xml
    assert "https://example.org/a%20b%0D%0ADisallow:%20/%1B%3Cx%3E/" in xml


# ---------------------------------------------------------------------------------------
# Invisible characters in names, organizations and ids


@pytest.mark.parametrize(
    ("char", "named"),
    [
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u200d", "U+200D ZERO WIDTH JOINER"),
        ("\u00ad", "U+00AD SOFT HYPHEN"),
        ("\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
        ("\U000e0041", "U+E0041 TAG LATIN CAPITAL LETTER A"),
        ("\u3164", "U+3164 HANGUL FILLER"),
        ("\u115f", "U+115F HANGUL CHOSEONG FILLER"),
        ("\uffa0", "U+FFA0 HALFWIDTH HANGUL FILLER"),
    ],
)
@pytest.mark.parametrize("field", ["name", "organization"])
def test_invisible_characters_are_refused_in_names_and_organizations(
    field: str, char: str, named: str, tmp_path: Path
) -> None:
    path = write_entry(tmp_path, **{field: f"Mod{char}el"})
    _, errors = check_paths([path])
    line = 1 if field == "name" else 2
    assert [(e.line, e.column, e.field) for e in errors] == [(line, len(field) + 3, field)]
    assert errors[0].message == f"must not contain the invisible character {named}"
    assert errors[0].hint.startswith("delete it")


def test_invisible_characters_are_refused_in_ids(tmp_path: Path) -> None:
    path = write_entry(tmp_path, "meta/mod\u200bel")
    _, errors = check_paths([path])
    assert len(errors) == 1
    assert errors[0].line == 1 and "not a valid id part" in errors[0].message


@pytest.mark.parametrize("part", ["con", "prn", "aux", "nul", "com1", "com9", "lpt1", "lpt9"])
@pytest.mark.parametrize("where", ["org", "model"])
def test_windows_reserved_names_are_refused_as_id_parts(
    part: str, where: str, tmp_path: Path
) -> None:
    entry_id = f"{part}/model" if where == "org" else f"meta/{part}"
    path = write_entry(tmp_path, entry_id)
    _, errors = check_paths([path])
    assert [(e.line, e.column) for e in errors] == [(1, 1)]
    assert errors[0].message == f"'{part}' in the path is a reserved file name on Windows"
    assert errors[0].hint == f"rename it, for example to '{part}-{where}'"


def test_new_never_names_a_file_as_windows_reserves(tmp_path: Path) -> None:
    from builder.contrib.scaffold import Draft, entry_path

    assert entry_path(tmp_path, Draft(name="CON", organization="Aux")) == (
        tmp_path / "aux-org" / "con-model.yaml"
    )


def test_windows_reserved_lookalikes_stay_valid(tmp_path: Path) -> None:
    for entry_id in ("meta/console", "meta/com10", "meta/lpt0", "meta/nul-1"):
        path = write_entry(tmp_path, entry_id)
        _, errors = check_paths([path])
        assert errors == [], entry_id
    for folder in ("console", "auxiliary"):  # valid ids: only the organization is unknown
        path = write_entry(tmp_path, f"{folder}/model")
        _, errors = check_paths([path])
        assert [e.message for e in errors] == [
            f"the folder '{folder}' is not a key of builder/data/organizations.yaml"
        ], folder


# ---------------------------------------------------------------------------------------
# Dates that cannot be right yet


def _warnings(path: Path, today: datetime.date) -> list[EntryError]:
    entries, errors = check_paths([path])
    assert errors == []
    return check_all(compute_results(entries, load_catalog()), today=today)


def test_release_date_after_today_is_a_warning(tmp_path: Path) -> None:
    today = datetime.date(2025, 3, 10)
    for released, warned in (
        ("2025-03-11", True),
        ("2025-04", True),
        ("2026", True),
        ("2025-03-10", False),
        ("2025-03", False),
        ("2025", False),
    ):
        path = write_entry(tmp_path, released=released, year="2025")
        found = [w for w in _warnings(path, today) if w.field == "released"]
        assert bool(found) == warned, released
        if warned:
            assert (found[0].line, found[0].severity) == (3, "warning")
            assert found[0].message == f"release date {released} is after today (2025-03-10)"


def test_training_after_release_is_a_warning(tmp_path: Path) -> None:
    today = datetime.date(2030, 1, 1)
    path = write_entry(tmp_path, released="2021-06", year="2022")
    (warning,) = _warnings(path, today)
    assert (warning.field, warning.line, warning.severity) == ("training.year", 8, "warning")
    assert warning.message == "training year 2022 is after the release (2021-06)"
    path = write_entry(tmp_path, released="2021-06", year="2021")
    assert _warnings(path, today) == []


def test_check_strict_fails_on_a_future_release(tmp_path: Path) -> None:
    next_year = datetime.date.today().year + 1
    path = write_entry(tmp_path, released=str(next_year), year=str(next_year))
    assert run("check", str(path)).returncode == 0
    result = run("check", "--strict", str(path))
    assert result.returncode == 1
    assert "released: release date" in result.stdout


# ---------------------------------------------------------------------------------------
# Deceptive links


def test_invalid_port_is_an_error(tmp_path: Path) -> None:
    path = write_entry(tmp_path, url="https://example.org:99999/paper")
    _, errors = check_paths([path])
    assert [(e.line, e.field) for e in errors] == [(10, "sources[0].url")]
    assert errors[0].message == "'https://example.org:99999/paper' has an invalid port"
    assert errors[0].hint == "a port is a number from 0 to 65535; most links have none"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://arxiv.org@evil.example/abs/1", "has a user name before '@'"),
        ("https://user:pass@example.org/", "has a user name before '@'"),
        ("https://аrxiv.org/abs/1", "has a host name with non-ASCII characters"),
    ],
)
def test_deceptive_urls_are_warnings(url: str, said: str, tmp_path: Path) -> None:
    path = write_entry(tmp_path, url=url)
    warnings = _warnings(path, datetime.date(2030, 1, 1))
    assert [(w.field, w.line, w.severity) for w in warnings] == [("sources[0].url", 10, "warning")]
    assert said in warnings[0].message


def test_site_shows_deceptive_urls_in_punycode_with_userinfo() -> None:
    from builder.present.pages import shown_url

    assert shown_url("https://arxiv.org@evil.example/abs/1") == (
        "https://arxiv.org@evil.example/abs/1"
    )
    assert shown_url("https://аrxiv.org/abs/1") == "https://xn--rxiv-43d.org/abs/1"
    assert shown_url("https://user@аrxiv.org:8443/x?q=1") == (
        "https://user@xn--rxiv-43d.org:8443/x?q=1"
    )
    assert shown_url("https://example.org/ü") == "https://example.org/ü"


def test_model_page_shows_deceptive_links_in_punycode(tmp_path: Path) -> None:
    from builder.build import build_site
    from builder.config import SiteConfig

    write_entry(tmp_path, url="https://arxiv.org@аrxiv.org/abs/1")
    write_entry(tmp_path, "meta/plain")
    out = tmp_path / "site"
    build_site(tmp_path / "entries", out, SiteConfig(), cache_dir=None)
    page = next(p for p in out.rglob("*.html") if "meta/model" in p.as_posix())
    html = page.read_text(encoding="utf-8")
    assert "аrxiv" not in html
    assert 'href="https://arxiv.org@xn--rxiv-43d.org/abs/1"' in html
    assert '<code class="url">https://arxiv.org@xn--rxiv-43d.org/abs/1</code>' in html
    plain = next(p for p in out.rglob("*.html") if "meta/plain" in p.as_posix())
    assert '<code class="url">' not in plain.read_text(encoding="utf-8")
