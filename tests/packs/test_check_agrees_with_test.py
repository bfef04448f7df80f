"""`clearance check` and `clearance test` give the same verdicts on the same evidence.

Every case of every built-in pack is built into its repository once; then
`clearance check` runs on it from the command line, as a user or the Action
would (arguments and environment only), and `clearance test`'s evaluation of
the same case runs beside it. Every rule's verdict must agree, and must be the
verdict the case expects.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from clearance import PACKAGE_DIR
from clearance.policy.loader import load_policy
from clearance.policytest import runner
from clearance.policytest.case import Case, discover, read_case
from clearance.policytest.workspace import Workspace, build

PACKS = Path(PACKAGE_DIR) / "policies"
CASES = [(pack.name, folder) for pack in sorted(PACKS.iterdir()) if pack.is_dir()
         for folder in discover(pack)]


def _argv(case: Case, space: Workspace, folder: Path, report: Path) -> list[str]:
    argv = ["check", "--repo", str(space.root), "--stage", case.stage, "--policy", str(case.policy),
            "--format", f"json={report}", "--format", "text"]
    if case.stage not in ("commit", "commit-msg"):
        argv += ["--base", space.base, "--head", space.head, "--branch", space.branch]
    event = runner._event_file(case, space, folder)
    if event is not None:
        argv += ["--event", str(event)]
    message = runner._message_file(case, folder)
    if message is not None:
        argv += ["--message-file", str(message)]
    return argv


@pytest.mark.parametrize(("pack", "folder"), CASES, ids=[f"{p}/{f.name}" for p, f in CASES])
def test_check_and_test_agree_on_every_pack_case(pack: str, folder: Path, tmp_path: Path, cli,
                                                 monkeypatch) -> None:
    case = read_case(folder, folder.name)
    assert "overrides" not in case.data, "a case with overrides needs its overlay on the command line"
    (tmp_path / "work").mkdir()
    space = build(case, tmp_path / "work")
    report = tmp_path / "results.json"
    with runner._api(case.data.get("github"), space) as url, runner._site(case, space) as site, \
            runner._path_first(space.bin):
        monkeypatch.setenv("GITHUB_REPOSITORY", runner.REPOSITORY)
        for name, value in runner.case_environ(case, site).items():
            monkeypatch.setenv(name, value)
        if "date" in case.data:  # the case's day, as `clearance test` takes it (sign-offs expire by it)
            when = dt.datetime.fromisoformat(runner._when(case).replace("Z", "+00:00"))
            monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(when.timestamp())))
        if url is not None:
            monkeypatch.setenv("GITHUB_API_URL", url)
            monkeypatch.setenv("CLEARANCE_GITHUB_TOKEN", runner.TOKEN)
        run = cli(*_argv(case, space, tmp_path, report))
        tested = runner.evaluate_case(case, load_policy([str(case.policy)], case.policy.parent),
                                      space, tmp_path)
    assert run.code in (0, 1), run.err
    checked = {r["id"]: r["verdict"] for r in json.loads(report.read_text("utf-8"))["rules"]}
    assert checked == {r["id"]: r["verdict"] for r in tested["rules"]}
    assert {rule: checked.get(rule) for rule in case.expect} == case.expect
    assert run.code == (1 if any(r["blocking"] for r in tested["rules"]) else 0)
    shutil.rmtree(tmp_path / "work", ignore_errors=True)
