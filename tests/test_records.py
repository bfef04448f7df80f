"""Records: typed like typing.NamedTuple for the checker, plain namedtuples at run time."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest

from clearance.policy.model import Origin, Rule


def test_a_record_is_a_tuple_with_fields_defaults_and_methods() -> None:
    origin = Origin("policy.yaml", 4)
    rule = Rule("a.b", "files.exist", {"paths": "x"}, origin, severity="warning")
    assert isinstance(rule, tuple)
    assert Rule._fields[:4] == ("id", "kind", "params", "origin")
    assert (rule.title, rule.stages, rule.when) == ("", ("pr",), {})
    assert rule._replace(severity="error") == (*rule[:8], "error", *rule[9:])
    assert str(origin) == "policy.yaml:4" and origin.column == 1
    assert rule._asdict()["origin"] == ("policy.yaml", 4, 1)
    assert Rule.__doc__ is not None and Rule.__qualname__ == "Rule"
    assert Rule.__annotations__["stages"] == "tuple[str, ...]"


def test_records_compare_hash_and_pickle_as_tuples() -> None:
    a, b = Origin("p", 1), Origin("p", 1)
    assert a == b and hash(a) == hash(b) and a != Origin("p", 2)
    assert pickle.loads(pickle.dumps(a)) == a


def test_a_missing_field_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Origin("p")  # type: ignore[call-arg]


def test_fields_must_keep_defaults_last_and_methods_cannot_use_super() -> None:
    from clearance.records import Record

    with pytest.raises(TypeError, match="without a default follows"):
        class Bad(Record):
            a: int = 1
            b: int  # type: ignore[misc]

    with pytest.raises(TypeError, match="super"):
        class Worse(Record):
            a: int

            def __repr__(self) -> str:
                return super().__repr__()


def test_defining_records_imports_no_typing() -> None:
    probe = "import sys, clearance.policy.model, clearance.results; print('typing' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
