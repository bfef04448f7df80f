"""Find the repository root and the policy in force.

Order: `--policy` arguments; else `clearance.yaml` at the repository root;
else `[tool.clearance]` in `pyproject.toml`; else the built-in pack.
"""

from __future__ import annotations

from pathlib import Path

from clearance.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TypeAlias

    from clearance.policy.loader import Document

DEFAULT_PACK = "builtin:spec-driven"
CONFIG_NAMES = ("clearance.yaml", ".clearance.yaml")

Source: TypeAlias = "str | Document"


def find_root(start: Path) -> Path:
    """The top of the git work tree holding `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    raise UsageError(f"not inside a git repository: {start}",
                     hint="run clearance from a git work tree, or pass --repo")


def policy_sources(root: Path, given: list[str]) -> list[Source]:
    """What to load, in order."""
    if given:
        return list(given)
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return [str(root / name)]
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        from clearance.policy.loader import pyproject_document

        doc = pyproject_document(pyproject)
        if doc is not None:
            return [doc]
    return [DEFAULT_PACK]
