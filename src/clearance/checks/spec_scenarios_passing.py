"""Every scenario of the feature spec is passing: a case of the runner's report
that ran it passed, and no case of it failed or ended in error; for an outline,
every example row ran and passed.

The cases are bound by the `runner` convention (docs/traceability.md), each
within the scenario's own feature: Cucumber Messages (`messages`), Cucumber
JSON (`cucumber_json`), the JUnit of cucumber-js, behave or pytest-bdd
(`junit`). With `titles` (what `auto` falls back to), a JUnit case names a
scenario by the rules of docs/traceability.md, applied to the case name
(vitest's `describe > test`), or through the function a `@DisplayName` is
bound to. Reports come from `junit` (or `inputs.junit`); tests and
exclusions are as for `spec.scenarios_implemented`. Each scenario that
failed, did not run or has no test is a finding at its feature file:line.
Unreadable reports or feature files make the verdict `error`, never a pass.
"""

from __future__ import annotations

from clearance.checks import Outcome
from clearance.checks._spec import (
    counted,
    matrix,
    not_implemented,
    pattern_problems,
    scenario_finding,
    schema,
    traced,
)
from clearance.evidence.context import Evidence
from clearance.evidence.junit import TestCase
from clearance.evidence.traceability import Trace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("feature files (inputs.features)", "test sources (inputs.tests)",
            "JUnit reports (inputs.junit)", "Cucumber Messages (inputs.messages)",
            "Cucumber JSON (inputs.cucumber_json)")
SCHEMA = schema()
problems = pattern_problems


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    traced_spec = traced(params, evidence, with_results=True)
    if isinstance(traced_spec, Outcome):
        return traced_spec
    found = traced_spec.traces
    data = matrix(found)
    lacking = [t for t in found if t.result not in ("passed", "excluded")]
    judged = sum(1 for t in found if not t.excluded)
    message = counted(found, judged - len(lacking), "passing")
    if lacking:
        findings = tuple(scenario_finding(t, _why(t)) for t in lacking)
        return Outcome.failed(message, figure=f"{judged - len(lacking)} < {judged}",
                              findings=findings, data=data)
    return Outcome.passed(message, data=data)


def _why(t: Trace) -> str:
    name = t.scenario.name
    if t.result == "failed":
        bad = [c for c in t.cases or () if c.outcome in ("failed", "error")]
        rows = [f"#{r.example.number}" for r in t.rows if r.result == "failed"]
        which = f" (example rows {', '.join(rows)})" if rows else ""
        return f"scenario '{name}' failed{which}: " + "; ".join(_case(c) for c in bad[:5])
    if t.runner != "titles":
        return not_implemented(t) if t.result == "not-implemented" else (
            f"scenario '{name}' did not run to a pass in the {t.runner} report (skipped, or "
            "an example row without a case)")
    if t.result == "not-run":
        return f"no passing JUnit case names scenario '{name}'"
    return f"no test names scenario '{name}', and no JUnit case passed for it"


def _case(case: TestCase) -> str:
    """`name (failed in REPORT: first line of its message)`."""
    first = (case.message.strip().splitlines() or [""])[0]
    detail = f": {first[:120]}" if first else ""
    return f"{case.name} ({case.outcome} in {case.report}{detail})"
