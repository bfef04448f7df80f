"""Every Gherkin `Rule` has at least one implemented scenario.

A rule is covered when one of its scenarios, not excluded by tag, is
implemented as `spec.scenarios_implemented` counts it. A rule whose own tags
(with its feature's) hold one of `exclude_tags` is left out. Each uncovered
rule is a finding at its feature file:line. A feature file that does not
parse makes the verdict `error`. A spec without any rule passes, saying so.
"""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import plural
from clearance.checks._spec import matrix, pattern_problems, schema, traced
from clearance.evidence.context import Evidence
from clearance.evidence.spec import Rule
from clearance.evidence.traceability import EXCLUDE_TAGS, Trace, tag_set

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("feature files (inputs.features)", "test sources (inputs.tests)")
SCHEMA = schema()
problems = pattern_problems


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    traced_spec = traced(params, evidence)
    if isinstance(traced_spec, Outcome):
        return traced_spec
    spec, found = traced_spec.spec, traced_spec.traces
    excluded = tag_set(params.get("exclude_tags", EXCLUDE_TAGS))
    rules = [r for r in spec.rules if not tag_set(r.tags) & excluded]
    rows = [_row(rule, found) for rule in rules]
    data = {**matrix(found), "rules": rows}
    bare = [(rule, row) for rule, row in zip(rules, rows, strict=True) if not row["implemented"]]
    left_out = len(spec.rules) - len(rules)
    note = f" ({left_out} excluded by tag)" if left_out else ""
    message = f"{len(rules) - len(bare)} of {plural(len(rules), 'rule')} covered{note}"
    if bare:
        findings = tuple(Finding(rule.file, rule.line, None, _why(rule, row)) for rule, row in bare)
        return Outcome.failed(message, figure=f"{len(rules) - len(bare)} < {len(rules)}",
                              findings=findings, data=data)
    return Outcome.passed(message if rules else "the spec has no Gherkin Rule", data=data)


def _row(rule: Rule, found: tuple[Trace, ...]) -> dict[str, Any]:
    mine = [t for t in found if t.scenario in rule.scenarios]
    return {"rule": rule.name, "file": rule.file, "line": rule.line,
            "scenarios": len(mine),
            "implemented": sum(1 for t in mine if t.implemented)}


def _why(rule: Rule, row: dict[str, Any]) -> str:
    if not row["scenarios"]:
        return f"rule '{rule.name}' has no scenario"
    return f"no scenario of rule '{rule.name}' is implemented"
