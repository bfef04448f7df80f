"""Output formats, one module each; every one renders the results document alone.

The contract of a format's module is `reporters/contract.py`'s `Reporter`
protocol, which mypy checks on every member of `REPORTERS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from clearance.reporters.contract import Reporter

REPORTERS: dict[str, str] = {
    "text": "clearance.reporters.text",
    "json": "clearance.reporters.json_report",
    "sarif": "clearance.reporters.sarif",
    "junit": "clearance.reporters.junit",
    "github": "clearance.reporters.github",
    "markdown": "clearance.reporters.markdown",
    "html": "clearance.reporters.html",
    "intoto": "clearance.reporters.intoto",
}


def policy_file(doc: Mapping[str, Any]) -> str | None:
    """The repository's own policy file, the last one applied: where a rule of a built-in
    pack is pointed at, and where a waiver goes."""
    own = [f["path"] for f in doc["policy"]["files"] if in_repository(f["path"])]
    return own[-1] if own else None


def in_repository(path: str) -> bool:
    """A repository-relative path (not `builtin:`, not absolute, no `..`)."""
    from clearance.pathmatch import leaves_root

    return not (path.startswith("builtin:") or leaves_root(path))


def load(name: str) -> Reporter:
    """The module of a format named in `REPORTERS`."""
    module: Reporter = importlib.import_module(REPORTERS[name])
    return module


def render(name: str, doc: Mapping[str, Any], options: Mapping[str, Any]) -> str:
    """The document in one format."""
    return load(name).render(doc, options)


def file_names() -> dict[str, str]:
    """The file each format is written to where a front end picks the name (the Action's
    output folder); formats that belong in a log have none."""
    names = {name: load(name).FILE_NAME for name in REPORTERS}
    return {name: file for name, file in names.items() if file}
