"""Cucumber Messages (NDJSON) and Cucumber JSON: results joined to the spec by file and line.

Neither needs names: a pickle is joined to its Gherkin scenario and example
row by `astNodeIds` (Messages, evidence/cucumber_messages.py), an element of
the JSON format to its scenario by `uri` and `line` (evidence/cucumber_json.py).
The runner's `uri` is relative to the folder it ran in; it names the spec
file whose path ends with it (NAMING.md, "Messages" and "Cucumber JSON").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from clearance.evidence.cucumber_json import ElementRun
from clearance.evidence.cucumber_messages import PickleRun
from clearance.evidence.junit import TestCase
from clearance.evidence.runners.binding import Binding, Collector, FeatureFiles, Key
from clearance.evidence.spec import Feature, Scenario, Spec

MESSAGES = "cucumber-messages"
JSON = "cucumber-json"
R = TypeVar("R", PickleRun, ElementRun)


def bind_messages(spec: Spec, runs: Sequence[tuple[str, Sequence[PickleRun]]]) -> Binding:
    def place(feature: Feature, run: PickleRun, case: TestCase) -> tuple[Key | None, str, TestCase]:
        line = run.row_line or run.scenario_line
        if not _has_unit(feature, run.scenario_line, line):
            return None, f"{feature.file} has no scenario at line {line}", case
        return (feature.file, line), "", case

    return _bind(spec, runs, MESSAGES, place)


def bind_json(spec: Spec, runs: Sequence[tuple[str, Sequence[ElementRun]]]) -> Binding:
    def place(feature: Feature, run: ElementRun, case: TestCase) -> tuple[Key | None, str, TestCase]:
        key = _element_key(feature, run)
        if key is None:
            return None, f"{feature.file} has no scenario or example row at line {run.line}", case
        return key, "", _all_steps_ran(feature, key, case, run)

    return _bind(spec, runs, JSON, place)


def _bind(spec: Spec, runs: Sequence[tuple[str, Sequence[R]]], runner: str,
          place: Callable[[Feature, R, TestCase], tuple[Key | None, str, TestCase]]) -> Binding:
    """Each run a case of its report, given to the scenario (or example row) `place` finds
    in the feature file its `uri` names, or refused with why."""
    files = FeatureFiles(spec)
    found = Collector()
    for report, items in runs:
        for run in items:
            case = TestCase(run.name, run.uri, "", run.outcome, run.message, run.uri, run.line, report)
            feature, why = files.find(run.uri)
            if feature is None:
                found.refuse(case, why)
                continue
            key, refusal, bound = place(feature, run, case)
            if key is None:
                found.refuse(case, refusal)
                continue
            found.add(key, bound)
    return found.binding(runner, [report for report, _ in runs])


def _has_unit(feature: Feature, scenario_line: int, line: int) -> bool:
    for scenario in feature.all_scenarios:
        if scenario.line == scenario_line:
            return (line == scenario_line and not scenario.examples) or any(
                r.line == line for r in scenario.examples)
    return False


def _element_key(feature: Feature, run: ElementRun) -> Key | None:
    """The row's line (cucumber-js), or for an outline's own line (pytest-bdd) its n-th row."""
    for scenario in feature.all_scenarios:
        if scenario.line == run.line:
            if not scenario.examples:
                return feature.file, run.line
            if run.place < len(scenario.examples):
                return feature.file, scenario.examples[run.place].line
            return None
        if any(r.line == run.line for r in scenario.examples):
            return feature.file, run.line
    return None


def _all_steps_ran(feature: Feature, key: Key, case: TestCase, run: ElementRun) -> TestCase:
    """pytest-bdd leaves out steps that did not run: fewer steps than written is no pass."""
    scenario = _scenario_at(feature, key[1])
    if scenario is None or case.outcome != "passed":
        return case
    written = scenario.steps + _background_steps(feature, scenario)
    if run.steps < written:
        return case._replace(outcome="error",
                             message=f"only {run.steps} of {written} steps reported")
    return case


def _scenario_at(feature: Feature, line: int) -> Scenario | None:
    for scenario in feature.all_scenarios:
        if scenario.line == line or any(r.line == line for r in scenario.examples):
            return scenario
    return None


def _background_steps(feature: Feature, scenario: Scenario) -> int:
    count = feature.background.steps if feature.background else 0
    for rule in feature.rules:
        if rule.name == scenario.rule and rule.background and scenario in rule.scenarios:
            count += rule.background.steps
    return count
