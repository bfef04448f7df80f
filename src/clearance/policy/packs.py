"""The built-in packs: where their files are, by name (`builtin:NAME`)."""

from __future__ import annotations

import os

from clearance import PACKAGE_DIR

BUILTIN = "builtin:"


def builtin_path(name: str) -> str:
    """The policy file of a built-in pack."""
    return os.path.join(PACKAGE_DIR, "policies", name, "policy.yaml")


def builtin_names() -> list[str]:
    folder = os.path.join(PACKAGE_DIR, "policies")
    return sorted(name for name in os.listdir(folder)
                  if os.path.isfile(os.path.join(folder, name, "policy.yaml")))
