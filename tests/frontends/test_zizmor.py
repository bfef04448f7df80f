"""zizmor (the `zizmor` wheel of the test extra) finds nothing in clearance's own workflow,
its action.yml, or the workflow `clearance init` writes, at its default persona.

`--offline` turns off the audits that ask GitHub (known-vulnerable actions,
impostor commits); every other audit runs. Without zizmor the test is skipped,
saying why, outside CI and fails under CI.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from frontends.support import ROOT, clean_env, run
from helpers import Repo

IN_CI = bool(os.environ.get("CI"))  # read at import: the tests' own environment has no CI
RELEASE_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def zizmor() -> str:
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if found:
        return found
    reason = "zizmor is not installed (pip install -e '.[test]' installs it)"
    if IN_CI:
        pytest.fail(f"CI is set and {reason}")
    pytest.skip(reason)


def audit(*paths: Path) -> tuple[int, str]:
    proc = run([zizmor(), "--offline", "--no-progress", "--color", "never", *paths], ROOT,
               clean_env(NO_COLOR="1"))
    return proc.returncode, proc.stdout + proc.stderr


def test_own_workflow_and_action_have_no_finding() -> None:
    code, out = audit(ROOT / ".github" / "workflows" / "clearance.yml", ROOT / "action.yml")
    assert code == 0 and "No findings to report" in out, out


def test_the_workflow_init_writes_has_no_finding(repo: Repo, cli) -> None:
    result = cli("init", "--repo", repo.path, "--source", "acme/clearance", "--action-commit", RELEASE_COMMIT)
    assert result.code == 0, result.err
    workflow = repo.path / ".github" / "workflows" / "clearance.yml"
    assert f"uses: acme/clearance@{RELEASE_COMMIT} # v" in workflow.read_text("utf-8")
    code, out = audit(workflow)
    assert code == 0 and "No findings to report" in out, out


def test_without_the_release_commit_only_the_action_tag_is_flagged(repo: Repo, cli) -> None:
    result = cli("init", "--repo", repo.path, "--source", "acme/clearance")
    assert "run init again with --action-commit SHA" in result.out
    code, out = audit(repo.path / ".github" / "workflows" / "clearance.yml")
    findings = [line for line in out.splitlines() if line.startswith(("error[", "warning[", "help[", "info["))]
    assert code != 0 and findings == ["error[unpinned-uses]: unpinned action reference"], out
    assert "acme/clearance@v" in out
