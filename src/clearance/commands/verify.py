"""`clearance verify RESULTS`: is this results document the one clearance wrote, and true?

Checks (verification.py) the schema, the summary recomputed from the rules,
each rule's `blocking`, the integrity digest, the evidence re-hashed when the
repository is given (`--repo DIR`) and, with `--envelope FILE --key PUBKEY`,
the DSSE signature of the in-toto statement about the document. Prints one
line per check and one per mismatch. Exit 0 when everything holds, 1 on any
mismatch, 2 when the input cannot be used (not a results document, no key).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from clearance import verification
from clearance.errors import ClearanceError, UsageError
from clearance.verification import Mismatch, Outcome


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("results", metavar="RESULTS.json", help="a results document (--format json)")
    p.add_argument("--repo", metavar="DIR", help="the repository: re-hash the evidence files "
                   "(file inputs from disk, git ones from git objects)")
    p.add_argument("--envelope", metavar="FILE", help="a DSSE envelope of the document's in-toto "
                   "statement (clearance sign); needs --key")
    p.add_argument("--key", metavar="PUBKEY", help="the PEM public key the envelope is signed with")


def run(args: argparse.Namespace) -> int:
    if bool(args.envelope) != bool(args.key):
        raise UsageError("--envelope and --key go together",
                         hint="give the envelope clearance sign wrote and the signer's public key")
    data = _read(args.results, "results document")
    doc = _parse(data, args.results)
    outcomes = checks(doc, args.repo)
    if args.envelope:
        outcomes.append(signature(data, doc, args.envelope, args.key))
    return report(outcomes, args.results)


def checks(doc: dict[str, Any], repo: str | None) -> list[Outcome]:
    """Every check of the document itself; after a schema mismatch only the integrity digest
    (the others need the document's shape)."""
    from clearance.policy.schema import load_schema

    shape = verification.schema(doc, load_schema("results-v1.json"))
    if shape.mismatches:
        why = ("the document does not match its schema",)
        return [shape, verification.integrity(doc),
                *(Outcome(check, notes=why, skipped=True) for check in ("summary", "rule", "evidence"))]
    return [shape, verification.summary(doc), verification.rules(doc), verification.integrity(doc),
            verification.evidence(doc, repo)]


def signature(data: bytes, doc: Mapping[str, Any], envelope_file: str, key_file: str) -> Outcome:
    """The envelope signed by the key, and its statement about this very document."""
    from clearance import signing

    key = signing.public_key(key_file)
    signed = signing.envelope(_json(_read(envelope_file, "envelope"), envelope_file), envelope_file)
    payload, why = signing.opened(signed, key)
    if payload is None:
        return Outcome("signature", (Mismatch("signature", envelope_file, f"expected a signature "
                                              f"by key {key.keyid[:16]}, found none valid ({why})"),))
    try:
        statement = json.loads(payload)
    except ValueError:
        return Outcome("signature", (Mismatch("signature", envelope_file, "the signed payload is "
                                              "not JSON"),))
    return Outcome("signature", tuple(statement_mismatches(statement, data, doc, envelope_file)))


def statement_mismatches(statement: Any, data: bytes, doc: Mapping[str, Any],
                         where: str) -> list[Mismatch]:
    """What the signed statement says against the document at hand."""
    from clearance.reporters.intoto import PREDICATE_TYPE, STATEMENT_TYPE

    if not isinstance(statement, dict):
        return [Mismatch("signature", where, "the signed payload is not an in-toto statement")]
    found = []
    for key, want in (("_type", STATEMENT_TYPE), ("predicateType", PREDICATE_TYPE)):
        if statement.get(key) != want:
            found.append(Mismatch("signature", f"{where}: {key}", verification.differs(
                want, statement.get(key))))
    digests = _subject_digests(statement)
    actual = hashlib.sha256(data).hexdigest()
    if actual not in digests.get("sha256", set()):
        signed = ", ".join(sorted(digests.get("sha256", set()))) or "none"
        found.append(Mismatch("signature", f"{where}: subject sha256",
                              f"expected {signed} (signed), found {actual} (the results file)"))
    commit = doc["run"].get("commit") if isinstance(doc.get("run"), dict) else None
    if commit and commit not in digests.get("gitCommit", {commit}):
        found.append(Mismatch("signature", f"{where}: subject gitCommit", verification.differs(
            sorted(digests["gitCommit"]), commit, " (signed)")))
    predicate = statement.get("predicate")
    if predicate != doc:
        found.append(Mismatch("signature", f"{where}: predicate", "expected the results document "
                              "(signed), found a different document"))
    return found


def _subject_digests(statement: Mapping[str, Any]) -> dict[str, set[str]]:
    digests: dict[str, set[str]] = {}
    subjects = statement.get("subject")
    for subject in subjects if isinstance(subjects, list) else []:
        digest = subject.get("digest") if isinstance(subject, dict) else None
        for algorithm, value in (digest.items() if isinstance(digest, dict) else ()):
            digests.setdefault(algorithm, set()).add(value)
    return digests


def report(outcomes: list[Outcome], name: str) -> int:
    """One line per check and per mismatch; the exit code."""
    failed = 0
    for outcome in outcomes:
        for mismatch in outcome.mismatches:
            print(mismatch.line())
        failed += len(outcome.mismatches)
        state = "FAIL" if outcome.mismatches else "skip" if outcome.skipped else "ok"
        notes = "; ".join(outcome.notes)
        print(f"{state:4} {outcome.check}" + (f" ({notes})" if notes else ""))
    if failed:
        print(f"clearance: {name}: {failed} mismatch{'es' if failed > 1 else ''}", file=sys.stderr)
        return 1
    print(f"clearance: {name}: verified", file=sys.stderr)
    return 0


def _read(path: str, what: str) -> bytes:
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as e:
        raise ClearanceError(f"cannot read the {what}: {e.strerror}", path) from e


def _parse(data: bytes, name: str) -> dict[str, Any]:
    """A results document of version 1 (anything else cannot be verified: exit 2)."""
    doc = _json(data, name)
    if doc.get("version") != 1:
        raise ClearanceError(f"results document version {doc.get('version')!r} is not supported "
                             "(this clearance reads version 1)", name)
    return doc


def _json(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ClearanceError(f"not JSON: {e}", name) from e
    if not isinstance(value, dict):
        raise ClearanceError("not a JSON object", name)
    return value
