"""The built-in packs: where their files are, by name (`builtin:NAME`)."""

from __future__ import annotations

from pathlib import Path

from clearance import PACKAGE_DIR

BUILTIN = "builtin:"


def builtin_path(name: str) -> Path:
    """The policy file of a built-in pack."""
    return PACKAGE_DIR / "policies" / name / "policy.yaml"


def builtin_names() -> list[str]:
    folder = PACKAGE_DIR / "policies"
    return sorted(p.parent.name for p in folder.glob("*/policy.yaml"))
