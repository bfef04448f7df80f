"""The validated-policy cache: used while fresh, ignored when stale or corrupt."""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
from pathlib import Path

import pytest

from helpers import Repo

POLICY = """\
extends: [packs/base.yaml]
rules:
  - {id: readme, stages: [commit], check: {files.exist: {paths: [README.md]}}}
"""
BASE = "rules:\n  - {id: license, stages: [commit], check: {files.exist: {paths: [LICENSE]}}}\n"


def cache_files() -> list[Path]:
    return sorted(Path(os.environ["CLEARANCE_CACHE_DIR"]).glob("policy-*"))


def entry_data(entry: Path) -> dict:
    """An entry's payload, after checking its header as docs/architecture.md describes it."""
    header, _, payload = entry.read_bytes().partition(b"\n")
    magic, fmt, tag, digest = header.decode().split(" ")
    assert (magic, tag) == ("clearance-policy-cache", sys.implementation.cache_tag)
    assert int(fmt) >= 1 and digest == hashlib.sha256(payload).hexdigest()
    return marshal.loads(payload)


def setup(repo: Repo) -> None:
    repo.write("clearance.yaml", POLICY)
    repo.write("packs/base.yaml", BASE)
    repo.write("README.md", "hi\n")
    repo.write("LICENSE", "MIT\n")
    repo.commit("initial")


def rules(cli, repo: Repo) -> dict[str, str]:
    run = cli("check", "--repo", repo.path, "-f", "json")
    return {r["id"]: r["verdict"] for r in json.loads(run.out)["rules"]}


def test_a_run_writes_one_entry_and_the_next_reuses_it(repo: Repo, cli) -> None:
    setup(repo)
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    [entry] = cache_files()
    files = entry_data(entry)["files"]
    # The policy in force at the commit stage is the index's: its files are named by
    # repository path, with the object ids git gives them.
    blobs = {f"git:{p}": repo.git("rev-parse", f":{p}").strip()
             for p in ("clearance.yaml", "packs/base.yaml")}
    assert {p: files[p] for p in blobs} == blobs
    stamp = entry.stat().st_mtime_ns
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    assert entry.stat().st_mtime_ns == stamp


def test_an_edit_to_an_extended_file_makes_the_entry_stale(repo: Repo, cli) -> None:
    setup(repo)
    rules(cli, repo)
    repo.write("packs/base.yaml", BASE.replace("LICENSE", "COPYING"))
    assert rules(cli, repo)["license"] == "pass"  # not staged: the index's policy is in force
    repo.stage("packs/base.yaml")
    assert rules(cli, repo)["license"] == "fail"


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "empty", "json of old versions",
                                    "other python", "valid header, payload not marshal"])
def test_a_damaged_entry_is_ignored_and_rewritten(repo: Repo, cli, damage: str) -> None:
    setup(repo)
    rules(cli, repo)
    [entry] = cache_files()
    good = entry.read_bytes()
    header, _, payload = good.partition(b"\n")
    bad = {
        "truncated": good[: len(good) // 2],
        "flipped byte": good[:-5] + bytes([good[-5] ^ 0x40]) + good[-4:],
        "empty": b"",
        "json of old versions": b'{"files": {}, "policy": {"name": "stale"}}',
        "other python": header.replace(sys.implementation.cache_tag.encode(), b"cpython-27")
        + b"\n" + payload,
        "valid header, payload not marshal": header.rsplit(b" ", 1)[0] + b" "
        + hashlib.sha256(b"\xff\xfe").hexdigest().encode() + b"\n\xff\xfe",
    }[damage]
    entry.write_bytes(bad)
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    assert entry.read_bytes() == good
    assert entry_data(entry)["policy"]["name"] == "unnamed"


def test_numbers_in_any_yaml_spelling_survive_the_cache(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", """\
settings: {max_input_bytes: 0x100000}
rules:
  - {id: cov, stages: [commit], check: {coverage.min: {suite: unit, min: 7.5e1}}}
""")
    repo.commit("initial")
    first = cli("check", "--repo", repo.path, "-f", "json")
    [entry] = cache_files()
    policy = entry_data(entry)["policy"]
    assert policy["settings"] == {"max_input_bytes": 1048576}
    assert policy["rules"][0]["params"]["min"] == 75.0
    second = cli("check", "--repo", repo.path, "-f", "json")

    def verdicts(out: str) -> list[tuple[str, str, str]]:
        return [(r["id"], r["verdict"], r["message"]) for r in json.loads(out)["rules"]]

    assert verdicts(second.out) == verdicts(first.out)
    assert verdicts(first.out)[0][1] == "error"  # no coverage report in this repository


def test_an_entry_is_never_taken_for_a_broken_policy(repo: Repo, cli) -> None:
    setup(repo)
    rules(cli, repo)
    repo.write("clearance.yaml", POLICY.replace("files.exist", "files.exists"))
    repo.stage("clearance.yaml")
    run = cli("check", "--repo", repo.path)
    assert run.code == 2
    assert "unknown check kind 'files.exists'" in run.err


def test_no_cache_option_and_an_unwritable_directory(repo: Repo, cli, monkeypatch, tmp_path) -> None:
    setup(repo)
    assert cli("check", "--repo", repo.path, "--no-cache").code == 0
    assert cache_files() == []
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv("CLEARANCE_CACHE_DIR", str(blocker / "sub"))
    assert cli("check", "--repo", repo.path).code == 0


def test_concurrent_runs_on_a_cold_cache_agree_and_leave_one_entry(repo: Repo) -> None:
    import subprocess
    import sys

    setup(repo)
    argv = [sys.executable, "-m", "clearance", "check", "--repo", str(repo.path), "-f", "json"]
    procs = [subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]
    outs = [p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, [err for _, err in outs]
    verdicts = {json.dumps({r["id"]: r["verdict"] for r in json.loads(out)["rules"]}) for out, _ in outs}
    assert verdicts == {json.dumps({"license": "pass", "readme": "pass"})}
    [entry] = cache_files()
    assert entry_data(entry)["policy"]["name"] == "unnamed"
    folder = Path(os.environ["CLEARANCE_CACHE_DIR"])
    assert sorted(p.name for p in folder.iterdir()) == [entry.name]  # no temporary file left


def test_a_temporary_file_of_an_interrupted_writer_is_never_read(repo: Repo, cli) -> None:
    setup(repo)
    rules(cli, repo)
    [entry] = cache_files()
    folder = entry.parent
    (folder / ".policy-interrupted").write_bytes(entry.read_bytes()[:100])
    entry.unlink()
    assert rules(cli, repo) == {"license": "pass", "readme": "pass"}
    assert entry_data(entry)["policy"]["name"] == "unnamed"


def test_a_gate_reads_no_cache_and_tells_an_edited_extends_file_apart(repo: Repo, cli) -> None:
    """At the PR stage nothing is read from or written to the cache folder; the base's and the
    head's policies, loaded once each in the process, differ when only an extended file does."""
    setup(repo)
    base = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "change")
    repo.write("packs/base.yaml", BASE.replace("stages: [commit]", "stages: [commit, pr]"))
    repo.commit("the change edits the extended file only")
    for _ in range(2):  # the second run in this process reuses what the first loaded
        run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
        assert run.code in (0, 1), run.err
        doc = json.loads(run.out)
        stages = {r["id"]: r["stages"] for r in doc["rules"]}
        assert stages["license"] == ["commit"]  # the base's policy judges
        assert {r["id"]: r["stages"] for r in doc["proposed"]["rules"]}["license"] == ["commit", "pr"]
    assert cache_files() == []
