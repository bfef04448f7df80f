"""The one view of a results document that every report template renders.

`build_context(doc)` turns the results document into plain dicts and lists
that templates print without further logic: the run, the summary, the rules
that need attention, the checklist grouped as its source document orders it,
waivers and attestations, traceability matrices, coverage tables, the inputs,
and the sha256 of the document itself. Figures are formatted here once, so
the HTML and Markdown reports show the same text. Nothing in it is escaped:
each template environment escapes for its own format.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any

from clearance.reporters import signoffs
from clearance.reporters.sections import coverage_tables, pr_checklist, traceability_tables
from clearance.verdicts import PROBLEMS

SEPARATOR = "\u203a"  # ›, between the parts of a rule's `checklist`
OTHER_GROUP = "Other rules"
# verdict -> (symbol, label); the label is always printed, so nothing depends on colour.
VERDICTS: dict[str, tuple[str, str]] = {
    "pass": ("\u2713", "pass"),
    "fail": ("\u2717", "fail"),
    "error": ("\u26a0", "error"),
    "pending": ("\u25cb", "pending"),
    "waived": ("\u2298", "waived"),
    "not-applicable": ("\u2013", "not applicable"),
}
OTHER_STAGE = ("\u2013", "other stage")
LARGE = 20  # rows beyond which a traceability or coverage table starts folded (<details>)

_cache: dict[str, dict[str, Any]] = {}


def build_context(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The report context; built once per document and shared by every format."""
    from clearance.reporters import render

    digest = hashlib.sha256(render("json", doc, {}).encode("utf-8")).hexdigest()
    if digest not in _cache:
        _cache.clear()
        _cache[digest] = _build(doc, digest)
    return _cache[digest]


def _build(doc: Mapping[str, Any], digest: str) -> dict[str, Any]:
    rules = _rule_views(doc["rules"])
    in_stage = [r for r in rules if r["in_stage"]]
    return {
        "digest": digest,
        "tool": {"name": doc["tool"]["name"], "version": doc["tool"]["version"]},
        "run": dict(doc["run"]),
        "policy": {**doc["policy"], "files": list(doc["policy"]["files"])},
        "summary": _summary(doc["summary"]),
        "attention": sorted((r for r in in_stage if r["verdict"] in PROBLEMS),
                            key=lambda r: (not r["blocking"], PROBLEMS.index(r["verdict"]))),
        "waivers": [r for r in rules if r["waiver"]],
        "attestations": [r for r in rules if r["attestation"] or r["signoff_notes"]],
        "groups": _groups(in_stage),
        "other_stages": [r for r in rules if not r["in_stage"]],  # one compact table, not cards
        "controls": _controls(doc["rules"]),
        "large": LARGE,
        "traceability": traceability_tables(doc["rules"]),
        "coverage": coverage_tables(doc["rules"]),
        "inputs": [dict(i) for i in doc["inputs"]],
    }


