"""The verdict vocabulary, defined once for the engine, the waivers and every report.

A rule's verdict is one of `VERDICTS`. Three of them are problems: `fail`,
`error` (the evidence could not be read) and `pending` (a manual gate nobody
has signed off). A problem is what reports list, what a waiver can turn into
`waived`, and what blocks, when the rule's severity is one `--fail-on` names.
"""

from __future__ import annotations

VERDICTS = ("pass", "fail", "waived", "not-applicable", "pending", "error")
PROBLEMS = ("fail", "error", "pending")  # also the order in which reports list them
FAIL_ON: dict[str, tuple[str, ...]] = {  # --fail-on level -> the severities that block
    "error": ("error",),
    "warning": ("error", "warning"),
    "never": (),
}


def blocks(verdict: str, severity: str, fail_on: str) -> bool:
    """Whether a rule with this verdict and severity blocks under a `--fail-on` level."""
    return verdict in PROBLEMS and severity in FAIL_ON[fail_on]
