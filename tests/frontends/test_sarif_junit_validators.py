"""The `sarif` and `junit` formats checked by the ecosystem's own validators.

Two real runs: the demo project (examples/demo.py's story, pr and commit
stages) and a repository with no policy file of its own, only the built-in
pack and a rule on commit messages from a policy file outside it, whose last
commit breaks that rule. Their SARIF goes through Microsoft's SARIF multitool
(`validate --rule-kind "Sarif;Gh"`, the GitHub code-scanning rules included),
once for the whole session; their JUnit through the Jenkins junit-10.xsd.

The multitool is an npm package that .ci/run installs into tests/.tools; this
module skips its test, saying why, when it is missing outside CI, and fails
when `CI` is set.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import xmlschema

from frontends.support import ROOT, clean_env, run
from helpers import Repo

FIXTURES = ROOT / "tests" / "fixtures"
TOOLS = ROOT / "tests" / ".tools"
INSTALL = ("npm install --prefix tests/.tools --no-save --no-audit --no-fund "
           "@microsoft/sarif-multitool@5.7.0")
IN_CI = bool(os.environ.get("CI"))  # read at import: the tests' own environment has no CI
EXTRA_POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: commits, version: 1.0.0}
rules:
  - id: git.conventional-commits
    title: Commit subjects follow Conventional Commits
    stages: [commit-msg, pr]
    check: {git.commit_message: {pattern: '^(feat|fix|docs|chore|refactor|test)(\\\\(.+\\\\))?: '}}
"""


def _clearance(repo: Path, *args: str, env: dict[str, str]) -> int:
    done = run([sys.executable, "-m", "clearance", *args, "--repo", repo], cwd=repo, env=env)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode


def _formats(out: Path, name: str) -> list[str]:
    return [arg for fmt, ext in (("json", "json"), ("sarif", "sarif"), ("junit", "xml"), ("github", "txt"))
            for arg in ("-f", f"{fmt}={out / f'{name}.{ext}'}")]


def _load_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("clearance_demo", ROOT / "examples" / "demo.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    return demo


@pytest.fixture(scope="session")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of every report the validators read."""
    return tmp_path_factory.mktemp("validated")


@pytest.fixture(scope="session")
def demo_repo(outputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """The demo's shop, checked at the commit stage then (after CI's tools ran) the pr stage."""
    demo, work = _load_demo(), tmp_path_factory.mktemp("demo")
    env = clean_env(SOURCE_DATE_EPOCH=demo.ENV["SOURCE_DATE_EPOCH"], PATH=demo.ENV["PATH"],
                    CLEARANCE_CACHE_DIR=str(work / "cache"))
    base = demo.build(work)
    repo = work / "shop"
    assert _clearance(repo, "check", "--stage", "commit", *_formats(outputs, "demo-commit"), env=env) == 0
    demo.git(repo, "commit", "-q", "-m", "test: discount taken off the total")
    demo.run_tools(repo)
    body = demo.pr_body(repo)
    assert _clearance(repo, "check", "--stage", "pr", "--base", base, "--pr-body", body.name,
                      *_formats(outputs, "demo-pr"), env=env) == 1
    return Repo(repo)


@pytest.fixture(scope="session")
def pack_repo(outputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Repo:
    """No policy file in the repository: the built-in pack, plus a commit rule from outside."""
    work = tmp_path_factory.mktemp("pack")
    repo = Repo(work / "repo")
    repo.path.mkdir()
    env = clean_env(SOURCE_DATE_EPOCH="1767409200", CLEARANCE_CACHE_DIR=str(work / "cache"))
    policy = work / "commits.yaml"
    policy.write_text(EXTRA_POLICY, encoding="utf-8")
    for argv in (["init", "-q", "-b", "main"], ["commit", "-q", "--allow-empty", "-m", "feat: base"]):
        run(["git", *argv], cwd=repo.path, env=env)
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("app.py", "print(1)\n")
    for argv in (["add", "app.py"], ["commit", "-q", "-m", "add discount"]):
        assert run(["git", *argv], cwd=repo.path, env=env).returncode == 0
    assert _clearance(repo.path, "check", "--stage", "pr", "--base", base, "--policy", "builtin:spec-driven",
                      "--policy", str(policy), *_formats(outputs, "pack"), env=env) == 1
    return repo


@pytest.fixture(scope="session")
def multitool_findings(outputs: Path, demo_repo: Repo, pack_repo: Repo) -> dict[str, list[dict[str, Any]]]:
    """What the SARIF multitool reports on each SARIF log, by file name: one run for all."""
    tool = _multitool()
    logs = sorted(outputs.glob("*.sarif"))
    report = outputs / "multitool" / "validation.sarif"
    report.parent.mkdir()
    done = run([tool, "validate", "--rule-kind", "Sarif;Gh", "--level", "Error;Warning;Note",
                "--output", report, *logs], cwd=outputs, env=clean_env(DOTNET_CLI_TELEMETRY_OPTOUT="1"))
    assert done.returncode == 0 and report.is_file(), done.stdout + done.stderr
    found: dict[str, list[dict[str, Any]]] = {log.name: [] for log in logs}
    for result in json.loads(report.read_text("utf-8"))["runs"][0]["results"]:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        found[uri.rsplit("/", 1)[-1]].append(result)
    return found


def _multitool() -> str:
    """The multitool's executable, as npm installed it in tests/.tools."""
    resolved = subprocess.run(["node", "-p", "require('@microsoft/sarif-multitool')"], cwd=TOOLS,
                              capture_output=True, text=True, check=False) if TOOLS.is_dir() else None
    if resolved is not None and resolved.returncode == 0 and Path(resolved.stdout.strip()).is_file():
        return resolved.stdout.strip()
    reason = f"the SARIF multitool is not installed in {TOOLS} (install it: {INSTALL})"
    if IN_CI:
        pytest.fail(f"CI is set and {reason}")
    pytest.skip(reason)


