"""Files of the snapshot that are symbolic links are read through to their target inside the
repository, never outside it (#15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import Repo

FEATURE = """Feature: Checkout
  Scenario: Pay by card
    Given a cart
    When I pay
    Then I get a receipt
"""
POLICY = """inputs:
  features: ["features/*.feature"]
rules:
  - id: spec.valid
    stages: [commit, pr]
    check: {spec.valid: {}}
  - id: receipts
    stages: [commit, pr]
    check: {files.contain: {paths: ["features/*.feature"], pattern: "receipt"}}
"""


def _results(cli, repo: Repo, tmp_path: Path, *args: str) -> dict[str, dict]:
    out = tmp_path / "results.json"
    run = cli("check", "--repo", repo.path, "--policy", repo.path / "policy.yaml", *args,
              "--format", f"json={out}")
    assert run.code in (0, 1), run.err
    return {r["id"]: r for r in json.loads(out.read_text("utf-8"))["rules"]}


@pytest.mark.parametrize("stage", ["commit", "pr"])
def test_a_feature_file_linked_inside_the_repository_is_read_as_its_target(
        repo: Repo, cli, tmp_path: Path, stage: str) -> None:
    repo.write("policy.yaml", POLICY)
    repo.write("README.md", "# shop\n")
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("docs/spec/checkout.feature", FEATURE)
    (repo.path / "features").mkdir()
    (repo.path / "features" / "checkout.feature").symlink_to("../docs/spec/checkout.feature")
    if stage == "commit":
        repo.stage()
        rules = _results(cli, repo, tmp_path, "--stage", "commit")
    else:
        repo.commit("spec")
        rules = _results(cli, repo, tmp_path, "--stage", "pr", "--base", "main")
    assert repo.git("ls-files", "-s", "features/checkout.feature").startswith("120000")
    assert rules["spec.valid"]["verdict"] == "pass", rules["spec.valid"]["message"]
    assert rules["receipts"]["verdict"] == "pass", rules["receipts"]["message"]


@pytest.mark.parametrize("target", ["/srv/receipt.feature", "../../receipt.feature", "receipt.feature"])
def test_a_link_out_of_the_repository_or_round_in_a_loop_is_not_read(repo: Repo, cli, tmp_path: Path,
                                                                      target: str) -> None:
    (tmp_path / "receipt.feature").write_text(FEATURE, encoding="utf-8")  # out of the repository
    repo.write("policy.yaml", POLICY)
    (repo.path / "features").mkdir()
    (repo.path / "features" / "loop.feature").symlink_to("loop.feature")
    (repo.path / "features" / "receipt.feature").symlink_to("checkout.feature")  # a link to a link
    (repo.path / "features" / "checkout.feature").symlink_to(target)
    repo.stage()
    rules = _results(cli, repo, tmp_path, "--stage", "commit")
    receipts = rules["receipts"]
    assert receipts["verdict"] == "fail"
    assert {f["file"] for f in receipts["findings"]} == {
        "features/checkout.feature", "features/loop.feature", "features/receipt.feature"}
