"""`command` with `cwd`: the program runs in a folder of the repository, and a folder
outside it is refused at validation (file and line) or, reached through a link, is an
error; never a pass."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import pytest

from helpers import Repo

# The program prints the folder it runs in, so the test reads where it ran from its output.
WHERE = "import os, sys; print('ran-in', os.getcwd()); sys.exit(0 if os.path.exists('gradlew') else 4)"


def policy(repo: Repo, cwd: str) -> None:
    repo.write("clearance.yaml",
               "metadata: {name: t}\nsettings: {commands: true}\nrules:\n"
               "  - id: build\n    stages: [commit]\n"
               f"    check: {{command: {{argv: ['{sys.executable}', '-c', \"{WHERE}\"], "
               f"cwd: '{cwd}'}}}}\n")


def rule(run_out: str) -> dict[str, Any]:
    return dict(json.loads(run_out)["rules"][0])


def test_the_command_runs_in_the_folder_given(repo: Repo, cli) -> None:
    repo.write("service/kotlin/gradlew", "#!/bin/sh\n")
    policy(repo, "service/kotlin")
    repo.commit("initial")
    run = cli("check", "--repo", repo.path, "-f", "json")
    got = rule(run.out)
    assert (run.code, got["verdict"]) == (0, "pass")
    assert got["message"].endswith("(in service/kotlin) exited 0")
    assert got["evidence"][0]["path"].startswith("command [service/kotlin]: ")


def test_without_cwd_the_command_runs_at_the_root(repo: Repo, cli) -> None:
    repo.write("service/kotlin/gradlew", "#!/bin/sh\n")
    repo.write("clearance.yaml",
               "metadata: {name: t}\nsettings: {commands: true}\nrules:\n"
               "  - id: build\n    stages: [commit]\n"
               f"    check: {{command: {{argv: ['{sys.executable}', '-c', \"{WHERE}\"]}}}}\n")
    repo.commit("initial")
    got = rule(cli("check", "--repo", repo.path, "-f", "json").out)
    assert (got["verdict"], got["figure"]) == ("fail", "exit 4")
    assert f"ran-in {os.path.realpath(repo.path)}" in got["message"]


@pytest.mark.parametrize("cwd", ["/tmp", "../elsewhere", "service/../../x", "C:/build"])
def test_a_folder_outside_the_repository_is_refused_with_file_and_line(repo: Repo, cli,
                                                                      cwd: str) -> None:
    policy(repo, cwd)
    repo.commit("initial")
    run = cli("validate", repo.path / "clearance.yaml")
    assert run.code == 2
    assert "clearance.yaml:6:" in run.err
    assert f"cwd: '{cwd}' leaves the repository" in run.err


def test_a_link_leading_out_of_the_repository_is_an_error(repo: Repo, cli, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "gradlew").write_text("#!/bin/sh\n")
    os.symlink(outside, repo.path / "linked")
    policy(repo, "linked")
    repo.commit("initial")
    run = cli("check", "--repo", repo.path, "-f", "json")
    got = rule(run.out)
    assert (run.code, got["verdict"]) == (1, "error")
    assert "leads out of the repository" in got["message"]


def test_a_missing_folder_is_an_error(repo: Repo, cli) -> None:
    policy(repo, "service/missing")
    repo.commit("initial")
    got = rule(cli("check", "--repo", repo.path, "-f", "json").out)
    assert got["verdict"] == "error"
    assert "'service/missing' is not a folder of the repository" in got["message"]
