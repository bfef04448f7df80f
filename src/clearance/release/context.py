"""The one context the HTML and Markdown dossiers share, built from the release record alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

SYMBOLS = {"pass": "\u2713", "fail": "\u2717", "missing": "?", "edited": "!"}
LABELS = {"pass": "pass", "fail": "fail", "missing": "missing", "edited": "edited"}
KINDS = {"merge-commit": "merge commit", "squash": "squash merge", "rebase": "rebase merge",
         "direct": "no pull request"}


def build_context(record: Mapping[str, Any]) -> dict[str, Any]:
    release = record["release"]
    stages = release["stages"]
    return {
        "tool": record["tool"], "release": release, "summary": record["summary"],
        "clean": record["summary"]["verdict"] == "clean",
        "stages": stages, "flags": record["flags"],
        "changes": [_change(c, record, stages) for c in record["changes"]],
        "timeline": timeline(record),
        "signoffs": [s for c in record["changes"] for s in _signoffs(c)],
        "waivers": [w for c in record["changes"] for w in _waivers(c)],
        "controls": controls(record),
        "results": record["results"], "skipped": record["skipped"],
    }


def _pr(change: Mapping[str, Any]) -> str:
    pull = change["pull_request"]
    if pull is not None:
        return f"#{pull['number']}"
    return f"branch {change['branch']}" if change["branch"] else "unknown"


def _change(change: Mapping[str, Any], record: Mapping[str, Any], stages: list[str]) -> dict[str, Any]:
    subjects = {c["sha"]: c["subject"] for c in record["commits"]}
    return {
        "index": change["index"], "pr": _pr(change), "kind": KINDS[change["kind"]],
        "recognised_by": change["recognised_by"], "has_pr": change["kind"] != "direct",
        "commits": [{"sha": s, "short": s[:12], "subject": subjects[s]} for s in change["commits"]],
        "stages": [_stage(name, change["stages"][name]) for name in stages],
        "flagged": any(f["change"] == change["index"] for f in record["flags"]),
    }


def _stage(name: str, stage: Mapping[str, Any]) -> dict[str, Any]:
    status = stage["status"]
    return {"name": name, "status": status, "symbol": SYMBOLS[status], "label": LABELS[status],
            "digest": stage["decided_by"], "commit": stage["commit"], "time": stage["time"],
            "others": len(stage["results"]) - (1 if stage["decided_by"] else 0)}


def _signoffs(change: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{**s, "change": change["index"], "pr": _pr(change),
             "how": _verification(s)} for s in change["signoffs"]]


def _verification(signoff: Mapping[str, Any]) -> str:
    proof = signoff.get("proof") or "none"
    text = f"{proof}: {signoff['proof_detail']}" if signoff.get("proof_detail") else proof
    text += ", verified" if signoff.get("verified") else ", not verified"
    if signoff.get("self_added"):
        text += ", added by the change itself"
    return text


def _waivers(change: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [{**w, "change": change["index"], "pr": _pr(change)} for w in change["waivers"]]


def timeline(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Commits landing and runs of each stage, in time order (UTC)."""
    changes = {c["index"]: _pr(c) for c in record["changes"]}
    events = [{"time": utc(c["committed"]), "what": "landed", "commit": c["sha"][:12],
               "text": c["subject"], "change": c["change"], "pr": changes[c["change"]],
               "status": None} for c in record["commits"]]
    events += [{"time": utc(r["time"]), "what": f"{r['stage']} run", "commit": (r["commit"] or "")[:12],
                "text": r["sha256"], "change": r["changes"][0],
                "pr": ", ".join(changes[i] for i in r["changes"]),
                "status": "edited" if r["edited"] else r["verdict"]}
               for r in record["results"] if r["changes"]]
    return sorted(events, key=lambda e: (e["time"], e["what"] != "landed"))


def utc(stamp: str) -> str:
    """An ISO 8601 time (git's `+02:00` or results' `Z`) as `YYYY-MM-DD HH:MM:SSZ` in UTC."""
    try:
        moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")


def controls(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The view by control: for each audit control the deciding results' rules evidence, how
    many of those verdicts were each verdict, and every one that was not a pass."""
    from clearance.audit.controls import control_key

    found: dict[str, list[dict[str, Any]]] = {}
    for change in record["changes"]:
        for c in change.get("controls", []):
            found.setdefault(c["control"], []).append({**c, "pr": _pr(change)})
    view = []
    for control in sorted(found, key=control_key):
        entries = found[control]
        counts: dict[str, int] = {}
        for e in entries:
            counts[e["verdict"]] = counts.get(e["verdict"], 0) + 1
        view.append({"control": control, "counts": counts,
                     "short": ", ".join(f"{n} {v}" for v, n in sorted(counts.items())),
                     "problems": [e for e in entries if e["verdict"] not in ("pass", "not-applicable")]})
    return view
