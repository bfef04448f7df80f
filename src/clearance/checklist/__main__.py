"""`python -m clearance.checklist > docs/checklist-coverage.md`: the coverage document,
generated from the built-in packs (UTF-8 whatever the console's encoding)."""

from __future__ import annotations

import sys

from clearance.checklist.report import coverage_markdown

if __name__ == "__main__":
    sys.stdout.buffer.write(coverage_markdown().encode("utf-8"))
