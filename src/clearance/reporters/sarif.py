"""`sarif`: SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`).

- One rule descriptor per policy rule: `id` is the rule id (stable across
  runs), with its title, checklist item, fix and severity.
- A result for every rule of the stage whose verdict is `fail`, `error` or
  `pending`, one per finding that names a file, else one at the rule's line
  in the policy file (a rule from a built-in pack points at the repository's
  own policy file; with none, the result has no location).
- `level` follows the rule's severity: error -> error, warning -> warning,
  info -> note. The clearance verdict is in the result's `properties`.
- A waived rule's results carry a `suppressions` entry (kind `external`: the
  waiver lives in the policy) whose justification is the waiver's reason.
- URIs are repository-relative, percent-encoded, with `uriBaseId` `%SRCROOT%`.
- `automationDetails.id` is `clearance/STAGE/`, so that uploads of several
  stages are kept apart by code scanning.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from clearance.reporters import in_repository, policy_file
from clearance.verdicts import PROBLEMS

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
REPORTED = (*PROBLEMS, "waived")
INFO_URI = "https://clearance.dev"

FILE_NAME: str | None = "clearance.sarif"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    return json.dumps(sarif_log(doc), indent=2, ensure_ascii=False) + "\n"


def sarif_log(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The SARIF log of one results document."""
    index = {rule["id"]: i for i, rule in enumerate(doc["rules"])}
    home = policy_file(doc)
    results = [result for rule in doc["rules"] if rule["in_stage"] and rule["verdict"] in REPORTED
               for result in rule_results(rule, index[rule["id"]], home)]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [{
        "tool": {"driver": {
            "name": "clearance", "version": doc["tool"]["version"],
            "semanticVersion": doc["tool"]["version"], "informationUri": INFO_URI,
            "rules": [descriptor(rule) for rule in doc["rules"]],
        }},
        "automationDetails": {"id": f"clearance/{doc['run']['stage']}/"},
        "invocations": [{"executionSuccessful": True, "endTimeUtc": doc["run"]["time"]}],
        "results": results,
        "properties": _run_properties(doc),
    }]}


def descriptor(rule: Mapping[str, Any]) -> dict[str, Any]:
    """The reportingDescriptor of a policy rule."""
    title = rule["title"] or rule["id"]
    described: dict[str, Any] = {
        "id": rule["id"],
        "shortDescription": {"text": title},
        "fullDescription": {"text": rule["checklist"] or title},
        "defaultConfiguration": {"level": LEVELS[rule["severity"]]},
        "properties": {"checklist": rule["checklist"], "kind": rule["kind"],
                       "stages": rule["stages"], "tags": ["clearance", rule["kind"]]},
    }
    if rule["fix"]:
        described["help"] = {"text": rule["fix"]}
    return described


def rule_results(rule: Mapping[str, Any], index: int, home: str | None) -> list[dict[str, Any]]:
    """The results of one rule: one per finding with a file, else one at its definition."""
    findings = [f for f in rule["findings"] if f["file"] and in_repository(f["file"])]
    if rule["verdict"] == "pending" or not findings:
        places = [(_origin(rule, home), rule["message"])]
    else:
        places = [(_location(f["file"], f["line"], f["column"]), f["message"] or rule["message"])
                  for f in findings]
    return [_result(rule, index, location, message) for location, message in places]


def _result(rule: Mapping[str, Any], index: int, location: dict[str, Any] | None,
            message: str) -> dict[str, Any]:
    label = {"error": "evidence error: ", "pending": "pending: "}.get(rule["verdict"], "")
    result: dict[str, Any] = {
        "ruleId": rule["id"], "ruleIndex": index, "level": LEVELS[rule["severity"]],
        "message": {"text": f"{label}{message}" or rule["id"]},
        "properties": {"verdict": rule["verdict"], "blocking": rule["blocking"],
                       "figure": rule["figure"]},
    }
    if location is not None:
        result["locations"] = [location]
    if rule["verdict"] == "waived":
        result["suppressions"] = [_suppression(rule["waiver"] or {})]
    return result


def _suppression(waiver: Mapping[str, Any]) -> dict[str, Any]:
    suppression: dict[str, Any] = {
        "kind": "external", "status": "accepted", "justification": waiver.get("reason", ""),
        "properties": {k: waiver.get(k) for k in ("owner", "expires", "self_granted")},
    }
    origin = waiver.get("origin")
    if origin and in_repository(origin["path"]):
        suppression["location"] = _location(origin["path"], origin["line"], None)
    return suppression


def _origin(rule: Mapping[str, Any], home: str | None) -> dict[str, Any] | None:
    origin = rule["origin"]
    if in_repository(origin["path"]):
        return _location(origin["path"], origin["line"], None)
    return _location(home, None, None) if home else None


def _location(path: str, line: int | None, column: int | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": quote(path), "uriBaseId": "%SRCROOT%"}}
    if line is not None and line >= 1:
        physical["region"] = {"startLine": line, **({"startColumn": column} if column else {})}
    return {"physicalLocation": physical}


def _run_properties(doc: Mapping[str, Any]) -> dict[str, Any]:
    policy = doc["policy"]
    return {"stage": doc["run"]["stage"], "verdict": doc["summary"]["verdict"],
            "counts": doc["summary"]["counts"], "commit": doc["run"]["commit"],
            "policy": {"name": policy["name"], "version": policy["version"],
                       "digest": policy["digest"]}}
