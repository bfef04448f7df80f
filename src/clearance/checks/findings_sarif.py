"""The SARIF 2.1.0 logs hold no result at or above `level` (error, warning or
note; default error). The logs are `reports` (globs), or those of `tool` in
the `inputs.sarif` mapping, or all of `inputs.sarif`. `rules` keeps only the
results of the rule ids listed. Results of level "none" (a `kind` other than
"fail": passes, reviews, informational notes) and suppressed results (an
accepted suppression in source or external, none under review or rejected)
never count. Each result
counted is listed at its file:line as `[ruleId] message`. A missing,
unreadable or non-2.1.0 log is an error, never a pass."""

from __future__ import annotations

from collections import Counter

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.evidence.context import Evidence
from clearance.evidence.sarif import SarifResult, SarifResults, read_sarif

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("SARIF 2.1.0 logs",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "reports": GLOBS,
        "tool": {"type": "string", "minLength": 1},
        "level": {"enum": ["error", "warning", "note"]},
        "rules": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    },
}
MAX_FINDINGS = 200


def problems(params: dict[str, Any]) -> list[tuple[tuple[str, ...], str]]:
    if "reports" in params and "tool" in params:
        return [(("tool",), "give either `reports` or `tool`, not both")]
    return []


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    globs = as_list(params["reports"]) if "reports" in params else None
    log = read_sarif(evidence, globs, params.get("tool"))
    level = params.get("level", "error")
    counted = [r for r in _considered(log, params.get("rules"))
               if r.at_least(level) and not r.suppressed]
    figure = f"{plural(len(counted), 'result')} at level >= {level}"
    where = f"{plural(len(log.reports), 'SARIF report')} ({', '.join(log.tools) or 'no run'})"
    data = {"sarif": _summary(log, counted)}
    if counted:
        return Outcome.failed(f"{figure} in {where}", figure=figure,
                              findings=_findings(counted), data=data)
    return Outcome.passed(f"no result at level >= {level} in {where}, "
                          f"{plural(len(log.results), 'result')} in all", figure=figure, data=data)


def _considered(log: SarifResults, rules: list[str] | None) -> list[SarifResult]:
    if rules is None:
        return list(log.results)
    wanted = set(rules)
    return [r for r in log.results if r.rule_id in wanted]


def _summary(log: SarifResults, counted: list[SarifResult]) -> dict[str, Any]:
    return {
        "results": len(log.results), "counted": len(counted),
        "suppressed": sum(1 for r in log.results if r.suppressed),
        "by_level": dict(Counter(r.level for r in log.results)),
        "by_rule": dict(Counter(r.rule_id for r in counted)),
        "tools": list(log.tools), "reports": list(log.reports),
    }


def _findings(counted: list[SarifResult]) -> tuple[Finding, ...]:
    findings = [Finding(r.file or r.report, r.line if r.file else None,
                        r.column if r.file else None, f"[{r.rule_id}] {r.message}")
                for r in counted[:MAX_FINDINGS]]
    if len(counted) > MAX_FINDINGS:
        findings.append(Finding(counted[0].report,
                                message=f"and {len(counted) - MAX_FINDINGS} more results"))
    return tuple(findings)
