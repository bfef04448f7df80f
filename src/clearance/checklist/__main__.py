"""`python -m clearance.checklist`: print docs/checklist-coverage.md, generated from the packs."""

from __future__ import annotations

import sys

from clearance.checklist.report import coverage_markdown

if __name__ == "__main__":
    sys.stdout.write(coverage_markdown(("spec-driven",)))