def _controls(records: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The view by control (docs/controls.md): each control with its rules' verdicts here."""
    from clearance.audit.controls import by_control

    views = by_control(records)
    return [{"control": v.control,
             "rules": [{"id": r.id, "title": r.title, "verdict": r.verdict,
                        "symbol": VERDICTS.get(r.verdict, OTHER_STAGE)[0]} for r in v.rules]}
            for v in views]


def _summary(summary: Mapping[str, Any]) -> dict[str, Any]:
    counts = summary["counts"]
    return {
        "verdict": summary["verdict"], "blocking": summary["blocking"],
        "rules": summary["rules"], "other_stages": summary["other_stages"],
        "symbol": VERDICTS[summary["verdict"]][0],
        "counts": [{"verdict": v, "symbol": s, "label": label, "count": counts.get(v, 0)}
                   for v, (s, label) in VERDICTS.items()],
    }


def _rule_views(records: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    anchors: set[str] = set()
    return [_rule(record, _anchor(record["id"], anchors)) for record in records]


def _anchor(rule_id: str, taken: set[str]) -> str:
    base = "rule-" + (re.sub(r"[^a-z0-9_.-]+", "-", rule_id.lower()).strip("-") or "x")
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def _rule(r: Mapping[str, Any], anchor: str) -> dict[str, Any]:
    group, item = split_checklist(r["checklist"])
    symbol, label = VERDICTS.get(r["verdict"], ("?", r["verdict"])) if r["in_stage"] else OTHER_STAGE
    data = r["data"] if isinstance(r["data"], Mapping) else {}
    return {
        "id": r["id"], "anchor": anchor, "title": r["title"] or r["id"],
        "checklist": r["checklist"], "group": group, "item": item or r["title"] or r["id"],
        "kind": r["kind"], "stages": ", ".join(r["stages"]), "severity": r["severity"],
        "in_stage": r["in_stage"], "verdict": r["verdict"] if r["in_stage"] else "other-stage",
        "symbol": symbol, "label": label, "blocking": r["blocking"],
        "reported": r["in_stage"] and r["verdict"] in (*PROBLEMS, "waived"),
        "message": r["message"], "figure": r["figure"], "fix": r["fix"],
        "origin": f"{r['origin']['path']}:{r['origin']['line']}",
        "findings": [_finding(f) for f in r["findings"]],
        "evidence": [dict(e) for e in r["evidence"]],
        "waiver": _waiver(r["waiver"]) if r["waiver"] else None,
        "attestation": _attestation(r["attestation"]) if r["attestation"] else None,
        "signoff_notes": signoffs.notes(r),
        "checklist_items": pr_checklist(data.get("checklist")),
        "checklist_more": data.get("checklist_truncated") or 0,
        "junit": _junit(data.get("junit")),
    }


def split_checklist(text: str) -> tuple[str, str]:
    """("Step 1 › Testing", "Unit tests pass") from "Step 1 › Testing › Unit tests pass"."""
    parts = [p.strip() for p in text.split(SEPARATOR)]
    if len(parts) < 2:
        return "", text.strip()
    return f" {SEPARATOR} ".join(parts[:-1]), parts[-1]


def _groups(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules grouped by checklist section, in first-appearance order; the rest last."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for rule in rules:
        groups.setdefault(rule["group"] or OTHER_GROUP, []).append(rule)
    if OTHER_GROUP in groups:
        groups[OTHER_GROUP] = groups.pop(OTHER_GROUP)
    return [{"name": name, "anchor": f"group-{i + 1}", "items": items,
             "counts": _verdict_line(items)} for i, (name, items) in enumerate(groups.items())]


def _verdict_line(items: list[dict[str, Any]]) -> str:
    """`2 pass, 1 fail` for a group."""
    seen: dict[str, int] = {}
    for item in items:
        seen[item["label"]] = seen.get(item["label"], 0) + 1
    return ", ".join(f"{n} {label}" for label, n in seen.items())


def _finding(f: Mapping[str, Any]) -> dict[str, Any]:
    where = f["file"]
    if f["line"] is not None:
        where += f":{f['line']}"
        if f["column"] is not None:
            where += f":{f['column']}"
    return {"where": where, "message": f["message"]}


def _waiver(w: Mapping[str, Any]) -> dict[str, Any]:
    if w["applied"]:
        status = "applied"
    elif w["refused"]:
        status = "refused: self-granted, and the policy refuses self-granted waivers"
    elif w["expired"]:
        status = f"expired on {w['expires']}: not applied"
    else:
        status = "not needed: the rule did not fail"
    notes = []
    if w["self_granted"]:
        notes.append("self-granted: added by the change under evaluation")
    return {"owner": w["owner"], "reason": w["reason"], "expires": w["expires"] or "no expiry",
            "status": status, "applied": w["applied"], "expired": w["expired"],
            "self_granted": w["self_granted"], "refused": w["refused"], "notes": notes,
            "origin": f"{w['origin']['path']}:{w['origin']['line']}"}


def _attestation(a: Mapping[str, Any]) -> dict[str, Any]:
    return {**{key: a.get(key) or "" for key in ("by", "at", "note", "source")},
            "subject": signoffs.subject(a), "proof": signoffs.proof(a),
            "proof_detail": a.get("proof_detail") or ""}


def _junit(junit: Any) -> str:
    """`120 tests: 118 passed, 1 failed, 0 errors, 1 skipped`, or empty."""
    if not isinstance(junit, Mapping) or "tests" not in junit:
        return ""
    parts = [f"{junit.get(k, 0)} {k}" for k in ("passed", "failed", "errors", "skipped")]
    return f"{junit['tests']} tests: {', '.join(parts)}"
