"""The results documents a release record links: from folders, and from git notes.

Every `*.json` file below a folder given is read; a file whose `$schema` is not a
clearance results schema is skipped (a workflow artifact may hold coverage or SARIF
beside it), one that claims to be a results document must be valid against the
results schema (`clearance report` reads it the same way), else the command stops
with exit 2. Each document's sha256 is that of its bytes as stored, its summary is
recomputed from its rule records (one that does not follow was edited: it is kept,
flagged, and never counts as a pass), and its subject (`run.subject`: the pull
request, workflow run, environment and release) is read where it is present and
taken as unknown where it is not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearance.digest import hexdigest
from clearance.errors import ClearanceError

RESULTS_SCHEMA = "https://clearance.dev/schemas/results-"


@dataclass(frozen=True)
class ResultsDoc:
    """What the release record needs from one results document."""

    source: str  # a path, or `notes:COMMIT`
    sha256: str
    stage: str
    commit: str | None
    base: str | None
    head: str | None
    branch: str | None
    time: str
    verdict: str  # pass or fail as its summary says
    edited: bool  # the summary does not follow from the rule records
    pr: int | None
    pr_url: str | None
    environment: str | None
    release: str | None
    waivers: tuple[dict[str, Any], ...] = field(default=())
    signoffs: tuple[dict[str, Any], ...] = field(default=())
    controls: tuple[dict[str, Any], ...] = field(default=())  # {control, rule, verdict} per rule

    @property
    def passed(self) -> bool:
        return self.verdict == "pass" and not self.edited

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "sha256": self.sha256, "stage": self.stage,
                "commit": self.commit, "base": self.base, "head": self.head,
                "time": self.time, "verdict": self.verdict, "edited": self.edited,
                "pull_request": self.pr, "environment": self.environment,
                "release": self.release}


def read_folders(folders: list[str]) -> tuple[list[ResultsDoc], list[str]]:
    """The results documents below the folders, and the JSON files skipped as not results."""
    docs, skipped = [], []
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            raise ClearanceError("not a folder of results documents", folder,
                                 hint="give --results DIR, e.g. downloaded workflow artifacts")
        for path in sorted(p for p in root.rglob("*.json") if p.is_file()):
            data = _read(path)
            doc = document(data, str(path))
            if doc is None:
                skipped.append(str(path))
            else:
                docs.append(doc)
    return docs, skipped


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as e:
        raise ClearanceError(f"cannot read: {e.strerror}", str(path)) from e


def document(data: bytes, source: str) -> ResultsDoc | None:
    """The document in `data`, None when it does not claim to be a results document."""
    from clearance.commands.report import load_results

    try:
        claimed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        claimed = None
    if not isinstance(claimed, dict) or not str(claimed.get("$schema", "")).startswith(RESULTS_SCHEMA):
        if data.lstrip()[:1] == b"{" and b"clearance.dev/schemas/results-" in data[:200]:
            load_results(data, source)  # claims to be one but does not parse: say where
        return None
    return from_results(load_results(data, source), hexdigest(data), source)


def from_results(doc: dict[str, Any], sha256: str, source: str) -> ResultsDoc:
    from clearance.results import summarize

    run, summary, rules = doc["run"], doc["summary"], doc["rules"]
    again = summarize(rules, run["fail_on"])
    edited = (again["verdict"], again["blocking"]) != (summary["verdict"], summary["blocking"])
    subject = _mapping(run.get("subject"))
    pull = _mapping(subject.get("pull_request"))
    number = pull.get("number")
    return ResultsDoc(
        source=source, sha256=sha256, stage=run["stage"], commit=run.get("commit"),
        base=run.get("base"), head=run.get("head"), branch=run.get("branch"), time=run["time"],
        verdict=summary["verdict"], edited=edited,
        pr=number if isinstance(number, int) and not isinstance(number, bool) else None,
        pr_url=_text(pull.get("url")), environment=_text(subject.get("environment")),
        release=_text(subject.get("release")),
        waivers=tuple(_waiver(r) for r in rules if r.get("in_stage") and r.get("waiver")),
        signoffs=tuple(_signoff(r) for r in rules if r.get("in_stage") and r.get("attestation")),
        controls=tuple({"control": c, "rule": r["id"], "verdict": r["verdict"]} for r in rules
                       if r.get("in_stage") for c in r.get("controls") or () if isinstance(c, str)),
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _waiver(rule: dict[str, Any]) -> dict[str, Any]:
    waiver = rule["waiver"]
    keys = ("owner", "reason", "expires", "expired", "self_granted", "refused", "applied")
    return {"rule": rule["id"], "verdict": rule["verdict"], **{k: waiver.get(k) for k in keys}}


def _signoff(rule: dict[str, Any]) -> dict[str, Any]:
    record = rule["attestation"]
    keys = ("by", "at", "note", "source", "proof", "proof_detail", "verified", "self_added",
            "self_added_reason")
    return {"rule": rule["id"], "verdict": rule["verdict"], **{k: record.get(k) for k in keys}}


def split_note(text: str) -> list[str]:
    """The documents of one note, each as clearance wrote it (`git notes append` puts a
    blank line between them)."""
    decoder = json.JSONDecoder()
    found: list[str] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return found
        try:
            _, end = decoder.raw_decode(text, at)
        except json.JSONDecodeError as e:
            raise ClearanceError(f"a note holds text that is not a results document: {e.msg}",
                                 hint="see docs/release.md: clearance check --record writes them") from e
        found.append(text[at:end] + "\n")
        at = end
