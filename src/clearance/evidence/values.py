"""Named evidence values for the `assert` check kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clearance.evidence.context import Evidence

VALUES: dict[str, Callable[[Evidence], Any]] = {
    "stage": lambda e: e.stage,
    "branch": lambda e: e.branch,
    "changed_files": lambda e: e.changed_files,
    "changes": lambda e: [{"status": c.status, "path": c.path} for c in e.changes],
    "deleted_files": lambda e: [c.path for c in e.changes if c.deleted],
    "commit_messages": lambda e: [m for _, m in e.commit_messages],
    "tracked_files": lambda e: e.tracked_files,
    "earlier_tags": lambda e: earlier_tags(e),
}


def earlier_tags(evidence: Evidence) -> list[str]:
    """The tags of commits before the one under evaluation, newest first: the releases a
    deployment of it can roll back to (a tag of the commit itself is not one)."""
    head = evidence.head or "HEAD"
    out = evidence.git.run("tag", "--merged", head, "--no-contains", head, "--sort=-creatordate")
    return out.decode("utf-8", "replace").split()
