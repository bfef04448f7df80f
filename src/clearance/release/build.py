"""From a range and the places results are kept to the release record: the one pipeline.

    git history + results documents (+ the API)  ->  attribution  ->  changes  ->  record
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clearance.evidence.git import Git
from clearance.release.attribution import attribute, index_pr_docs
from clearance.release.documents import ResultsDoc, read_folders
from clearance.release.history import patch_ids, read_history
from clearance.release.notes import read_notes
from clearance.release.pulls import api_lookup
from clearance.release.record import Sources, build_record, group_changes


@dataclass(frozen=True)
class Request:
    """What the command line asked for."""

    range: str
    folders: tuple[str, ...]
    notes: bool
    stages: tuple[str, ...]
    repository: str | None


def build(git: Git, request: Request, env: Mapping[str, str]) -> dict[str, Any]:
    """The release record of `request.range`."""
    from clearance.run import run_time

    history = read_history(git, request.range)
    docs, skipped = read_folders(list(request.folders))
    if request.notes:
        docs += read_notes(git)
    docs = _unique(docs)
    repository = request.repository or env.get("GITHUB_REPOSITORY") or git.origin_repository()
    lookup = api_lookup(env, repository)
    patches = patch_ids(git, "--first-parent", f"{history.base}..{history.head}")
    came = attribute(history, index_pr_docs(git, docs), patches, lookup)
    sources = Sources(request.folders, request.notes, tuple(skipped), repository, lookup is not None)
    return build_record(history, group_changes(history, came), docs, request.stages, sources,
                        run_time(env))


def _unique(docs: list[ResultsDoc]) -> list[ResultsDoc]:
    """One entry per document (the same file kept in a folder and in a note counts once)."""
    seen: dict[str, ResultsDoc] = {}
    for doc in docs:
        seen.setdefault(doc.sha256, doc)
    return sorted(seen.values(), key=lambda d: (d.time, d.stage, d.sha256))
