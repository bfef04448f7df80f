"""Find the repository root and the policy in force.

Order: `--policy` arguments; else `clearance.yaml` at the repository root;
else `[tool.clearance]` in `pyproject.toml`; else the built-in pack.
"""

from __future__ import annotations

import os

from clearance.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeAlias

    from clearance.policy.loader import Document

DEFAULT_PACK = "builtin:spec-driven"
CONFIG_NAMES = ("clearance.yaml", ".clearance.yaml")

Source: TypeAlias = "str | Document"


def find_root(start: str | os.PathLike[str]) -> str:
    """The top of the git work tree holding `start`, as an absolute path with links resolved.

    Strings and `os.path` rather than pathlib here: this runs in every commit hook.
    """
    folder = os.path.realpath(start)
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            raise UsageError(f"not inside a git repository: {os.path.realpath(start)}",
                             hint="run clearance from a git work tree, or pass --repo")
        folder = parent
    return folder


def policy_sources(root: str | os.PathLike[str], given: list[str]) -> list[Source]:
    """What to load, in order."""
    if given:
        return list(given)
    for name in CONFIG_NAMES:
        if os.path.isfile(os.path.join(root, name)):
            return [os.path.join(root, name)]
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject):
        from pathlib import Path

        from clearance.policy.loader import pyproject_document

        doc = pyproject_document(Path(pyproject))
        if doc is not None:
            return [doc]
    return [DEFAULT_PACK]
