"""Cucumber Messages (NDJSON) and Cucumber JSON: results joined to the spec by file and line.

Neither needs names: a pickle is joined to its Gherkin scenario and example
row by `astNodeIds` (Messages, evidence/cucumber_messages.py), an element of
the JSON format to its scenario by `uri` and `line` (evidence/cucumber_json.py).
The runner's `uri` is relative to the folder it ran in; it names the spec
file whose path ends with it (NAMING.md, "Messages" and "Cucumber JSON").
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.evidence.cucumber_json import ElementRun
from clearance.evidence.cucumber_messages import PickleRun
from clearance.evidence.junit import TestCase
from clearance.evidence.runners.binding import Binding, Collector, FeatureFiles, Key
from clearance.evidence.spec import Feature, Scenario, Spec

MESSAGES = "cucumber-messages"
JSON = "cucumber-json"


def bind_messages(spec: Spec, runs: Sequence[tuple[str, Sequence[PickleRun]]]) -> Binding:
    files = FeatureFiles(spec)
    found = Collector()
    for report, pickles in runs:
        for run in pickles:
            case = TestCase(run.name, run.uri, "", run.outcome, run.message, run.uri, run.line, report)
            feature, why = files.find(run.uri)
            if feature is None:
                found.refuse(case, why)
                continue
            line = run.row_line or run.scenario_line
            if not _has_unit(feature, run.scenario_line, line):
                found.refuse(case, f"{feature.file} has no scenario at line {line}")
                continue
            found.add((feature.file, line), case)
    return found.binding(MESSAGES, [report for report, _ in runs])


def bind_json(spec: Spec, runs: Sequence[tuple[str, Sequence[ElementRun]]]) -> Binding:
    files = FeatureFiles(spec)
    found = Collector()
    for report, elements in runs:
        for run in elements:
            case = TestCase(run.name, run.uri, "", run.outcome, run.message, run.uri, run.line, report)
            feature, why = files.find(run.uri)
            if feature is None:
                found.refuse(case, why)
                continue
            key = _element_key(feature, run)
            if key is None:
                found.refuse(case, f"{feature.file} has no scenario or example row at line {run.line}")
                continue
            found.add(key, _all_steps_ran(feature, key, case, run))
    return found.binding(JSON, [report for report, _ in runs])


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
