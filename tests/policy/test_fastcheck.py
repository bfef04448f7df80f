"""The schema validators compiled at build time (policy/fastcheck.py, issue #21).

The fast path may only ever say "valid" where jsonschema finds no error: whatever
it rejects is validated again by jsonschema, so the errors and their places are
jsonschema's. Checked here on data drawn from each shipped schema, on the
built-in packs and other real policies mutated at random, and on a table of the
places where fastjsonschema's own meaning differs from Draft 2020-12; and the
shipped file is what the sources give.
"""

from __future__ import annotations

import ast
import json
import math
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance import checks
from clearance.policy import fastcheck, fastschemas
from clearance.policy.fastcheck import digest, proven_valid, unsupported, variant
from clearance.policy.loader import load_with_documents, yaml_document
from clearance.policy.schema import jsonschema_errors, load_schema, schema_errors
from clearance.policy.yamlfile import read_yaml
from examples_count import counted

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "clearance"
SOURCES = fastcheck.sources()
POLICY = load_schema("policy-v1.json")
# Real policy files, valid: the built-in packs, this repository's own, the demo's.
POLICY_FILES = sorted([*(PACKAGE / "policies").glob("*/policy.yaml"), ROOT / "clearance.yaml",
                       ROOT / "examples" / "project" / "base" / "clearance.yaml"])
CASE_FILES = sorted((PACKAGE / "policies").glob("*/tests/*/case.yaml"))


def _schema(kind: str) -> Mapping[str, Any]:
    module = checks.load(kind)
    assert module is not None
    return module.SCHEMA


def jsonschema_says_valid(data: Any, schema: Mapping[str, Any], partial: bool = False) -> bool:
    return not list(jsonschema_errors(data, schema, {}, "p.yaml", (), partial))


def agrees(data: Any, schema: Mapping[str, Any], partial: bool = False,
           positions: dict[Any, Any] | None = None) -> bool:
    """The fast path's answer is jsonschema's, and schema_errors reports exactly what the
    jsonschema path alone reports (message, file, line, column); the answer."""
    at = positions or {}
    fast = [(e.message, e.path, e.line, e.column) for e in schema_errors(data, schema, at, "p.yaml", (), partial)]
    slow = [(e.message, e.path, e.line, e.column) for e in jsonschema_errors(data, schema, at, "p.yaml", (), partial)]
    assert fast == slow
    valid = proven_valid(data, schema, partial)
    assert valid == (not slow), (data, slow)
    return valid


# The shipped file --------------------------------------------------------------------------


def test_the_shipped_validators_are_what_the_schemas_give() -> None:
    fjs = pytest.importorskip("fastjsonschema")
    made_by = fastschemas.GENERATOR
    if made_by != f"fastjsonschema {fjs.VERSION}":
        pytest.skip(f"fastschemas.py was made by {made_by}, not {fjs.VERSION}: "
                    "its code may differ; what it means is checked below")
    assert fastcheck.GENERATED.read_text("utf-8") == fastcheck.generate(), (
        "policy/fastschemas.py is stale: run `python -m clearance.policy.fastcheck` and commit it")


@pytest.mark.parametrize("name", list(SOURCES))
def test_every_schema_of_a_policy_passes_the_audit_and_has_a_shipped_validator(name: str) -> None:
    """A schema whose digest is not in the file has changed since it was made (regenerate),
    or uses a keyword the audit has not covered (audit it, or accept the jsonschema path)."""
    schema = SOURCES[name]
    assert unsupported(schema) == []
    assert digest(schema) in fastschemas.VALIDATORS, (
        f"{name} has no shipped validator: run `python -m clearance.policy.fastcheck` and commit it")


