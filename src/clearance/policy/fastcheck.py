"""A fast "valid" for the policy schemas: validators compiled at build time (issue #21).

Importing jsonschema and validating a policy costs a gate run 70 to 90 ms, paid on
every CI run of a repository with a clearance.yaml of its own (docs/architecture.md,
"Speed of the commit path", has the figures). So the schemas that validate a policy file --
the policy schema, each built-in check kind's parameter schema (and its partial
form, see `variant`) and the policy test case schema -- are turned into Python
code when the package is built (`python -m clearance.policy.fastcheck` writes
`fastschemas.py` beside this module, with fastjsonschema's `compile_to_code`;
tests/policy/test_fastcheck.py fails when the shipped file differs from what the
sources give). That code imports nothing but `re`: fastjsonschema
is a build-time tool, not a dependency of the installed package.

`proven_valid` answers True only when a shipped validator accepts the data;
otherwise (invalid data, a schema with no shipped validator such as a plug-in's,
data that is not plain JSON) the caller runs jsonschema, which says what is wrong
and where, exactly as before. A schema is compiled only when every keyword it
uses is one whose meaning in the generated code was checked against Draft
2020-12 (`KEYWORDS`, `unsupported`); a validator is found by the digest of its
schema, so a schema changed since the build simply has none.

What the generated code is given and changed, to mean Draft 2020-12:
- `dependentRequired` is written as draft-07's `dependencies` with lists of
  names, its former spelling with the same meaning;
- `pattern`: fastjsonschema compiles a pattern with each `$` made `\\Z`; the
  patterns are compiled as written instead, as jsonschema's `re.search` sees them;
- no `default` is filled in (`use_default=False`) and no `format` asserted;
- a failing keyword raises a bare exception (jsonschema gives the message);
- `decimal.Decimal` is not imported: the data are plain JSON, never one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

GENERATED = Path(__file__).with_name("fastschemas.py")

# Keywords whose meaning in fastjsonschema's generated code (2.22.1 to 2.22.3, its draft 2019
# generator; before 2.22, `const: false` also took 0) is Draft 2020-12's for the plain data a
# policy file gives; audited one by one (see the module docstring and tests/policy/
# test_fastcheck.py). A schema using any other keyword keeps the jsonschema path.
KEYWORDS = frozenset({
    "type", "enum", "const", "required", "properties", "additionalProperties", "propertyNames",
    "minProperties", "maxProperties", "items", "minItems", "uniqueItems", "minLength", "pattern",
    "minimum", "maximum", "exclusiveMinimum", "oneOf", "anyOf", "$ref", "$defs",
    "dependentRequired",
})
ANNOTATIONS = frozenset({"title", "description", "$comment"})
ROOT_ONLY = frozenset({"$schema", "$id"})
TYPES = frozenset({"null", "boolean", "integer", "number", "string", "array", "object"})
_MAPS = ("properties", "$defs")  # keywords holding a mapping of subschemas
_ONE = ("additionalProperties", "propertyNames", "items")  # keywords holding one subschema
_MANY = ("oneOf", "anyOf")  # keywords holding a list of subschemas
# Keywords at the root whose failures jsonschema reports at the root under their own name,
# so a partial check (schema.schema_errors) drops the root's `required` only without them.
_PASS_THROUGH = frozenset({"$ref", "allOf", "then", "else", "dependentSchemas", "$dynamicRef"})


def digest(schema: Mapping[str, Any]) -> str:
    """What names a schema's validator: the sha256 of its canonical JSON."""
    from clearance.digest import hexdigest  # not hashlib: no OpenSSL to load for this

    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hexdigest(text.encode("utf-8"))


def variant(schema: Mapping[str, Any], partial: bool) -> Mapping[str, Any] | None:
    """The schema a validator is compiled from: itself, or for a partial check (the params
    override inherited ones, schema.schema_errors) without its top-level `required`; None
    when the partial form cannot be written that way."""
    if not partial:
        return schema
    if _PASS_THROUGH & set(schema):
        return None
    return {key: value for key, value in schema.items() if key != "required"}


def unsupported(schema: Any) -> list[str]:
    """Why the generated code would not mean what Draft 2020-12 means for this schema: one
    line per keyword or value the audit did not cover (empty: it may be compiled)."""
    found: list[str] = []
    if not isinstance(schema, dict):
        return ["the schema is not an object"]
    for key in ROOT_ONLY & set(schema):
        if not isinstance(schema[key], str):
            found.append(f"{key}: not a string")
    rest = {k: v for k, v in schema.items() if k not in ROOT_ONLY}
    found += _audit(rest, "#")
    return found


