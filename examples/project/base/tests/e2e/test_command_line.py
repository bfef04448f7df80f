"""End-to-end tests: the checkout run as a customer runs it, in a process of its own."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_checkout_from_the_command_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "shop.checkout", "data/catalog.json", "cheese", "bread"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True, text=True, check=True,
    )
    assert done.stdout.splitlines()[-1] == "TOTAL         6.95"
