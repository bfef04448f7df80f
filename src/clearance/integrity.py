"""The integrity digest of a results document (`integrity`, from schema version 1.1).

`integrity.sha256` is the SHA-256 of the document without its `integrity`
key in canonical form: JSON with keys sorted, no whitespace (`,` and `:`
separators), strings as UTF-8 rather than `\\u` escapes, numbers as Python's
`json` writes them (integers as digits, other numbers by `repr`). It shows
that the document is the one clearance wrote, whatever a tool did to its
layout since (re-indenting changes the file's sha256, not this digest), and
that no key was edited without recomputing the digest. Anyone can recompute
it: it proves nothing against a deliberate forgery. That is what a signature
is for (docs/attestation-signing.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

METHOD = "sha256-canonical-json"


def canonical(doc: Mapping[str, Any]) -> bytes:
    """The document without `integrity`, as the bytes its digest is taken over."""
    rest = {key: value for key, value in doc.items() if key != "integrity"}
    return json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def digest(doc: Mapping[str, Any]) -> str:
    """The integrity digest the document should carry."""
    return hashlib.sha256(canonical(doc)).hexdigest()


def sealed(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document with its integrity digest as the last key: a document of schema
    version 1.1 or later that has none yet (one `build_document` made); any other as it is,
    so that a saved document is written back byte for byte and an old one stays old."""
    if "integrity" in doc or "schema_version" not in doc:
        return doc
    return {**doc, "integrity": {"method": METHOD, "sha256": digest(doc)}}
