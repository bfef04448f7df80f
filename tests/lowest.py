"""The lowest versions pyproject.toml allows, as pins: `make test-lowest` installs them.

    python tests/lowest.py          ->  ruamel.yaml==0.18 jsonschema==4.18 ... (for this Python)
    python tests/lowest.py --check  ->  fails unless this environment holds exactly those

Each runtime dependency's lower bound (`>=X`) becomes `==X`, for the Python that
will run them (markers evaluated for it); a dependency without a lower bound is an
error, since nothing would then say which version the code was tested against.
The smoke tests `make test-lowest` runs on these pins are the check that the bounds are
what the code needs (see the Makefile).
"""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def lowest(python: str) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    pins = []
    for text in project["dependencies"]:
        req = Requirement(text)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        bounds = [s.version for s in req.specifier if s.operator in (">=", "==", "~=")]
        if len(bounds) != 1:
            raise SystemExit(f"pyproject.toml: '{text}' has no single lower bound")
        pins.append(f"{req.name}=={bounds[0]}")
    return pins


def check(python: str) -> list[str]:
    """The pins this interpreter's environment does not hold (pip picked another version)."""
    from importlib.metadata import PackageNotFoundError, version

    wrong = []
    for pin in lowest(python):
        name, _, wanted = pin.partition("==")
        try:
            found = version(name)
        except PackageNotFoundError:
            found = "missing"
        if Version(found if found != "missing" else "0") != Version(wanted):
            wrong.append(f"{name} {found}, not {wanted}")
    return wrong


if __name__ == "__main__":
    this = ".".join(platform.python_version_tuple()[:2])
    if sys.argv[1:] == ["--check"]:
        wrong = check(this)
        if wrong:
            raise SystemExit("not the lowest versions: " + "; ".join(wrong))
        print(f"lowest versions installed: {' '.join(lowest(this))}")
    else:
        print(" ".join(lowest(this)))
