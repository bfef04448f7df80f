"""`github`: workflow commands for a GitHub Actions log.

One annotation per finding of every rule that fails, errs or is pending
(`::error` for severity error, `::warning` for warning, `::notice` for info),
at the finding's file and line, else at the rule's line in the policy file (a
finding about a commit names no file: it is placed at the rule and its message
starts with the commit); a
`::notice` for each waived rule; then the problems as the `text` format shows
them, inside a `::group::` and between `::stop-commands::TOKEN` and
`::TOKEN::` (a random token, or `options["token"]`), so that no text taken
from the change can act as a command; and a summary line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clearance.github_actions import command, new_token, stop_commands
from clearance.reporters import in_repository, policy_file, text
from clearance.reporters.sarif import COMMIT_CHECKS
from clearance.verdicts import PROBLEMS

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}
MAX_FINDINGS = 20

FILE_NAME: str | None = None  # workflow commands belong in the job's log, not in a file


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    token = str(options.get("token") or new_token())
    rules = [r for r in doc["rules"] if r["in_stage"]]
    lines = [line for rule in rules for line in rule_commands(rule, policy_file(doc))]
    details = text.render(doc, {"verbose": False, "color": False}).splitlines()[:-1]
    if details:
        lines.append(f"::group::clearance: what blocks or warns at the {doc['run']['stage']} stage")
        lines.extend(stop_commands(details, token))
        lines.append("::endgroup::")
    lines.append(summary(doc))
    return "\n".join(lines) + "\n"


def rule_commands(rule: Mapping[str, Any], policy: str | None) -> list[str]:
    """The workflow commands for one rule of the stage."""
    title = _title(rule)
    if rule["verdict"] == "waived":
        where = (rule["waiver"] or {}).get("origin") or rule["origin"]
        return [command("notice", {**_origin(where, policy), "title": title}, _waived(rule))]
    if rule["verdict"] not in PROBLEMS:
        return []
    level = LEVELS[rule["severity"]]
    label = {"fail": "", "error": "evidence error: ", "pending": "pending: "}[rule["verdict"]]
    findings = [f for f in rule["findings"] if f["file"]] if rule["verdict"] != "pending" else []
    out = [_finding_command(rule, f, level, f"{label}{f['message'] or rule['message']}", policy)
           for f in findings[:MAX_FINDINGS]]
    if len(findings) > MAX_FINDINGS:
        out.append(command(level, {"title": title},
                           f"... and {len(findings) - MAX_FINDINGS} more findings of {rule['id']}"))
    if not findings:
        out.append(command(level, {**_origin(rule["origin"], policy), "title": title},
                           f"{label}{rule['message']}{_fix(rule)}"))
    return out


def _finding_command(rule: Mapping[str, Any], finding: Mapping[str, Any], level: str, message: str,
                     policy: str | None) -> str:
    title = _title(rule)
    if rule["kind"] in COMMIT_CHECKS:  # a commit is no file: at the rule, named in the message
        return command(level, {**_origin(rule["origin"], policy), "title": title},
                       f"{finding['file']}: {message}")
    return command(level, {**_place(finding), "title": title}, message)


def summary(doc: Mapping[str, Any]) -> str:
    """One line: the stage, the verdict and the counts."""
    counts = ", ".join(f"{n} {'error' if n == 1 and v == 'error' else text.WORDS[v]}"
                       for v, n in doc["summary"]["counts"].items() if n)
    state = "blocked" if doc["summary"]["blocking"] else "passed"
    return f"clearance: {doc['run']['stage']} stage {state}: {counts or 'no rules at this stage'}"


def _title(rule: Mapping[str, Any]) -> str:
    return f"{rule['id']}: {rule['title']}" if rule["title"] else rule["id"]


def _place(finding: Mapping[str, Any]) -> dict[str, object | None]:
    return {"file": finding["file"], "line": finding["line"], "col": finding["column"]}


def _origin(origin: Mapping[str, Any], policy: str | None) -> dict[str, object | None]:
    if in_repository(origin["path"]):
        return {"file": origin["path"], "line": origin["line"]}
    return {"file": policy} if policy else {}


def _fix(rule: Mapping[str, Any]) -> str:
    return f"\nfix: {rule['fix']}" if rule["fix"] else ""


def _waived(rule: Mapping[str, Any]) -> str:
    waiver = rule["waiver"] or {}
    until = f" until {waiver['expires']}" if waiver.get("expires") else ""
    who = f" by {waiver['owner']}" if waiver.get("owner") else ""
    return f"waived{who}{until}: {waiver.get('reason', '')}".rstrip(": ")
