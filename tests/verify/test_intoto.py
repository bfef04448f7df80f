"""`--format intoto`: the statement obeys the in-toto Statement v1 field rules (spec/v1/statement.md,
resource_descriptor.md, digest_set.md of in-toto/attestation), checked here from the spec's text."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from helpers import Run

CLI = Callable[..., Run]
STATEMENT_FIELDS = {"_type", "subject", "predicateType", "predicate"}
DESCRIPTOR_FIELDS = {"name", "uri", "digest", "content", "downloadLocation", "mediaType", "annotations"}
HEX = {"sha256": 64, "sha512": 128, "sha1": 40, "gitCommit": (40, 64)}


def _type_uri(value: Any) -> bool:
    parts = urlparse(value) if isinstance(value, str) else None
    return bool(parts and parts.scheme and (parts.netloc or parts.path))


def spec_violations(statement: Any) -> list[str]:
    """What breaks the Statement v1 field rules."""
    found = []
    if not isinstance(statement, dict):
        return ["the statement is not a JSON object"]
    if statement.get("_type") != "https://in-toto.io/Statement/v1":
        found.append("_type is not https://in-toto.io/Statement/v1")
    found += [f"unknown field {k}" for k in set(statement) - STATEMENT_FIELDS]
    if not _type_uri(statement.get("predicateType")):
        found.append("predicateType is not a TypeURI")
    if "predicate" in statement and not isinstance(statement["predicate"], dict):
        found.append("predicate is not an object")
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects:
        return [*found, "subject is not a non-empty array"]
    for i, subject in enumerate(subjects):
        found += [f"subject[{i}]: {v}" for v in _descriptor_violations(subject)]
    names = [s.get("name") for s in subjects if isinstance(s, dict) and "name" in s]
    if len(names) != len(set(names)):
        found.append("subject names are not unique")
    return found


def _descriptor_violations(subject: Any) -> list[str]:
    if not isinstance(subject, dict):
        return ["not an object"]
    found = [f"unknown field {k}" for k in set(subject) - DESCRIPTOR_FIELDS]
    digest = subject.get("digest")
    if not isinstance(digest, dict) or not digest:
        return [*found, "digest is not set (each subject MUST have one)"]
    if "name" in subject and not isinstance(subject["name"], str):
        found.append("name is not a string")
    for algorithm, value in digest.items():
        lengths = HEX.get(algorithm)
        if not isinstance(value, str) or not re.fullmatch(r"[0-9a-f]+", value):
            found.append(f"digest {algorithm} is not lower-case hex")
        elif lengths and len(value) not in (lengths if isinstance(lengths, tuple) else (lengths,)):
            found.append(f"digest {algorithm} has {len(value)} hex digits")
    return found


def test_the_rules_refuse_what_the_spec_refuses() -> None:
    good = {"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://example.com/p/v1",
            "subject": [{"name": "a", "digest": {"sha256": "a" * 64}}], "predicate": {}}
    assert spec_violations(good) == []
    assert spec_violations({**good, "_type": "https://in-toto.io/Statement/v0.1"})
    assert spec_violations({**good, "subject": []})
    assert spec_violations({**good, "subject": [{"name": "a"}]})
    assert spec_violations({**good, "subject": [{"name": "a", "digest": {"sha256": "A" * 64}}]})
    assert spec_violations({**good, "predicateType": "results"})
    assert spec_violations({**good, "predicate": [1]})


def test_the_statement_follows_the_spec_and_names_the_commit_and_the_document(
        made: Any, cli: CLI, tmp_path: Path) -> None:
    statement_file = tmp_path / "statement.intoto.json"
    run = cli("report", made.path, "-f", f"intoto={statement_file}")
    assert run.code == 0, run.err
    text = statement_file.read_text("utf-8")
    assert text.count("\n") == 1  # one line: a .intoto.jsonl line
    statement = json.loads(text)
    assert spec_violations(statement) == []
    commit = made.repo.git("rev-parse", "HEAD").strip()
    assert statement["subject"] == [
        {"name": made.doc["run"]["repository"], "digest": {"gitCommit": commit}},
        {"name": "results.json", "digest": {"sha256": hashlib.sha256(made.path.read_bytes()).hexdigest()}},
    ]
    assert statement["predicateType"] == "https://clearance.dev/results/v1"
    assert statement["predicate"] == made.doc


def test_check_writes_the_same_statement_as_report(made: Any, cli: CLI, tmp_path: Path) -> None:
    """The statement from the run itself names the results file that run wrote."""
    base = made.doc["run"]["base"]
    results, statement = tmp_path / "again.json", tmp_path / "again.intoto.json"
    cli("check", "--repo", made.repo.path, "--stage", "pr", "--base", base, "-f", f"json={results}",
        "-f", f"intoto={statement}")
    digests = [s["digest"] for s in json.loads(statement.read_text("utf-8"))["subject"]]
    assert {"sha256": hashlib.sha256(results.read_bytes()).hexdigest()} in digests
