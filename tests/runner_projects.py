"""Runner projects of tests/fixtures/runners committed into a test repository, and checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from helpers import Repo

RUNNERS = Path(__file__).parent / "fixtures" / "runners"
CUKE = RUNNERS / "cucumber-js"
BEHAVE = RUNNERS / "behave"
BDD = RUNNERS / "pytest-bdd"
RESULTS = {"passed": "passed", "failed": "failed", "undefined": "not-implemented",
           "error": "failed"}

POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: runners, version: 1.0.0}
inputs:
  features: ["features/**/*.feature"]
INPUTS
rules:
  - id: implemented
    stages: [pr]
    check: {spec.scenarios_implemented: PARAMS}
  - id: passing
    stages: [pr]
    check: {spec.scenarios_passing: PARAMS}
"""


def project(repo: Repo, source: Path, outputs: dict[str, Path], inputs: dict[str, Any],
            params: dict[str, Any] | None = None) -> str:
    """Commit a runner's project; put its outputs on disk (as CI would); return the base."""
    text = POLICY.replace("INPUTS", "".join(f"  {k}: {json.dumps(v)}\n" for k, v in inputs.items()))
    repo.write("clearance.yaml", text.replace("PARAMS", json.dumps(params or {})))
    base = repo.commit("chore: policy")
    for folder in ("features", "tests"):
        if (source / folder).is_dir():
            shutil.copytree(source / folder, repo.path / folder)
    for name in ("pytest.ini",):
        if (source / name).is_file():
            shutil.copy(source / name, repo.path / name)
    repo.git("add", "-A")
    repo.commit("feat: the spec")
    for target, path in outputs.items():
        (repo.path / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, repo.path / target)
    return base


def check(cli: Any, repo: Repo, base: str) -> dict[str, dict[str, Any]]:
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code in (0, 1), run.out + run.err
    return {r["id"]: r for r in json.loads(run.out)["rules"]}


def units(rule: dict[str, Any]) -> dict[tuple[str, int], str]:
    """clearance's result for each scenario and example row, by file and line."""
    found = {}
    for row in rule["data"]["traceability"]:
        for example in row.get("examples") or [row]:
            found[(row["file"], example["line"])] = example["result"]
    return found
