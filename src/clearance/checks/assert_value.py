"""A named evidence value is valid against a JSON Schema: the escape hatch
for anything the other kinds do not say. `clearance explain assert` lists
the value names (`changed_files`, `branch`, `commit_messages`, ...)."""

from __future__ import annotations

from typing import Any

from clearance.checks import Outcome
from clearance.evidence.context import Evidence
from clearance.evidence.values import VALUES

EVIDENCE = ("any named value",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["value", "schema"],
    "properties": {
        "value": {"enum": sorted(VALUES)},
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


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    from jsonschema import Draft202012Validator

    value = VALUES[params["value"]](evidence)
    errors = list(Draft202012Validator(params["schema"]).iter_errors(value))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or params["value"]
        return Outcome.failed(f"{where}: {first.message}")
    return Outcome.passed(f"{params['value']} is valid against the schema")
