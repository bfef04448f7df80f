"""The suite fails when /dev/null stops being a device by its end (tests/conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).parent

RUN = """
import os, sys
sys.path.insert(0, {tests!r})
os.devnull = {devnull!r}  # what the guard checks, pointed at a stand-in
import pytest
sys.exit(pytest.main(["-q", "-p", "conftest", "-p", "no:cacheprovider", {test!r}]))
"""


def _run(tmp_path: Path, devnull: str) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_trivial.py"
    test.write_text("def test_nothing_wrong():\n    assert 1 + 1 == 2\n", encoding="utf-8")
    code = RUN.format(tests=str(TESTS), devnull=devnull, test=str(test))
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)


def test_a_run_that_leaves_a_regular_file_at_dev_null_fails(tmp_path: Path) -> None:
    stand_in = tmp_path / "null"
    stand_in.write_text("", encoding="utf-8")
    run = _run(tmp_path, str(stand_in))
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    assert f"{stand_in} is no longer a character device" in run.stdout


def test_a_run_with_a_device_there_passes(tmp_path: Path) -> None:
    run = _run(tmp_path, "/dev/null")  # only read (lstat), never written
    assert run.returncode == 0, run.stdout + run.stderr
    assert "character device" not in run.stdout
