"""The repository uses its own hooks and action; its workflows follow the documented rules."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from ruamel.yaml import YAML

from frontends.support import PRE_COMMIT, ROOT, clean_env, run
from helpers import Run

YAML_SAFE = YAML(typ="safe")
MIRRORED = ("stages", "pass_filenames", "always_run", "require_serial", "files")


def _load(relative: str) -> Any:
    return YAML_SAFE.load((ROOT / relative).read_text("utf-8"))


def test_own_pre_commit_config_mirrors_the_published_hooks() -> None:
    proc = run([PRE_COMMIT, "validate-config", ROOT / ".pre-commit-config.yaml"], ROOT, clean_env())
    assert proc.returncode == 0, proc.stdout + proc.stderr
    local = {h["id"]: h for repo in _load(".pre-commit-config.yaml")["repos"] for h in repo["hooks"]}
    for hook in _load(".pre-commit-hooks.yaml"):
        mine = local[hook["id"]]
        assert mine["entry"] == f".venv/bin/{hook['entry']}"
        assert {k: mine.get(k) for k in MIRRORED} == {k: hook.get(k) for k in MIRRORED}, hook["id"]


def test_own_policy_is_valid(cli: Callable[..., Run]) -> None:
    result = cli("validate", "--repo", ROOT)
    assert result.code == 0 and result.out.startswith("clearance.yaml: valid"), result.err


def _doc_workflow() -> dict[str, Any]:
    text = (ROOT / "docs" / "github-action.md").read_text("utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.DOTALL)
    assert block is not None
    workflow: dict[str, Any] = YAML_SAFE.load(block.group(1))
    return workflow


@pytest.mark.parametrize("name", ["own workflow", "documented example"])
def test_workflows_follow_the_rules(name: str) -> None:
    workflow = _load(".github/workflows/clearance.yml") if name == "own workflow" else _doc_workflow()
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert set(triggers) == {"pull_request"}
    assert triggers["pull_request"]["types"] == ["opened", "edited", "synchronize", "reopened"]
    jobs = list(workflow["jobs"].values())
    assert workflow["permissions"] == {}  # what each job needs is given to that job
    assert jobs[0]["permissions"]["security-events"] == "write"
    steps = [step for job in jobs for step in job["steps"]]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0 and checkout["with"]["persist-credentials"] is False
    for step in steps:
        assert "${{" not in step.get("run", ""), step
    action = next(s for s in steps if s.get("id") == "clearance")
    assert action["uses"] == "$/" if name == "own workflow" else action["uses"].startswith("OWNER/clearance@")
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == "${{ steps.clearance.outputs.sarif-file }}"


def test_docs_warn_about_pull_request_target() -> None:
    text = (ROOT / "docs" / "github-action.md").read_text("utf-8")
    assert "### Never `pull_request_target`" in text
    assert "pull_request_target" not in (ROOT / ".github/workflows/clearance.yml").read_text().split("# Never")[0]
