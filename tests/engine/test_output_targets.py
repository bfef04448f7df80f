"""Reports written to a device, a FIFO or a symbolic link leave the target what it was.

Writing to a temporary file and renaming it over the target (how a regular
report is written whole or not at all) would replace `/dev/null` with a
regular file when clearance runs as root. These tests use a null device node
of their own, made in tmp_path, never the machine's.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from clearance.reporters import REPORTERS
from helpers import Repo

FORMATS = sorted(REPORTERS)


def _staged_repo(repo: Repo) -> Repo:
    repo.write("README.md", "# app\n")
    repo.commit("chore: start")
    repo.write("src/app.py", "VALUE = 1\n")
    repo.stage("src/app.py")
    return repo


def _check(cli, repo: Repo, fmt: str, target: Path):
    return cli("check", "--repo", repo.path, "--stage", "commit", "--policy", "builtin:spec-driven",
               "--format", f"{fmt}={target}")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI runs as root)")
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_to_a_device_leaves_the_device(repo: Repo, cli, tmp_path: Path, fmt: str) -> None:
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the kernel's null device
    run = _check(cli, _staged_repo(repo), fmt, device)
    assert run.code == 0, run.err
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".null.")] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_to_a_fifo_is_read_from_the_fifo(repo: Repo, cli, tmp_path: Path, fmt: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the same document twice
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    run = _check(cli, _staged_repo(repo), fmt, fifo)
    reader.join(timeout=30)
    assert run.code == 0, run.err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    plain = tmp_path / f"plain.{fmt}"
    assert _check(cli, repo, fmt, plain).code == 0
    assert received == [plain.read_bytes()]  # nothing blocks: no random token in github's


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_report_to_a_symlink_goes_to_its_target(repo: Repo, cli, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "reports" / "kept.txt"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(target)
    run = _check(cli, _staged_repo(repo), fmt, link)
    assert run.code == 0, run.err
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text("utf-8") not in ("", "old\n")


def test_a_regular_report_is_still_replaced_whole(repo: Repo, cli, tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    target.write_text("old\n", encoding="utf-8")
    before = os.stat(target).st_ino
    run = _check(cli, _staged_repo(repo), "json", target)
    assert run.code == 0, run.err
    assert os.stat(target).st_ino != before  # renamed over, not written in place
    assert target.read_text("utf-8").startswith("{")