@pytest.mark.parametrize("log", ["demo-pr.sarif", "demo-commit.sarif", "pack.sarif"])
def test_sarif_multitool_finds_no_error_and_no_warning_but_unknown_regions(
        multitool_findings: dict[str, list[dict[str, Any]]], outputs: Path, log: str) -> None:
    found = multitool_findings[log]
    problems = [(r["ruleId"], r.get("level", "warning")) for r in found if r.get("level") != "note"]
    # SARIF2017 (a location without a region) is expected exactly where no line is known:
    # a finding about a whole file, or a rule of the built-in pack (defined in no file here)
    results = json.loads((outputs / log).read_text("utf-8"))["runs"][0]["results"]
    unknown = [r for r in results if "region" not in r["locations"][0]["physicalLocation"]]
    assert sorted(problems) == [("SARIF2017", "warning")] * len(unknown)
    assert all(r["ruleId"] != "SARIF1001" and not r["ruleId"].startswith("GH") for r in found)


def test_the_validated_runs_hold_the_cases_of_the_issue(outputs: Path, demo_repo: Repo,
                                                       pack_repo: Repo) -> None:
    pack = json.loads((outputs / "pack.json").read_text("utf-8"))
    demo = json.loads((outputs / "demo-pr.json").read_text("utf-8"))
    # no policy file in the pack's repository, so many results of rules with no file to point at
    assert all(not f["path"].endswith("clearance.yaml") for f in pack["policy"]["files"])
    assert sum(r["verdict"] in ("fail", "error", "pending") for r in pack["rules"]) > 10
    for doc in (pack, demo):  # a commit finding, from a rule with no `fix:`
        rule, = [r for r in doc["rules"] if r["id"] == "git.conventional-commits"]
        assert (rule["verdict"], rule["fix"], len(rule["findings"])) == ("fail", "", 1)
    assert any(f["line"] for r in demo["rules"] for f in r["findings"])


def _commit_results(sarif: Path) -> list[dict[str, Any]]:
    results = json.loads(sarif.read_text("utf-8"))["runs"][0]["results"]
    return [r for r in results if r["ruleId"] == "git.conventional-commits"]


def test_a_commit_finding_is_a_logical_location_at_the_rule(outputs: Path, demo_repo: Repo,
                                                            pack_repo: Repo) -> None:
    policy = (ROOT / "examples" / "project" / "base" / "clearance.yaml").read_text("utf-8").splitlines()
    rule_line = policy.index("  - id: git.conventional-commits") + 1
    for name, repo, uri, line in (("demo-pr", demo_repo, "clearance.yaml", rule_line),
                                  ("pack", pack_repo, "clearance.yaml", None)):
        short = repo.git("log", "-1", "--format=%H", "--grep=^add discount$").strip()[:12]
        result, = _commit_results(outputs / f"{name}.sarif")
        location, = result["locations"]
        assert location["logicalLocations"] == [{"name": short, "kind": "commit"}]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == uri
        assert physical.get("region", {}).get("startLine") == line
        commits = {c[:12] for c in repo.git("rev-list", "--all").split()}
        uris = {location["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads((outputs / f"{name}.sarif").read_text("utf-8"))["runs"][0]["results"]
                for location in r["locations"]}
        assert uris and not uris & commits


def test_the_github_format_names_no_commit_as_a_file(outputs: Path, demo_repo: Repo,
                                                     pack_repo: Repo) -> None:
    for name, repo in (("demo-pr", demo_repo), ("pack", pack_repo)):
        log = (outputs / f"{name}.txt").read_text("utf-8")
        commits = {c[:12] for c in repo.git("rev-list", "--all").split()}
        files = set(re.findall(r"^::(?:error|warning|notice) file=([^,:]*)", log, re.MULTILINE))
        assert files and not files & commits
        short = repo.git("log", "-1", "--format=%H", "--grep=^add discount$").strip()[:12]
        annotation, = [line for line in log.splitlines() if line.startswith("::error")
                       and "title=git.conventional-commits" in line]
        assert annotation.split("::")[2].startswith(f"{short}: 'add discount' does not match")
    assert "::error file=clearance.yaml,line=" in (outputs / "demo-pr.txt").read_text("utf-8")


@pytest.mark.parametrize("report", ["demo-pr.xml", "demo-commit.xml", "pack.xml"])
def test_junit_is_valid_against_junit_10_xsd(outputs: Path, demo_repo: Repo, pack_repo: Repo,
                                             report: str) -> None:
    schema = xmlschema.XMLSchema10(FIXTURES / "junit-10.xsd")
    path = outputs / report
    assert [e.reason for e in schema.iter_errors(str(path))] == []
    in_stage = [r for r in json.loads(path.with_suffix(".json").read_text("utf-8"))["rules"] if r["in_stage"]]
    assert path.read_text("utf-8").count("<testcase ") == len(in_stage) > 0
