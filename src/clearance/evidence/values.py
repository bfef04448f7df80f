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
}
