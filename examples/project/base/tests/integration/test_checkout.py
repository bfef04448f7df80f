"""Integration tests: the checkout with the shop's own catalog file."""

from pathlib import Path

import pytest

from shop.checkout import main

CATALOG = Path(__file__).parents[2] / "data" / "catalog.json"


def test_receipt_printed_at_checkout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(CATALOG), "apple", "apple", "bread"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "apple         0.50",
        "apple         0.50",
        "bread         2.20",
        "TOTAL         3.20",
    ]
