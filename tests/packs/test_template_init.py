"""`clearance template pr` and `clearance init`: a PR template generated from the policy,
which a filled-in body passes and a blank one fails; the files init writes and keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from helpers import Repo

PR_KINDS = ("pr.sections", "pr.links", "pr.checklist", "pr.title", "attestation")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(repo: Repo) -> tuple[Repo, str]:
    repo.write("README.md", "# Shop\n")
    repo.write("features/checkout.feature", "Feature: Checkout\n  Scenario: Discounted total\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature/discount")
    repo.write("src/cart.ts", "export const rate = 0.1;\n")
    repo.commit("change")
    return repo, base


def fill(template: str) -> str:
    """The template as an author fills it in: text for each comment, a spec link, every item ticked."""
    lines = template.splitlines()
    out = []
    for index, line in enumerate(lines):
        heading = lines[index - 1] if index else ""
        if line.startswith("<!--") and heading.startswith("## "):
            text = ("Implements [checkout](features/checkout.feature)."
                    if "feature specification" in heading else f"Written by hand for {heading[3:]}.")
            out.append(text)
        else:
            out.append(line.replace("- [ ] ", "- [x] "))
    return "\n".join(out) + "\n"


def pr_rules(cli: Any, repo: Repo, base: str, body: Path) -> dict[str, dict[str, Any]]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base,
              "--pr-body", body, "--format", "json")
    assert run.code in (0, 1), run.err
    return {r["id"]: r for r in json.loads(run.out)["rules"] if r["kind"] in PR_KINDS and r["in_stage"]}


def test_the_filled_template_passes_the_pr_rules_and_the_blank_one_fails(project, cli, tmp_path) -> None:
    repo, base = project
    run = cli("template", "pr", "--repo", repo.path)
    assert run.code == 0, run.err
    blank = tmp_path / "blank.md"
    blank.write_text(run.out, encoding="utf-8")
    filled = tmp_path / "filled.md"
    filled.write_text(fill(run.out), encoding="utf-8")

    passed = pr_rules(cli, repo, base, filled)
    assert len(passed) >= 13
    # the code review checklist is the reviewer's to sign off (a record), not an item the author ticks
    assert {r["id"]: r["verdict"] for r in passed.values() if r["verdict"] != "pass"} == {
        "pr.code-review-checklist": "pending"}
    assert "no record for 'pr.code-review-checklist'" in passed["pr.code-review-checklist"]["message"]

    failed = pr_rules(cli, repo, base, blank)
    assert failed.keys() == passed.keys()
    verdicts = {r["verdict"] for r in failed.values()}
    assert verdicts == {"fail", "pending"}
    assert failed["pr.summary"]["message"] == (
        "1 of 1 required sections not filled: Summary of changes (empty)")
    assert failed["pr.spec-link"]["verdict"] == "fail"
    assert "0 links to *.feature" in failed["pr.spec-link"]["message"]
    assert "item 'Patterns followed' is not ticked" in failed["spec.patterns-followed"]["message"]


def test_the_template_follows_the_policy(project, cli) -> None:
    repo, _ = project
    repo.write("clearance.yaml", """\
extends: [builtin:spec-driven]
rules:
  - id: pr.testing-approach
    enabled: false
  - id: release.notes
    checklist: "Release › Notes › Release notes written"
    stages: [pr]
    check: {attestation: {item: Release notes written, accept: [author-tick]}}
  - id: release.qa
    checklist: "Release › Notes › QA signed off"
    stages: [pr]
    check: {attestation: {item: QA signed off}}
  - id: pr.risks
    stages: [merge]
    check: {pr.sections: {required: [Risks], placeholders: {Risks: "What could go wrong?"}}}
  - id: staging.only
    stages: [staging]
    check: {attestation: {item: Not in the PR}}
