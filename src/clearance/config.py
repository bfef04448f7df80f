"""Find the repository root and the policy in force.

Order: `--policy` arguments; else `clearance.yaml` at the repository root;
else `[tool.clearance]` in `pyproject.toml`; else the built-in pack.
"""

from __future__ import annotations

import sys
from pathlib import Path

from clearance.errors import PolicyError, UsageError
from clearance.policy.loader import Document

DEFAULT_PACK = "builtin:spec-driven"
CONFIG_NAMES = ("clearance.yaml", ".clearance.yaml")

Source = str | Document


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
        doc = _pyproject(pyproject)
        if doc is not None:
            return [doc]
    return [DEFAULT_PACK]


def _pyproject(path: Path) -> Document | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]
    import hashlib

    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise PolicyError(f"pyproject.toml cannot be read: {e}", "pyproject.toml") from e
    section = data.get("tool", {}).get("clearance")
    if section is None:
        return None
    line = next((n for n, text in enumerate(raw.decode().splitlines(), 1)
                 if text.strip().startswith("[tool.clearance")), 1)
    return Document("pyproject.toml", section, {(): (line, 1)},
                    hashlib.sha256(raw).hexdigest(), path.parent, path)
