"""`intoto`: an in-toto Statement v1 about the run, to be signed (docs/attestation-signing.md).

Its subjects are the commit evaluated (digest `gitCommit`) and the results
document as the `json` format writes it (digest `sha256`: the sha256sum of
`results.json`); its predicate is that results document itself, of type
`https://clearance.dev/results/v1`. GitHub's `actions/attest` builds its own
statement from a subject file and a predicate file: there the results file is
both. `clearance sign` wraps this statement in a DSSE envelope signed with a
local key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from clearance.integrity import sealed
from clearance.reporters import json_report

FILE_NAME: str | None = "statement.intoto.json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://clearance.dev/results/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"  # the DSSE payload type of a statement
_COMMIT = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")


def statement(doc: Mapping[str, Any]) -> dict[str, Any]:
    """The statement: the commit and the results document as subjects, the document as
    predicate."""
    document = sealed(doc)
    results = json_report.render(document, {}).encode("utf-8")
    subjects = [{"name": json_report.FILE_NAME or "results.json",
                 "digest": {"sha256": hashlib.sha256(results).hexdigest()}}]
    commit = document["run"].get("commit")
    if isinstance(commit, str) and _COMMIT.fullmatch(commit):
        name = document["run"].get("repository") or "commit"
        subjects.insert(0, {"name": name, "digest": {"gitCommit": commit}})
    return {"_type": STATEMENT_TYPE, "subject": subjects, "predicateType": PREDICATE_TYPE,
            "predicate": dict(document)}


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """The statement as one line of JSON (a `.intoto.jsonl` line)."""
    return json.dumps(statement(doc), ensure_ascii=False, separators=(",", ":")) + "\n"
