"""Every scenario of the feature spec is implemented: some test binds or names it.

How a scenario is bound depends on `runner` (docs/traceability.md): with
`pytest-bdd`, a module's `@scenario` or `scenarios()` binds it; with
`behave`, `cucumber-js`, `cucumber-messages` and `cucumber-json`, the
runner's own report shows it ran with every step defined (`junit`,
`messages`, `cucumber_json`). With `titles` (what `auto` falls back to),
tests are found in the committed test files that `tests` (or
`inputs.tests`) names, by built-in title patterns for pytest, Jest, Vitest,
Playwright, JUnit 5 and Kotlin, plus the regular expressions in `patterns`
(the first capture group is the title). Names match as docs/traceability.md
describes: without case, punctuation or extra whitespace; an outline by its
own name or by every one of its example rows. Scenarios tagged with one of
`exclude_tags` (default `@wip`, `@manual`) are left out. Each scenario not
implemented is a finding at its feature file:line. A feature file that does
not parse makes the verdict `error`: scenarios that cannot be read are never
counted as implemented.
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
from clearance.evidence.traceability import Trace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("feature files (inputs.features)", "test sources (inputs.tests)",
            "runner reports, for behave and Cucumber (inputs.junit, inputs.messages, "
            "inputs.cucumber_json)")
SCHEMA = schema()
problems = pattern_problems


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    traced_spec = traced(params, evidence)
    if isinstance(traced_spec, Outcome):
        return traced_spec
    found = traced_spec.traces
    data = matrix(found)
    missing = [t for t in found if not t.excluded and not t.implemented]
    judged = sum(1 for t in found if not t.excluded)
    message = counted(found, judged - len(missing), "implemented")
    figure = f"{judged - len(missing)} < {judged}" if missing else None
    if missing:
        findings = tuple(scenario_finding(t, _why(t)) for t in missing)
        return Outcome.failed(message, figure=figure, findings=findings, data=data)
    return Outcome.passed(message, data=data)


def _why(t: Trace) -> str:
    name = t.scenario.name
    if t.runner != "titles":
        return not_implemented(t)
    if t.unnamed_rows:
        rows = ", ".join(f"'{r.name}' (line {r.line})" for r in t.unnamed_rows)
        return f"no test names outline '{name}' or its examples {rows}"
    return f"no test names scenario '{name}'"
