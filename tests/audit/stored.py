"""Stored results documents for the index tests, made from the report tests' hand-built one."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ALL_VERDICTS = Path(__file__).parent.parent / "report" / "fixtures" / "results-all-verdicts.json"
CONTROLS = {
    "testing.unit-coverage": ["SOC2:CC8.1", "ISO27001:A.8.29"],  # fail
    "code.no-conflict-markers": ["ISO27001:A.8.25"],  # pass
    "release.stakeholders": ["SOC2:CC8.1", "ISO27001:A.8.32"],  # pass
    "deploy.production-approval": ["ISO27001:A.8.32"],  # another stage: not counted
}
# repository, stage, run verdict, day, commit, pull request (or None), pending gate (or not)
RUNS = [
    ("acme/shop", "pr", "fail", "2026-01-05", "c1", 1, True),
    ("acme/shop", "merge", "pass", "2026-01-06", "c2", 1, False),
    ("acme/shop", "pr", "pass", "2026-02-10", "c3", 2, False),
    ("acme/shop", "production", "pass", "2026-02-11", "c3", None, False),
    ("acme/api", "pr", "pass", "2026-03-01", "d1", 7, False),
    ("acme/api", "pr", "fail", "2026-03-02", "d2", 8, True),
    ("acme/api", "staging", "pass", "2026-03-03", "d2", None, False),
    ("acme/web", "pr", "pass", "2026-04-01", "e1", 3, False),
    ("acme/web", "merge", "fail", "2026-04-02", "e2", None, False),
    ("beta/svc", "pr", "pass", "2026-05-01", "f1", 1, False),
    ("beta/svc", "pr", "pass", "2026-05-02", "f2", 2, False),
    ("beta/svc", "production", "pass", "2026-05-03", "f2", None, False),
]


def results_doc(repository: str, stage: str, verdict: str, day: str, commit: str,
                pull: int | None, pending: bool, controls: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = copy.deepcopy(json.loads(ALL_VERDICTS.read_text("utf-8")))
    doc["run"].update(repository=repository, stage=stage, time=f"{day}T10:00:00Z",
                      commit=commit.ljust(40, "0"), head=commit.ljust(40, "0"),
                      subject={"pull_request": {"number": pull, "url": f"https://x/{pull}"} if pull else None,
                               "workflow_run": None, "environment": None, "release": None})
    doc["summary"]["verdict"] = verdict
    for rule in doc["rules"]:
        if controls and rule["id"] in CONTROLS:
            rule["controls"] = CONTROLS[rule["id"]]
        if rule["id"] == "release.qa-signoff" and not pending:
            rule["verdict"] = "pass"
    return doc


def store(folder: Path, runs: list[tuple[Any, ...]] = RUNS) -> list[Path]:
    """One file per run, in a folder per repository and stage (as artifacts are kept)."""
    paths = []
    for n, run in enumerate(runs):
        path = folder / run[0].replace("/", "-") / run[1] / f"results-{n:02d}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results_doc(*run)), "utf-8")
        paths.append(path)
    return paths
