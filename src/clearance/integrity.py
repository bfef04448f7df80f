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
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

METHOD = "sha256-canonical-json"

_OPTIONS: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False,
                            "allow_nan": False}
_ENCODE = json.JSONEncoder(**_OPTIONS).encode
SLICE = 256           # elements of a list (members of an object) the C encoder writes at once
FLUSH = 1 << 18       # characters hashed at once
DEPTH = 32            # levels walked here; deeper ones the encoder writes whole


def canonical(doc: Mapping[str, Any]) -> bytes:
    """The document without `integrity`, as the bytes its digest is taken over."""
    rest = {key: value for key, value in doc.items() if key != "integrity"}
    return json.dumps(rest, **_OPTIONS).encode("utf-8")


def digest(doc: Mapping[str, Any], *, slice_size: int = SLICE, flush: int = FLUSH,
           depth: int = DEPTH) -> str:
    """The integrity digest the document should carry: the SHA-256 of `canonical(doc)`,
    fed `flush` characters at a time (the sizes are the defaults but in tests)."""
    sha = hashlib.sha256()
    held: list[str] = []
    size = 0
    for piece in pieces(doc, slice_size=slice_size, depth=depth):
        held.append(piece)
        size += len(piece)
        if size >= flush:
            sha.update("".join(held).encode("utf-8"))
            held.clear()
            size = 0
    sha.update("".join(held).encode("utf-8"))
    return sha.hexdigest()


def pieces(doc: Mapping[str, Any], *, slice_size: int = SLICE, depth: int = DEPTH) -> Iterator[str]:
    """`canonical(doc)`'s text in pieces (it raises what `canonical` raises, possibly after
    some pieces; a lone surrogate only when the pieces are encoded, as `digest` does): long
    lists and objects `slice_size` elements at a time, `depth` levels walked."""
    rest = {key: value for key, value in doc.items() if key != "integrity"}
    return _Walk(slice_size, depth).pieces(rest, set(), 0)


class _Walk:
    """The walk of `pieces` at the sizes it was given."""

    def __init__(self, slice_size: int, depth: int) -> None:
        self.slice_size = slice_size
        self.depth = depth

    def pieces(self, value: Any, path: set[int], depth: int) -> Iterator[str]:
        """Plain dicts with string keys and plain lists or tuples are walked here; anything
        else (scalars, subclasses, other keys) is left to the encoder whole, as `json.dumps`
        would write it, errors included."""
        kind = type(value) if depth < self.depth else None
        if kind is dict and all(type(key) is str for key in value):
            yield from self._container(value, sorted(value.items()), "{}", path, depth)
        elif kind is list or kind is tuple:
            yield from self._container(value, value, "[]", path, depth)
        else:
            yield _ENCODE(value)

    def _container(self, value: Any, items: Sequence[Any], brackets: str, path: set[int],
                   depth: int) -> Iterator[str]:
        """A dict's sorted (key, member) items, or a list's elements: a long container a
        slice at a time, a short one that holds containers an element at a time, any other
        whole."""
        keyed = brackets == "{}"
        members = [member for _, member in items] if keyed else items
        if len(items) <= self.slice_size and not any(type(m) in (dict, list, tuple) for m in members):
            yield _ENCODE(value)
            return
        mark = id(value)
        if mark in path:
            raise ValueError("Circular reference detected")
        path.add(mark)
        yield brackets[0]
        if len(items) > self.slice_size:
            for start in range(0, len(items), self.slice_size):
                part = items[start:start + self.slice_size]
                yield ("," if start else "") + _ENCODE(dict(part) if keyed else list(part))[1:-1]
        else:
            for index, item in enumerate(items):
                key, member = item if keyed else (None, item)
                yield ("," if index else "") + (f"{_ENCODE(key)}:" if keyed else "")
                yield from self.pieces(member, path, depth + 1)
        yield brackets[1]
        path.discard(mark)


def sealed(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    """The document with its integrity digest as the last key: a document of schema
    version 1.1 or later that has none yet (one `build_document` made); any other as it is,
    so that a saved document is written back byte for byte and an old one stays old."""
    if "integrity" in doc or "schema_version" not in doc:
        return doc
    return {**doc, "integrity": {"method": METHOD, "sha256": digest(doc)}}
