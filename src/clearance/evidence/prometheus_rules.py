"""Prometheus rule files, checked as `promtool check rules --lint-fatal` checks them.

Two passes, as Prometheus reads a rule file:

1. the shape (a strict YAML decoding): `groups`, each group's `name`,
   `interval`, `query_offset`, `limit`, `labels`, `rules`, each rule's
   `record`, `alert`, `expr`, `for`, `keep_firing_for`, `labels`,
   `annotations`; any other key, or a value of the wrong type (a list where a
   string goes, a duration Prometheus would refuse), is a problem, and the
   second pass does not run;
2. the meaning: group names present and unique in the file; each rule
   exactly one of `record` and `alert`, with an `expr` (brackets paired, see
   `promql.expression_problem`); a recording rule with a valid metric name,
   without braces, `annotations`, `for` or `keep_firing_for`; label and
   annotation names valid (`__name__` is no label); alert templates closed
   (`promql.template_problem`).

Duplicate rules (the same `record` or `alert` name with the same labels, in
any group of the file) are listed apart, as promtool's lint does.

Not checked: the PromQL grammar beyond brackets, template function names,
and names outside the classic character set (Prometheus 3 accepts UTF-8
names where configured). `query_offset` and group `labels` are accepted
(Prometheus 2.53 and 3.0); older servers refuse them.
"""

from __future__ import annotations

from typing import Any

from clearance.errors import PolicyError
from clearance.evidence.promql import (
    LABEL_NAME,
    METRIC_NAME,
    duration_ms,
    expression_problem,
    template_problem,
)
from clearance.policy.yamlfile import KEY, Positions, parse_yaml
from clearance.records import Record

GROUP_KEYS = {"name": "string", "interval": "duration", "query_offset": "duration",
              "limit": "int", "labels": "map", "rules": "list"}
RULE_KEYS = {"record": "string", "alert": "string", "expr": "string", "for": "duration",
             "keep_firing_for": "duration", "labels": "map", "annotations": "map"}

Path = tuple[str | int, ...]


class AlertRule(Record):
    """An alerting rule as the checks see it."""

    name: str
    group: str
    line: int | None
    labels: dict[str, str]
    annotations: dict[str, str]


class RuleFile:
    """What a rule file holds and what is wrong with it, each problem as (line, message).

    A plain class rather than a record: the reader fills it in as it goes.
    """

    __slots__ = ("alerts", "duplicates", "path", "problems", "rules")

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[tuple[int | None, str]] = []
        self.duplicates: list[tuple[int | None, str]] = []
        self.rules = 0
        self.alerts: list[AlertRule] = []


def first_document(text: str) -> str:
    """The file's first YAML document: Prometheus reads that one and ignores the rest (with a
    warning), as `promtool check rules` does. A `---` opening the file starts the first."""
    lines = text.splitlines(keepends=True)
    seen = False
    for number, line in enumerate(lines):
        marker = line.rstrip("\r\n")
        if marker == "---" or marker.startswith("--- ") or marker == "...":
            if seen:
                return "".join(lines[:number])
            continue
        seen = seen or (bool(line.strip()) and not line.lstrip().startswith("#"))
    return text


def check_rule_file(text: str, path: str) -> RuleFile:
    """Parse and check one rule file."""
    found = RuleFile(path)
    try:
        data, positions = parse_yaml(first_document(text), path)
    except PolicyError as e:
        found.problems.append((e.line, e.message))
        return found
    reader = _Reader(found, positions)
    reader.shape(data)
    if not found.problems:
        reader.meaning(data)
    return found


