"""The JUnit XML reports (`reports`; else the `suite` named under `inputs.junit`;
else every report of `inputs.junit`) hold no failed
or erroring test case, at least `min_tests` cases and at most `max_skipped`
skipped ones. Each failing case is listed with its message, at its file:line
when the report gives one, else at the report. `allow_failures: true` keeps
the counts and the list but does not fail on them. A missing or unreadable
report is an error, never a pass."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.evidence.context import Evidence
from clearance.evidence.junit import JUnitResults, TestCase, read_junit

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("JUnit XML reports",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "reports": GLOBS,
        "suite": {"type": "string", "minLength": 1},
        "min_tests": {"type": "integer", "minimum": 0},
        "max_skipped": {"type": "integer", "minimum": 0},
        "allow_failures": {"type": "boolean"},
    },
}
MAX_FINDINGS = 200


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    if "reports" in params:
        globs: list[str] | None = as_list(params["reports"])
    else:
        globs = evidence.input_globs("junit", params["suite"]) if "suite" in params else None
    results = read_junit(evidence, globs)
    if results.total == 0:
        return Outcome("error", f"the reports hold no test case ({', '.join(results.reports)})",
                       findings=tuple(Finding(r, None, None, "no <testcase>") for r in results.reports))
    problems = _problems(params, results)
    summary = _summary(results)
    data = {"junit": _counts(results)}
    findings = _findings(results)
    if problems:
        reasons = "; ".join(reason for reason, _ in problems)
        return Outcome.failed(f"{reasons} ({summary})", figure=problems[0][1],
                              findings=findings, data=data)
    return Outcome.passed(summary, figure=f"{results.failed + results.errors} failed of {results.total}",
                          findings=findings, data=data)


def _problems(params: dict[str, Any], results: JUnitResults) -> list[tuple[str, str]]:
    """What makes the results fail, each as (reason, figure)."""
    problems = []
    bad = results.failed + results.errors
    if bad and not params.get("allow_failures", False):
        problems.append((f"{plural(bad, 'test')} failed or errored", f"{bad} failed of {results.total}"))
    minimum = params.get("min_tests")
    if minimum is not None and results.total < minimum:
        problems.append((f"{plural(results.total, 'test')}, fewer than {minimum}",
                         f"{results.total} < {minimum} tests"))
    maximum = params.get("max_skipped")
    if maximum is not None and results.skipped > maximum:
        problems.append((f"{results.skipped} skipped, more than {maximum}",
                         f"{results.skipped} skipped > {maximum}"))
    return problems


def _summary(results: JUnitResults) -> str:
    return (f"{results.passed} passed, {results.failed} failed, {plural(results.errors, 'error')}, "
            f"{results.skipped} skipped of {plural(results.total, 'test')} "
            f"in {plural(len(results.reports), 'report')}")


def _counts(results: JUnitResults) -> dict[str, Any]:
    return {"tests": results.total, "passed": results.passed, "failed": results.failed,
            "errors": results.errors, "skipped": results.skipped,
            "reports": list(results.reports)}


def _findings(results: JUnitResults) -> tuple[Finding, ...]:
    failing = [c for c in results.cases if c.outcome in ("failed", "error")]
    findings = [_finding(case) for case in failing[:MAX_FINDINGS]]
    if len(failing) > MAX_FINDINGS:
        findings.append(Finding(results.reports[0],
                                message=f"and {len(failing) - MAX_FINDINGS} more failing tests"))
    return tuple(findings)


def _finding(case: TestCase) -> Finding:
    name = f"{case.classname}::{case.name}" if case.classname else case.name
    verb = "failed" if case.outcome == "failed" else "errored"
    first = next((line.strip() for line in (case.message or "").splitlines() if line.strip()), "")
    text = f"{name} {verb}" + (f": {first}" if first else "")  # the rest is in the report
    if case.file:
        return Finding(case.file, case.line, message=text)
    return Finding(case.report, message=text)
