"""Entry points, `list`, `explain`, `python -m clearance`, reproducible JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import Repo

POLICY = """\
metadata: {name: team, version: "2"}
rules:
  - id: readme
    title: A README exists
    checklist: "Docs › README present"
    stages: [commit, pr]
    check: {files.exist: {paths: [README.md]}}
    fix: Write a README.
  - id: team.ticket
    stages: [pr]
    check: {team.ticket: {prefix: "SHOP-"}}
"""

THIRD_PARTY = '''
"""Branch names carry a ticket id."""
from clearance.checks import Outcome
EVIDENCE = ("branch",)
SCHEMA = {"type": "object", "required": ["prefix"], "properties": {"prefix": {"type": "string"}}}
def run(params, evidence):
    branch = evidence.branch or ""
    if params["prefix"] in branch:
        return Outcome.passed(f"branch {branch} names a ticket")
    return Outcome.failed(f"branch {branch} names no {params['prefix']} ticket")
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A third-party check kind, installed as a distribution with an entry point."""
    site = tmp_path / "site"
    (site / "teamchecks-1.0.dist-info").mkdir(parents=True)
    (site / "teamchecks-1.0.dist-info" / "METADATA").write_text("Name: teamchecks\nVersion: 1.0\n")
    (site / "teamchecks-1.0.dist-info" / "entry_points.txt").write_text(
        "[clearance.checks]\nteam.ticket = teamchecks\n")
    (site / "teamchecks.py").write_text(THIRD_PARTY)
    monkeypatch.syspath_prepend(str(site))


def test_a_third_party_kind_from_an_entry_point_runs(repo: Repo, cli, plugin) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("README.md", "hi\n")
    base = repo.commit("initial")
    repo.git("checkout", "-q", "-b", "feature/SHOP-12-cart")
    repo.commit("work")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == 0, run.out
    rules = {r["id"]: r for r in json.loads(run.out)["rules"]}
    assert rules["team.ticket"]["message"] == "branch feature/SHOP-12-cart names a ticket"
    assert "team.ticket" in cli("list", "--kinds").out


def test_without_the_plugin_the_kind_is_unknown(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", POLICY)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "unknown check kind 'team.ticket'" in run.err


def test_list_shows_stages_and_checklist_items(repo: Repo, cli, plugin) -> None:
    repo.write("clearance.yaml", POLICY)
    run = cli("list", "--repo", repo.path, "--stage", "commit")
    assert run.code == 0
    assert "readme  (files.exist; error; commit, pr)  [Docs › README present]" in run.out
    assert "team.ticket" not in run.out
    assert run.out.rstrip().endswith("1 rules at stage commit")


def test_explain_a_rule_and_a_kind(repo: Repo, cli, plugin) -> None:
    repo.write("clearance.yaml", POLICY)
    run = cli("explain", "--repo", repo.path, "readme")
    assert run.code == 0
    assert "defined at: clearance.yaml:3" in run.out
    assert "fix: Write a README." in run.out
    assert "kind files.exist:" in run.out
    kind = cli("explain", "git.mergeable")
    assert "merge-tree" in kind.out
    missing = cli("explain", "--repo", repo.path, "nothing")
    assert missing.code == 2 and "no rule or check kind named 'nothing'" in missing.err


def test_python_dash_m_and_the_console_script(repo: Repo) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    proc = subprocess.run([sys.executable, "-m", "clearance", "check", "--repo", str(repo.path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "commit stage passed" in proc.stdout
    version = subprocess.run([sys.executable, "-m", "clearance", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("clearance ")


def test_json_is_byte_identical_with_source_date_epoch(repo: Repo, cli, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    repo.write("clearance.yaml", POLICY.split("  - id: team.ticket")[0])
    repo.commit("initial")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    cli("check", "--repo", repo.path, "-f", f"json={first}")
    cli("check", "--repo", repo.path, "-f", f"json={second}")
    assert first.read_bytes() == second.read_bytes()
    doc = json.loads(first.read_text())
    assert doc["run"]["time"] == "2026-01-01T00:00:00Z"
    assert all(r["duration_ms"] is None for r in doc["rules"])


def test_usage_errors_exit_2(cli) -> None:
    assert cli("check", "--stage", "someday").code == 2
    assert cli("frobnicate").code == 2


@pytest.mark.parametrize("epoch", ["soon", "1.5", "99999999999999", "-99999999999999"])
def test_a_source_date_epoch_that_is_no_time_is_a_usage_error(repo: Repo, cli, monkeypatch, epoch: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    run = cli("check", "--repo", repo.path)
    assert run.code == 2
    assert "SOURCE_DATE_EPOCH" in run.err and repr(epoch) in run.err


def test_the_run_time_without_source_date_epoch_is_now_in_utc(repo: Repo, cli, monkeypatch) -> None:
    import datetime as dt

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    doc = json.loads(cli("check", "--repo", repo.path, "-f", "json").out)
    after = dt.datetime.now(dt.timezone.utc)
    stamp = dt.datetime.strptime(doc["run"]["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    assert before <= stamp <= after
