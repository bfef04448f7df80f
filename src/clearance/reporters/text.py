"""`text`: what a developer reads in a terminal or a hook's output.

Each problem is one line, `path:line: rule-id message`, followed by one line
on how to fix or waive it; a rule that passed on a self-added or unverified
sign-off, or ignored one, gets a `note:` line for each (not for the author's
own tick of an item the rule accepts ticks for); then a summary line. Untrusted text is cleaned of
control characters; colour only when asked (a TTY without NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Mapping

from clearance.reporters import policy_file, signoffs
from clearance.textsafe import clean
from clearance.verdicts import PROBLEMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WORDS = {"pass": "passed", "fail": "failed", "waived": "waived",
         "not-applicable": "not applicable", "pending": "pending", "error": "errors"}
MAX_FINDINGS = 20
COLORS = {"pass": "32", "fail": "31", "error": "31", "pending": "33", "waived": "36",
          "not-applicable": "2"}

FILE_NAME: str | None = "report.txt"  # the file a front end writes this format to when it picks the name


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    color = bool(options.get("color"))
    lines: list[str] = []
    waive_in = _waiver_file(doc)
    for rule in doc["rules"]:
        if not rule["in_stage"]:
            continue
        if rule["verdict"] in PROBLEMS:
            lines.extend(_problem(rule, waive_in))
            continue
        if options.get("verbose"):
            lines.append(f"{_paint(rule['verdict'], color)} {rule['id']}: {clean(rule['message'])}")
        where = _where(rule["origin"]["path"], rule["origin"]["line"])
        lines.extend(f"{where}: {rule['id']} note: {clean(n)}" for n in signoffs.notes(rule, ticks=False))
    lines.append(_summary(doc, color))
    return "\n".join(lines) + "\n"


def _problem(rule: Mapping[str, Any], waive_in: str) -> list[str]:
    suffix = "" if rule["severity"] == "error" else f" [{rule['severity']}]"
    label = {"fail": "", "error": "error: ", "pending": "pending: "}[rule["verdict"]]
    findings = [f for f in rule["findings"] if f["file"]]
    out = []
    if findings and rule["verdict"] != "pending":
        for finding in findings[:MAX_FINDINGS]:
            where = _where(finding["file"], finding["line"])
            text = finding["message"] or rule["message"]
            out.append(f"{where}: {rule['id']} {label}{clean(text)}{suffix}")
        if len(findings) > MAX_FINDINGS:
            out.append(f"  ... and {len(findings) - MAX_FINDINGS} more")
        if rule["figure"] or (len(findings) > 1 and rule["message"]):
            out.append(f"  {clean(rule['message'])}")
    else:
        where = _where(rule["origin"]["path"], rule["origin"]["line"])
        out.append(f"{where}: {rule['id']} {label}{clean(rule['message'])}{suffix}")
    fix = clean(rule["fix"]).rstrip(". ") if rule["fix"] else "fix what is listed above"
    out.append(f"  fix: {fix}; or waive: add {{rule: {rule['id']}, reason, owner, expires}} "
               f"under waivers: in {waive_in}")
    return out


def _where(path: str, line: int | None) -> str:
    return clean(path) if line is None else f"{clean(path)}:{line}"


def _waiver_file(doc: Mapping[str, Any]) -> str:
    return policy_file(doc) or "clearance.yaml"


def _summary(doc: Mapping[str, Any], color: bool) -> str:
    summary = doc["summary"]
    counts = ", ".join(f"{n} {WORDS[v].rstrip('s') if n == 1 and v == 'error' else WORDS[v]}"
                       for v, n in summary["counts"].items() if n)
    state = "blocked" if summary["blocking"] else "passed"
    head = f"clearance: {doc['run']['stage']} stage {_paint(state, color, summary['verdict'])}"
    return f"{head}: {counts or 'no rules at this stage'}"


def _paint(word: str, color: bool, verdict: str | None = None) -> str:
    code = COLORS.get(verdict or word)
    return f"\x1b[{code}m{word}\x1b[0m" if color and code else word
