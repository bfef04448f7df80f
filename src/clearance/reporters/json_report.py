"""`json`: the results document itself, the input of `clearance report`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render(doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
