"""The entries' history from git: each entry's last change, and the revisions."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from builder.config import DataDate
from builder.entries.load import entry_file_names
from builder.history import parse_log, read_history
from builder.present.ranked import Summary, page_keys

ENTRIES = Path(__file__).resolve().parent / "golden" / "entries"
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str, when: str = "2026-03-01T12:00:00Z") -> str:
    """Run git in `repo` as a fixed author at a fixed date."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "A",
        "GIT_AUTHOR_EMAIL": "a@example.org",
        "GIT_COMMITTER_NAME": "A",
        "GIT_COMMITTER_EMAIL": "a@example.org",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def entry(repo: Path, name: str) -> Path:
    """Copy the golden fixture's entry `name` (org/model.yaml) into `repo`/entries."""
    target = repo / "entries" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ENTRIES / name, target)
    return target


def two_commits(repo: Path) -> Path:
    """A repository whose first commit adds T5 and GPT-3, and whose second adds BLOOM,
    edits T5, renames GPT-3 and touches a file that is not an entry."""
    git(repo, "init", "-q", "-b", "main")
    entry(repo, "google/t5.yaml")
    entry(repo, "openai/gpt-3.yaml")
    (repo / "README.md").write_text("x\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add T5 and GPT-3", when="2026-03-01T12:00:00Z")
    entry(repo, "bigscience/bloom.yaml")
    with (repo / "entries/google/t5.yaml").open("a") as fh:
        fh.write("# checked again\n")
    git(repo, "mv", "entries/openai/gpt-3.yaml", "entries/openai/gpt-3-175b.yaml")
    (repo / "entries/notes.txt").write_text("not an entry\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add BLOOM; T5 checked", when="2026-04-02T09:00:00Z")
    return repo / "entries"


@needs_git
def test_one_log_gives_each_entry_its_last_commit_and_the_revisions(tmp_path: Path) -> None:
    entries = two_commits(tmp_path)
    history = read_history(entries, entry_file_names(entries), None)
    assert history.source == "git" and not history.shallow and history.left_out == 0
    newest, oldest = history.revisions
    assert newest.subject == "Add BLOOM; T5 checked"
    assert newest.date == datetime.date(2026, 4, 2)
    assert newest.added == ("bigscience/bloom",)
    assert newest.changed == ("google/t5",)
    assert newest.renamed == (("openai/gpt-3", "openai/gpt-3-175b"),)
    assert oldest.added == ("google/t5", "openai/gpt-3") and oldest.changed == ()
    assert history.changed == {
        "bigscience/bloom": DataDate(datetime.date(2026, 4, 2), "git"),
        "google/t5": DataDate(datetime.date(2026, 4, 2), "git"),
        "openai/gpt-3-175b": DataDate(datetime.date(2026, 4, 2), "git"),
    }


@needs_git
def test_a_removed_entry_is_listed_and_a_later_build_date_clamps(tmp_path: Path) -> None:
    entries = two_commits(tmp_path)
    git(tmp_path, "rm", "-q", "entries/bigscience/bloom.yaml")
    git(tmp_path, "commit", "-q", "-m", "Drop BLOOM", when="2026-05-05T00:00:00Z")
    files = entry_file_names(entries)
    history = read_history(entries, files, datetime.date(2026, 4, 30))
    # the removal is after the build date: as if not yet made
    assert [r.subject for r in history.revisions] == ["Add BLOOM; T5 checked", "Add T5 and GPT-3"]
    later = read_history(entries, files, None)
    assert later.revisions[0].removed == ("bigscience/bloom",)
    early = read_history(entries, files, datetime.date(2026, 3, 15))
    # the edit of April is after the build date: T5 last changed in March
    assert early.changed["google/t5"] == DataDate(datetime.date(2026, 3, 1), "git")
    assert "bigscience/bloom" not in early.changed  # gone from the files


@needs_git
def test_modified_and_untracked_entries_take_their_file_date(tmp_path: Path) -> None:
    entries = two_commits(tmp_path)
    new = entry(tmp_path, "meta/llama-3-1-405b.yaml")
    edited = entries / "google/t5.yaml"
    edited.write_text(edited.read_text() + "# uncommitted\n")
    stamp = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.timezone.utc).timestamp()
    for path in (new, edited):
        os.utime(path, (stamp, stamp))
    history = read_history(entries, entry_file_names(entries), None)
    assert history.changed["meta/llama-3-1-405b"] == DataDate(datetime.date(2026, 6, 1), "files")
    assert history.changed["google/t5"] == DataDate(datetime.date(2026, 6, 1), "files")
    assert history.changed["bigscience/bloom"].source == "git"
    clamped = read_history(entries, entry_file_names(entries), datetime.date(2026, 5, 1))
    assert clamped.changed["google/t5"] == DataDate(datetime.date(2026, 5, 1), "build")


def test_without_a_repository_the_history_is_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = tmp_path / "entries"
    path = entry(tmp_path, "google/t5.yaml")
    stamp = datetime.datetime(2026, 2, 3, tzinfo=datetime.timezone.utc).timestamp()
    os.utime(path, (stamp, stamp))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # no repository found
    history = read_history(entries, entry_file_names(entries), None)
    assert history.source == "none" and history.revisions == ()
    assert history.changed == {"google/t5": DataDate(datetime.date(2026, 2, 3), "files")}


@needs_git
def test_a_shallow_clone_lists_no_revision_before_its_first_commit(tmp_path: Path) -> None:
    (tmp_path / "origin").mkdir()
    two_commits(tmp_path / "origin")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", (tmp_path / "origin").as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    entries = clone / "entries"
    history = read_history(entries, entry_file_names(entries), None)
    assert history.shallow and history.revisions == ()
    # the one commit of the clone holds every older change too: no date is claimed
    assert "google/t5" not in history.changed


def test_parse_log_reads_statuses_and_skips_other_files() -> None:
    text = (
        "\x1eabc\x1f1767225600\x1fdef\x1fEdit\0\nM\0google/t5.yaml\0A\0README.md\0"
        "D\0x/y.yml\0R087\0a/b.yaml\0a/c.yaml\0"
        "\x1eroot\x1f1767225600\x1f\x1fFirst\0\nA\0google/t5.yaml\0"
    )
    (edit, graft), (first, root) = parse_log(text)
    assert (edit.changed, edit.removed, edit.renamed) == (
        ("google/t5",),
        ("x/y",),
        (("a/b", "a/c"),),
    )
    assert edit.added == () and not graft
    assert first.added == ("google/t5",) and root


def test_a_model_page_key_follows_its_last_change() -> None:
    summaries = [
        Summary(
            f"org/m{i}",
            f"entries/org/m{i}.yaml",
            1.0,
            "org",
            "",
            None,
            None,
            f"h{i}",
            "",
            "",
            "reported-co2e",
        )
        for i in range(2)
    ]
    one = {s.id: DataDate(datetime.date(2026, 1, 1), "git") for s in summaries}
    two = one | {"org/m0": DataDate(datetime.date(2026, 1, 2), "git")}
    a, b = page_keys(summaries, one), page_keys(summaries, two)
    assert a[0] != b[0] and a[1] == b[1]
    assert page_keys(summaries) == page_keys(summaries, {})


@needs_git
def test_the_revisions_are_capped_and_the_rest_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entries = two_commits(tmp_path)
    monkeypatch.setattr("builder.history.MAX_REVISIONS", 1)
    history = read_history(entries, entry_file_names(entries), None)
    assert [r.subject for r in history.revisions] == ["Add BLOOM; T5 checked"]
    assert history.left_out == 1