class _Reader:
    def __init__(self, found: RuleFile, positions: Positions) -> None:
        self.found = found
        self.positions = positions

    def problem(self, at: Path, message: str) -> None:
        self.found.problems.append((self.line(at), message))

    def line(self, at: Path) -> int | None:
        while at not in self.positions and at:
            at = at[:-1]
        return self.positions.get(at, (None, None))[0]

    # -- pass 1: the shape ---------------------------------------------------

    def shape(self, data: Any) -> None:
        if data is None:
            return
        if not isinstance(data, dict):
            self.problem((), f"the file is a {_kind(data)}, not a mapping with 'groups'")
            return
        self.keys(data, (), {"groups": "list"})
        for g, group in enumerate(_items(data.get("groups"))):
            if self.mapping(group, ("groups", g), "group", GROUP_KEYS):
                for r, rule in enumerate(_items((group or {}).get("rules"))):
                    self.mapping(rule, ("groups", g, "rules", r), "rule", RULE_KEYS)

    def mapping(self, node: Any, at: Path, what: str, known: dict[str, str]) -> bool:
        """Check a group's or a rule's keys; False when it is no mapping at all."""
        if node is not None and not isinstance(node, dict):
            self.problem(at, f"a {what} is a {_kind(node)}, not a mapping")
            return False
        self.keys(node or {}, at, known)
        return True

    def keys(self, node: dict[str, Any], at: Path, known: dict[str, str]) -> None:
        for key, value in node.items():
            if key not in known:
                self.problem((*at, key, KEY), f"field {key} is not known here (known: {', '.join(known)})")
            elif value is not None:  # null is the zero value of every type
                trouble = _TYPE_PROBLEMS[known[key]](value)
                if trouble:
                    self.problem((*at, key), f"{key}{trouble}")
                if known[key] == "map" and isinstance(value, dict):
                    self.strings(value, (*at, key))

    def strings(self, value: dict[str, Any], at: Path) -> None:
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                self.problem((*at, key), f"{at[-1]}.{key}: a {_kind(item)} where a string goes")

    # -- pass 2: the meaning -------------------------------------------------

    def meaning(self, data: Any) -> None:
        seen: set[str] = set()
        keys: dict[tuple[str, tuple[tuple[str, str], ...]], list[int | None]] = {}
        for g, group in enumerate(_items((data or {}).get("groups"))):
            group = group or {}
            name = _text(group.get("name"))
            self.group_name(name, seen, ("groups", g))
            self.labels(_strings(group.get("labels")), ("groups", g, "labels"))
            for r, rule in enumerate(_items(group.get("rules"))):
                self.rule(rule or {}, name, ("groups", g, "rules", r), keys)
        self.found.duplicates.extend(_duplicates(keys))

    def group_name(self, name: str, seen: set[str], at: Path) -> None:
        if not name:
            self.problem(at, "a group has no name")
        elif name in seen:
            self.problem(at, f"group name '{name}' is repeated in the file")
        seen.add(name)

    def rule(self, rule: dict[str, Any], group: str, at: Path,
             keys: dict[tuple[str, tuple[tuple[str, str], ...]], list[int | None]]) -> None:
        self.found.rules += 1
        record, alert = _text(rule.get("record")), _text(rule.get("alert"))
        where = f"group '{group}', rule {int(at[-1]) + 1}"
        named = f"{where} ({alert or record})" if alert or record else where
        self.kind(record, alert, at, named)
        self.expression(rule, at, named)
        if record:
            self.recording(rule, record, at, named)
        labels = _strings(rule.get("labels"))
        self.labels(labels, (*at, "labels"), named)
        self.annotations(rule, at, named)
        if alert:
            self.templates(rule, at, named)
            self.found.alerts.append(AlertRule(alert, group, self.line(at), labels,
                                               _strings(rule.get("annotations"))))
        keys.setdefault((alert or record, tuple(sorted(labels.items()))), []).append(self.line(at))

    def kind(self, record: str, alert: str, at: Path, named: str) -> None:
        if record and alert:
            self.problem(at, f"{named}: only one of 'record' and 'alert' may be set")
        if not record and not alert:
            self.problem(at, f"{named}: one of 'record' or 'alert' must be set")

    def expression(self, rule: dict[str, Any], at: Path, named: str) -> None:
        expr = _text(rule.get("expr"))
        if not expr:
            self.problem(at, f"{named}: field 'expr' must be set")
            return
        trouble = expression_problem(expr)
        if trouble:
            self.problem((*at, "expr"), f"{named}: could not parse expression: {trouble}")

    def recording(self, rule: dict[str, Any], record: str, at: Path, named: str) -> None:
        if _strings(rule.get("annotations")):
            self.problem(at, f"{named}: invalid field 'annotations' in recording rule")
        for key in ("for", "keep_firing_for"):
            if duration_ms(_text(rule.get(key)) or "0"):
                self.problem(at, f"{named}: invalid field '{key}' in recording rule")
        if not METRIC_NAME.fullmatch(record):
            self.problem(at, f"{named}: invalid recording rule name: {record}")

    def labels(self, labels: dict[str, str], at: Path, named: str = "group") -> None:
        for key in labels:
            if not LABEL_NAME.fullmatch(key) or key == "__name__":
                self.problem((*at, key), f"{named}: invalid label name: {key}")

    def annotations(self, rule: dict[str, Any], at: Path, named: str) -> None:
        for key in _strings(rule.get("annotations")):
            if not LABEL_NAME.fullmatch(key):
                self.problem((*at, "annotations", key), f"{named}: invalid annotation name: {key}")

    def templates(self, rule: dict[str, Any], at: Path, named: str) -> None:
        for part in ("labels", "annotations"):
            for key, text in _strings(rule.get(part)).items():
                trouble = template_problem(text)
                if trouble:
                    self.problem((*at, part, key), f"{named}: {part[:-1]} '{key}': template: {trouble}")


def _duplicates(keys: dict[tuple[str, tuple[tuple[str, str], ...]], list[int | None]],
                ) -> list[tuple[int | None, str]]:
    """Each name and label set defined more than once, at its second definition."""
    found = []
    for (metric, labels), lines in keys.items():
        if len(lines) > 1:
            shown = ", ".join(f"{k}={v}" for k, v in labels) or "no labels"
            found.append((lines[1], f"duplicate rule: {metric} with {shown} is defined {len(lines)} times"))
    return found


def _list_problem(value: Any) -> str | None:
    return None if isinstance(value, list) else f": a {_kind(value)} where a list goes"


def _map_problem(value: Any) -> str | None:
    return None if isinstance(value, dict) else f": a {_kind(value)} where a mapping of strings goes"


def _string_problem(value: Any) -> str | None:
    return f": a {_kind(value)} where a string goes" if isinstance(value, (dict, list)) else None


def _duration_problem(value: Any) -> str | None:
    if isinstance(value, (dict, list)):
        return f": a {_kind(value)} where a duration goes"
    if duration_ms(_text(value)) is None:
        return f": not a valid duration: {_text(value)!r} (e.g. 30s, 5m, 1h30m)"
    return None


def _int_problem(value: Any) -> str | None:
    return None if _is_int(value) else f": {_text(value)!r} is not an integer"


_TYPE_PROBLEMS = {"list": _list_problem, "map": _map_problem, "string": _string_problem,
                  "duration": _duration_problem, "int": _int_problem}


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> dict[str, str]:
    return {k: _text(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    """A scalar as Prometheus reads it into a string: null is empty, booleans in lower case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "mapping"
    return "list" if isinstance(value, list) else "scalar"
