"""Evaluate the rules of one stage against the evidence.

The engine never reads argv or the environment: the caller hands it the
policy, the evidence and today's date.
"""

from __future__ import annotations

import time

from clearance import checks
from clearance.checks import Finding, Outcome
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.pathmatch import as_list, filter_paths
from clearance.policy.model import Policy, Rule, Waiver
from clearance.results import RuleResult
from clearance.waivers import WaiverJudge

TYPE_CHECKING = False
if TYPE_CHECKING:
    import datetime as dt

    from clearance.checks.contract import CheckKind


def evaluate(policy: Policy, evidence: Evidence, today: dt.date | str,
             timings: bool = True) -> list[RuleResult]:
    """One result per rule of the policy; rules of other stages are marked so.

    `today` (a date, or `YYYY-MM-DD`) decides which waivers have expired.
    """
    judge = WaiverJudge(policy, evidence, today)
    modules = {r.kind: _module(r.kind) for r in policy.rules if evidence.stage in r.stages}
    evidence.prefetch(need for module in modules.values() if not isinstance(module, str)
                      for need in module.EVIDENCE)
    return [_evaluate_rule(rule, modules.get(rule.kind, ""), evidence, judge, timings)
            for rule in policy.rules]


def _module(kind: str) -> CheckKind | str:
    """The module of a check kind, or why there is none: a kind whose module is gone or no
    longer imports (a plug-in uninstalled after the policy was cached) is an `error`."""
    try:
        module = checks.load(kind)
    except Exception as e:  # ImportError, or whatever the module raised while importing
        return f"check kind '{kind}' cannot be loaded: {type(e).__name__}: {e}"
    return module if module is not None else f"unknown check kind '{kind}'"


def _evaluate_rule(rule: Rule, module: CheckKind | str, evidence: Evidence, judge: WaiverJudge,
                   timings: bool) -> RuleResult:
    if evidence.stage not in rule.stages:
        message = f"runs at stage {', '.join(rule.stages)}, not {evidence.stage}"
        return RuleResult(rule, "not-applicable", message, in_stage=False)
    started = time.perf_counter()
    evidence.start_rule(rule.id)
    outcome = _applies(rule, evidence) or _run(rule, module, evidence)
    result = judge.apply(rule, outcome)
    elapsed = round((time.perf_counter() - started) * 1000, 3) if timings else None
    return RuleResult(
        rule, result.verdict, result.message, figure=outcome.figure,
        findings=outcome.findings, evidence=tuple(evidence.touched),
        waiver=result.waiver, data=dict(outcome.data), duration_ms=elapsed,
    )


def _applies(rule: Rule, evidence: Evidence) -> Outcome | None:
    """A not-applicable outcome when the rule's `when` is false, else None."""
    when = rule.when
    try:
        if "changed" in when:
            globs = as_list(when["changed"])
            if not filter_paths(globs, [c.path for c in evidence.changes]):
                return Outcome("not-applicable", f"no changed file matches {', '.join(globs)}")
        if "branch" in when:
            globs = as_list(when["branch"])
            import fnmatch

            branch = evidence.branch or ""
            if not any(fnmatch.fnmatchcase(branch, g) for g in globs):
                return Outcome("not-applicable", f"branch '{branch}' does not match {', '.join(globs)}")
    except EvidenceError as e:
        return _error(e)
    return None


def _run(rule: Rule, module: CheckKind | str, evidence: Evidence) -> Outcome:
    if isinstance(module, str):  # why the kind has no module
        return Outcome("error", module)
    try:
        outcome: Outcome = module.run(rule.params, evidence)
    except EvidenceError as e:
        return _error(e)
    except Exception as e:  # a fault in a check must not end the run or pass it
        return Outcome("error", f"internal error in check {rule.kind}: {type(e).__name__}: {e}")
    return outcome


def _error(error: EvidenceError) -> Outcome:
    detail = f"{error.message} ({error.hint})" if error.hint else error.message
    findings = (Finding(error.path, error.line, error.column, detail),) if error.path else ()
    message = str(error)
    return Outcome("error", message, findings=findings)


__all__ = ["Waiver", "evaluate"]
