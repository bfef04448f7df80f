"""Output formats, one module each; every one renders the results document alone."""

from __future__ import annotations

import importlib
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

REPORTERS: dict[str, str] = {
    "text": "clearance.reporters.text",
    "json": "clearance.reporters.json_report",
    "sarif": "clearance.reporters.sarif",
    "junit": "clearance.reporters.junit",
    "github": "clearance.reporters.github",
    "markdown": "clearance.reporters.markdown",
    "html": "clearance.reporters.html",
}


def render(name: str, doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """The document in one format."""
    module = importlib.import_module(REPORTERS[name])
    text: str = module.render(doc, options)
    return text