""")
    text = cli("template", "pr", "--repo", repo.path).out
    assert "## Testing approach" not in text
    assert "## Notes\n- [ ] Release notes written\n" in text
    assert "## Risks\n<!-- What could go wrong? -->\n" in text
    assert "Not in the PR" not in text
    assert "QA signed off" not in text  # a tick would not sign it off: the rule does not accept ticks
    assert text.count("- [ ] Feature checklist complete") == 1  # cited by four rules, listed once


def test_init_writes_the_four_files_and_keeps_them_without_force(repo: Repo, cli) -> None:
    run = cli("init", "--repo", repo.path)
    assert run.code == 0, run.err
    names = ["clearance.yaml", ".github/pull_request_template.md", ".pre-commit-config.yaml",
             ".github/workflows/clearance.yml"]
    assert run.out.splitlines()[:4] == [f"wrote {n}" for n in names]
    assert run.out.splitlines()[4].startswith("pin the action in .github/workflows/clearance.yml")
    assert run.out.splitlines()[5].startswith("replace OWNER in .pre-commit-config.yaml and")
    assert cli("validate", "--repo", repo.path).code == 0
    template = (repo.path / names[1]).read_text("utf-8")
    assert template == cli("template", "pr", "--repo", repo.path).out

    (repo.path / "clearance.yaml").write_text("extends: [builtin:spec-driven]\n# mine\n", encoding="utf-8")
    again = cli("init", "--repo", repo.path)
    assert again.code == 0
    assert again.out.splitlines()[:4] == [f"kept {n}: it exists (--force overwrites it)" for n in names]
    assert (repo.path / "clearance.yaml").read_text("utf-8").endswith("# mine\n")

    forced = cli("init", "--repo", repo.path, "--force", "--source", "acme/clearance",
                 "--action-commit", "ab" * 20)
    assert forced.out.splitlines() == [f"wrote {n}" for n in names]
    assert "# mine" not in (repo.path / "clearance.yaml").read_text("utf-8")


def test_init_files_name_the_pack_the_hooks_and_the_action(repo: Repo, cli) -> None:
    assert cli("init", "--repo", repo.path, "--pack", "builtin:spec-driven-fullstack").code == 0
    yaml = YAML(typ="safe")
    policy = yaml.load((repo.path / "clearance.yaml").read_text("utf-8"))
    assert policy["extends"] == ["builtin:spec-driven-fullstack"]
    assert "#   features: [\"docs/03-features/**/*.feature\"]" in (repo.path / "clearance.yaml").read_text("utf-8")
    hooks = yaml.load((repo.path / ".pre-commit-config.yaml").read_text("utf-8"))
    ids = [h["id"] for h in hooks["repos"][0]["hooks"]]
    published = {h["id"] for h in yaml.load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert set(ids) <= published and "clearance" in ids
    workflow = yaml.load((repo.path / ".github/workflows/clearance.yml").read_text("utf-8"))
    steps = workflow["jobs"]["clearance"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert steps[-1]["uses"] == "OWNER/clearance@v0.1.0" and steps[-1]["with"]["stage"] == "pr"
    assert hooks["repos"][0]["repo"] == "https://github.com/OWNER/clearance"
    assert "## Migration guide" in (repo.path / ".github/pull_request_template.md").read_text("utf-8")


def test_init_refuses_an_unknown_pack(repo: Repo, cli) -> None:
    run = cli("init", "--repo", repo.path, "--pack", "nope")
    assert run.code == 2
    assert "no built-in pack 'nope'" in run.err and "spec-driven-fullstack" in run.err
    assert not (repo.path / "clearance.yaml").exists()


def test_init_shows_the_hooks_entry_for_an_existing_pre_commit_config(repo: Repo, cli) -> None:
    repo.write(".pre-commit-config.yaml", "repos: []\n")
    run = cli("init", "--repo", repo.path)
    assert "kept .pre-commit-config.yaml: it exists (--force overwrites it)" in run.out
    assert ("  add clearance's hooks under `repos:` in .pre-commit-config.yaml:\n"
            "  - repo: https://github.com/OWNER/clearance\n    rev: v0.1.0\n") in run.out
    assert (repo.path / ".pre-commit-config.yaml").read_text("utf-8") == "repos: []\n"
