"""Unit tests of the checkout."""

import json
from pathlib import Path

import pytest

from shop.checkout import load_catalog, main, receipt


def test_load_catalog_reads_the_prices(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"apple": 1, "pear": "0.25"}))
    assert load_catalog(path) == {"apple": 1.0, "pear": 0.25}


def test_receipt_lines_up_the_prices() -> None:
    assert receipt(["apple"], {"apple": 0.5}).splitlines() == [
        "apple         0.50",
        "TOTAL         0.50",
    ]


def test_main_prints_the_receipt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"tea": 3.1}))
    assert main([str(path), "tea", "tea"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "TOTAL         6.20"
