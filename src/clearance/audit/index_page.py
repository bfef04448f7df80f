"""The auditor's index as one self-contained HTML page and as JSON, from one context.

`build_index` turns the runs a filter admits into plain data: totals, runs per
stage and per repository, the verdicts of the rules behind each control, the
seeded sample of changes, every run and every file not read. The HTML page is
rendered from `templates/index.html.j2` with autoescaping; like the report, it
holds no script and its Content-Security-Policy allows only its own inline
stylesheet, by hash. The JSON is the same context, written compactly.
"""

from __future__ import annotations

import json
from typing import Any

from clearance.audit.controls import control_key
from clearance.audit.index import IndexFilter, RunEntry, Scan, changes, sample, select
from clearance.policy.model import STAGES
from clearance.verdicts import VERDICTS

TEMPLATE = "index.html.j2"
STYLESHEET = "index.css"
KIND = "clearance-index"


def build_index(found: Scan, chosen: IndexFilter, size: int, seed: int, folder: str) -> dict[str, Any]:
    runs = select(found, chosen)
    drawn = sample(runs, size, seed) if size else []
    grouped = changes(runs)
    return {
        "kind": KIND, "version": 1, "folder": folder,
        "filters": [{"name": n, "value": v} for n, v in chosen.described()],
        "documents": {"results": len(found.runs), "not_read": len(found.unread),
                      "other_json": found.other_json},
        "totals": {"runs": len(runs), "changes": len(grouped),
                   "repositories": len({r.repository for r in runs})},
        "stages": _stages(runs),
        "repositories": _repositories(runs, grouped),
        "controls": _controls(runs),
        "sample": {"seed": seed, "asked": size, "drawn": len(drawn), "from": len(grouped),
                   "changes": [{"repository": repo, "change": change, "runs": [_row(r) for r in group]}
                               for (repo, change), group in drawn]},
        "runs": [_row(r) for r in runs],
        "not_read": [{"path": u.path, "reason": u.reason} for u in found.unread],
    }


def _row(run: RunEntry) -> dict[str, Any]:
    return {"path": run.path, "sha256": run.sha256, "repository": run.repository, "stage": run.stage,
            "verdict": run.verdict, "time": run.time, "commit": run.commit, "branch": run.branch,
            "pull_request": run.pull_request, "blocking": run.blocking,
            "waived": run.counts.get("waived", 0), "controls": sorted(run.controls, key=control_key)}


def _stages(runs: list[RunEntry]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for run in runs:
        row = rows.setdefault(run.stage, {"stage": run.stage, "runs": 0, "pass": 0, "fail": 0})
        row["runs"] += 1
        row[run.verdict] = row.get(run.verdict, 0) + 1
    order = {s: i for i, s in enumerate(STAGES)}
    return sorted(rows.values(), key=lambda r: (order.get(r["stage"], len(order)), r["stage"]))


def _repositories(runs: list[RunEntry], found: dict[tuple[str, str], list[RunEntry]]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for run in runs:
        row = rows.setdefault(run.repository, {"repository": run.repository, "runs": 0, "pass": 0,
                                               "fail": 0, "changes": 0})
        row["runs"] += 1
        row[run.verdict] = row.get(run.verdict, 0) + 1
    for repository, _ in found:
        rows[repository]["changes"] += 1
    return [row for _, row in sorted(rows.items())]


def _controls(runs: list[RunEntry]) -> list[dict[str, Any]]:
    """Per control: the runs whose rules evidence it, and those rules' verdicts summed."""
    rows: dict[str, dict[str, Any]] = {}
    for run in runs:
        for control, verdicts in run.controls.items():
            row = rows.setdefault(control, {"control": control, "runs": 0,
                                            "verdicts": dict.fromkeys(VERDICTS, 0)})
            row["runs"] += 1
            for verdict, n in verdicts.items():
                row["verdicts"][verdict] = row["verdicts"].get(verdict, 0) + n
    return [rows[c] for c in sorted(rows, key=control_key)]


def render_json(index: dict[str, Any]) -> str:
    """One top-level key per line, one run per line (as the results document is laid out)."""
    lines = []
    for key, value in index.items():
        if key in ("runs", "not_read") and value:
            items = ",\n".join(f"    {json.dumps(v, ensure_ascii=False)}" for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def render_html(index: dict[str, Any], version: str) -> str:
    from markupsafe import Markup

    from clearance.reporters.html import style_hash
    from clearance.reporters.templating import environment

    env = environment("html")
    style = env.get_template(STYLESHEET).render()
    text: str = env.get_template(TEMPLATE).render(
        index=index, verdicts=VERDICTS, version=version, style=Markup(style),
        style_hash=style_hash(style))
    return text
