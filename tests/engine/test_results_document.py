"""The results document of `clearance check -f json`, checked against its JSON
Schema and against what git, hashlib and the policy text say it must hold."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from importlib.metadata import version
from importlib.resources import files

import jsonschema
import pytest

from helpers import Repo

EPOCH = 1780000000
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: shop-gates, version: 1.2.0, source: "Delivery checklist v3"}
rules:
  - id: meta
    title: Build metadata is complete
    checklist: "Build › Metadata"
    stages: [pr]
    fix: Write build/z-meta.json and build/a-meta.json.
    check: {assert: {file: build/z-meta.json, schema: {required: [version]}}}
  - id: meta-a
    stages: [pr]
    check: {assert: {file: build/a-meta.json, schema: {required: [version]}}}
  - id: readme
    stages: [pr]
    severity: warning
    check: {files.exist: {paths: [README.md]}}
  - id: notes
    stages: [pr]
    when: {branch: ["release/*"]}
    check: {files.exist: {paths: [CHANGELOG.md]}}
  - id: license
    stages: [pr]
    check: {files.exist: {paths: [LICENSE]}}
  - id: later
    stages: [production]
    check: {files.exist: {paths: [LICENSE]}}
waivers:
  - {rule: license, reason: legal is on it, owner: "@lead", expires: 2026-12-31}
"""
Z_META = b'{"version": "1.2.3"}'
A_META = b'{"name": "shop"}'


def validate(doc: dict) -> None:
    schema = json.loads(files("clearance").joinpath("schemas/results-v1.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(doc)


@pytest.fixture
def pr(repo: Repo, monkeypatch: pytest.MonkeyPatch) -> tuple[Repo, str]:
    repo.write("clearance.yaml", POLICY)
    base = repo.commit("policy")
    repo.git("checkout", "-q", "-b", "feature/cart")
    repo.write("cart.py", "x = 1\n")
    repo.commit("cart")
    repo.write("build/z-meta.json", Z_META)
    repo.write("build/a-meta.json", A_META)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    return repo, base


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_document_holds_the_run_the_policy_and_the_inputs(pr: tuple[Repo, str], cli, monkeypatch) -> None:
    repo, base = pr
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/shop")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    doc = json.loads(run.out)
    validate(doc)
    assert doc["tool"] == {"name": "clearance", "version": version("clearance")}
    head = repo.git("rev-parse", "HEAD").strip()
    assert doc["run"] == {
        "repository": "acme/shop", "stage": "pr", "fail_on": "error", "commit": head, "base": base,
        "head": head, "branch": "feature/cart",
        "time": dt.datetime.fromtimestamp(EPOCH, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subject": {"pull_request": None, "workflow_run": None, "environment": None, "release": None},
    }
    policy = doc["policy"]
    assert (policy["name"], policy["version"], policy["source"]) == ("shop-gates", "1.2.0", "Delivery checklist v3")
    assert policy["files"] == [{"path": "clearance.yaml", "sha256": sha256(POLICY.encode())}]
    assert doc["inputs"] == [
        {"path": "build/a-meta.json", "sha256": sha256(A_META), "size": len(A_META), "source": "file"},
        {"path": "build/z-meta.json", "sha256": sha256(Z_META), "size": len(Z_META), "source": "file"},
    ]


def test_the_summary_counts_each_verdict_of_the_stage(pr: tuple[Repo, str], cli) -> None:
    repo, base = pr
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    doc = json.loads(run.out)
    verdicts = {r["id"]: r["verdict"] for r in doc["rules"]}
    assert verdicts == {"meta": "pass", "meta-a": "fail", "readme": "fail", "notes": "not-applicable",
                        "license": "waived", "later": "not-applicable"}
    assert doc["summary"] == {
        "verdict": "fail", "blocking": 1,  # meta-a; readme is a warning, license is waived
        "counts": {"pass": 1, "fail": 2, "waived": 1, "not-applicable": 1, "pending": 0, "error": 0},
        "rules": 5, "other_stages": 1,
    }
    assert run.code == 1


def test_a_rule_record_carries_the_rule_and_what_it_read(pr: tuple[Repo, str], cli) -> None:
    repo, base = pr
    doc = json.loads(cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json").out)
    meta = doc["rules"][0]
    assert meta == {
        "id": "meta", "title": "Build metadata is complete", "checklist": "Build › Metadata",
        "kind": "assert", "stages": ["pr"], "severity": "error", "controls": [], "in_stage": True,
        "verdict": "pass",
        "blocking": False, "message": meta["message"], "figure": meta["figure"], "findings": [],
        "evidence": [{"path": "build/z-meta.json", "sha256": sha256(Z_META), "source": "file"}],
        "waiver": None, "attestation": None, "data": {},
        "fix": "Write build/z-meta.json and build/a-meta.json.",
        "origin": {"path": "clearance.yaml", "line": 5},
        "duration_ms": None,  # SOURCE_DATE_EPOCH asks for reproducible output
    }
    later = doc["rules"][-1]
    assert (later["in_stage"], later["blocking"], later["origin"]["line"]) == (False, False, 25)


def test_durations_are_measured_when_output_need_not_be_reproducible(pr: tuple[Repo, str], cli, monkeypatch) -> None:
    repo, base = pr
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    started = time.perf_counter()
    doc = json.loads(cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json").out)
    wall_ms = (time.perf_counter() - started) * 1000
    durations = {r["id"]: r["duration_ms"] for r in doc["rules"]}
    assert durations.pop("later") is None  # not evaluated at this stage
    for rule_id, ms in durations.items():
        assert isinstance(ms, float) and 0 <= ms <= wall_ms, rule_id
        assert round(ms, 3) == ms, rule_id  # milliseconds to the microsecond
    assert durations["meta"] > 0


def test_the_commit_stage_has_no_base(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "metadata: {name: t}\nrules:\n  - {id: r, stages: [commit], check: {files.exist: {paths: [clearance.yaml]}}}\n")
    head = repo.commit("policy")
    doc = json.loads(cli("check", "--repo", repo.path, "-f", "json").out)
    validate(doc)
    assert (doc["run"]["stage"], doc["run"]["base"], doc["run"]["commit"], doc["run"]["branch"]) == (
        "commit", None, head, "main")
    assert doc["run"]["repository"] == repo.path.name


def test_a_base_that_cannot_be_read_writes_no_document(pr: tuple[Repo, str], cli, tmp_path) -> None:
    """The policy in force comes from the base: without it there is no verdict to write,
    only a configuration error naming the revision (exit 2)."""
    repo, _ = pr
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", "no-such-ref", "-f", f"json={out}")
    assert run.code == 2 and not out.exists()
    assert "'no-such-ref'" in run.err
