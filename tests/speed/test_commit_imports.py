"""The commit stage imports only what its rules need (not timed: which modules load).

Besides the heavy libraries, the standard modules a hook used to pay for are
kept out: they cost more start-up than the git commands the hook runs (see
docs/architecture.md, "Speed of the commit path").
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from helpers import Repo

HEAVY = ("jsonschema", "jinja2", "gherkin", "markdown_it", "mdit_py_plugins", "coverage",
         "xml", "defusedxml", "ruamel", "urllib", "tempfile")
STDLIB = ("typing", "pathlib", "subprocess", "argparse", "json", "hashlib", "_hashlib",
          "shutil", "threading", "locale", "gettext", "dataclasses", "inspect", "importlib.metadata")
# datetime and signal cost under the 3 ms a start-up trick must buy to stay (docs/architecture.md).

PROBE = """
import sys
from clearance.cli import main
code = main(sys.argv[1:])
print(repr((code, sorted(sys.modules))))
"""


def modules_after(repo: Repo, *argv: str) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=repo.path,
                          capture_output=True, text=True, check=False)
    code, modules = ast.literal_eval(proc.stdout.strip().splitlines()[-1])
    return code, set(modules)


def loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.fixture
def staged(repo: Repo) -> Repo:
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    repo.write("src/app.py", "print('hello')\n")
    repo.stage("src/app.py")
    return repo


def test_commit_stage_with_the_builtin_pack_and_a_warm_cache(staged: Repo) -> None:
    argv = ("check", "--stage", "commit", "--policy", "builtin:spec-driven")
    code, cold = modules_after(staged, *argv)
    assert code == 0
    assert loaded(cold, "json") and loaded(cold, "tempfile")  # the probe can see them (cache written)
    # the pack's validated form (policy/prebuilt.py): no YAML parser, no schema validator
    assert not loaded(cold, "ruamel") and not loaded(cold, "jsonschema")
    code, warm = modules_after(staged, *argv)
    assert code == 0
    assert loaded(warm, "clearance.checks.git_conflict_markers")  # the rules did run
    assert sorted(name for name in HEAVY + STDLIB if loaded(warm, name)) == []


def test_commit_msg_stage_with_a_message_rule(staged: Repo, tmp_path) -> None:
    staged.write("clearance.yaml", "rules:\n  - {id: msg, stages: [commit-msg], check: "
                 "{git.commit_message: {pattern: '^(feat|fix|chore): '}}}\n")
    staged.stage("clearance.yaml")  # the commit stages read the policy from the index
    message = tmp_path / "COMMIT_EDITMSG"
    message.write_text("feat: a change\n")
    argv = ("check", "--stage", "commit-msg", str(message))
    assert modules_after(staged, *argv)[0] == 0  # fills the cache
    code, warm = modules_after(staged, *argv)
    assert code == 0
    assert loaded(warm, "clearance.checks.git_commit_message")
    assert sorted(name for name in HEAVY + STDLIB if loaded(warm, name)) == []


def test_a_help_request_still_gets_argparse(staged: Repo) -> None:
    proc = subprocess.run([sys.executable, "-m", "clearance", "check", "--help"], cwd=staged.path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: clearance check")


# What a gate's cold start (issue #21: every CI run) must not pay for with the built-in pack:
# the pack's validated form ships with it, classes are records (records.py), and the
# built-in SHA-256 checks the prebuilt file.
GATE_AVOIDS = ("jsonschema", "ruamel", "jinja2", "dataclasses", "inspect", "hashlib", "_hashlib",
               "subprocess", "argparse", "tempfile")


@pytest.mark.parametrize("policy", [("--policy", "builtin:spec-driven"), ()], ids=["named", "none"])
def test_a_gate_with_the_builtin_pack_on_a_one_commit_repository(repo: Repo, policy) -> None:
    repo.write("README.md", "hi\n")
    base = repo.commit("initial")
    code, modules = modules_after(repo, "check", "--stage", "pr", "--base", base, *policy)
    assert code == 1  # the pack's PR rules find no spec, no PR body: the rules did run
    assert loaded(modules, "clearance.checks.spec_scenarios_implemented")
    assert sorted(name for name in GATE_AVOIDS if loaded(modules, name)) == []
