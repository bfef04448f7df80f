"""The package declares exactly the libraries its code imports (deptry, the field's checker)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_deptry_finds_no_dependency_issue() -> None:
    deptry = shutil.which("deptry", path=str(Path(sys.executable).parent))
    assert deptry is not None, "deptry is part of the test extra: reinstall with make test"
    run = subprocess.run([deptry, "src"], cwd=ROOT, capture_output=True, text=True, check=False,
                         env={"PATH": str(Path(sys.executable).parent), "NO_COLOR": "1"})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No dependency issues found" in run.stdout + run.stderr
