"""Defects found in review: odd file names, report file modes, TOML policies and their waivers."""

from __future__ import annotations

import json
import os
import stat

from helpers import Repo

MARKERS = "rules:\n  - {id: markers, stages: [commit, pr], check: {git.conflict_markers: {}}}\n"


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_every_format(repo: Repo, cli, tmp_path) -> None:
    repo.write("clearance.yaml", MARKERS)
    repo.commit("initial")
    name = os.fsencode(repo.path) + b"/bad\xffname.txt"
    with open(name, "wb") as handle:
        handle.write(b"<<<<<<< x\n")
    repo.git("add", "-A")
    out = tmp_path / "out"
    argv = ["check", "--repo", repo.path, "-f", "text"]
    argv += [f"-f={fmt}={out / fmt}" for fmt in ("json", "sarif", "junit", "github", "markdown", "html")]
    run = cli(*argv)
    assert run.code == 1, run.err
    assert "bad\\xffname.txt:1: markers" in run.out
    doc = json.loads((out / "json").read_text("utf-8"))
    assert doc["rules"][0]["findings"][0]["file"] == "bad\\xffname.txt"
    report = cli("report", out / "json", "--format", "markdown")
    assert report.code == 0, report.err


def test_reports_are_written_with_the_umask_not_0600(repo: Repo, cli, tmp_path) -> None:
    repo.write("clearance.yaml", MARKERS)
    repo.commit("initial")
    old = os.umask(0o022)
    try:
        cli("check", "--repo", repo.path, "-f", f"json={tmp_path / 'r.json'}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644


PYPROJECT = """\
[project]
name = "x"

[tool.clearance]
settings = {refuse_self_granted_in = ["pr"]}

[[tool.clearance.rules]]
id = "need-x"
stages = ["pr"]
check = {"files.exist" = {paths = ["X.md"]}}

[[tool.clearance.waivers]]
rule = "need-x"
reason = "later"
owner = "@lead"
expires = 2099-01-31
"""


def test_toml_dates_and_waivers_at_base_in_pyproject(repo: Repo, cli) -> None:
    repo.write("pyproject.toml", PYPROJECT)
    base = repo.commit("policy with a waiver")
    repo.write("b.txt", "b\n")
    repo.commit("unrelated change")
    run = cli("check", "--repo", repo.path, "--stage", "pr", "--base", base, "-f", "json")
    rule = json.loads(run.out)["rules"][0]
    assert rule["verdict"] == "waived", rule["message"]
    assert rule["waiver"]["expires"] == "2099-01-31"
    assert rule["waiver"]["self_granted"] is False


def test_bare_urls_in_untrusted_text_do_not_become_links_in_markdown() -> None:
    from markdown_it import MarkdownIt

    from clearance.reporters.templating import md_text

    text = md_text("see https://evil.example/x, www.evil.example and javascript:alert(1)")
    assert "https://" not in text and "www.evil" not in text and "javascript:" not in text
    html = MarkdownIt("commonmark").render(text)
    assert "https://evil.example/x" in html and "<a" not in html  # shown as text, not linked
