"""`clearance validate`: every error names file:line:column and what is expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import Repo

GOOD = """\
apiVersion: clearance/v1
kind: Policy
metadata: {name: team, version: 1.0.0}
rules:
  - id: code.no-markers
    stages: [commit]
    severity: error
    check: {git.conflict_markers: {}}
"""


def write_policy(repo: Repo, text: str, name: str = "clearance.yaml") -> Path:
    return repo.write(name, text)


def test_valid_policy_exits_0(repo: Repo, cli) -> None:
    write_policy(repo, GOOD)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 0, run.err
    assert "valid (1 rules" in run.out


def test_wrong_type_at_line_7_names_file_line_column_key_and_expectation(repo: Repo, cli) -> None:
    text = GOOD.replace("    severity: error", "    severity: [error]")
    assert text.splitlines()[6] == "    severity: [error]"  # line 7 of the file
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:7:15: rules[0].severity:" in run.err
    assert "is not one of: error, warning, info" in run.err


def test_wrong_container_type_says_what_is_expected(repo: Repo, cli) -> None:
    write_policy(repo, GOOD.replace("    stages: [commit]", "    stages: commit"))
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:6:13: rules[0].stages: expected a list, got \"commit\"" in run.err


def test_unknown_check_kind_suggests_the_nearest(repo: Repo, cli) -> None:
    write_policy(repo, GOOD.replace("git.conflict_markers", "git.conflict_marker"))
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:8:12: rules[0].check: unknown check kind 'git.conflict_marker'" in run.err
    assert "did you mean 'git.conflict_markers'?" in run.err


def test_duplicate_rule_id_points_at_the_second_and_names_the_first(repo: Repo, cli) -> None:
    text = GOOD + "  - id: code.no-markers\n    check: {git.mergeable: {}}\n"
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:9:5: duplicate rule id 'code.no-markers' (first defined at line 5)" in run.err


def test_extends_cycle_is_named_with_its_path(repo: Repo, cli) -> None:
    write_policy(repo, "extends: [b.yaml]\nrules: []\n", "a.yaml")
    write_policy(repo, "extends: [a.yaml]\nrules: []\n", "b.yaml")
    run = cli("validate", "--repo", repo.path, repo.path / "a.yaml")
    assert run.code == 2
    assert "b.yaml:1:11: extends cycle: a.yaml -> b.yaml -> a.yaml" in run.err


def test_waiver_naming_no_rule(repo: Repo, cli) -> None:
    text = GOOD + "waivers:\n  - {rule: code.nothing, reason: r, owner: '@a', expires: 2030-01-01}\n"
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:10:5: waivers[0]: waiver names no rule in force: 'code.nothing'" in run.err


def test_impossible_date_is_refused(repo: Repo, cli) -> None:
    text = GOOD + "waivers:\n  - {rule: code.no-markers, reason: r, owner: '@a', expires: 2030-02-30}\n"
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "waivers[0].expires: '2030-02-30' is not a real date" in run.err


def test_yaml_syntax_error_has_position(repo: Repo, cli) -> None:
    write_policy(repo, "rules:\n  - id: a\n    check: {git.mergeable: {}\n")
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert run.err.startswith("clearance: clearance.yaml:4:")
    assert "YAML syntax" in run.err


def test_unknown_key_lists_known_keys(repo: Repo, cli) -> None:
    write_policy(repo, GOOD.replace("    severity: error", "    severty: error"))
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:7:5: rules[0]: unknown key 'severty'" in run.err


def test_check_parameters_are_validated_by_the_kinds_schema(repo: Repo, cli) -> None:
    text = GOOD.replace("{git.conflict_markers: {}}", "{files.exist: {paths: 3}}")
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml:8:" in run.err
    assert "rules[0].check.files.exist.paths" in run.err


def test_bad_regular_expression_in_parameters(repo: Repo, cli) -> None:
    text = GOOD.replace("{git.conflict_markers: {}}", "{files.contain: {paths: a, pattern: '(x'}}")
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "pattern: not a valid regular expression" in run.err


def test_several_errors_are_all_reported(repo: Repo, cli) -> None:
    text = GOOD.replace("severity: error", "severity: fatal").replace("stages: [commit]", "stages: [later]")
    write_policy(repo, text)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert len(run.err.strip().splitlines()) == 2


@pytest.mark.parametrize("bomb", [
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
    "rules: " + "[" * 200 + "]" * 200 + "\n",
])
def test_alias_bombs_and_deep_nesting_are_configuration_errors(repo: Repo, cli, bomb: str) -> None:
    write_policy(repo, bomb)
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml" in run.err
    assert "Traceback" not in run.err


def test_a_mapping_key_that_is_a_list_is_a_policy_error(repo, cli) -> None:
    # Found by the mutation property test: "{f,&iles.exist: ...}" makes ruamel build an
    # unhashable key and raise TypeError from inside its constructor.
    repo.write("clearance.yaml", "rules:\n  - id: readme\n    check: {f,&iles.exist: {paths: [README.md]}}\n")
    run = cli("validate", "--repo", repo.path)
    assert run.code == 2
    assert "clearance.yaml" in run.err and "not a plain value" in run.err
    assert "Traceback" not in run.err
