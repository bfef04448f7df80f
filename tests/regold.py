"""Golden files: compare in tests, refresh as a separate, reviewed step.

A test calls `compare(text, GOLDEN / name)`. When the text differs from the
golden file (or the file is missing), it is written to the `actual/` folder
beside the `golden/` one (git ignores it) and the test fails; when it matches,
a stale copy there is removed. Nothing here rewrites a golden file during a
test, so a test cannot pass because it wrote its own expectation.

After an intended change, run the tests, read what they wrote, then copy it
over the golden files and review the diff before committing:

    .venv/bin/python tests/regold.py
    git diff tests/*/golden/

With no argument every `tests/*/actual/` folder is copied; arguments name
`actual/` folders or files to copy instead.
"""

from __future__ import annotations

import difflib
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

TESTS = Path(__file__).parent


def actual_path(golden: Path) -> Path:
    """Where the output of a failing comparison with `golden` is kept: ../actual/NAME."""
    return golden.parent.parent / "actual" / golden.name


def golden_path(actual: Path) -> Path:
    return actual.parent.parent / "golden" / actual.name


def compare(text: str, golden: Path) -> None:
    """Fail, keeping `text` in actual/, unless it equals the golden file byte for byte."""
    kept = actual_path(golden)
    expected = golden.read_text(encoding="utf-8") if golden.is_file() else None
    if text == expected:
        kept.unlink(missing_ok=True)
        return
    kept.parent.mkdir(exist_ok=True)
    kept.write_text(text, encoding="utf-8", newline="\n")
    raise AssertionError(_explain(golden, kept, expected, text))


def _explain(golden: Path, kept: Path, expected: str | None, text: str) -> str:
    where = f"the output is in {kept}; if the change is intended, run tests/regold.py and review git diff"
    if expected is None:
        return f"{golden} is missing; {where}"
    diff = difflib.unified_diff(expected.splitlines(keepends=True), text.splitlines(keepends=True),
                                str(golden), str(kept), n=2)
    return f"{golden.name} differs from its golden file; {where}\n{''.join(list(diff)[:60])}"


def refresh(paths: Sequence[Path]) -> list[Path]:
    """Copy each actual file (or every file of each actual/ folder) over its golden file;
    the copies are removed, and each folder once empty."""
    copied = []
    for path in paths:
        for kept in sorted(path.iterdir()) if path.is_dir() else [path]:
            if kept.parent.name != "actual":
                raise SystemExit(f"regold: {kept} is not in an actual/ folder")
            shutil.copyfile(kept, golden_path(kept))
            kept.unlink()
            copied.append(golden_path(kept))
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return copied


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or sorted(TESTS.glob("*/actual"))
    for golden in refresh(paths):
        print(f"refreshed {golden}")
    if not paths:
        print("regold: no actual/ folder: every golden comparison passed or none ran")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
