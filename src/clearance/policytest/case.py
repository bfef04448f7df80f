"""One case of a policy's own tests: `case.yaml` in a folder of fixture evidence.

    description: Every automated PR rule passes
    stage: pr
    base: {from: ../_fixtures/shop}         # files of the base commit: a folder and/or
    change:                                 # files added or changed by the change
      files: {src/shop/cart.py: "...", docs/discount.md: "# Discount\\n"}
    delete: [old.txt]                       # files the change deletes
    patch: change.diff                      # a diff applied as part of the change
    upstream: {files: {...}}                # committed on the base branch after the branch point
    signoffs: {files: {...}}                # committed on the branch clearance-signoffs after the
                                            # change; "{head}" in them is the change's commit id
    reports: {from: reports}                # written to disk below the repository, not committed
    results: {from: ../_fixtures/staging-passed}  # results documents of earlier stages, written like
                                            # reports below .clearance/results/; "{head}" in them is
                                            # the change's commit id
    tags: {v1.4.0: base}                    # tags made at the base or the head commit
    message: "feat: discount"               # the commit message (commit-msg stage)
    date: 2026-03-01                        # the day of the run (waivers expire by it)
    pr: {body: body.md, title: "feat: discount", author: ada}
    github: {reviews: [...], check_runs: [...], statuses: [...], mergeable: true,
             deployment_reviews: [{user: ops, environments: [production]}],
             deployments: [{environment: staging, state: success}]}
    http: {/health: {json: {status: UP}}}    # a stand-in HTTP server on 127.0.0.1 ...
    env: {STAGING_URL: "{http}"}            # ... whose root URL "{http}" the run's environment names
    programs: {pnpm: {exit: 0, output: ok}} # stand-ins for the commands rules run
    overrides: {rules: [...]}               # a policy applied after the one under test
    expect: {rule.id: pass, other.rule: fail}

Paths are relative to the case folder and must stay within the folder of the
policy under test. See docs/policy-tests.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearance.errors import PolicyError
from clearance.policy.model import STAGES

CASE_FILE = "case.yaml"
VERDICTS = ("pass", "fail", "error", "pending", "not-applicable", "waived")
POLICY_NAMES = ("policy.yaml", "clearance.yaml", ".clearance.yaml")

_TREE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "from": {"type": "string", "minLength": 1},
        "files": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}
_ANSWER: dict[str, Any] = {  # one answer of the stand-in HTTP server (policytest/endpoints.py)
    "type": "object", "additionalProperties": False, "maxProperties": 2,
    "properties": {
        "status": {"type": "integer", "minimum": 100, "maximum": 599},
        "json": {}, "body": {"type": "string"}, "redirect": {"type": "string", "minLength": 1},
        "vector": {"type": "array", "items": {"type": ["number", "string"]}},
    },
}
_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["stage", "expect"],
    "properties": {
        "description": {"type": "string"},
        "stage": {"enum": list(STAGES)},
        "policy": {"type": "string", "minLength": 1},
        "overrides": {"type": "object"},
        "base": _TREE, "change": _TREE, "upstream": _TREE, "reports": _TREE, "signoffs": _TREE,
        "results": _TREE,
        "delete": _STRINGS,
        "patch": {"type": "string", "minLength": 1},
        "branch": {"type": "string", "minLength": 1},
        "message": {"type": "string"},
        "date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
        "pr": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "body": {"type": "string", "minLength": 1},
                "body_text": {"type": "string"},
                "title": {"type": "string"},
                "author": {"type": "string", "minLength": 1},
                "number": {"type": "integer", "minimum": 1},
                "updated_at": {"type": "string"},
            },
        },
        "event": {"type": "object"},
        "github": {
            "type": "object", "additionalProperties": False,
            "properties": {
                "reviews": {"type": "array", "items": {"type": "object"}},
                "check_runs": {"type": "array", "items": {"type": "object"}},
                "statuses": {"type": "array", "items": {"type": "object"}},
                "mergeable": {"type": ["boolean", "null"]},
                "deployment_reviews": {"type": "array", "items": {"type": "object"}},
                "deployments": {"type": "array", "items": {"type": "object"}},
            },
        },
        "http": {"type": "object", "additionalProperties": _ANSWER},
        "env": {"type": "object", "additionalProperties": {"type": "string"}},
        "tags": {"type": "object", "additionalProperties": {"enum": ["base", "head"]}},
        "programs": {
            "type": "object",
            "additionalProperties": {
                "type": "object", "additionalProperties": False,
                "properties": {"exit": {"type": "integer", "minimum": 0, "maximum": 255},
                               "output": {"type": "string"}},
            },
        },
        "expect": {"type": "object", "minProperties": 1, "additionalProperties": {"enum": list(VERDICTS)}},
    },
}


@dataclass(frozen=True)
class Tree:
    """Files to write: those of a folder, then the inline ones."""

    folder: Path | None = None
    files: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    policy: Path
    data: dict[str, Any]

    @property
    def stage(self) -> str:
        return str(self.data["stage"])

    @property
    def expect(self) -> dict[str, str]:
        return dict(self.data["expect"])

    def tree(self, key: str) -> Tree:
        raw = self.data.get(key) or {}
        folder = self.path(raw["from"]) if "from" in raw else None
        return Tree(folder, dict(raw.get("files") or {}))

    def path(self, relative: str) -> Path:
        """A path named by the case, which must stay within the policy's folder."""
        target = (self.folder / relative).resolve()
        bound = self.policy.parent.resolve()
        if target != bound and bound not in target.parents:
            raise PolicyError(f"'{relative}' leads out of {bound}", str(self.folder / CASE_FILE))
        if not target.exists():
            raise PolicyError(f"'{relative}' does not exist", str(self.folder / CASE_FILE))
        return target


