"""Every plug-in family's registry and its typed contract name the same members.

mypy checks each member listed in a `contract.py` against the family's
protocol (`make test` runs it); these tests make sure no registered member is
left out of that list, and that the members really provide what the protocol
names at run time too.
"""

from __future__ import annotations

import importlib

import pytest

from clearance import checks, cli, reporters
from clearance.checks import contract as check_contract
from clearance.commands import contract as command_contract
from clearance.evidence import coverage
from clearance.evidence.coverage import contract as coverage_contract
from clearance.reporters import contract as reporter_contract


def _names(modules: dict[str, object]) -> dict[str, str]:
    return {key: getattr(module, "__name__", "") for key, module in modules.items()}


def test_every_check_kind_is_under_the_contract() -> None:
    assert _names(dict(check_contract.KINDS)) == checks.CHECKS


def test_the_kinds_that_check_their_parameters_are_under_that_contract() -> None:
    having = {name for name in checks.CHECKS.values()
              if hasattr(importlib.import_module(name), "problems")}
    assert {m.__name__ for m in check_contract.WITH_PROBLEMS} == having  # type: ignore[attr-defined]


def test_every_output_format_is_under_the_contract() -> None:
    assert _names(dict(reporter_contract.FORMATS)) == reporters.REPORTERS


def test_every_coverage_reader_is_under_the_contract() -> None:
    assert _names(dict(coverage_contract.FORMATS)) == coverage.READERS


def test_every_command_is_under_the_contract() -> None:
    assert _names(dict(command_contract.COMMAND_MODULES)) == {k: v[0] for k, v in cli.COMMANDS.items()}


@pytest.mark.parametrize("kind", sorted(checks.CHECKS))
def test_a_check_kind_provides_its_members(kind: str) -> None:
    module = checks.load(kind)
    assert module is not None
    assert isinstance(module.SCHEMA, dict) and module.SCHEMA.get("type") == "object"
    assert module.EVIDENCE and all(isinstance(e, str) and e for e in module.EVIDENCE)
    assert callable(module.run) and (module.__doc__ or "").strip()


def test_the_action_writes_every_format_that_has_a_file_under_its_own_name() -> None:
    names = reporters.file_names()
    assert set(names) == set(reporters.REPORTERS) - {"github"}
    assert len(set(names.values())) == len(names)
