"""`clearance check` at the PR stages: base...head, mergeability, messages, when, waivers."""

from __future__ import annotations

import json

import pytest

from helpers import Repo

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: docs.with-code
    stages: [pr]
    check: {changes.together: {if: "src/**", then: "docs/**"}}
  - id: git.mergeable
    stages: [pr, merge]
    check: {git.mergeable: {}}
  - id: git.messages
    stages: [pr, commit-msg]
    check: {git.commit_message: {pattern: '^(feat|fix|docs|chore)(\\(.+\\))?: ', max_subject_length: 50}}
  - id: migrations.guide
    stages: [pr]
    when: {changed: ["db/migration/**"]}
    check: {files.exist: {paths: [docs/migration-guide.md]}}
  - id: release.notes
    stages: [pr]
    when: {branch: ["release/*"]}
    check: {files.exist: {paths: [CHANGELOG.md]}}
"""


def verdicts(out: str) -> dict[str, str]:
    return {r["id"]: r["verdict"] for r in json.loads(out)["rules"] if r["in_stage"]}


@pytest.fixture
def pr(repo: Repo) -> tuple[Repo, str]:
    repo.write("clearance.yaml", POLICY)
    repo.write("src/app.py", "print('v1')\n")
    repo.write("shared.txt", "one\ntwo\nthree\n")
    base = repo.commit("chore: initial")
    repo.git("checkout", "-q", "-b", "feature/x")
    return repo, base


def check(cli, repo: Repo, base: str, *extra: str):
    return cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json", *extra)


def test_code_without_docs_fails_and_names_the_file(pr, cli) -> None:
    repo, base = pr
    repo.write("src/app.py", "print('v2')\n")
    repo.commit("feat: v2")
    run = check(cli, repo, base)
    assert run.code == 1
    doc = json.loads(run.out)
    rule = next(r for r in doc["rules"] if r["id"] == "docs.with-code")
    assert rule["verdict"] == "fail"
    assert rule["findings"][0]["file"] == "src/app.py"
    assert doc["run"]["base"] == base
    assert doc["run"]["head"] == repo.git("rev-parse", "HEAD").strip()


def test_code_with_docs_passes_and_when_conditions_skip(pr, cli) -> None:
    repo, base = pr
    repo.write("src/app.py", "print('v2')\n")
    repo.write("docs/app.md", "v2\n")
    repo.commit("feat: v2 with docs")
    run = check(cli, repo, base)
    assert run.code == 0, run.out
    assert verdicts(run.out) == {
        "docs.with-code": "pass", "git.mergeable": "pass", "git.messages": "pass",
        "migrations.guide": "not-applicable", "release.notes": "not-applicable",
    }


def test_when_changed_and_branch_make_rules_apply(pr, cli) -> None:
    repo, base = pr
    repo.git("checkout", "-q", "-b", "release/1.0")
    repo.write("db/migration/V2__add.sql", "alter table t add c int;\n")
    repo.commit("feat: migration")
    found = verdicts(check(cli, repo, base).out)
    assert found["migrations.guide"] == "fail"
    assert found["release.notes"] == "fail"
    assert verdicts(check(cli, repo, base, "--branch", "main").out)["release.notes"] == "not-applicable"


def test_conflicting_branches_are_not_mergeable(pr, cli) -> None:
    repo, _ = pr
    repo.write("shared.txt", "one\nTWO on the branch\nthree\n")
    repo.commit("fix: branch edit")
    repo.git("checkout", "-q", "main")
    repo.write("shared.txt", "one\ntwo on main\nthree\n")
    main = repo.commit("fix: main edit")
    before = repo.snapshot()
    run = check(cli, repo, main, "--head", "feature/x")
    doc = json.loads(run.out)
    rule = next(r for r in doc["rules"] if r["id"] == "git.mergeable")
    assert rule["verdict"] == "fail"
    assert [f["file"] for f in rule["findings"]] == ["shared.txt"]
    assert repo.snapshot() == before


def test_commit_messages_in_the_range_are_checked(pr, cli) -> None:
    repo, base = pr
    repo.write("docs/a.md", "a\n")
    repo.commit("feat: fine")
    repo.write("docs/b.md", "b\n")
    bad = repo.commit("Update stuff")
    rule = next(r for r in json.loads(check(cli, repo, base).out)["rules"] if r["id"] == "git.messages")
    assert rule["verdict"] == "fail"
    assert [f["file"] for f in rule["findings"]] == [bad[:12]]
    assert "'Update stuff' does not match" in rule["findings"][0]["message"]


def test_commit_msg_stage_reads_the_message_file(pr, cli, tmp_path) -> None:
    repo, _ = pr
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("wip\n# Please enter the commit message\n")
    run = cli("check", "--repo", repo.path, "--stage", "commit-msg", "--message-file", message)
    assert run.code == 1
    assert "git.messages" in run.out and "'wip' does not match" in run.out
    message.write_text("feat: a proper subject\n\n# comment\n")
    assert cli("check", "--repo", repo.path, "--stage", "commit-msg", "--message-file", message).code == 0


@pytest.mark.parametrize("stage", ["push", "pr", "merge"])
def test_missing_base_is_one_usage_error_not_an_error_per_rule(pr, cli, stage: str) -> None:
    repo, _ = pr
    run = cli("check", "--repo", repo.path, "--stage", stage, "-f", "json")
    assert run.code == 2
    assert run.out == ""
    assert run.err.count("no base revision") == 1 and "pass --base REF" in run.err


def test_unknown_base_is_an_error_naming_the_revision(pr, cli) -> None:
    repo, _ = pr
    run = check(cli, repo, "no-such-branch")
    # The policy in force is read from the base: one it cannot read is a configuration error.
    assert run.code == 2, run.err
    assert "'no-such-branch'" in run.err and "unknown revision" in run.err
    assert "fetch" in run.err


def test_paths_with_spaces_and_unicode_survive(pr, cli) -> None:
    repo, _ = pr
    policy = POLICY + "  - id: markers\n    stages: [pr]\n    check: {git.conflict_markers: {}}\n"
    repo.write("clearance.yaml", policy)
    base = repo.commit("chore: policy")  # in force at the base
    repo.write("src/naïve file.py", "<<<<<<< x\n")
    repo.write("docs/ok.md", "ok\n")
    repo.commit("feat: odd name")
    rule = next(r for r in json.loads(check(cli, repo, base).out)["rules"] if r["id"] == "markers")
    assert rule["findings"][0]["file"] == "src/naïve file.py"
    assert rule["findings"][0]["line"] == 1


def test_a_first_push_compares_against_nothing(repo: Repo, cli, monkeypatch) -> None:
    repo.write("clearance.yaml", POLICY.replace("stages: [pr, commit-msg]", "stages: [push]")
               .replace("stages: [pr]\n    check: {changes", "stages: [push]\n    check: {changes"))
    repo.write("src/app.py", "print(1)\n")
    head = repo.commit("feat: first")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "0" * 40)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", head)
    run = cli("check", "--repo", repo.path, "--stage", "push", "-f", "json")
    found = verdicts(run.out)
    assert found["docs.with-code"] == "fail"  # src/app.py is new, no docs
    assert found["git.messages"] == "pass"


def test_pyproject_can_be_named_as_a_policy(repo: Repo, cli) -> None:
    repo.write("pyproject.toml", '[tool.clearance]\nrules = [{id = "readme", stages = ["commit"], '
               'check = {"files.exist" = {paths = ["README.md"]}}}]\n')
    repo.commit("initial")
    run = cli("check", "--repo", repo.path, "--policy", repo.path / "pyproject.toml", "-f", "json")
    assert verdicts(run.out) == {"readme": "fail"}
    bare = repo.write("sub/pyproject.toml", "[project]\nname = 'x'\n")
    repo.stage("sub/pyproject.toml")
    run = cli("check", "--repo", repo.path, "--policy", bare)
    assert run.code == 2 and "no [tool.clearance] table" in run.err
