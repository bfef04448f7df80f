"""Prometheus rule files of the repository (`files`, globs over the snapshot
under evaluation) are valid as `promtool check rules --lint-fatal` judges
them, and define the alerts the team relies on.

Valid means: the file's shape (known keys, strings, durations such as `5m`),
group names present and unique, each rule exactly one of `record` or
`alert` with an `expr` whose brackets and quotes pair up, recording rules
without `for` or annotations and with a valid metric name, valid label and
annotation names, alert templates whose `{{ }}` actions and `{{end}}`s pair
up, and no duplicate rule (the same name and labels twice in a file; allowed
with `allow_duplicates: true`). Not checked: the rest of the PromQL grammar
and template function names (run `promtool check rules` for those).

Then every alerting rule carries `require_labels` and `require_annotations`
(e.g. `severity`, `runbook_url`); each of `services` has at least one alert
whose `service_label` (default `service`) names it, and one of each of
`severities` (by `severity_label`, default `severity`); without `services`,
the files as a whole must have each severity. An invalid file or a missing
alert fails, at file:line; no file matching `files` is an error."""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import GLOBS, as_list, plural
from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.prometheus_rules import AlertRule, RuleFile, check_rule_file
from clearance.pathmatch import filter_paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("Prometheus rule files in the repository",)
NAMES: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False, "required": ["files"],
    "properties": {
        "files": GLOBS,
        "services": NAMES,
        "severities": NAMES,
        "service_label": {"type": "string", "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*$"},
        "severity_label": {"type": "string", "pattern": "^[a-zA-Z_][a-zA-Z0-9_]*$"},
        "require_labels": NAMES,
        "require_annotations": NAMES,
        "allow_duplicates": {"type": "boolean"},
    },
}
MAX_FINDINGS = 200


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    files = _rule_files(params, evidence)
    invalid = _invalid(files, params.get("allow_duplicates", False))
    missing = [f for rule_file in files for f in _without(params, rule_file)]
    missing += _uncovered(params, files)
    alerts = sum(len(f.alerts) for f in files)
    counted = f"{plural(alerts, 'alerting rule')} in {plural(len(files), 'rule file')}"
    data = {"alert_rules": _summary(files)}
    reasons = []
    if invalid:
        reasons.append(f"{plural(len({f.file for f in invalid}), 'invalid rule file')}")
    if missing:
        reasons.append(f"{plural(len(missing), 'required alert, label or annotation')} missing")
    if reasons:
        findings = tuple((invalid + missing)[:MAX_FINDINGS])
        return Outcome.failed(f"{'; '.join(reasons)} ({counted})",
                              figure=f"{len(invalid) + len(missing)} problems", findings=findings,
                              data=data)
    return Outcome.passed(counted, figure="0 problems", data=data)


def _rule_files(params: dict[str, Any], evidence: Evidence) -> list[RuleFile]:
    globs = as_list(params["files"])
    paths = filter_paths(globs, evidence.tracked_files)
    if not paths:
        raise EvidenceError(f"no rule file matches {', '.join(globs)} in the snapshot",
                            hint="name the Prometheus rule files under files:")
    found = []
    for path, data in evidence.read_many(paths).items():
        if data is None:
            raise EvidenceError("the rule file cannot be read", path)
        found.append(check_rule_file(data.decode("utf-8", "replace"), path))
    return found


def _invalid(files: list[RuleFile], allow_duplicates: bool) -> list[Finding]:
    found = [Finding(f.path, line, message=m) for f in files for line, m in f.problems]
    if not allow_duplicates:
        found += [Finding(f.path, line, message=m) for f in files for line, m in f.duplicates]
    return found


def _without(params: dict[str, Any], rule_file: RuleFile) -> list[Finding]:
    """An alerting rule without a required label or annotation."""
    found = []
    for alert in rule_file.alerts:
        for part, names in (("label", params.get("require_labels", [])),
                            ("annotation", params.get("require_annotations", []))):
            have = alert.labels if part == "label" else alert.annotations
            found += [Finding(rule_file.path, alert.line,
                              message=f"alert {alert.name} has no {part} '{name}'")
                      for name in names if not have.get(name)]
    return found


def _uncovered(params: dict[str, Any], files: list[RuleFile]) -> list[Finding]:
    """A service, or a severity of a service, that no alerting rule names."""
    where = files[0].path
    found = []
    for what, service, mine in _scopes(params, [a for f in files for a in f.alerts]):
        if service is not None and not mine:
            label = params.get("service_label", "service")
            found.append(Finding(where, message=f"no alert for {what} (no alerting rule has "
                                                f"{label}: {service})"))
        else:
            found += [Finding(where, message=m) for m in _severities_missing(params, what, mine)]
    return found


def _scopes(params: dict[str, Any], alerts: list[AlertRule],
            ) -> list[tuple[str, str | None, list[AlertRule]]]:
    """(what, service, its alerts): each named service, or the files as a whole."""
    if "services" not in params:
        return [("the rule files", None, alerts)]
    label = params.get("service_label", "service")
    return [(f"service '{s}'", s, [a for a in alerts if a.labels.get(label) == s])
            for s in params["services"]]


def _severities_missing(params: dict[str, Any], what: str, alerts: list[AlertRule]) -> list[str]:
    label = params.get("severity_label", "severity")
    return [f"no {severity} alert for {what} ({label}: {severity})"
            for severity in params.get("severities", [])
            if not any(a.labels.get(label) == severity for a in alerts)]


def _summary(files: list[RuleFile]) -> dict[str, Any]:
    return {
        "files": [{"path": f.path, "rules": f.rules, "alerts": len(f.alerts),
                   "problems": len(f.problems), "duplicates": len(f.duplicates)} for f in files],
        "alerts": [{"name": a.name, "group": a.group, "file": f.path, "line": a.line,
                    "labels": a.labels} for f in files for a in f.alerts][:MAX_FINDINGS],
    }
