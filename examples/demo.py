"""`make demo`: build the example repository, run clearance on it, write its reports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "demo-output"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "Demo", "GIT_AUTHOR_EMAIL": "demo@example.com",
       "GIT_COMMITTER_NAME": "Demo", "GIT_COMMITTER_EMAIL": "demo@example.com",
       "GIT_AUTHOR_DATE": "2026-01-05T10:00:00Z", "GIT_COMMITTER_DATE": "2026-01-05T10:00:00Z",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True,
                          capture_output=True, text=True).stdout.strip()


def clearance(repo: Path, *args: str) -> int:
    print(f"\n$ clearance {' '.join(args)}")
    return subprocess.run([sys.executable, "-m", "clearance", *args, "--repo", str(repo)],
                          cwd=repo, env=ENV, check=False).returncode


def build(folder: Path) -> str:
    repo = folder / "shop"
    shutil.copytree(HERE / "project" / "base", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feat: cart total")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature/discount")
    shutil.copytree(HERE / "project" / "change", repo, dirs_exist_ok=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "add discount")
    return base


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clearance-demo-") as tmp:
        repo = Path(tmp) / "shop"
        base = build(Path(tmp))
        (repo / "docs" / "discount.md").write_text("# Discount\n\nA rate from 0 to 1.\n")
        git(repo, "add", "docs/discount.md")
        commit = clearance(repo, "check", "--stage", "commit", "-f", "text", *reports("commit"))
        git(repo, "reset", "-q")
        pr = clearance(repo, "check", "--stage", "pr", "--base", base, "-f", "text", *reports("pr"))
    print(f"\ncommit stage exit code {commit} (expected 0), pr stage exit code {pr} (expected 1)")
    print("reports written:")
    for path in sorted(OUT.iterdir()):
        print(f"  {path}")
    print(f"\nthe compliance report: open {(OUT / 'pr.html').as_uri()}")
    print(f"re-render a saved run: clearance report {OUT / 'pr.json'} --format markdown")
    return 0 if (commit, pr) == (0, 1) else 1


def reports(stage: str) -> list[str]:
    """The results document and the compliance report (HTML, Markdown) of one stage."""
    return ["-f", f"json={OUT / f'{stage}.json'}", "-f", f"html={OUT / f'{stage}.html'}",
            "-f", f"markdown={OUT / f'{stage}.md'}"]


if __name__ == "__main__":
    raise SystemExit(main())
