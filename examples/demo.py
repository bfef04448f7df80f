"""`make demo`: build the example repository, run clearance on it, write its reports.

The story (examples/project/README.md tells it in full):

1. `main` holds a tiny shop (base/): a cart, a checkout, its Gherkin spec, tests, docs.
2. On `feature/discount`, a first commit adds a discount (change/: the code and its
   scenario in the spec), made without the hooks: a merge left a conflict marker in a
   docstring, and its subject is no Conventional Commit.
3. The developer stages the scenario's test: the commit stage checks the staged files
   and passes (exit 0); the test is committed.
4. CI runs the real tools of this interpreter's environment (pytest, coverage.py, ruff)
   to write its reports under reports/, and the PR body is the template clearance
   generates from the policy, filled in with one box left unticked. The PR stage is
   blocked (exit 1) by what is wrong with the change, not by missing reports.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "demo-output"
BIN = Path(sys.executable).parent
ENV = {**os.environ, "GIT_AUTHOR_NAME": "Demo", "GIT_AUTHOR_EMAIL": "demo@example.com",
       "GIT_COMMITTER_NAME": "Demo", "GIT_COMMITTER_EMAIL": "demo@example.com",
       "GIT_AUTHOR_DATE": "2026-01-05T10:00:00Z", "GIT_COMMITTER_DATE": "2026-01-05T10:00:00Z",
       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
       # "Today" for waiver expiry and the reports' timestamps: the day of the commits.
       "SOURCE_DATE_EPOCH": "1767607200",
       # The policy's quality.typecheck runs `mypy`: the one next to this interpreter.
       "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
# The shop's tests need no pytest plugin: those of this environment (hypothesis, ...)
# would only slow down each of the three runs.
TOOLS_ENV = {**ENV, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}

# The PR body: the sections filled in, each box ticked but the reviewer's (which the
# author cannot tick) and the frontend one, struck through (the policy waives it).
SECTIONS = {
    "Link to feature specification":
        "[Checkout](docs/features/checkout.feature), rule \"A discount takes its share off the total\".",
    "Summary of changes":
        "`cart.total` takes an optional `discount`, a rate from 0 to 1, off the total;"
        " the spec gains the scenario \"Discount taken off the total\".",
    "Testing approach":
        "Unit test `test_discount_taken_off_the_total` for the new scenario; the unit,"
        " integration and end-to-end suites run in CI with coverage; ruff and mypy are clean.",
    "Breaking changes": "None: `discount` defaults to 0, so existing calls are unchanged.",
}
UNTICKED = {"Code review checklist complete"}
STRUCK = {"All frontend requirements met": "the shop has no frontend"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True,
                          capture_output=True, text=True).stdout.strip()


def clearance(repo: Path, *args: str) -> int:
    print(f"\n$ clearance {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, "-m", "clearance", *args, "--repo", str(repo)],
                          cwd=repo, env=ENV, check=False).returncode


def build(folder: Path) -> str:
    """The repository: `main` (base/), then feature/discount; returns the base commit."""
    repo = folder / "shop"
    shutil.copytree(HERE / "project" / "base", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feat: cart total and checkout")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature/discount")
    shutil.copytree(HERE / "project" / "change", repo, dirs_exist_ok=True)
    git(repo, "add", "src", "docs")
    git(repo, "commit", "-q", "--no-verify", "-m", "add discount")
    git(repo, "add", "tests")  # staged: what the commit stage looks at
    return base


def run_tools(repo: Path) -> None:
    """What CI does before clearance runs: the test suites, coverage, the linters."""
    print("\n# CI: the tests, coverage and the analysers write reports/", flush=True)
    python = [sys.executable, "-m"]
    unit = ["tests", "--ignore=tests/integration", "--ignore=tests/e2e"]
    for suite, tests in (("unit", unit), ("integration", ["tests/integration"])):
        data = f"--data-file=.coverage.{suite}"
        tool(repo, [*python, "coverage", "run", data, "-m", "pytest", "-q", *tests,
                    f"--junitxml=reports/junit/{suite}/pytest.xml"])
        tool(repo, [*python, "coverage", "xml", data, "-q", "-o", f"reports/coverage/{suite}.xml"])
    tool(repo, [*python, "pytest", "-q", "tests/e2e", "--junitxml=reports/junit/e2e/pytest.xml"])
    ruff = shutil.which("ruff", path=str(BIN))
    if ruff is None:
        print(f"  no ruff next to {sys.executable}: no lint or security report, those rules will say so")
        return
    sarif = [ruff, "check", "--no-cache", "--exit-zero", "--output-format", "sarif"]
    (repo / "reports" / "sarif" / "lint").mkdir(parents=True)
    (repo / "reports" / "sarif" / "security").mkdir(parents=True)
    tool(repo, [*sarif, "-o", "reports/sarif/lint/ruff.sarif", "."])
    # Ruff's S rules are its port of Bandit, the Python security linter.
    tool(repo, [*sarif, "--select", "S", "-o", "reports/sarif/security/ruff-bandit.sarif", "src"])


def tool(repo: Path, argv: list[str]) -> None:
    shown = " ".join(["python" if a == sys.executable else Path(a).name if a == argv[0] else a
                      for a in argv])
    done = subprocess.run(argv, cwd=repo, env=TOOLS_ENV, check=False, capture_output=True, text=True)
    print(f"$ {shown}  (exit {done.returncode})", flush=True)
    if done.returncode:  # failing tests are in the reports; anything else shows up as an error
        print("  " + "\n  ".join((done.stdout + done.stderr).strip().splitlines()[-5:]))


def pr_body(repo: Path) -> Path:
    """`clearance template pr`, filled in the way the author would."""
    template = subprocess.run([sys.executable, "-m", "clearance", "template", "pr", "--repo", str(repo)],
                              cwd=repo, env=ENV, check=True, capture_output=True, text=True).stdout
    lines, section = [], ""
    for line in template.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        elif section in SECTIONS and line.startswith("<!--") and line.endswith("-->"):
            line = SECTIONS[section]
        elif line.startswith("- [ ] "):
            item = line[6:]
            if item in STRUCK:
                line = f"- [ ] ~~{item}~~ {STRUCK[item]}"
            elif item not in UNTICKED:
                line = f"- [x] {item}"
        lines.append(line)
    body = repo / "pr-body.md"  # untracked: not part of any commit
    body.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return body


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="clearance-demo-") as tmp:
        repo = Path(tmp) / "shop"
        base = build(Path(tmp))
        commit = clearance(repo, "check", "--stage", "commit", "-f", "text", *reports("commit"))
        git(repo, "commit", "-q", "-m", "test: discount taken off the total")
        run_tools(repo)
        body = pr_body(repo)
        pr = clearance(repo, "check", "--stage", "pr", "--base", base, "--pr-body", body.name,
                       "-f", "text", *reports("pr"))
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
