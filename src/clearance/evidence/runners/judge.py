"""Scenarios judged from a runner's own output: each scenario and example row by its cases.

A unit (a scenario, or one example row of an outline) is:

- `failed` when a case of it failed or ended in error;
- `not-implemented` when a case says a step has no definition (undefined,
  pending), or, for a runner that binds in sources (pytest-bdd), when no
  source binds it;
- `passed` when a case of it passed;
- `not-run` otherwise (no case, or skipped only).

An outline is failed when a row failed, passed only when every row (not
excluded by tag) passed, not-implemented when a row is, else not-run.
"""

from __future__ import annotations

from collections.abc import Iterable

from clearance.evidence.junit import TestCase
from clearance.evidence.runners.binding import Binding, units
from clearance.evidence.spec import Example, Scenario, Spec
from clearance.evidence.traceability import EXCLUDE_TAGS, FAILED, RowTrace, Trace, tag_set


def judge(outcomes: Iterable[str], bound: bool) -> str:
    found = set(outcomes)
    if found & set(FAILED):
        return "failed"
    if "undefined" in found or not bound:
        return "not-implemented"
    return "passed" if "passed" in found else "not-run"


def trace_bound(spec: Spec, binding: Binding,
                exclude_tags: Iterable[str] = EXCLUDE_TAGS) -> tuple[Trace, ...]:
    excluded = tag_set(exclude_tags)
    return tuple(_trace(s, binding, excluded) for s in spec.scenarios)


def _trace(scenario: Scenario, binding: Binding, excluded: frozenset[str]) -> Trace:
    tests = binding.tests.get((scenario.file, scenario.line), ())
    if tag_set(scenario.tags) & excluded:
        return Trace(scenario, True, tests, runner=binding.runner)
    judged: list[tuple[Example | None, tuple[TestCase, ...], str]] = []
    for key, row in units(scenario):
        if row is not None and tag_set(row.tags) & excluded:
            continue
        cases = binding.cases_of(key)
        bound = bool(tests) if binding.from_sources else any(
            c.outcome not in ("not-run", "skipped") for c in cases)
        judged.append((row, cases, judge((c.outcome for c in cases), bound)))
    rows = tuple(RowTrace(row, cases, result) for row, cases, result in judged if row is not None)
    results = [result for _, _, result in judged]
    cases = tuple(c for _, found, _ in judged for c in found)
    unnamed = tuple(r.example for r in rows if r.result == "not-implemented")
    return Trace(scenario, False, tests, unnamed if not binding.from_sources else (), cases,
                 binding.runner, rows, _overall(results))


def _overall(results: list[str]) -> str:
    for verdict in ("failed", "not-implemented"):
        if verdict in results:
            return verdict
    if results and all(r == "passed" for r in results):
        return "passed"
    return "not-run" if results else "not-implemented"
