"""action.yml, run step by step as the GitHub runner would, on a hostile pull request.

Each `run:` step gets its `env:` with the expressions the action uses
evaluated from test values (an expression the test does not know fails it),
and runs as `bash --noprofile --norc -eo pipefail FILE` in the workspace,
with fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. The `uses:` step
(actions/setup-python) is skipped: its `python-path` output is this test's
own interpreter. The install step really creates the venv in RUNNER_TEMP and
pip-installs clearance from `github.action_path` (a snapshot of this
checkout), once for the module.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from frontends.support import (
    CONFLICT,
    ROOT,
    clean_env,
    outside_stop_blocks,
    parse_github_output,
    run,
    write_policy,
)
from helpers import Repo

ACTION = YAML(typ="safe").load((ROOT / "action.yml").read_text("utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
HOSTILE_SUBJECT = "`touch PWNED` $(touch PWNED) ::set-output name=verdict::pass"
EVIL_FILE = "::error::forged,x:y%.txt"
OUR_COMMANDS = re.compile(r"::(error|warning|notice) (file|title)=[^:]*::|::group::|::endgroup::$")
JUNIT = '<testsuite name="unit" tests="1"><testcase classname="cart" name="total"/></testsuite>\n'


@dataclass
class StepRun:
    code: int
    log: str
    outputs: dict[str, str]
    summary: str


class Runner:
    """Runs the action's steps with the expressions it uses evaluated from test values."""

    def __init__(self, temp: Path, source: Path) -> None:
        self.temp, self.source = temp, source
        self.steps: dict[str, dict[str, str]] = {}

    def context(self, inputs: dict[str, str]) -> dict[str, str]:
        known = {"github.token": "", "github.action_path": str(self.source), "runner.temp": str(self.temp),
                 "steps.python.outputs.python-path": sys.executable}
        for name, spec in ACTION["inputs"].items():
            value = inputs.get(name, str(spec.get("default", "")))
            known[f"inputs.{name}"] = evaluate(value, known)
        for step_id, outputs in self.steps.items():
            known.update({f"steps.{step_id}.outputs.{k}": v for k, v in outputs.items()})
        return known

    def run_step(self, step: dict[str, Any], workspace: Path, runner_env: dict[str, str],
                 inputs: dict[str, str]) -> StepRun:
        context = self.context(inputs)
        env = {**runner_env, **{k: evaluate(str(v), context) for k, v in step.get("env", {}).items()}}
        files = {name: self.temp / f"{name.lower()}-{len(self.steps)}" for name in
                 ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
        for name, path in files.items():
            path.write_text("", encoding="utf-8")
            env[name] = str(path)
        script = self.temp / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        assert step["shell"] == "bash"
        proc = run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], workspace, env, timeout=600)
        outputs = parse_github_output(files["GITHUB_OUTPUT"].read_text("utf-8"))
        if "id" in step:
            self.steps[step["id"]] = outputs
        return StepRun(proc.returncode, proc.stdout + proc.stderr, outputs,
                       files["GITHUB_STEP_SUMMARY"].read_text("utf-8"))

    def action_outputs(self, inputs: dict[str, str]) -> dict[str, str]:
        context = self.context(inputs)
        return {name: evaluate_outputs(spec["value"], context) for name, spec in ACTION["outputs"].items()}


