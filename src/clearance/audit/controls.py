"""The view by control: which rules evidence each audit control, and their verdicts.

A rule names the controls it evidences (`controls: [SOC2:CC8.1, ...]`, see
docs/controls.md); its record in the results document carries them. For one
results document, `by_control` lists each control with its rules, in the
order of the framework and the identifier; `render` prints that view as
Markdown or as plain text (`clearance report RESULTS --by-control`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from clearance.records import Record

OTHER_STAGE = "other stage"


class ControlRule(Record):
    """One rule under a control: its id, title and verdict at the run's stage."""

    id: str
    title: str
    verdict: str


class ControlView(Record):
    control: str
    rules: tuple[ControlRule, ...]

    @property
    def counts(self) -> dict[str, int]:
        seen: dict[str, int] = {}
        for rule in self.rules:
            seen[rule.verdict] = seen.get(rule.verdict, 0) + 1
        return seen


def control_key(control: str) -> tuple[str, tuple[tuple[int, int | str], ...]]:
    """Sort key: framework, then the identifier's parts numerically (A.8.9 before A.8.25)."""
    framework, _, ident = control.partition(":")
    parts = ident.replace("-", ".").split(".")
    return framework, tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def by_control(rules: Iterable[Mapping[str, Any]]) -> list[ControlView]:
    """Each control the rule records name, with its rules in document order."""
    found: dict[str, list[ControlRule]] = {}
    for record in rules:
        verdict = record["verdict"] if record["in_stage"] else OTHER_STAGE
        rule = ControlRule(record["id"], record["title"] or record["id"], verdict)
        for control in record.get("controls") or ():
            found.setdefault(control, []).append(rule)
    return [ControlView(c, tuple(found[c])) for c in sorted(found, key=control_key)]


def render(doc: Mapping[str, Any], fmt: str) -> str:
    """The view by control of one results document, as `markdown` or `text`."""
    views = by_control(doc["rules"])
    run = doc["run"]
    title = f"By control: {run['repository']}, {run['stage']} stage, {run['time']}"
    if fmt == "markdown":
        return _markdown(title, views)
    return _text(title, views)


def _markdown(title: str, views: list[ControlView]) -> str:
    from clearance.reporters.templating import md_code, md_text

    lines = [f"## {md_text(title)}", ""]
    if not views:
        return "\n".join([*lines, "No rule of this policy names a control.", ""])
    lines += ["| control | rule | verdict |", "|---|---|---|"]
    for view in views:
        for rule in view.rules:
            lines.append(f"| {md_code(view.control)} | {md_code(rule.id)} {md_text(rule.title)} "
                         f"| {md_text(rule.verdict)} |")
    return "\n".join([*lines, ""])


def _text(title: str, views: list[ControlView]) -> str:
    from clearance.textsafe import clean

    lines = [clean(title)]
    if not views:
        lines.append("  No rule of this policy names a control.")
    for view in views:
        counts = ", ".join(f"{n} {verdict}" for verdict, n in view.counts.items())
        lines.append(f"{clean(view.control)}: {counts}")
        lines += [f"  {clean(rule.verdict):<14} {clean(rule.id)}  {clean(rule.title)}" for rule in view.rules]
    return "\n".join(lines) + "\n"
