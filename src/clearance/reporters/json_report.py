"""`json`: the results document itself, the input of `clearance report`.

Laid out for reading and diffing at the speed of the C encoder: one top-level
key per line, and one element per line in the `inputs` and `rules` lists,
each written compactly (pretty-printing the whole document with `indent`
takes the pure-Python encoder, five times slower on large runs).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from clearance.integrity import sealed


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

FILE_NAME: str | None = "results.json"


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """The document, with its integrity digest added when a run has just built it."""
    lines = []
    for key, value in sealed(doc).items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_compact(item)}" for item in value)
            lines.append(f"  {_compact(key)}: [\n{items}\n  ]")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
