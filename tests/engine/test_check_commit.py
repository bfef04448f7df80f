"""`clearance check` at the commit stage in a real repository."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from helpers import Repo

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: code.no-conflict-markers
    title: No conflict markers
    stages: [commit, pr]
    check: {git.conflict_markers: {}}
    fix: Resolve the conflict.
  - id: files.no-env
    stages: [commit]
    check: {files.absent: {paths: ["**/.env"]}}
  - id: docs.with-code
    stages: [pr]
    check: {changes.together: {if: "src/**", then: "docs/**"}}
"""

CONFLICTED = "first\nsecond\n<<<<<<< HEAD\nours\n=======\ntheirs\n>>>>>>> branch\n"


@pytest.fixture
def staged(repo: Repo) -> Repo:
    repo.write("clearance.yaml", POLICY)
    repo.write("README.md", "hello\n")
    repo.commit("initial")
    repo.write("app.txt", CONFLICTED)
    repo.stage("app.txt")
    return repo


def test_conflict_marker_at_line_3_blocks_then_fix_passes(staged: Repo, cli) -> None:
    run = cli("check", "--repo", staged.path, "--stage", "commit")
    assert run.code == 1
    lines = run.out.splitlines()
    assert "app.txt:3: code.no-conflict-markers conflict marker <<<<<<<" in lines
    assert "app.txt:5: code.no-conflict-markers conflict marker =======" in lines
    assert any(line.startswith("  fix: Resolve the conflict") and "waive" in line for line in lines)
    staged.write("app.txt", "first\nsecond\nours\n")
    staged.stage("app.txt")
    run = cli("check", "--repo", staged.path, "--stage", "commit")
    assert run.code == 0, run.out
    assert "app.txt" not in run.out


def test_only_staged_content_counts(staged: Repo, cli) -> None:
    staged.write("app.txt", "clean in the work tree only\n")
    run = cli("check", "--repo", staged.path, "--stage", "commit")
    assert run.code == 1
    assert "app.txt:3:" in run.out


def test_json_is_valid_against_the_shipped_schema_and_lists_every_rule(staged: Repo, cli) -> None:
    run = cli("check", "--repo", staged.path, "--stage", "commit", "--format", "json")
    assert run.code == 1
    doc = json.loads(run.out)
    schema_text = resources.files("clearance").joinpath("schemas/results-v1.json").read_text()
    jsonschema.Draft202012Validator(json.loads(schema_text)).validate(doc)
    verdicts = {r["id"]: (r["verdict"], r["in_stage"]) for r in doc["rules"]}
    assert verdicts == {
        "code.no-conflict-markers": ("fail", True),
        "files.no-env": ("pass", True),
        "docs.with-code": ("not-applicable", False),
    }
    assert doc["summary"]["counts"]["fail"] == 1
    assert doc["summary"]["blocking"] == 1
    marker = next(r for r in doc["rules"] if r["id"] == "code.no-conflict-markers")
    assert {"file": "app.txt", "line": 3, "column": None,
            "message": "conflict marker <<<<<<<"} in marker["findings"]
    import hashlib

    digest = hashlib.sha256(CONFLICTED.encode()).hexdigest()
    assert {"path": "app.txt", "sha256": digest, "source": "git"} in marker["evidence"]
    assert doc["run"]["commit"] == staged.git("rev-parse", "HEAD").strip()


def test_run_changes_nothing_in_the_repository(staged: Repo, cli) -> None:
    staged.write("unstaged.txt", "untracked\n")
    staged.write("README.md", "edited, not staged\n")
    before = staged.snapshot()
    index_bytes = (staged.path / ".git" / "index").read_bytes()
    for fmt in ("text", "json"):
        assert cli("check", "--repo", staged.path, "--stage", "commit", "-f", fmt).code == 1
    assert staged.snapshot() == before
    assert (staged.path / ".git" / "index").read_bytes() == index_bytes


def test_several_formats_in_one_run(staged: Repo, cli, tmp_path) -> None:
    out = tmp_path / "out" / "results.json"
    run = cli("check", "--repo", staged.path, "--stage", "commit", "-f", "text", "-f", f"json={out}")
    assert run.code == 1
    assert "app.txt:3:" in run.out
    assert json.loads(out.read_text())["summary"]["verdict"] == "fail"
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_two_formats_to_stdout_is_a_usage_error(staged: Repo, cli) -> None:
    run = cli("check", "--repo", staged.path, "-f", "text", "-f", "json")
    assert run.code == 2
    assert "only one format can go to standard output" in run.err


def test_files_arguments_limit_the_change(staged: Repo, cli) -> None:
    staged.write("other.txt", "fine\n")
    staged.stage("other.txt")
    run = cli("check", "--repo", staged.path, "--stage", "commit", "other.txt")
    assert run.code == 0, run.out


def test_first_commit_in_an_empty_repository(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("a.txt", CONFLICTED)
    repo.stage()
    run = cli("check", "--repo", repo.path, "--stage", "commit")
    assert run.code == 1
    assert "a.txt:3:" in run.out


def test_not_a_repository_is_a_usage_error(tmp_path, cli) -> None:
    run = cli("check", "--repo", tmp_path)
    assert run.code == 2
    assert "not inside a git repository" in run.err
