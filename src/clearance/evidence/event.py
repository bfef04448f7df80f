"""The GitHub event payload (`--event FILE` or `$GITHUB_EVENT_PATH`).

The payload holds untrusted text (the PR title and body, branch names). It is
read within a size limit and never whole beyond it; bytes that are not valid
UTF-8 are decoded with `errors="replace"` (each becomes U+FFFD), so a broken
payload is still read rather than refused. Strings taken out of it should go
through `text()`, which also replaces lone surrogates that JSON escapes such
as `"\\ud800"` produce and that no output encoding accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance.errors import EvidenceError
from clearance.evidence.inputs import InputRecord, record_for
from clearance.pathmatch import shown_path

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

MAX_EVENT_BYTES = 25 << 20


def event_payload(evidence: Evidence) -> tuple[dict[str, Any], InputRecord]:
    """The run's event payload (`RunSpec.event_file`) and its record, read once per run."""
    path = evidence.spec.event_file
    if path is None:
        raise EvidenceError("no event payload", hint="pass --event FILE or set GITHUB_EVENT_PATH")

    def compute() -> tuple[dict[str, Any], InputRecord]:
        payload, raw = load_event(Path(path))
        return payload, record_for(shown_path(path, evidence.spec.root), raw, "file")

    return evidence.memo("event", compute)


def read_event(path: Path) -> dict[str, Any]:
    """The payload as a mapping; an `EvidenceError` naming the file otherwise."""
    return load_event(path)[0]


def load_event(path: Path) -> tuple[dict[str, Any], bytes]:
    """The payload and the bytes it was parsed from (for the evidence record)."""
    raw = _read_limited(path)
    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError) as e:  # JSONDecodeError, or an int too long to convert
        line = getattr(e, "lineno", None)
        raise EvidenceError(f"event payload is not JSON: {getattr(e, 'msg', e)}", str(path), line) from e
    if not isinstance(data, dict):
        raise EvidenceError("event payload is not a JSON object", str(path))
    return data, raw


def pull_request_refs(path: Path) -> dict[str, str]:
    """The base and head shas and the head branch of a `pull_request` event, for the run
    to take when the command line does not name them; nothing when the payload is
    unreadable or not of a pull request (the rules that read it say why)."""
    try:
        event = read_event(path)
    except EvidenceError:
        return {}
    pr = event.get("pull_request")
    if not isinstance(pr, dict):
        return {}
    refs: dict[str, str] = {}
    for side in ("base", "head"):
        part = pr.get(side)
        if isinstance(part, dict) and isinstance(part.get("sha"), str):
            refs[side] = part["sha"]
    head = pr.get("head")
    if isinstance(head, dict) and isinstance(head.get("ref"), str):
        refs["branch"] = head["ref"]
    return refs


def _read_limited(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_EVENT_BYTES + 1)
    except OSError as e:
        raise EvidenceError(f"cannot read the event payload: {e.strerror}", str(path)) from e
    if len(raw) > MAX_EVENT_BYTES:
        raise EvidenceError(f"event payload over {MAX_EVENT_BYTES} bytes; not read", str(path))
    return raw


def text(value: Any) -> str | None:
    """A string field of the payload made safe to print, or None when it is not a string."""
    if not isinstance(value, str):
        return None
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
