"""What `clearance verify` checks in a results document, each check on its own.

- `schema`: the document against schemas/results-v1.json;
- `summary`: the summary (and the proposed policy's) recomputed from the rule records;
- `rule`: each rule's `blocking` follows from its verdict, severity and `fail_on`;
- `integrity`: the digest of the document (integrity.py), from schema version 1.1;
- `evidence`: with the repository at hand, every input and every rule's evidence
  re-hashed: `file` inputs from disk below the repository, `git` ones from git objects
  (the evaluated commit, or the revision the path names).

Each check returns what it found: `Mismatch` lines (the check, where, expected
against found) and notes about what it could not check. The signature is checked
in signing.py.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from clearance.errors import ClearanceError
from clearance.integrity import digest
from clearance.records import Record

COMMIT_STAGES = ("commit", "commit-msg")
_AT_REVISION = re.compile(r"(?P<rev>[0-9a-f]{7,64}):(?P<path>.+)")
_AT_BASE = re.compile(r"(?P<path>.+) \(base (?P<rev>[0-9a-f]{7,64})\)")
_SUMMARY_KEYS = ("verdict", "blocking", "rules", "other_stages")


class Mismatch(Record):
    """One thing in the document that does not hold."""

    check: str
    where: str
    detail: str

    def line(self) -> str:
        return f"FAIL {self.check}: {self.where}: {self.detail}"


class Outcome(Record):
    """What one check found: mismatches, and notes on what it could not check."""

    check: str
    mismatches: tuple[Mismatch, ...] = ()
    notes: tuple[str, ...] = ()
    skipped: bool = False  # nothing could be checked (the notes say why)


def differs(expected: Any, found: Any, why: str = "") -> str:
    return f"expected {expected!r}{why}, found {found!r}"


def schema(doc: Any, results_schema: Mapping[str, Any]) -> Outcome:
    import jsonschema

    from clearance.policy.schema import dotted

    validator = jsonschema.Draft202012Validator(results_schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return Outcome("schema", tuple(Mismatch("schema", dotted(tuple(e.absolute_path)),
                                            e.message[:200]) for e in errors[:20]))


def summary(doc: Mapping[str, Any]) -> Outcome:
    """The summaries recomputed from the rule records (`results.summarize`)."""
    found = list(_summary_mismatches("summary", doc["summary"], doc["rules"], doc["run"]["fail_on"]))
    proposed = doc.get("proposed")
    if proposed and proposed.get("summary") is not None:
        found += _summary_mismatches("proposed.summary", proposed["summary"], proposed["rules"],
                                     doc["run"]["fail_on"])
    return Outcome("summary", tuple(found))


def _summary_mismatches(where: str, written: Mapping[str, Any], rules: list[dict[str, Any]],
                        fail_on: str) -> Iterable[Mismatch]:
    from clearance.results import summarize

    again = summarize(rules, fail_on)
    why = " (recomputed from the rules)"
    for key in _SUMMARY_KEYS:
        if written[key] != again[key]:
            yield Mismatch("summary", f"{where}.{key}", differs(again[key], written[key], why))
    for verdict, count in again["counts"].items():
        if written["counts"].get(verdict) != count:
            yield Mismatch("summary", f"{where}.counts.{verdict}",
                           differs(count, written["counts"].get(verdict), why))


def rules(doc: Mapping[str, Any]) -> Outcome:
    """Each rule's `blocking` as its verdict, severity and the run's `fail_on` decide it."""
    from clearance.verdicts import blocks

    fail_on = doc["run"]["fail_on"]
    found = []
    for rule in doc["rules"]:
        should = blocks(rule["verdict"], rule["severity"], fail_on)
        if rule["blocking"] != should:
            why = f" (verdict {rule['verdict']}, severity {rule['severity']}, fail_on {fail_on})"
            found.append(Mismatch("rule", f"rule {rule['id']}: blocking",
                                  differs(should, rule["blocking"], why)))
    return Outcome("rule", tuple(found))


def integrity(doc: Mapping[str, Any]) -> Outcome:
    written = doc.get("integrity")
    if written is None:
        if "schema_version" in doc:
            return Outcome("integrity", (Mismatch("integrity", "integrity", "missing from a document "
                                                  f"of schema version {doc['schema_version']}"),))
        return Outcome("integrity", notes=("none in a document of schema version 1.0",), skipped=True)
    expected = digest(doc)
    sha = written.get("sha256") if isinstance(written, dict) else None
    if sha != expected:
        return Outcome("integrity", (Mismatch("integrity", "integrity.sha256", differs(
            expected, sha, " (recomputed over the document)")),))
    return Outcome("integrity")


class Claim(Record):
    """A digest the document gives for an evidence file, and who gives it."""

    who: str
    path: str
    source: str
    sha256: str


def claims(doc: Mapping[str, Any]) -> list[Claim]:
    """Every input's digest and every rule's evidence digest."""
    found = [Claim(f"inputs[{i}]", r["path"], r["source"], r["sha256"]) for i, r in enumerate(doc["inputs"])]
    for rule in doc["rules"]:
        found += [Claim(f"rule {rule['id']}", e["path"], e["source"], e["sha256"])
                  for e in rule["evidence"]]
    return found


def evidence(doc: Mapping[str, Any], repo: str | None) -> Outcome:
    """Every evidence file at hand re-hashed; files not at hand are named in a note."""
    every = claims(doc)
    if repo is None:
        return Outcome("evidence", notes=(f"{len(every)} digests not re-hashed: give --repo DIR",),
                       skipped=True)
    actual = _digests(every, repo, doc["run"])
    found = tuple(Mismatch("evidence", f"{c.who}: {c.path} ({c.source})",
                           f"expected sha256 {c.sha256} (in the document), "
                           f"found {actual[(c.path, c.source)]} (re-hashed)")
                  for c in every if actual.get((c.path, c.source)) not in (None, c.sha256))
    missing = sorted({f"{c.path} ({c.source})" for c in every if actual.get((c.path, c.source)) is None})
    notes = (f"not at hand, not re-hashed: {', '.join(missing)}",) if missing else ()
    return Outcome("evidence", found, notes)


def _digests(every: list[Claim], repo: str, run: Mapping[str, Any]) -> dict[tuple[str, str], str | None]:
    keys = {(c.path, c.source) for c in every}
    found: dict[tuple[str, str], str | None] = {k: _file_digest(repo, k[0]) for k in keys if k[1] == "file"}
    found.update(_git_digests([p for p, s in keys if s == "git"], repo, run))
    return found


def _file_digest(repo: str, path: str) -> str | None:
    """The sha256 of a file below the repository; None when absent or outside it."""
    from clearance.pathmatch import leaves_root

    if leaves_root(path):
        return None
    full = os.path.join(repo, path)
    real_repo = os.path.realpath(repo)
    if not os.path.isfile(full) or os.path.commonpath([real_repo, os.path.realpath(full)]) != real_repo:
        return None
    sha = hashlib.sha256()
    with open(full, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def git_names(path: str, run: Mapping[str, Any]) -> list[str]:
    """The git objects a `git` input may be: the path at the evaluated commit (not at the
    commit stages, whose snapshot was the index), or at the revision its name carries
    (`REV:path`, `path (base REV)`)."""
    names = []
    if run["commit"] and run["stage"] not in COMMIT_STAGES:
        names.append(f"{run['commit']}:{path}")
    for pattern in (_AT_REVISION, _AT_BASE):
        match = pattern.fullmatch(path)
        if match:
            names.append(f"{match['rev']}:{match['path']}")
    return names


def _git_digests(paths: list[str], repo: str, run: Mapping[str, Any]) -> dict[tuple[str, str], str | None]:
    from clearance.evidence.git import Git

    wanted = {path: git_names(path, run) for path in paths}
    try:
        blobs = Git(repo).read_blobs(n for names in wanted.values() for n in names)
    except ClearanceError:
        blobs = {}
    found: dict[tuple[str, str], str | None] = {}
    for path, names in wanted.items():
        data = next((blobs[n] for n in names if blobs.get(n) is not None), None)
        found[(path, "git")] = None if data is None else hashlib.sha256(data).hexdigest()
    return found
