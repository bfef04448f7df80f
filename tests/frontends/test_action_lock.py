"""requirements/action.lock: what the GitHub Action installs, with hashes (docs/github-action.md).

The lock holds exactly the runtime dependencies of pyproject.toml and what they need,
each pinned inside its range for every Python the action supports, plus the build
backend that builds clearance from the action's checkout; action.yml installs from
it with `--require-hashes` and keys its cache on it. `make lock` refreshes it.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version
from ruamel.yaml import YAML

from frontends.support import ROOT, clean_env, parse_github_output, run

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

LOCK = ROOT / "requirements" / "action.lock"
PYTHONS = ("3.10", "3.11", "3.12", "3.13", "3.14")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text("utf-8"))


class Pin:
    def __init__(self, line: str) -> None:
        requirement, _, self.marker = line.partition(";")
        name, _, version = requirement.partition("==")
        self.name, self.version = canonicalize_name(name.strip()), Version(version.strip())
        self.marker = self.marker.strip()

    def applies(self, python: str) -> bool:
        env = {"python_version": python, "python_full_version": f"{python}.0"}
        return not self.marker or Marker(self.marker).evaluate(env)


def pins() -> list[Pin]:
    text = LOCK.read_text("utf-8").replace("\\\n", " ")
    return [Pin(line.partition(" --hash")[0]) for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def test_every_entry_pins_one_version_with_sha256_hashes() -> None:
    text = LOCK.read_text("utf-8").replace("\\\n", " ")
    for line in (line for line in text.splitlines() if line.strip() and not line.startswith("#")):
        requirement, *hashes = line.split(" --hash=")
        assert "==" in requirement, line
        assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h.strip()) for h in hashes), line


@pytest.mark.parametrize("python", PYTHONS)
def test_each_runtime_dependency_is_pinned_once_inside_its_range(python: str) -> None:
    locked: dict[str, list[Version]] = {}
    for pin in pins():
        if pin.applies(python):
            locked.setdefault(pin.name, []).append(pin.version)
    env = {"python_version": python, "python_full_version": f"{python}.0"}
    for text in PYPROJECT["project"]["dependencies"]:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        if req.marker is not None and not req.marker.evaluate(env):
            continue
        assert len(locked.get(name, [])) == 1, (name, python)
        assert req.specifier.contains(locked[name][0], prereleases=True), (text, locked[name])
    assert all(len(versions) == 1 for versions in locked.values()), locked


def test_the_lock_holds_the_runtime_dependencies_and_the_build_backend_only() -> None:
    """Every name is a runtime dependency, one of theirs (as the installed ones declare),
    or pyproject's build backend; none is a test tool."""
    wanted = {canonicalize_name(Requirement(t).name) for t in PYPROJECT["project"]["dependencies"]}
    closure, todo = set(), list(wanted)
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # a dependency of another Python only (tomli)
            continue
        todo += [canonicalize_name(Requirement(r).name) for r in requires
                 if "extra ==" not in r.replace('"', "'").replace("extra==", "extra ==")]
    build = {canonicalize_name(Requirement(t).name) for t in PYPROJECT["build-system"]["requires"]}
    locked = {pin.name for pin in pins()}
    assert wanted <= locked
    assert locked - build <= closure, locked - build - closure
    assert build <= locked


def test_the_build_input_is_pyprojects_build_system() -> None:
    lines = (ROOT / "requirements" / "action-build.in").read_text("utf-8").splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == \
        PYPROJECT["build-system"]["requires"]


def _step(step_id: str) -> dict[str, str]:
    found: dict[str, str] = next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)
    return found


def test_action_installs_from_the_lock_with_hashes_and_wheels_only() -> None:
    script = _step("install")["run"]
    assert '--require-hashes --only-binary :all: -r "$CLEARANCE_SOURCE/requirements/action.lock"' in script
    assert "--no-deps --no-build-isolation --no-index" in script
    assert script.count(" install ") == 2
    uses = [s["uses"] for s in ACTION["runs"]["steps"] if "uses" in s]
    assert [u.split("@")[0] for u in uses] == ["actions/setup-python", "actions/cache/restore",
                                               "actions/cache/save"]


def test_cache_key_follows_runner_python_and_lock(tmp_path: Path) -> None:
    step = _step("cache-key")
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    output = tmp_path / "output"
    env = clean_env(CLEARANCE_PYTHON=sys.executable, CLEARANCE_LOCK=str(LOCK), RUNNER_OS="Linux",
                    GITHUB_OUTPUT=str(output))
    proc = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    key = parse_github_output(output.read_text("utf-8"))["key"]
    python = ".".join(map(str, sys.version_info[:3]))
    assert re.fullmatch(rf"clearance-wheels-Linux-\w+-{re.escape(python)}-[0-9a-f]{{16}}", key), key
    for name in ("restore", None):
        cached = next(s for s in ACTION["runs"]["steps"]
                      if s.get("uses", "").startswith("actions/cache/") and s.get("id") == name)
        assert cached["with"]["key"] == "${{ steps.cache-key.outputs.key }}"
        assert cached["with"]["path"] == "${{ runner.temp }}/clearance-pip-cache"
