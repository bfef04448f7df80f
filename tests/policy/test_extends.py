"""`extends`: packs compose, later files override earlier ones by rule id."""

from __future__ import annotations

from clearance.policy.loader import load_policy
from helpers import Repo

BASE = """\
metadata: {name: base, version: "1"}
inputs:
  coverage: {unit: a.xml, integration: b.xml}
rules:
  - id: docs.together
    title: Docs change with code
    stages: [pr]
    check: {changes.together: {if: "src/**", then: "docs/**"}}
  - id: files.readme
    stages: [pr]
    check: {files.exist: {paths: [README.md]}}
"""


def test_child_overrides_rule_keys_and_check_parameters(repo: Repo) -> None:
    repo.write("packs/base.yaml", BASE)
    repo.write("clearance.yaml", """\
extends: [packs/base.yaml]
metadata: {name: child}
inputs:
  coverage: {unit: c.xml}
rules:
  - id: docs.together
    severity: warning
    check: {changes.together: {then: "*.md"}}
""")
    policy = load_policy([str(repo.path / "clearance.yaml")], repo.path)
    rule = policy.rule("docs.together")
    assert rule is not None
    assert rule.severity == "warning"
    assert rule.title == "Docs change with code"
    assert rule.params == {"if": "src/**", "then": "*.md"}
    assert rule.origin.path == "clearance.yaml"
    assert policy.name == "child"
    assert policy.inputs["coverage"] == {"unit": "c.xml", "integration": "b.xml"}
    assert [f.path for f in policy.files] == ["packs/base.yaml", "clearance.yaml"]


def test_enabled_false_removes_an_inherited_rule(repo: Repo) -> None:
    repo.write("packs/base.yaml", BASE)
    repo.write("clearance.yaml", "extends: [packs/base.yaml]\nrules:\n  - {id: files.readme, enabled: false}\n")
    policy = load_policy([str(repo.path / "clearance.yaml")], repo.path)
    assert [r.id for r in policy.rules] == ["docs.together"]


def test_a_different_kind_replaces_the_check(repo: Repo) -> None:
    repo.write("packs/base.yaml", BASE)
    repo.write("clearance.yaml", """\
extends: [packs/base.yaml]
rules:
  - id: files.readme
    check: {files.absent: {paths: [build/**]}}
""")
    policy = load_policy([str(repo.path / "clearance.yaml")], repo.path)
    rule = policy.rule("files.readme")
    assert rule is not None
    assert (rule.kind, rule.params) == ("files.absent", {"paths": ["build/**"]})


def test_builtin_pack_loads_by_name(repo: Repo) -> None:
    repo.write("clearance.yaml", "extends: [builtin:spec-driven]\n")
    policy = load_policy([str(repo.path / "clearance.yaml")], repo.path)
    assert policy.files[0].path == "builtin:spec-driven/policy.yaml"
    assert policy.rules


def test_policy_digest_changes_with_any_file(repo: Repo) -> None:
    repo.write("packs/base.yaml", BASE)
    repo.write("clearance.yaml", "extends: [packs/base.yaml]\n")
    first = load_policy([str(repo.path / "clearance.yaml")], repo.path).digest
    repo.write("packs/base.yaml", BASE.replace('version: "1"', 'version: "2"'))
    second = load_policy([str(repo.path / "clearance.yaml")], repo.path).digest
    assert first != second


def test_pyproject_tool_clearance_is_discovered(repo: Repo, cli) -> None:
    repo.write("pyproject.toml", """\
[project]
name = "x"

[tool.clearance]
extends = ["builtin:spec-driven"]
rules = [{id = "files.readme", stages = ["commit"], check = {"files.exist" = {paths = ["README.md"]}}}]
""")
    run = cli("list", "--repo", repo.path, "--stage", "commit")
    assert run.code == 0, run.err
    assert "files.readme" in run.out


def test_a_policy_extending_a_missing_file_points_at_the_entry(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "extends:\n  - nowhere.yaml\n")
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:2:5: policy file not found: nowhere.yaml" in run.err
