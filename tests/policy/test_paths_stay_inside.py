"""Paths in policy files stay in the repository: refused at their line before anything is
opened (#16: an `extends` of /etc/passwd read it and echoed its values in schema errors)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Repo


def _validate(cli, repo: Repo, text: str) -> tuple[int, str]:
    repo.write("clearance.yaml", text)
    run = cli("validate", "--repo", repo.path, repo.path / "clearance.yaml")
    return run.code, run.err


def test_an_absolute_extends_is_refused_unread(repo: Repo, cli) -> None:
    code, err = _validate(cli, repo, "rules: []\nextends: [/etc/passwd]\n")
    assert code == 2
    assert "clearance.yaml:2:11: extends.0: '/etc/passwd' is an absolute path" in err
    assert "root:" not in err and "/bin/" not in err  # nothing of the file is shown


@pytest.mark.parametrize("ref", ["../outside.yaml", "sub/../../outside.yaml", "link.yaml"])
def test_an_extends_out_of_the_repository_is_refused(repo: Repo, cli, tmp_path: Path, ref: str) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("rules: [{id: x, check: {files.exist: {paths: a}}}]\n", encoding="utf-8")
    (repo.path / "link.yaml").symlink_to(outside)
    code, err = _validate(cli, repo, f"extends: ['{ref}']\n")
    assert code == 2
    assert f"clearance.yaml:1:11: extends.0: '{ref}' leads out of the repository" in err


def test_an_extends_that_climbs_but_stays_inside_is_read(repo: Repo, cli) -> None:
    repo.write("policies/base.yaml", "rules: [{id: readme, check: {files.exist: {paths: README.md}}}]\n")
    repo.write("services/api/clearance.yaml", "extends: [../../policies/base.yaml]\n")
    run = cli("validate", "--repo", repo.path, repo.path / "services/api/clearance.yaml")
    assert run.code == 0, run.err
    assert "(1 rules, 0 waivers)" in run.out


@pytest.mark.parametrize(("inputs", "place", "path"), [
    ("{coverage: {unit: /srv/coverage.xml}}", "inputs.coverage.unit", "/srv/coverage.xml"),
    ("{junit: ['reports/*.xml', '../other/*.xml']}", "inputs.junit.1", "../other/*.xml"),
    ("{features: ['C:/specs/*.feature']}", "inputs.features.0", "C:/specs/*.feature"),
])
def test_an_input_path_out_of_the_repository_is_refused(repo: Repo, cli, inputs: str, place: str,
                                                        path: str) -> None:
    code, err = _validate(cli, repo, f"inputs: {inputs}\n")
    assert code == 2
    assert f"{place}: '{path}' " in err and ("absolute" in err or "leads out" in err)
    assert "clearance.yaml:1:" in err


def test_check_refuses_the_same_before_reading_evidence(repo: Repo, cli) -> None:
    repo.write("clearance.yaml", "extends: [/etc/passwd]\n")
    repo.commit("policy")
    run = cli("check", "--repo", repo.path, "--stage", "commit")
    assert run.code == 2
    assert "'/etc/passwd' is an absolute path" in run.err


@pytest.mark.parametrize(("inputs", "place"), [
    ("{junit: ['reports/**/*.xml', '!reports/old/*.xml']}", "inputs.junit.1"),
    ("{coverage: {unit: ['!x.xml']}}", "inputs.coverage.unit.0"),
])
def test_a_negated_glob_where_none_is_taken_is_refused_at_its_place(repo: Repo, cli, inputs: str,
                                                                    place: str) -> None:
    code, err = _validate(cli, repo, f"inputs: {inputs}\n")
    assert code == 2
    assert f"{place}: " in err and "a '!' glob is taken only in inputs.features and inputs.tests" in err


def test_negated_globs_in_features_and_tests_are_taken(repo: Repo, cli) -> None:
    code, err = _validate(cli, repo, "inputs: {features: ['**/*.feature', '!drafts/**'], tests: ['!x']}\n")
    assert code == 0, err


def test_a_policy_named_outside_the_repository_may_extend_its_own_neighbours(repo: Repo, cli,
                                                                             tmp_path: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    (org / "base.yaml").write_text("rules: [{id: readme, stages: [commit], check: {files.exist: {paths: README.md}}}]\n",
                                   encoding="utf-8")
    (org / "org.yaml").write_text("extends: [./base.yaml]\n", encoding="utf-8")
    repo.write("README.md", "# x\n")
    repo.commit("readme")
    run = cli("check", "--repo", repo.path, "--stage", "commit", "--policy", org / "org.yaml")
    assert run.code == 0, run.err


def test_a_brace_glob_with_an_alternative_out_of_the_repository_is_refused(repo: Repo, cli) -> None:
    code, err = _validate(cli, repo, "inputs: {junit: ['{..,x}/secret.xml']}\n")
    assert code == 2
    assert "inputs.junit.0: '{..,x}/secret.xml' leads out of the repository" in err
