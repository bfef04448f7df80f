"""Task items of the PR body are ticked: the named `items`, every item `under`
a heading (its subsections included), or `all: true` for every item.

An item struck through (`- [ ] ~~Migration guide~~ no schema change`) is not
applicable: it does not fail, and the report lists it as such. A named item
matches an item whose text equals the name or begins with it (case and
spacing aside). A named item, or a heading, that is not in the body fails, and
so does a heading, or a body with `all: true`, that holds no item at all.
With `under` or `all`, an item of the PR template (as it stands at the base
revision, where GitHub finds it) that the body no longer holds there counts as
not ticked: deleting an item does not get round it.
Items inside HTML comments or code blocks are not items. `data.checklist`
lists every item of the body with its state (checked, unchecked,
not-applicable), line and section.
"""

from __future__ import annotations

from clearance.checks import Finding, Outcome
from clearance.checks._common import as_list, plural
from clearance.checks._pr import MAX_LISTED, TITLE_OR_TITLES, TITLES, listing, shorten
from clearance.evidence.context import Evidence
from clearance.evidence.prbody import pr_template, pull_request
from clearance.evidence.prmarkdown import MarkdownDoc, TaskItem, normalise

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EVIDENCE = ("PR body",)
SCHEMA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "anyOf": [{"required": ["items"]}, {"required": ["under"]},
              {"required": ["all"], "properties": {"all": {"const": True}}}],
    "properties": {"items": TITLES, "under": TITLE_OR_TITLES, "all": {"type": "boolean"}},
}
MAX_FINDINGS = 200
RANK = {"checked": 0, "not-applicable": 1, "unchecked": 2}


def run(params: dict[str, Any], evidence: Evidence) -> Outcome:
    pr = pull_request(evidence)
    required, findings = _required(params, pr.body, pr.name)
    template = pr_template(evidence) if params.get("under") or params.get("all") else None
    deleted = _deleted(params, template.doc, pr.body) if template else []
    data = _data(pr.body.items, required, deleted, template.path if template else "")
    unticked = [i for i in required if i.state == "unchecked"]
    problems = [i.text for i in unticked] + [f"{i.text} (deleted)" for i in deleted]
    problems += [f.message for f in findings]
    findings += [Finding(pr.name, i.line, None, f"not ticked: {shorten(i.text)}") for i in unticked]
    findings += [Finding(pr.name, None, None, f"not in the PR body: {shorten(i.text)} (an item of "
                         f"the PR template {template.path}; tick it, or strike it through)")
                 for i in deleted if template]
    skipped = [i.text for i in required if i.state == "not-applicable"]
    tail = f"; not applicable: {listing(skipped)}" if skipped else ""
    counted = plural(len(required) + len(deleted), "required item")
    if findings:
        head = (f"{len(unticked) + len(deleted)} of {counted} not ticked" if required or deleted
                else "no required item found")
        return Outcome.failed(f"{head}: {listing(problems)}{tail}",
                              findings=tuple(findings[:MAX_FINDINGS]), data=data)
    return Outcome.passed(f"{len(required) - len(skipped)} of {counted} ticked{tail}", data=data)


def _deleted(params: dict[str, Any], template: MarkdownDoc, body: MarkdownDoc) -> list[TaskItem]:
    """Items of the PR template that the rule requires and the body no longer holds: under
    each `under` heading (when the body has that heading), or anywhere with `all: true`.
    An item is held when a body item there is it (`TaskItem.matches`), in whatever state."""
    scopes: list[tuple[list[TaskItem], list[TaskItem]]] = []
    if params.get("all"):
        scopes.append((list(template.items), list(body.items)))
    for heading in as_list(params.get("under")):
        if body.find(heading):
            scopes.append((_under(template, heading)[0], _under(body, heading)[0]))
    deleted: dict[str, TaskItem] = {}
    for wanted, held in scopes:
        for item in wanted:
            if item.state != "not-applicable" and not any(h.matches(item.text) for h in held):
                deleted.setdefault(normalise(item.text), item)
    return list(deleted.values())


def _data(items: tuple[TaskItem, ...], required: list[TaskItem], deleted: list[TaskItem],
          template: str) -> dict[str, Any]:
    """Every item of the body with its state, and whether this rule requires it; then the
    required items of the PR template that the body left out (no line, `unchecked`)."""
    wanted = {id(i) for i in required}
    listed = [dict(item.to_dict(), required=id(item) in wanted) for item in items]
    listed += [dict(item.to_dict(), line=None, state="unchecked", required=True, template=template)
               for item in deleted]
    data: dict[str, Any] = {"checklist": listed[:MAX_LISTED]}
    if len(listed) > MAX_LISTED:
        data["checklist_truncated"] = len(listed) - MAX_LISTED
    return data


def _required(params: dict[str, Any], doc: MarkdownDoc,
              name: str) -> tuple[list[TaskItem], list[Finding]]:
    """The items that must be ticked, and what could not be found."""
    chosen: dict[int, TaskItem] = {}
    findings: list[Finding] = []
    if params.get("all"):
        chosen.update((id(i), i) for i in doc.items)
        if not doc.items:
            findings.append(Finding(name, None, None, "the PR body has no task items"))
    for heading in as_list(params.get("under")):
        items, problem = _under(doc, heading)
        chosen.update((id(i), i) for i in items)
        if problem:
            findings.append(Finding(name, None, None, problem))
    for wanted in params.get("items", []):
        item = _named(doc, wanted)
        if item is None:
            findings.append(Finding(name, None, None, f"no task item '{shorten(wanted)}'"))
        else:
            chosen[id(item)] = item
    return sorted(chosen.values(), key=lambda i: i.line), findings


def _under(doc: MarkdownDoc, heading: str) -> tuple[list[TaskItem], str | None]:
    sections = doc.find(heading)
    if not sections:
        return [], f"no section '{shorten(heading)}'"
    items = [i for i in doc.items if any(s.holds(i.line) for s in sections)]
    return items, None if items else f"no task items under '{shorten(heading)}'"


def _named(doc: MarkdownDoc, wanted: str) -> TaskItem | None:
    """The best state among the items of that name: ticked, then not applicable."""
    matches = [i for i in doc.items if i.matches(wanted)]
    return min(matches, key=lambda i: RANK[i.state]) if matches else None