def test_the_shipped_code_imports_re_only() -> None:
    """No fastjsonschema at run time: it is a build tool (the `build` and `test` extras)."""
    tree = ast.parse(fastcheck.GENERATED.read_text("utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"re"}


def test_a_policy_of_its_own_loads_with_neither_jsonschema_nor_fastjsonschema(tmp_path: Path) -> None:
    """What a gate pays for: a clearance.yaml extending a pack, with rules and overrides of its
    own, is validated by the shipped code alone (fastjsonschema cannot even be imported)."""
    policy = tmp_path / "clearance.yaml"
    policy.write_text(
        "extends: [builtin:spec-driven]\nsettings: {commands: false}\nparams: {unit_coverage: 85}\n"
        "rules:\n  - id: testing.unit-coverage\n    check: {coverage.min: {min: 91}}\n"
        "  - id: team.changelog\n    stages: [pr]\n"
        "    check: {changes.together: {if: 'src/**', then: [CHANGELOG.md]}}\n"
        "  - id: team.errors\n    stages: [verify]\n"
        "    check: {metrics.query: {endpoint: 'http://prom:9090', query: up, op: '>', value: 0}}\n")
    probe = ("import sys\nsys.modules['fastjsonschema'] = None\n"
             "from clearance.policy.loader import load_with_documents\n"
             f"policy, _ = load_with_documents([{str(policy)!r}])\n"
             "print(len(policy.rules), 'jsonschema' in sys.modules, sys.modules['fastjsonschema'] is not None)")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    rules, jsonschema_loaded, fastjsonschema_loaded = run.stdout.split()
    assert int(rules) > 100 and jsonschema_loaded == "False" and fastjsonschema_loaded == "False"


# The audit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("schema, why", [
    ({"type": "object", "unevaluatedProperties": False}, "unevaluatedProperties"),
    ({"type": "string", "format": "date"}, "format"),
    ({"if": {"required": ["a"]}, "then": {"required": ["b"]}}, "if"),
    ({"prefixItems": [{"type": "string"}]}, "prefixItems"),
    ({"items": [{"type": "string"}]}, "items"),
    ({"$defs": {"s": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/s", "minLength": 2}}}, "$ref"),
    ({"properties": {"a": {"$ref": "https://example.com/s.json"}}}, "$ref"),
    ({"patternProperties": {"^x": {"type": "string"}}}, "patternProperties"),
    ({"dependentSchemas": {"a": {"required": ["b"]}}}, "dependentSchemas"),
    ({"dependencies": {"a": ["b"]}}, "dependencies"),
    ({"properties": {"a": {"const": {"k": 1}}}}, "const"),
    ({"properties": {"a": {"$id": "urn:x", "type": "string"}}}, "$id"),
    ({"multipleOf": 0.1}, "multipleOf"),
    ({"type": "text"}, "type"),
    ({"pattern": "(unclosed"}, "pattern"),
    ({"minLength": True}, "minLength"),
])
def test_a_keyword_or_value_not_audited_keeps_the_jsonschema_path(schema: dict[str, Any], why: str) -> None:
    found = unsupported(schema)
    assert found and why in found[0]
    assert digest(schema) not in fastschemas.VALIDATORS


def test_the_partial_form_drops_the_top_level_required_only_where_that_is_what_jsonschema_drops() -> None:
    schema = {"type": "object", "required": ["a"], "properties": {"b": {"required": ["c"]}}}
    assert variant(schema, False) is schema
    assert variant(schema, True) == {"type": "object", "properties": {"b": {"required": ["c"]}}}
    # errors of these reach the top level as `required` errors: the jsonschema path decides
    assert variant({"allOf": [{"required": ["a"]}]}, True) is None
    assert variant({"$ref": "#/$defs/x", "$defs": {"x": {"required": ["a"]}}}, True) is None


def test_a_schema_with_no_shipped_validator_is_validated_by_jsonschema() -> None:
    plugin = {"type": "object", "required": ["team"], "properties": {"team": {"type": "string"}}}
    assert not proven_valid({"team": "a"}, plugin)
    errors = list(schema_errors({}, plugin, {}, "p.yaml"))
    assert [e.message for e in errors] == ["(top level): missing required key 'team'"]


# A table of the places where fastjsonschema's own semantics differ -------------------------

ROOT_ESCAPES = {"inputs": {"coverage": {"unit": {"reports": "cov.xml", "root": "..\n"}}}}


@pytest.mark.parametrize("data, schema, partial, valid", [
    # `$` is end of string or before a final newline (Python re, jsonschema); fastjsonschema
    # compiles `\Z` instead, which here, in a negative lookahead, would let "..\n" pass
    (ROOT_ESCAPES, POLICY, False, False),
    ({"inputs": {"coverage": {"unit": {"reports": "c.xml", "root": "pkg/api"}}}}, POLICY, False, True),
    ({"rules": [{"id": "abc\n"}]}, POLICY, False, True),  # `^[A-Za-z0-9][A-Za-z0-9_.-]*$` matches
    ({"waivers": [{"rule": "r", "reason": "x", "owner": "o", "expires": "2026-01-01\n"}]}, POLICY, False, True),
    ({"waivers": [{"rule": "r", "reason": "x", "owner": "o", "expires": "2026-01-01\nx"}]}, POLICY, False, False),
    # const and enum: false is not 0, true is not 1
    ({"required": ["Summary"], "template": False}, _schema("pr.sections"), False, True),
    ({"required": ["Summary"], "template": 0}, _schema("pr.sections"), False, False),
    ({"all": True}, _schema("pr.checklist"), False, True),
    ({"all": 1}, _schema("pr.checklist"), False, False),
    ({"apiVersion": "clearance/v1", "rules": [{"id": "a", "enabled": 0}]}, POLICY, False, False),
    # integers: 3.0 is one, true is not
    ({"min_tests": 3.0}, _schema("tests.junit"), False, True),
    ({"min_tests": True}, _schema("tests.junit"), False, False),
    ({"settings": {"max_waiver_days": 1.5}}, POLICY, False, False),
    # dependentRequired, written as draft-07's dependencies
    ({"endpoint": "http://p:9090", "query": "up", "op": ">"}, _schema("metrics.query"), False, False),
    ({"endpoint": "http://p:9090", "query": "up", "op": ">", "value": 0}, _schema("metrics.query"), False, True),
    # uniqueItems
    ({"rules": [{"id": "a", "controls": ["SOC2:CC8.1", "SOC2:CC8.1"]}]}, POLICY, False, False),
    # check: exactly one kind, its params a mapping or null
    ({"rules": [{"id": "a", "check": {"x": None}}]}, POLICY, False, True),
    ({"rules": [{"id": "a", "check": {}}]}, POLICY, False, False),
    ({"rules": [{"id": "a", "check": {"x": {}, "y": {}}}]}, POLICY, False, False),
    # partial: missing required keys at the top level aside, nowhere else
    ({"min": 90}, _schema("coverage.min"), True, True),
    ({"min": 90}, _schema("coverage.min"), False, False),
    ({"min": "ninety"}, _schema("coverage.min"), True, False),
    # minLength counts code points, as Python's len
    ({"metadata": {"name": "é"}}, POLICY, False, True),
    ({"metadata": {"name": ""}}, POLICY, False, False),
    # numbers that are not finite
    ({"min_tests": math.inf}, _schema("tests.junit"), False, False),
    ({"settings": {"max_waiver_days": math.nan}}, POLICY, False, False),
])
def test_where_fastjsonschema_means_something_else_the_answer_is_jsonschemas(
        data: Any, schema: Mapping[str, Any], partial: bool, valid: bool) -> None:
    assert jsonschema_says_valid(data, schema, partial) == valid
    assert agrees(data, schema, partial) == valid


def test_data_that_is_not_plain_json_is_left_to_jsonschema() -> None:
    """fastjsonschema takes a tuple for an array, jsonschema does not."""
    data = {"paths": ("README.md",)}
    assert not jsonschema_says_valid(data, _schema("files.exist"))
    assert not proven_valid(data, _schema("files.exist"))
    assert proven_valid({"paths": ["README.md"]}, _schema("files.exist"))


def test_the_fast_path_does_not_change_the_schema_or_the_data() -> None:
    """fastjsonschema rewrites the `$ref`s of a schema it compiles, and fills in defaults."""
    before = json.dumps(POLICY, sort_keys=True)
    data = {"apiVersion": "clearance/v1", "inputs": {"tests": ["t/*.py"]}}
    assert proven_valid(data, POLICY)
    assert json.dumps(POLICY, sort_keys=True) == before
    assert data == {"apiVersion": "clearance/v1", "inputs": {"tests": ["t/*.py"]}}


# Real policies, as they are and mutated ----------------------------------------------------


def _rules(path: Path) -> list[tuple[str, Any]]:
    """Each rule's check kind and params as the policy in force has them (packs extended)."""
    policy, _ = load_with_documents([yaml_document(path, path.name)])
    return [(rule.kind, rule.params) for rule in policy.rules]


@pytest.mark.parametrize("path", POLICY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_real_policies_and_their_checks_are_proven_valid(path: Path) -> None:
    """The fast path is taken on what teams write, not only on toy data."""
    data, positions, _ = read_yaml(path)
    assert agrees(data, POLICY, positions=positions)
    for kind, params in _rules(path):
        assert agrees(params, _schema(kind)), kind
        assert agrees(params, _schema(kind), partial=True), kind


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_the_packs_policy_test_cases_are_proven_valid(path: Path) -> None:
    from clearance.policytest.case import SCHEMA

    assert agrees(read_yaml(path)[0], SCHEMA)


SCALARS = (st.none() | st.booleans() | st.integers(-3, 200) | st.sampled_from([0.5, 3.0, -1.0, math.inf, math.nan])
           | st.sampled_from(["", "x", "a\n", "..", "../x", "/abs", "C:x", "x:y", "SOC2:CC8.1", "2026-01-01",
                              "2026-01-01\n", "7d", "refs/heads/main", "error", "pr", "clearance/v1", "Policy",
                              "src/**", "é", "x" * 70]) | st.text(max_size=6))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)


def _nodes(data: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [at]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*at, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _nodes(value, (*at, index))
    return found


@st.composite
def mutated(draw: st.DrawFn, data: Any) -> Any:
    """The data with one to three changes: a node replaced, a key removed or added, a list
    item duplicated, a string edited."""
    data = json.loads(json.dumps(data))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.sampled_from(_nodes(data)))
        parent = data
        for part in at[:-1]:
            parent = parent[part]
        node = parent[at[-1]] if at else data
        how = draw(st.sampled_from(["replace", "remove", "add", "duplicate", "edit"]))
        if how == "replace" and at:
            parent[at[-1]] = draw(JSON)
        elif how == "remove" and at:
            del parent[at[-1]]
        elif how == "add" and isinstance(node, dict):
            node[draw(st.sampled_from(["x", "id", "paths", "suite", "min", "check", "rules", "root"]))] = draw(JSON)
        elif how == "duplicate" and isinstance(node, list) and node:
            node.append(json.loads(json.dumps(node[0])))
        elif how == "edit" and at and isinstance(node, str):
            parent[at[-1]] = draw(st.sampled_from([node + "\n", "/" + node, "../" + node, "", node[:1], node + "$"]))
    return data


PACK_RULES = [(kind, params) for path in POLICY_FILES for kind, params in _rules(path)]
POLICY_DATA = [read_yaml(path)[0] for path in POLICY_FILES]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(POLICY_DATA).flatmap(mutated))
def test_mutated_policies_get_jsonschemas_answer_and_errors(data: Any) -> None:
    counted("fastcheck: mutated policy files")
    if agrees(data, POLICY):
        counted("fastcheck: mutated policy files, still valid")


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PACK_RULES).flatmap(lambda rule: st.tuples(st.just(rule[0]), mutated(rule[1]))),
       st.booleans())