def read_case(folder: Path, name: str) -> Case:
    """A case from its folder; a `PolicyError` at file:line:column when it is broken."""
    from clearance.policy.schema import schema_errors
    from clearance.policy.yamlfile import read_yaml

    where = folder / CASE_FILE
    data, positions, _ = read_yaml(where, str(where))
    if not isinstance(data, dict):
        raise PolicyError("a case is a mapping with stage and expect", str(where), 1, 1)
    errors = list(schema_errors(data, SCHEMA, positions, str(where)))
    if errors:
        raise errors[0]
    policy = (folder / data["policy"]).resolve() if "policy" in data else find_policy(folder)
    if policy is None or not policy.is_file():
        raise PolicyError("no policy to test: none of policy.yaml or clearance.yaml in this "
                          "folder or above it", str(where), hint="name one with `policy:`")
    case = Case(name, folder, policy, data)
    for key in ("base", "change", "upstream", "reports", "signoffs", "results"):
        case.tree(key)  # refuses folders that do not exist or lead out
    if "patch" in data:
        case.path(data["patch"])
    if "date" in data:
        _check_date(data["date"], where, positions)
    if "body" in data.get("pr", {}):
        case.path(data["pr"]["body"])
    return case


def _check_date(text: str, where: Path, positions: dict[Any, Any]) -> None:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError as e:
        line, column = positions.get(("date",), (1, 1))
        raise PolicyError(f"date: '{text}' is not a day of the calendar", str(where), line, column,
                          hint="write it as YYYY-MM-DD") from e


def find_policy(folder: Path) -> Path | None:
    """The nearest policy file in the folder or above it."""
    for directory in (folder.resolve(), *folder.resolve().parents):
        for name in POLICY_NAMES:
            if (directory / name).is_file():
                return directory / name
    return None


def discover(root: Path) -> list[Path]:
    """Every folder below `root` (itself included) that holds a case.yaml, sorted."""
    skip = {".git", "node_modules", ".venv", "__pycache__"}
    found = [p.parent for p in root.rglob(CASE_FILE) if not skip & set(p.relative_to(root).parts)]
    return sorted(found)