def _audit(schema: Any, at: str) -> Iterator[str]:
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        yield f"{at}: not a schema"
        return
    for key, value in schema.items():
        here = f"{at}/{key}"
        if key in ANNOTATIONS:
            continue
        if key not in KEYWORDS:
            yield f"{here}: keyword not audited"
        elif key == "$ref":
            if not (isinstance(value, str) and value.startswith("#/")):
                yield f"{here}: only local references"
            if set(schema) - ANNOTATIONS - {"$ref"}:
                yield f"{here}: keywords beside $ref"  # draft-07 code ignores them
        elif key in _MAPS:
            if not isinstance(value, dict):
                yield f"{here}: not an object"
                continue
            for name, sub in value.items():
                yield from _audit(sub, f"{here}/{name}")
        elif key in _ONE:
            yield from _audit(value, here)
        elif key in _MANY:
            if not isinstance(value, list) or not value:
                yield f"{here}: not a list of schemas"
                continue
            for index, sub in enumerate(value):
                yield from _audit(sub, f"{here}/{index}")
        elif key == "type":
            names = value if isinstance(value, list) else [value]
            if not names or not all(isinstance(n, str) and n in TYPES for n in names):
                yield f"{here}: unknown type"
        elif key in ("enum", "const"):
            values = value if key == "enum" else [value]
            if not isinstance(values, list) or not all(
                    v is None or isinstance(v, (str, bool, int, float)) for v in values):
                yield f"{here}: only strings, numbers, booleans and null"
        elif key == "required":
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                yield f"{here}: not a list of names"
        elif key == "dependentRequired":
            if not (isinstance(value, dict) and all(
                    isinstance(v, list) and all(isinstance(n, str) for n in v) for v in value.values())):
                yield f"{here}: not lists of names"
        elif key == "pattern":
            try:
                re.compile(value)
            except (re.error, TypeError):
                yield f"{here}: not a Python regular expression"
        elif key == "uniqueItems":
            if not isinstance(value, bool):
                yield f"{here}: not a boolean"
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{here}: not a number"  # minimum, maximum, exclusiveMinimum, min*, max*


def _plain(data: Any, depth: int = 0) -> bool:
    """Whether the data is JSON as the policy readers give it (dict, list, str, int, float,
    bool, None; keys strings): what the audit of the keywords assumed (fastjsonschema
    takes a tuple for an array, jsonschema does not)."""
    kind = type(data)
    if kind is dict:
        return depth < 200 and all(type(k) is str and _plain(v, depth + 1) for k, v in data.items())
    if kind is list:
        return depth < 200 and all(_plain(v, depth + 1) for v in data)
    return data is None or kind in (str, int, float, bool)


_made: dict[str, Callable[[Any], Any]] = {}


def _validator(key: str) -> Callable[[Any], Any] | None:
    found = _made.get(key)
    if found is None:
        from clearance.policy import fastschemas  # generated; loaded only when a policy is validated

        factories: dict[str, Callable[[], Callable[[Any], Any]]] = fastschemas.VALIDATORS
        factory = factories.get(key)
        if factory is None:
            return None
        found = _made[key] = factory()
    return found


def proven_valid(data: Any, schema: Mapping[str, Any], partial: bool = False) -> bool:
    """True when the shipped validator of `schema` accepts `data` (with `partial`, missing
    required keys at the top level aside); False when it rejects it, when there is none,
    or the data is not plain JSON: then only jsonschema can tell."""
    try:
        compiled = variant(schema, partial)
        validate = None if compiled is None or not _plain(data) else _validator(digest(compiled))
        if validate is None:
            return False
        validate(data)
    except Exception:  # invalid (or anything unforeseen, such as a schema that is not JSON)
        return False
    return True


# Build time -------------------------------------------------------------------------------


def sources() -> dict[str, Mapping[str, Any]]:
    """Every schema a shipped validator is made from, by a name for the generated file."""
    from clearance import checks
    from clearance.policy.schema import load_schema
    from clearance.policytest.case import SCHEMA as CASE

    found: dict[str, Mapping[str, Any]] = {"policy-v1.json": load_schema("policy-v1.json"),
                                           "policy test case": CASE}
    for kind in sorted(checks.CHECKS):
        module = checks.load(kind)
        assert module is not None, kind
        found[f"check {kind}"] = module.SCHEMA
        partial = variant(module.SCHEMA, True)
        if partial is not None:
            found[f"check {kind}, partial"] = partial
    return found


