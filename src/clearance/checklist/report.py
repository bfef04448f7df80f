"""docs/checklist-coverage.md: every item of each built-in pack's source document,
the rules citing it, each judged by machine (evidence) or by a person's sign-off, and
their stages.

Regenerate with `python -m clearance.checklist > docs/checklist-coverage.md`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance import PACKAGE_DIR
from clearance.checklist.coverage import PackSource, read_source, rules_citing
from clearance.checklist.source import SEPARATOR, Item
from clearance.policy.model import STAGES, Policy, Rule

if TYPE_CHECKING:
    from clearance.policy.loader import Document

PACKS = ("spec-driven", "spec-driven-fullstack")
COMMAND = "python -m clearance.checklist > docs/checklist-coverage.md"


MACHINE, SIGN_OFF = "machine", "sign-off"


def how(rule: Rule) -> str:
    """`sign-off` for a manual gate a person signs off, `machine` for a check of evidence."""
    return SIGN_OFF if rule.kind == "attestation" else MACHINE


def coverage_markdown(packs: Sequence[str] = PACKS) -> str:
    from clearance.policy.loader import load_with_documents

    lines = [
        "# Checklist coverage of the built-in packs",
        "",
        "Generated from the packs; a test fails when this file and the packs disagree.",
        f"Regenerate it with `{COMMAND}`.",
        "",
        "Each item of a pack's source document (a copy of it sits beside the pack's",
        "`policy.yaml`), the rules citing it, whether each rule is judged by machine (it",
        "checks evidence: reports, git, GitHub, deployments, health endpoints, metrics) or",
        "by a sign-off (a person signs the item off, by ticking it in the PR body or",
        "committing an attestation record), and the stages it runs at. ☐ marks a",
        "checkbox of the document; the other items are requirements written as plain",
        "list items.",
    ]
    for name in packs:
        policy, documents = load_with_documents([f"builtin:{name}"])
        source = read_source(Path(PACKAGE_DIR) / "policies" / name)
        lines += ["", *pack_section(name, policy, source)]
        lines += changed_lines(documents[-1].data, documents[:-1])
    return "\n".join(lines) + "\n"


def pack_section(name: str, policy: Policy, source: PackSource) -> list[str]:
    cited = [r for r in policy.rules if any(r.checklist.strip() == i.cite for i in source.items)]
    lines = [f"## builtin:{name}", "",
             f"Source: `src/clearance/policies/{name}/{source.document}`. "
             f"{len(source.gates)} items to cover, cited by {len(cited)} rules "
             f"({_counts(cited)}); the pack holds {len(policy.rules)} rules in all.", ""]
    lines += stage_table(cited)
    for section, items in _sections(source.gates):
        lines += ["", f"### {section}", "", "| Item | Rule | How | Stages |", "|---|---|---|---|"]
        for item in items:
            lines += item_rows(item, rules_citing(item, policy.rules))
    lines += descriptive_lines(source)
    return lines


def changed_lines(own: dict[str, Any], parents: Sequence[Document]) -> list[str]:
    """The rules of the packs it extends that a pack changes, by id."""
    inherited = {r["id"]: d.name.split("/")[0] for d in parents for r in d.data.get("rules", [])}
    changed = [r["id"] for r in own.get("rules", []) if r["id"] in inherited]
    if not changed:
        return []
    names = ", ".join(f"`{rule_id}`" for rule_id in changed)
    return ["", "### Rules it changes", "",
            f"It changes these rules of {inherited[changed[0]]}, keeping what they cite: {names}."]


def stage_table(rules: Iterable[Rule]) -> list[str]:
    counts: Counter[tuple[str, str]] = Counter()
    for rule in rules:
        for stage in rule.stages:
            counts[(stage, how(rule))] += 1
    rows = ["| Stage | Machine | Sign-off |", "|---|---|---|"]
    for stage in STAGES:
        machine, signed = counts[(stage, MACHINE)], counts[(stage, SIGN_OFF)]
        if machine or signed:
            rows.append(f"| {stage} | {machine} | {signed} |")
    return rows


def item_rows(item: Item, rules: list[Rule]) -> list[str]:
    box = "☐ " if item.checkbox else ""
    label = _cell(box + SEPARATOR.join((*item.path[1:], item.text)))
    if not rules:
        return [f"| {label} | **none** | | |"]
    rows = []
    for index, rule in enumerate(rules):
        severity = "" if rule.severity == "error" else f" ({rule.severity})"
        rows.append(f"| {label if index == 0 else ''} | `{rule.id}` ({rule.kind}) | "
                    f"{how(rule)}{severity} | {', '.join(rule.stages)} |")
    return rows


def descriptive_lines(source: PackSource) -> list[str]:
    if not source.descriptive:
        return []
    lines = ["", "### Lists that describe rather than require", "",
             "Their items need no rule (a checkbox among them still would):", ""]
    for entry in source.descriptive:
        count = sum(1 for i in source.items if i.under(entry.under) and not i.checkbox)
        lines.append(f"- {entry.under} ({count} items): {entry.reason}.")
    return lines


def _sections(items: list[Item]) -> list[tuple[str, list[Item]]]:
    grouped: dict[str, list[Item]] = {}
    for item in items:
        grouped.setdefault(item.path[0] if item.path else "(top)", []).append(item)
    return list(grouped.items())


def _counts(rules: list[Rule]) -> str:
    kinds = Counter(how(r) for r in rules)
    return f"{kinds[MACHINE]} by machine, {kinds[SIGN_OFF]} by sign-off"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
