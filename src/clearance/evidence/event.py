"""The GitHub event payload (`--event FILE` or `$GITHUB_EVENT_PATH`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clearance.errors import EvidenceError

MAX_EVENT_BYTES = 25 << 20


def read_event(path: Path) -> dict[str, Any]:
    """The payload as a mapping; an `EvidenceError` naming the file otherwise."""
    try:
        raw = path.read_bytes()[: MAX_EVENT_BYTES + 1]
    except OSError as e:
        raise EvidenceError(f"cannot read the event payload: {e.strerror}", str(path)) from e
    if len(raw) > MAX_EVENT_BYTES:
        raise EvidenceError(f"event payload over {MAX_EVENT_BYTES} bytes", str(path))
    try:
        data = json.loads(raw.decode("utf-8", "replace"))
    except (json.JSONDecodeError, RecursionError) as e:
        line = getattr(e, "lineno", None)
        raise EvidenceError(f"event payload is not JSON: {getattr(e, 'msg', e)}", str(path), line) from e
    if not isinstance(data, dict):
        raise EvidenceError("event payload is not a JSON object", str(path))
    return data