def _prepared(schema: Any) -> Any:
    """A copy as fastjsonschema is given it (it rewrites the `$ref`s of what it compiles)."""
    import copy

    if isinstance(schema, list):
        return [_prepared(v) for v in schema]
    if not isinstance(schema, dict):
        return copy.deepcopy(schema)
    out = {}
    for key, value in schema.items():
        if key == "dependentRequired":
            out["dependencies"] = copy.deepcopy(value)  # draft-07's spelling, the same meaning
        elif key in ("enum", "const", "required"):
            out[key] = copy.deepcopy(value)
        elif key in _MAPS:
            out[key] = {name: _prepared(sub) for name, sub in value.items()}
        else:
            out[key] = _prepared(value)
    return out


_RAISE = re.compile(r"^(\s*)raise JsonSchemaValueException\(.*\)$")
_SKIPPED = ("VERSION = ", "from fastjsonschema import ", "from decimal import ", "import re")
# The generated code tests numbers with isinstance(x, (int, float, Decimal)); proven_valid runs
# it on plain JSON only, never a decimal.Decimal, so a class of its own spares importing decimal.
_DECIMAL = ["class Decimal:",
            '    """Not decimal.Decimal: the data validated are plain JSON (fastcheck._plain)."""']


def _patterns(schema: Any) -> list[str]:
    if isinstance(schema, list):
        return [p for v in schema for p in _patterns(v)]
    if not isinstance(schema, dict):
        return []
    found = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
    for key, value in schema.items():
        if key in ("enum", "const", "required", "pattern"):
            continue
        found += _patterns(list(value.values()) if key in _MAPS else value)
    return found


def _body(schema: Mapping[str, Any]) -> tuple[list[str], str]:
    """fastjsonschema's code for one schema as the lines of a factory's body, and the name
    of its validating function."""
    import fastjsonschema

    code = fastjsonschema.compile_to_code(_prepared(schema), use_default=False, use_formats=False)
    lines: list[str] = []
    skipping = False
    for line in code.splitlines():
        if line.startswith("REGEX_PATTERNS = {"):
            skipping = True  # replaced below: the patterns as written, not with `$` made `\Z`
        elif skipping:
            skipping = line != "}"
        elif not line.startswith(_SKIPPED):
            raised = _RAISE.match(line)
            lines.append(f"{raised.group(1)}raise JsonSchemaValueException" if raised else line)
    patterns = sorted(set(_patterns(schema)))
    if patterns:
        lines.insert(0, f"REGEX_PATTERNS = {{p: re.compile(p) for p in {patterns!r}}}")
    first = next(line for line in lines if line.startswith("def "))
    return lines, first[len("def "):first.index("(")]


def generate() -> str:
    """The source of `fastschemas.py`."""
    import fastjsonschema

    version = getattr(fastjsonschema, "VERSION", "unknown")
    out = [
        f"# Generated by `python -m clearance.policy.fastcheck` with fastjsonschema {version}:",
        "# do not edit. Validators of the schemas named below, each made on first use by its",
        "# factory; see clearance/policy/fastcheck.py.",
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "import re",
        "",
        f"GENERATOR = {f'fastjsonschema {version}'!r}",
        "",
        "",
        *_DECIMAL,
        "",
        "",
        "class JsonSchemaValueException(ValueError):",
        "    pass",
        "",
        "",
        "JsonSchemaValuesException = JsonSchemaValueException",
        "",
    ]
    entries: dict[str, str] = {}
    left: list[str] = []
    for name, schema in sources().items():
        why = unsupported(schema)
        if why:
            left.append(f"#   {name}: {why[0]}")
            continue
        key = digest(schema)
        if key in entries:
            continue
        lines, function = _body(schema)
        factory = f"_make_{len(entries) + 1}"
        entries[key] = f"{factory},  # {name}"
        out += ["", f"def {factory}():  # {name}"]
        out += [f"    {line}" if line else "" for line in lines]
        out.append(f"    return {function}")
        out.append("")
    out += ["", "VALIDATORS = {"]
    out += [f"    {key!r}: {entry}" for key, entry in entries.items()]
    out.append("}")
    if left:
        out += ["# Left to jsonschema (a keyword or value the audit did not cover):", *left]
    return "\n".join(out) + "\n"


def write() -> Path:
    GENERATED.write_text(generate(), "utf-8")
    return GENERATED


def main() -> int:
    """Regenerate `fastschemas.py` (needs fastjsonschema: `pip install -e '.[test]'`)."""
    print(write())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
