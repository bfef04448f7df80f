"""Results documents kept as git notes on their commits, under `refs/notes/clearance`.

`clearance check --record` appends the run's results document to the note of the
commit it evaluated (`git notes --ref clearance append`): several stages run on
the same commit (staging, then production), and each keeps its own document. This
is the one place where clearance writes to a repository, and only to that ref.
`clearance release --notes` reads every note back, document by document.
"""

from __future__ import annotations

from typing import Any

from clearance.errors import ClearanceError, UsageError
from clearance.evidence.git import Git
from clearance.policy.model import COMMIT_STAGES
from clearance.release.documents import ResultsDoc, document, split_note

REF = "clearance"
FULL_REF = "refs/notes/clearance"
IDENTITY_HINT = ("git notes makes a commit on refs/notes/clearance: set user.name and "
                 "user.email (git config) in this job")


def record_results(git: Git, doc: dict[str, Any]) -> None:
    """Keep a run's results document (as `--format json` writes it) on its commit."""
    from clearance.reporters import render

    run = doc["run"]
    if run["stage"] in COMMIT_STAGES:
        raise UsageError(f"--record: a {run['stage']}-stage run evaluates a commit not made yet",
                         hint="record the runs of push, pr, merge, staging and production")
    record(git, render("json", doc, {}), run["commit"])


def record(git: Git, text: str, commit: str | None) -> None:
    """Append one results document (as clearance writes JSON) to the commit's note."""
    if not commit:
        raise UsageError("--record: the run names no commit to note its results on")
    code, _ = git.call("notes", "--ref", REF, "append", "-F", "-", commit,
                       stdin=text.encode("utf-8"), ok=range(256))
    if code != 0:
        raise ClearanceError(f"--record: git notes could not add the results to {commit}",
                             hint=IDENTITY_HINT)


def read_notes(git: Git) -> list[ResultsDoc]:
    """Every results document held in `refs/notes/clearance`, oldest note object first."""
    pairs = [line.split() for line in git.run("notes", "--ref", REF, "list").decode().splitlines()]
    blobs = git.read_objects(p[0] for p in pairs if len(p) == 2)
    docs = []
    for blob, commit in (p for p in pairs if len(p) == 2):
        data = blobs.get(blob) or b""
        for text in split_note(data.decode("utf-8", "surrogateescape")):
            found = document(text.encode("utf-8", "surrogateescape"), f"notes:{commit}")
            if found is not None:
                docs.append(found)
    return docs
