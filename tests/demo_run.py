"""`make demo`'s pr-stage run (examples/demo.py's story) in a folder of the tests: its
results document, for the tests that look at the demo's reports."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

from clearance.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_demo(work: Path) -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("clearance_demo_run", ROOT / "examples" / "demo.py")
    assert spec is not None and spec.loader is not None
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    base = demo.build(work)
    repo = work / "shop"
    demo.git(repo, "commit", "-q", "-m", "test: discount taken off the total")
    demo.run_tools(repo)
    body = demo.pr_body(repo)
    out = work / "pr.json"
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = demo.ENV["SOURCE_DATE_EPOCH"]
    try:
        code = main(["check", "--repo", str(repo), "--stage", "pr", "--base", base, "--pr-body", str(body),
                     "--no-cache", "-f", f"json={out}"])
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved
    assert code == 1, "the demo's pr stage is blocked"
    doc: dict[str, Any] = json.loads(out.read_text("utf-8"))
    return doc
