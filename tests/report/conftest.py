"""Fixtures of the report tests: the hand-built results document that holds every case, and
the results document of `make demo`'s pr stage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from demo_run import run_demo

ALL_VERDICTS = Path(__file__).parent / "fixtures" / "results-all-verdicts.json"


@pytest.fixture
def doc_path() -> Path:
    return ALL_VERDICTS


@pytest.fixture
def doc(doc_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(doc_path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def hostile() -> tuple[str, ...]:
    """Untrusted strings the fixture puts where a PR body or scenario name reaches."""
    return ('<script>alert("pwned")</script>', "<img src=x onerror=alert(1)>",
            "[click me](javascript:alert(document.cookie))")


@pytest.fixture(scope="session")
def demo_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The results document of `make demo`'s pr stage (examples/demo.py's story)."""
    return run_demo(tmp_path_factory.mktemp("demo"))