def test_mutated_check_params_get_jsonschemas_answer_and_errors(rule: tuple[str, Any], partial: bool) -> None:
    counted("fastcheck: mutated check params")
    kind, params = rule
    if agrees(params, _schema(kind), partial):
        counted("fastcheck: mutated check params, still valid")


# Data drawn from each schema ---------------------------------------------------------------


def _resolve(schema: Any, root: Mapping[str, Any]) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def _string(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    pattern = schema.get("pattern")
    if pattern and "(?" not in pattern:  # hypothesis draws from a regex without lookarounds
        return st.from_regex(pattern) | SCALARS
    return SCALARS


def from_schema(schema: Any, root: Mapping[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Data near the schema: mostly what it describes, with a random value here and there."""
    near = _near(schema, root, depth)
    return st.integers(0, 11).flatmap(lambda n: JSON if n == 0 else near)


def _near(schema: Any, root: Mapping[str, Any], depth: int) -> st.SearchStrategy[Any]:
    schema = _resolve(schema, root)
    if not isinstance(schema, dict) or depth > 6:
        return JSON
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.sampled_from(schema[key]).flatmap(lambda sub: from_schema(sub, root, depth + 1))
    kinds = schema.get("type", "object" if "properties" in schema else None)
    if kinds is None:
        return JSON
    kind = st.sampled_from(kinds if isinstance(kinds, list) else [kinds])
    return kind.flatmap(lambda k: _typed(k, schema, root, depth))


def _typed(kind: str, schema: Mapping[str, Any], root: Mapping[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if kind == "object":
        properties = schema.get("properties", {})
        required = {k: from_schema(v, root, depth + 1) for k, v in properties.items() if k in schema.get("required", ())}
        optional = {k: from_schema(v, root, depth + 1) for k, v in properties.items() if k not in required}
        names = st.text(max_size=5)
        if isinstance(schema.get("propertyNames"), dict):
            names = _string(schema["propertyNames"]).filter(lambda n: isinstance(n, str))
        extra = schema.get("additionalProperties", True)
        more = (st.dictionaries(names, from_schema(extra, root, depth + 1), max_size=3)
                if isinstance(extra, dict) or not properties else st.just({}))
        unknown = st.integers(0, 9).flatmap(lambda n: st.dictionaries(names, JSON, max_size=1) if n == 0 else st.just({}))
        return st.tuples(st.fixed_dictionaries(required, optional=optional), more, unknown).map(
            lambda parts: {**parts[2], **parts[1], **parts[0]})
    if kind == "array":
        return st.lists(from_schema(schema.get("items", True), root, depth + 1), max_size=3)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return st.integers(-2, 300) | st.sampled_from([3.0, True, 0])
    if kind == "number":
        return st.integers(-2, 300) | st.floats(-1, 2) | st.sampled_from([math.inf, True])
    if kind == "boolean":
        return st.booleans() | st.sampled_from([0, 1])
    return st.none()


SHIPPED = [(name, schema) for name, schema in SOURCES.items() if not name.endswith(", partial")]


@pytest.mark.parametrize("name, schema", SHIPPED, ids=[name for name, _ in SHIPPED])
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), partial=st.booleans())
def test_data_drawn_from_each_schema_gets_jsonschemas_answer_and_errors(
        name: str, schema: Mapping[str, Any], data: st.DataObject, partial: bool) -> None:
    counted("fastcheck: data drawn from a schema")
    partial = partial and name.startswith("check ")
    if agrees(data.draw(from_schema(schema, schema)), schema, partial):
        counted("fastcheck: data drawn from a schema, valid")
