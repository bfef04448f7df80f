"""A named evidence value, or a JSON evidence file, is valid against a JSON
Schema: the escape hatch for anything the other kinds do not say. Values:
`stage`, `branch`, `changed_files`, `changes`, `deleted_files`,
`commit_messages`, `tracked_files`, `earlier_tags` (tags of commits before
the one under evaluation, newest first: what a rollback goes back to); or `file: PATH` for a JSON file that CI
wrote (a missing or unreadable file is an `error`, never a pass)."""

from __future__ import annotations

import json

from clearance.checks import Finding, Outcome
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.values import VALUES

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("a named value or a JSON file",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["schema"],
    "oneOf": [{"required": ["value"]}, {"required": ["file"]}],
    "properties": {
        "value": {"enum": sorted(VALUES)},
        "file": {"type": "string", "minLength": 1},
        "schema": {"type": ["object", "boolean"]},
    },
}


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(params.get("schema", {}))
    except SchemaError as e:
        return [(("schema",), f"schema: not a valid JSON Schema: {e.message}")]
    return []


def _subject(params: dict[str, Any], evidence: Evidence) -> tuple[str, Any]:
    if "value" in params:
        return params["value"], VALUES[params["value"]](evidence)
    path = params["file"]
    data = evidence.read_input(path)
    try:
        return path, json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:
        line = getattr(e, "lineno", None)
        raise EvidenceError(f"not valid JSON: {getattr(e, 'msg', e)}", path, line) from e


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from jsonschema import Draft202012Validator

    name, value = _subject(params, evidence)
    errors = list(Draft202012Validator(params["schema"]).iter_errors(value))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path)
        findings = (Finding(params["file"], message=first.message),) if "file" in params else ()
        return Outcome.failed(f"{name}{'/' + where if where else ''}: {first.message}",
                              findings=findings)
    return Outcome.passed(f"{name} is valid against the schema")
