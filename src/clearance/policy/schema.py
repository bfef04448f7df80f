"""Validate one policy document against the policy schema and its checks' schemas.

Every error is a `PolicyError` at the line and column of the offending node,
with a message that names the key and says what is expected.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from clearance import PACKAGE_DIR
from clearance.errors import PolicyError
from clearance.policy.yamlfile import KEY, NodePath, Positions


@cache
def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in `clearance/schemas/`."""
    text = (Path(PACKAGE_DIR) / "schemas" / name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def dotted(path: NodePath) -> str:
    """`rules[0].severity` for ("rules", 0, "severity")."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def position(positions: Positions, path: NodePath) -> tuple[int | None, int | None]:
    """The position of a node, or of its nearest ancestor that has one."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in positions:
            return positions[path[:cut]]
    return None, None


def _describe(error: Any) -> tuple[NodePath, str]:
    path: NodePath = tuple(error.absolute_path)
    name = dotted(path)
    value = json.dumps(error.instance, default=str)
    if len(value) > 60:
        value = value[:57] + "..."
    kind = error.validator
    if kind == "type":
        return path, f"{name}: expected {_types(error.validator_value)}, got {value}"
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return path, f"{name}: {value} is not one of: {choices}"
    if kind == "const":
        return path, f"{name}: must be {json.dumps(error.validator_value)}, got {value}"
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        about = error.schema.get("properties", {}).get(missing, {}).get("description")
        return path, f"{name}: missing required key '{missing}'" + (f": {about}" if about else "")
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            known = ", ".join(sorted(allowed))
            return (*path, extra[0], KEY), f"{name}: unknown key '{extra[0]}' (known keys: {known})"
    if kind == "pattern":
        return path, f"{name}: {value} does not match the pattern {error.validator_value}"
    if kind in ("minProperties", "maxProperties") and name.endswith("check"):
        return path, f"{name}: give exactly one check kind, as {{KIND: {{PARAMS}}}}"
    return path, f"{name}: {error.message}"


def _types(expected: Any) -> str:
    names: dict[str, str] = {"object": "a mapping", "array": "a list", "string": "a string",
             "integer": "a whole number", "number": "a number", "boolean": "true or false",
             "null": "nothing"}
    items = expected if isinstance(expected, list) else [expected]
    return " or ".join(names.get(str(t), str(t)) for t in items)


def schema_errors(
    data: Any, schema: Mapping[str, Any], positions: Positions, path: str, base: NodePath = (),
    partial: bool = False,
) -> Iterator[PolicyError]:
    """Errors of `data` against `schema`, in document order.

    `partial`: the data overrides inherited data, so missing required keys
    at its top level are not errors (they are checked after the merge).

    Data that a validator compiled at build time accepts has no errors
    (policy/fastcheck.py); anything else is validated by jsonschema, which
    says what is wrong and where.
    """
    from clearance.policy.fastcheck import proven_valid

    if not proven_valid(data, schema, partial):
        yield from jsonschema_errors(data, schema, positions, path, base, partial)


def jsonschema_errors(
    data: Any, schema: Mapping[str, Any], positions: Positions, path: str, base: NodePath = (),
    partial: bool = False,
) -> Iterator[PolicyError]:
    """`schema_errors` as jsonschema finds them, whatever a compiled validator says."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    for error in errors:
        if partial and error.validator == "required" and not error.absolute_path:
            continue
        node, message = _describe(error)
        line, col = position(positions, (*base, *node))
        if base:
            message = f"{dotted(base)}.{message}" if node else f"{dotted(base)}: {message.split(': ', 1)[-1]}"
        yield PolicyError(message, path, line, col)
