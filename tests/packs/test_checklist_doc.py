"""docs/checklist-coverage.md is the one the packs generate."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clearance.checklist.report import COMMAND, coverage_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "checklist-coverage.md"


def test_the_committed_coverage_document_is_up_to_date() -> None:
    assert DOC.read_text("utf-8") == coverage_markdown(), (
        f"docs/checklist-coverage.md is out of date: regenerate it with `{COMMAND}`")


def test_the_document_lists_every_item_with_its_rule_and_stages() -> None:
    text = coverage_markdown()
    row = ("| ☐ Testing › All unit tests passing (90%+ coverage) | `testing.unit-coverage` "
           "(coverage.min) | machine | pr |")
    assert row in text
    assert "| ☐ Staging Checklist › Application starts successfully | `staging.app-starts` (http.probe) | machine | staging |" in text
    assert "| ☐ Staging Checklist › Feature works as specified | `staging.feature-works` (attestation) | sign-off | staging |" in text
    assert "| Rollback Criteria › Service health degradation | `rollback.health` (http.probe) | machine | verify |" in text
    assert "| ☐ Deployment › Automated Deployment" not in text  # a requirement, not a checkbox
    assert "machine | push |" in text  # the fullstack lint commands
    assert "**none**" not in text
    assert "- Rollback Procedure (9 items): the runbook" in text


def test_the_module_prints_it(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "clearance.checklist"], capture_output=True,
                          check=True, cwd=tmp_path)
    assert proc.stdout.decode("utf-8") == coverage_markdown()
