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

`canonical` defines the form; `digest` hashes the same bytes as they come, in
pieces of a quarter of a megabyte, never holding the whole text (a monorepo's
document is 22 MB): large lists and objects are encoded a slice at a time by
the C encoder, and the pieces joined are `canonical`'s text exactly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from typing import Any

METHOD = "sha256-canonical-json"

_OPTIONS: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False,
                            "allow_nan": False}
_ENCODE = json.JSONEncoder(**_OPTIONS).encode
_SLICE = 256          # elements of a list (members of an object) the C encoder writes at once
_FLUSH = 1 << 18      # characters hashed at once
_DEPTH = 32           # levels walked here; deeper ones the encoder writes whole


def canonical(doc: Mapping[str, Any]) -> bytes:
    """The document without `integrity`, as the bytes its digest is taken over."""
    rest = {key: value for key, value in doc.items() if key != "integrity"}
    return json.dumps(rest, **_OPTIONS).encode("utf-8")


def digest(doc: Mapping[str, Any]) -> str:
    """The integrity digest the document should carry: the SHA-256 of `canonical(doc)`,
    fed piece by piece."""
    sha = hashlib.sha256()
    held: list[str] = []
    size = 0
    for piece in pieces(doc):
        held.append(piece)
        size += len(piece)
        if size >= _FLUSH:
            sha.update("".join(held).encode("utf-8"))
            held.clear()
            size = 0
    sha.update("".join(held).encode("utf-8"))
    return sha.hexdigest()


def pieces(doc: Mapping[str, Any]) -> Iterator[str]:
    """`canonical(doc)`'s text in pieces (it raises what `canonical` raises, possibly after
    some pieces; a lone surrogate only when the pieces are encoded, as `digest` does)."""
    rest = {key: value for key, value in doc.items() if key != "integrity"}
    return _pieces(rest, set(), 0)


def _pieces(value: Any, path: set[int], depth: int) -> Iterator[str]:
    """Plain dicts with string keys and plain lists or tuples are walked here, a slice of a
    long one or each element of a short one that holds containers at a time; anything else
    (scalars, subclasses, other keys) is left to the encoder whole, as `json.dumps` would
    write it, errors included."""
    kind = type(value) if depth < _DEPTH else None
    if kind is dict:
        if not value or not all(type(key) is str for key in value):
            yield _ENCODE(value)
            return
        if len(value) <= _SLICE and not any(type(member) in (dict, list, tuple)
                                            for member in value.values()):
            yield _ENCODE(value)
            return
        items = sorted(value.items())
        mark = id(value)
        if mark in path:
            raise ValueError("Circular reference detected")
        path.add(mark)
        yield "{"
        if len(items) > _SLICE:
            for start in range(0, len(items), _SLICE):
                if start:
                    yield ","
                yield _ENCODE(dict(items[start:start + _SLICE]))[1:-1]
        else:
            for index, (key, member) in enumerate(items):
                yield f"{',' if index else ''}{_ENCODE(key)}:"
                yield from _pieces(member, path, depth + 1)
        yield "}"
        path.discard(mark)
    elif kind is list or kind is tuple:
        if len(value) <= _SLICE and not any(type(item) in (dict, list, tuple) for item in value):
            yield _ENCODE(value)
            return
        mark = id(value)
        if mark in path:
            raise ValueError("Circular reference detected")
        path.add(mark)
        yield "["
        if len(value) > _SLICE:
            for start in range(0, len(value), _SLICE):
                if start:
                    yield ","
                yield _ENCODE(list(value[start:start + _SLICE]))[1:-1]
        else:
            for index, item in enumerate(value):
                if index:
                    yield ","
                yield from _pieces(item, path, depth + 1)
        yield "]"
        path.discard(mark)
    else:
        yield _ENCODE(value)


def sealed(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document with its integrity digest as the last key: a document of schema
    version 1.1 or later that has none yet (one `build_document` made); any other as it is,
    so that a saved document is written back byte for byte and an old one stays old."""
    if "integrity" in doc or "schema_version" not in doc:
        return doc
    return {**doc, "integrity": {"method": METHOD, "sha256": digest(doc)}}
