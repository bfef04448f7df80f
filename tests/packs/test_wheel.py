"""The built-in packs ship inside the wheel: after a plain (non-editable) install into a
fresh virtual environment, `clearance list` loads them by name and `clearance test` runs
their cases. Slow (pip builds the wheel and installs the dependencies): one test."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKS = ROOT / "src" / "clearance" / "policies"


def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True,
                          text=True, encoding="utf-8", check=False)


def test_the_packs_ship_in_the_wheel_and_load_after_a_plain_install(tmp_path: Path) -> None:
    built = run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q",
                "--disable-pip-version-check", "-w", tmp_path / "dist")
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("clearance-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    wanted = {"clearance/" + p.relative_to(PACKS.parent).as_posix() for p in PACKS.rglob("*") if p.is_file()}
    assert wanted - shipped == set(), "package-data does not ship these pack files"
    # what a gate's cold start reads instead of YAML and jsonschema (#21)
    assert {"clearance/policy/fastschemas.py", "clearance/policies/spec-driven/policy.prebuilt.json",
            "clearance/policies/spec-driven-fullstack/policy.prebuilt.json"} <= shipped

    venv = tmp_path / "venv"
    assert run(sys.executable, "-m", "venv", venv).returncode == 0
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    installed = run(bin_dir / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel)
    assert installed.returncode == 0, installed.stderr
    where = run(bin_dir / "python", "-c", "import clearance; print(clearance.__file__)").stdout
    assert Path(where.strip()).is_relative_to(venv)

    repo = tmp_path / "repo"
    repo.mkdir()
    run("git", "init", "-q", cwd=repo)
    listed = run(bin_dir / "clearance", "list", "--policy", "builtin:spec-driven", "--stage", "pr", cwd=repo)
    assert listed.returncode == 0, listed.stderr
    assert ("testing.unit-coverage  (coverage.min; error; pr)  [Step 1: Pre-Deployment Validation "
            "› Testing › All unit tests passing (90%+ coverage)]") in listed.stdout
    assert "pr.spec-link  (pr.links; error; pr)  [Step 2: Pull Request Creation › PR Description " \
           "› Link to feature specification]" in listed.stdout
    from clearance.policy.loader import load_policy  # the pack of the source tree, as the oracle

    in_source = len(load_policy(["builtin:spec-driven"]).rules_for("pr"))
    assert listed.stdout.splitlines()[-1] == f"{in_source} rules at stage pr"

    cases = Path(where.strip()).parent / "policies"
    tested = run(bin_dir / "clearance", "test", cases, cwd=repo)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.splitlines()[-1].startswith("30 cases, ")
