"""Runner conventions: how each test runner names the scenarios it ran.

A spec rule's `runner:` (or `inputs.runner`) names one; `auto`, the
default, picks one where the evidence files make it unambiguous (`detect`).
Each binds the spec's scenarios, within their own feature, to the runner's
output (docs/traceability.md gives every naming rule and where it comes
from in the runner's source):

| runner | evidence | scenario found by |
|---|---|---|
| `cucumber-messages` | `messages`: Cucumber Messages NDJSON | pickle -> Gherkin node ids |
| `cucumber-json` | `cucumber_json`: Cucumber JSON | feature uri + line |
| `cucumber-js` | `junit`: cucumber-js JUnit | classname = feature, name = rule - scenario - examples - #E.R |
| `behave` | `junit`: `behave --junit` | classname = F.feature, name -- @E.R examples |
| `pytest-bdd` | `tests` (bindings) + `junit` | module + test_<slug>[row id] |
| `titles` | `tests` (titles) + `junit` | test titles (Playwright, Jest, Vitest, JUnit 5, Kotest) |
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.spec import Spec, select_paths
from clearance.records import Record

RUNNERS = ("auto", "titles", "pytest-bdd", "behave", "cucumber-js", "cucumber-messages",
           "cucumber-json")
RUN_EVIDENCE = frozenset({"behave", "cucumber-js", "cucumber-messages", "cucumber-json"})
_PYTEST_BDD_MARKS = (b"pytest_bdd",)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from clearance.evidence.junit import JUnitResults
    from clearance.evidence.runners.binding import Binding


class Sources(Record):
    """Where a rule's evidence is: each a list of globs (empty: not configured)."""

    junit: list[str]
    messages: list[str]
    cucumber_json: list[str]
    tests: list[str]


def detect(evidence: Evidence, sources: Sources) -> str:
    """The runner the evidence files make unambiguous, else `titles`."""
    if sources.messages and evidence.find_inputs(sources.messages):
        return "cucumber-messages"
    if sources.cucumber_json and evidence.find_inputs(sources.cucumber_json):
        return "cucumber-json"
    results = _junit_if_any(evidence, sources.junit)
    if results is not None and results.cases:
        if all(c.suite == "Cucumber" for c in results.cases):
            return "cucumber-js"
        if all(c.classname == c.suite and c.report.rsplit("/", 1)[-1].startswith("TESTS-")
               for c in results.cases):
            return "behave"
    if sources.tests and _binds_with_pytest_bdd(evidence, sources.tests):
        return "pytest-bdd"
    return "titles"


def _junit_if_any(evidence: Evidence, globs: list[str]) -> JUnitResults | None:
    from clearance.evidence.junit import read_junit

    if not globs or not evidence.find_inputs(globs):
        return None
    return read_junit(evidence, globs)


def _binds_with_pytest_bdd(evidence: Evidence, globs: list[str]) -> bool:
    paths = [p for p in select_paths(globs, evidence.tracked_files) if p.endswith(".py")]
    return any(mark in (data or b"") for data in evidence.read_many(paths).values()
               for mark in _PYTEST_BDD_MARKS)


def bind(runner: str, spec: Spec, evidence: Evidence, sources: Sources,
         with_results: bool) -> Binding:
    """The binding of one runner convention (not `titles`, which traceability.trace does)."""
    if runner == "cucumber-messages":
        from clearance.evidence.cucumber_messages import read_messages
        from clearance.evidence.runners.cucumber import bind_messages

        paths = _required(evidence, sources.messages, "messages", "Cucumber Messages (NDJSON)")
        return bind_messages(spec, [(p, read_messages(evidence, p)) for p in paths])
    if runner == "cucumber-json":
        from clearance.evidence.cucumber_json import read_cucumber_json
        from clearance.evidence.runners.cucumber import bind_json

        paths = _required(evidence, sources.cucumber_json, "cucumber_json", "Cucumber JSON")
        return bind_json(spec, [(p, read_cucumber_json(evidence, p)) for p in paths])
    if runner == "pytest-bdd":
        return _pytest_bdd(spec, evidence, sources, with_results)
    from clearance.evidence.junit import read_junit

    results = read_junit(evidence, sources.junit or None)
    if runner == "behave":
        from clearance.evidence.runners import behave

        return behave.bind(spec, results)
    from clearance.evidence.runners import cucumber_js

    return cucumber_js.bind(spec, results)


def _pytest_bdd(spec: Spec, evidence: Evidence, sources: Sources, with_results: bool) -> Binding:
    from clearance.evidence.junit import read_junit
    from clearance.evidence.runners import pytest_bdd
    from clearance.evidence.titles import source_globs

    modules = select_paths(source_globs(evidence, sources.tests or None), evidence.tracked_files)
    ini = [p for p in evidence.tracked_files if p.rsplit("/", 1)[-1] in pytest_bdd.INI_FILES]
    results = read_junit(evidence, sources.junit or None) if with_results else None
    return pytest_bdd.bind(spec, evidence.read_many(modules), evidence.read_many(ini), results)


def _required(evidence: Evidence, globs: Sequence[str], name: str, kind: str) -> list[str]:
    if not globs:
        raise EvidenceError(f"no {kind} files configured",
                            hint=f"set inputs.{name} in the policy or `{name}` in the rule")
    paths = evidence.find_inputs(globs)
    if not paths:
        raise EvidenceError(f"no {kind} file matches {', '.join(globs)}",
                            hint="check that the step that runs the scenarios wrote it")
    return paths
