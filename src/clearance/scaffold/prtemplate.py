"""The pull request template, generated from the policy so that the two never drift.

Its sections are the titles the policy's `pr.sections` rules require and the
sections its `pr.links` rules look in; each holds an HTML comment saying what
to write, so a section left as it is counts as empty. Its task items are the
items of the `pr.checklist` rules and of the `attestation` rules that a ticked
item signs off (`accept: [author-tick]`: the author's own declarations), grouped
under the subsection their rule's `checklist` cites ("Step 1 › Feature
Checklist › ..." goes under "Feature Checklist"). Only rules of the stages that
read the PR body (pr, merge) count; an item or section named by several rules
appears once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clearance.pathmatch import as_list
from clearance.policy.model import Policy, Rule

PR_STAGES = ("pr", "merge")
DEFAULT_GROUP = "Checklist"


@dataclass
class _Template:
    sections: dict[str, str] = field(default_factory=dict)  # title -> hint
    groups: dict[str, list[str]] = field(default_factory=dict)  # heading -> items
    seen: set[str] = field(default_factory=set)

    def section(self, title: str, hint: str) -> None:
        key = _key(title)
        if key not in self.seen:
            self.seen.add(key)
            self.sections[title] = hint

    def item(self, group: str, text: str) -> None:
        key = "item:" + _key(text)
        if key not in self.seen:
            self.seen.add(key)
            self.groups.setdefault(group, []).append(text)


def pr_template(policy: Policy) -> str:
    """The Markdown of `.github/pull_request_template.md` for a policy."""
    found = _Template()
    for rule in policy.rules:
        if set(rule.stages) & set(PR_STAGES):
            _collect(rule, found)
    return _render(policy, found)


def _collect(rule: Rule, found: _Template) -> None:
    params: dict[str, Any] = rule.params
    if rule.kind == "pr.sections":
        given = params.get("placeholders")
        hints = given if isinstance(given, dict) else {}
        for title in params.get("required", []):
            found.section(title, hints.get(title) or _when(rule) or f"Write the {title.lower()}.")
    elif rule.kind == "pr.links" and params.get("section"):
        wanted = params.get("to") or []
        target = " or ".join(wanted if isinstance(wanted, list) else [wanted]) or "a file"
        found.section(params["section"], f"Link to the file ({target}) by its path in this repository.")
    elif rule.kind == "pr.checklist":
        unders = params.get("under") or []
        for heading in [unders] if isinstance(unders, str) else unders:
            found.groups.setdefault(heading, [])
        for text in params.get("items", []):
            found.item(_group(rule), text)
    elif rule.kind == "attestation" and params.get("item") and "author-tick" in params.get("accept", ()):
        found.item(_group(rule), params["item"])  # a tick signs off only where the rule accepts it


def _group(rule: Rule) -> str:
    """The heading an item goes under: `under`, else its checklist's subsection."""
    under = rule.params.get("under")
    if isinstance(under, str):
        return under
    parts = [p.strip() for p in rule.checklist.split("\u203a") if p.strip()]
    return parts[-2] if len(parts) >= 2 else DEFAULT_GROUP


def _when(rule: Rule) -> str:
    changed = rule.when.get("changed")
    if not changed:
        return ""
    return f"Needed only when the change touches {', '.join(as_list(changed))}."


def _render(policy: Policy, found: _Template) -> str:
    version = f" {policy.version}" if policy.version else ""
    lines = [f"<!-- Generated from the policy {policy.name}{version} by `clearance template pr`;",
             "     regenerate it when the policy changes. Replace each comment with your text,",
             "     and tick each item once it holds. -->"]
    for title, hint in found.sections.items():
        lines += ["", f"## {title}", f"<!-- {_comment(hint)} -->"]
    for heading, items in found.groups.items():
        lines += ["", f"## {heading}"]
        lines += [f"- [ ] {text}" for text in items] or ["<!-- Add the items of this checklist. -->"]
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """Text safe inside an HTML comment."""
    return " ".join(text.replace("--", "- -").split())


def _key(text: str) -> str:
    return " ".join(text.split()).casefold().rstrip(":")
