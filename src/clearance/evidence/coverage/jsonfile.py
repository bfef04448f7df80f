"""JSON coverage reports: read whole (they are written in one piece anyway)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from clearance.errors import EvidenceError
from clearance.evidence.inputs import InputRecord, record_for

if TYPE_CHECKING:
    from clearance.evidence.context import Evidence

T = TypeVar("T")


def load_json(evidence: Evidence, path: str) -> tuple[Any, InputRecord]:
    """The parsed document and the record of the file read."""
    data = evidence.read_input(path)
    if not data.strip():
        raise EvidenceError("the file is empty", path,
                            hint="check that the step writing the report succeeded")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        raise EvidenceError("not valid JSON: not UTF-8 text", path) from e
    except json.JSONDecodeError as e:
        raise EvidenceError(f"not valid JSON: {e.msg}", path, e.lineno, e.colno) from e
    except RecursionError as e:
        raise EvidenceError("not valid JSON: nested too deeply", path) from e
    return doc, record_for(path, data, "file")


def shaped(path: str, kind: str, build: Callable[[], T]) -> T:
    """Run `build` over a parsed document; a wrong shape is an EvidenceError."""
    try:
        return build()
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
        detail = f"missing {e}" if isinstance(e, KeyError) else str(e)
        raise EvidenceError(f"not a {kind} report: {detail}", path) from e
