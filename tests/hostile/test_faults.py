"""Faults: git failing, a report deleted mid-run, a full disk, an interrupted run."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import Repo


def policy(repo: Repo, rules: str, settings: str = "") -> None:
    repo.write("clearance.yaml", f"metadata: {{name: faults}}\n{settings}rules:\n{rules}")
    repo.write("README.md", "hi\n")


def test_git_missing_from_path_is_one_clear_error_not_a_crash(repo: Repo, cli, monkeypatch, tmp_path) -> None:
    """The policy in force is read through git (the index at the commit stage): without
    git there is no policy to judge by, so the run stops with a configuration error."""
    policy(repo, "  - {id: markers, stages: [commit], check: {git.conflict_markers: {}}}\n")
    repo.commit("initial")
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert (run.code, run.out) == (2, "")
    assert run.err.startswith("clearance: cannot run git") and "install git" in run.err
    assert "Traceback" not in run.err


def test_a_corrupt_object_store_is_an_error_verdict(repo: Repo, cli) -> None:
    policy(repo, "  - {id: markers, stages: [pr], check: {git.conflict_markers: {}}}\n")
    base = repo.commit("initial")
    repo.write("a.txt", "a\n")
    head = repo.commit("change")
    blob = repo.git("rev-parse", f"{head}:a.txt").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    # The working tree no longer holds the object either (an identical copy would be read
    # from disk, proven identical by its id): only git could give it, and git cannot.
    repo.write("a.txt", "edited\n")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    assert run.code == 1
    assert json.loads(run.out)["rules"][0]["verdict"] == "error"


def test_a_report_deleted_mid_run_is_an_error_naming_it(repo: Repo, cli) -> None:
    rules = (
        f"  - id: cleanup\n    stages: [commit]\n    severity: info\n"
        f"    check: {{command: {{argv: ['{sys.executable}', '-c', \"import os; os.remove('build/meta.json')\"]}}}}\n"
        "  - id: meta\n    stages: [commit]\n    check: {assert: {file: build/meta.json, schema: true}}\n"
    )
    policy(repo, rules, "settings: {commands: true}\n")
    repo.commit("initial")
    repo.write("build/meta.json", "{}")
    run = cli("check", "--repo", repo.path, "-f", "json")
    found = {r["id"]: r for r in json.loads(run.out)["rules"]}
    assert found["cleanup"]["verdict"] == "pass"
    assert found["meta"]["verdict"] == "error"
    assert found["meta"]["findings"][0]["file"] == "build/meta.json"
    assert run.code == 1


def _small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


def test_a_full_disk_leaves_no_partial_output(repo: Repo, tmp_path) -> None:
    rules = "".join(f"  - {{id: rule-{i}, stages: [commit], check: {{files.exist: {{paths: [README.md]}}}}}}\n"
                    for i in range(40))
    policy(repo, rules)
    repo.commit("initial")
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run([sys.executable, "-m", "clearance", "check", "--repo", str(repo.path),
                           "--no-cache", "-f", f"json={out / 'results.json'}"],
                          capture_output=True, text=True, preexec_fn=_small_files, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "cannot write output" in proc.stderr and "results.json" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(out.iterdir()) == []


# The policy's command: it says it is running (its pid, written whole by a rename), then waits.
STAND_IN = ("import os, sys, time; ready = sys.argv[1]; "
            "open(ready + '.tmp', 'w').write(str(os.getpid())); os.replace(ready + '.tmp', ready); "
            "time.sleep(60)")


def test_an_interrupted_run_exits_130_and_leaves_no_partial_output(repo: Repo, tmp_path) -> None:
    ready = tmp_path / "command-started"
    rules = (f"  - id: slow\n    stages: [commit]\n"
             f"    check: {{command: {{argv: ['{sys.executable}', '-c', \"{STAND_IN}\", '{ready}']}}}}\n")
    policy(repo, rules, "settings: {commands: true}\n")
    repo.commit("initial")
    before = repo.snapshot()
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "clearance", "check", "--repo", str(repo.path),
                             "-f", f"json={out / 'results.json'}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_interruptible)
    try:
        _wait_inside_the_command(proc, ready)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.communicate()
        left_running = ready.exists() and not _ends(int(ready.read_text()))
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert list(out.iterdir()) == []
    assert repo.snapshot() == before
    assert not left_running, "the interrupted run left its command running"


def _interruptible() -> None:
    """SIGINT at its default in clearance, even when pytest was started with it ignored
    (a background job of a shell without job control), so that Python turns it into
    KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_inside_the_command(proc: subprocess.Popen[str], ready: Path) -> None:
    """Return once the policy's command has started and clearance sleeps waiting for it.

    Interrupting any earlier could land in clearance's own git commands or imports
    (a KeyboardInterrupt raised in an import lock's weakref callback is printed and
    dropped by Python), which is not the step this test is about.
    """
    deadline = time.monotonic() + 60
    while not (ready.exists() and _state(proc.pid) == "S"):
        assert proc.poll() is None, f"clearance ended before its command ran: {proc.communicate()}"
        assert time.monotonic() < deadline, "the policy's command did not start within 60 s"
        time.sleep(0.02)


def _state(pid: int) -> str:
    """The scheduler state of a process (R running, S sleeping, Z zombie...); '' once reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return ""
    return stat.rsplit(")", 1)[1].split()[0]


def _ends(pid: int) -> bool:
    """Whether the process ends within 10 s; it is killed if it does not."""
    deadline = time.monotonic() + 10
    while _state(pid) not in ("", "Z", "X"):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            return False
        time.sleep(0.02)
    return True


def test_environment_is_not_needed_to_locate_the_repository(repo: Repo, tmp_path) -> None:
    policy(repo, "  - {id: readme, stages: [commit], check: {files.exist: {paths: [README.md]}}}\n")
    repo.commit("initial")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CLEARANCE_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-m", "clearance", "check"], cwd=repo.path / ".git" / "..",
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
