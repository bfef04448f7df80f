"""`json`: the results document itself, the input of `clearance report`.

Laid out for reading and diffing at the speed of the C encoder: one top-level
key per line, and one element per line in the `inputs` and `rules` lists,
each written compactly (pretty-printing the whole document with `indent`
takes the pure-Python encoder, five times slower on large runs).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from clearance.integrity import sealed


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

FILE_NAME: str | None = "results.json"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """The document, with its integrity digest added when a run has just built it."""
    return "".join(chunks(doc, options))


def chunks(doc: Mapping[str, Any], options: Mapping[str, Any]) -> Iterator[str]:
    """`render`'s text in pieces, one top-level key or one element of a list a piece: a file
    is written from them as they come, never holding the whole text (a monorepo's is 22 MB)."""
    between = ""
    yield "{\n"
    for key, value in sealed(doc).items():
        if isinstance(value, list) and value:
            yield f"{between}  {_compact(key)}: [\n    {_compact(value[0])}"
            for item in value[1:]:
                yield f",\n    {_compact(item)}"
            yield "\n  ]"
        else:
            yield f"{between}  {_compact(key)}: {_compact(value)}"
        between = ",\n"
    yield "\n}\n"