def evaluate(text: str, context: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        assert match.group(1) in context, f"the test cannot evaluate ${{{{ {match.group(1)} }}}}"
        return context[match.group(1)]

    return EXPRESSION.sub(one, text)


def evaluate_outputs(text: str, context: dict[str, str]) -> str:
    """Outputs of a step that did not write them are empty, as on GitHub."""
    return EXPRESSION.sub(lambda m: context.get(m.group(1), ""), text)


def run_steps(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [s for s in steps if "run" in s]


def step(step_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(s for s in ACTION["runs"]["steps"] if s.get("id") == step_id)
    return found


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory, source_snapshot: tuple[Path, str]) -> Runner:
    """The runner, with the install step done once for the module."""
    made = Runner(tmp_path_factory.mktemp("runner-temp"), source_snapshot[0])
    done = made.run_step(step("install"), made.temp, clean_env(RUNNER_TEMP=str(made.temp)), {})
    assert done.code == 0, done.log
    return made


@pytest.fixture
def pull_request(repo: Repo, tmp_path: Path) -> tuple[Repo, Path]:
    """A PR whose base is clean and whose head adds a conflict marker under a hostile commit."""
    write_policy(repo, {
        "metadata": {"name": "shop", "version": "1.0.0"}, "inputs": {"junit": ["nowhere/*.xml"]},
        "rules": [
            {"id": "code.no-conflict-markers", "title": "No conflict markers", "stages": ["pr"],
             "check": {"git.conflict_markers": {}}},
            {"id": "tests.passing", "title": "Tests pass", "stages": ["pr"], "check": {"tests.junit": {}}},
            {"id": "git.conventional-commits", "title": "Conventional commits", "stages": ["pr"],
             "check": {"git.commit_message": {"pattern": "^(feat|fix|docs|chore): "}}},
        ],
    })
    repo.write("app.py", "a = 1\n")
    base = repo.commit("chore: start")
    repo.write(EVIL_FILE, CONFLICT)
    repo.write("app.py", CONFLICT)
    head = repo.commit(f"{HOSTILE_SUBJECT}\n\n::error::from the commit body\n$(touch PWNED)")
    repo.write("reports/junit.xml", JUNIT)
    event = (Path(__file__).parent / "fixtures" / "pull_request.json").read_text("utf-8")
    path = tmp_path / "event.json"
    path.write_text(event.replace("BASE_SHA", base).replace("HEAD_SHA", head), encoding="utf-8")
    return repo, path


def _check(runner: Runner, pr: tuple[Repo, Path], inputs: dict[str, str]) -> StepRun:
    repo, event = pr
    env = clean_env(RUNNER_TEMP=str(runner.temp), GITHUB_EVENT_PATH=str(event),
                    GITHUB_EVENT_NAME="pull_request", GITHUB_WORKSPACE=str(repo.path),
                    GITHUB_ACTION_PATH=str(runner.source), GITHUB_REPOSITORY="octo/shop",
                    GITHUB_HEAD_REF="feat/$(touch${IFS}PWNED)", GITHUB_ACTIONS="true")
    return runner.run_step(step("check"), repo.path, env, inputs)


def test_action_blocks_a_hostile_pull_request_without_running_any_of_its_text(
        runner: Runner, pull_request: tuple[Repo, Path]) -> None:
    inputs = {"junit": "reports/*.xml", "formats": "sarif junit markdown"}
    done = _check(runner, pull_request, inputs)
    assert done.code == 1, done.log
    outputs = runner.action_outputs(inputs)
    assert (outputs["verdict"], outputs["blocking"], outputs["exit-code"]) == ("fail", "2", "1")
    assert json.loads(outputs["counts"]) == {"pass": 1, "fail": 2, "waived": 0, "not-applicable": 0,
                                             "pending": 0, "error": 0}
    for name in ("results-file", "sarif-file", "junit-file", "markdown-file"):
        assert Path(outputs[name]).is_file(), name
    assert outputs["html-file"] == ""
    assert set(json.loads(outputs["reports"])) == {"json", "sarif", "junit", "markdown"}
    assert json.loads(Path(outputs["sarif-file"]).read_text("utf-8"))["version"] == "2.1.0"
    assert "app.py" in done.summary and len(done.summary.encode()) < 1 << 20
    _assert_nothing_injected(pull_request[0].path, done.log)
    assert "::error file=app.py,line=2,title=code.no-conflict-markers" in done.log


def test_action_reports_only_with_fail_on_never(runner: Runner, pull_request: tuple[Repo, Path]) -> None:
    inputs = {"junit": "reports/*.xml", "fail-on": "never", "formats": "", "summary": "false"}
    done = _check(runner, pull_request, inputs)
    assert done.code == 0, done.log
    outputs = runner.action_outputs(inputs)
    assert (outputs["verdict"], outputs["blocking"], outputs["sarif-file"]) == ("fail", "0", "")
    assert json.loads(outputs["counts"])["fail"] == 2
    assert done.summary == ""
    _assert_nothing_injected(pull_request[0].path, done.log)


def test_action_input_errors_fail_the_step_with_verdict_error(
        runner: Runner, pull_request: tuple[Repo, Path]) -> None:
    done = _check(runner, pull_request, {"formats": "pdf", "fail-on": "never"})
    assert done.code == 2 and "unknown format 'pdf'" in done.log
    assert "::error title=clearance could not run::formats: unknown format 'pdf'" in done.log
    assert runner.action_outputs({})["verdict"] == "error"


def test_the_installed_package_ships_the_git_hooks(runner: Runner, repo: Repo) -> None:
    clearance = runner.temp / "clearance-venv" / "bin" / "clearance"
    proc = run([clearance, "install-hooks", "--repo", repo.path], repo.path, clean_env())
    assert proc.returncode == 0, proc.stderr
    for hook in ("pre-commit", "commit-msg", "pre-push"):
        assert (repo.path / ".git" / "hooks" / hook).read_text() == (ROOT / "hooks" / hook).read_text()


def _assert_nothing_injected(workspace: Path, log: str) -> None:
    assert not list(workspace.rglob("PWNED")) and not Path("PWNED").exists()
    for line in outside_stop_blocks(log):
        command = line.lstrip()  # the runner reads a command at the start of a line only
        assert not command.startswith(("::set-output", "::error::", "::add-mask", "##[")), line
        assert not command.startswith("::") or OUR_COMMANDS.match(command), line


def test_no_expression_in_any_run_script() -> None:
    """Event text (PR title, body, branch) must reach scripts through env: or files only."""
    for step in run_steps(ACTION["runs"]["steps"]):
        assert "${{ github.event" not in step["run"] and "${{ github.head_ref" not in step["run"]
        assert "${{" not in step["run"], f"expression in run: of step {step.get('name')}"


def test_action_shape_follows_the_conventions() -> None:
    runs = ACTION["runs"]
    assert runs["using"] == "composite"
    ids = {step.get("id") for step in runs["steps"]}
    for step in run_steps(runs["steps"]):
        assert step["shell"] == "bash"
    used = {m for step in runs["steps"] for value in (step.get("env") or step.get("with") or {}).values()
            for m in EXPRESSION.findall(str(value))}
    assert {u.removeprefix("inputs.") for u in used if u.startswith("inputs.")} == set(ACTION["inputs"])
    for name, spec in ACTION["outputs"].items():
        step_id, output = re.fullmatch(r"\$\{\{ steps\.([\w-]+)\.outputs\.([\w-]+) \}\}", spec["value"]).groups()
        assert step_id in ids, name
        assert output in ("verdict", "blocking", "counts", "exit-code", "reports", "predicate-type") or \
            output.endswith("-file")
        assert spec["description"], name
    assert "actions/setup-python@" in runs["steps"][0]["uses"]
