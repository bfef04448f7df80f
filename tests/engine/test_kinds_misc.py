"""The `command` and `assert` kinds, warnings and fail-on, missing evidence files."""

from __future__ import annotations

import json
import sys

from helpers import Repo


def rules(out: str) -> dict[str, dict]:
    return {r["id"]: r for r in json.loads(out)["rules"]}


def setup(repo: Repo, rules_yaml: str, settings: str = "") -> None:
    repo.write("clearance.yaml", f"metadata: {{name: t}}\n{settings}rules:\n{rules_yaml}")
    repo.write("README.md", "hi\n")
    repo.commit("initial")


def test_commands_are_refused_unless_the_policy_allows_them(repo: Repo, cli) -> None:
    setup(repo, f"  - id: tool\n    stages: [commit]\n    check: {{command: {{argv: ['{sys.executable}', '-c', 'pass']}}}}\n")
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert run.code == 1
    rule = rules(run.out)["tool"]
    assert rule["verdict"] == "error"
    assert "settings.commands: true" in rule["message"]


def test_an_allowed_command_passes_or_fails_by_its_exit_code(repo: Repo, cli) -> None:
    script = "import sys; print('checked', sys.argv[1:]); sys.exit(3 if 'bad.txt' in sys.argv else 0)"
    setup(repo, f"  - id: tool\n    stages: [commit]\n    check: {{command: {{argv: ['{sys.executable}', '-c', \"{script}\"], pass_changed: true}}}}\n",
          "settings: {commands: true}\n")
    repo.write("good.txt", "x\n")
    repo.stage("good.txt")
    assert cli("check", "--repo", repo.path).code == 0
    repo.write("bad.txt", "x\n")
    repo.stage("bad.txt")
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["tool"]
    assert (run.code, rule["verdict"], rule["figure"]) == (1, "fail", "exit 3")
    assert "checked" in rule["message"] and "bad.txt" in rule["message"]
    assert rule["evidence"][0]["source"] == "command"


def test_no_shell_is_involved(repo: Repo, cli, tmp_path) -> None:
    marker = tmp_path / "pwned"
    setup(repo, f"  - id: tool\n    stages: [commit]\n    check: {{command: {{argv: ['echo', '$(touch {marker})']}}}}\n",
          "settings: {commands: true}\n")
    assert cli("check", "--repo", repo.path).code == 0
    assert not marker.exists()


def test_assert_on_a_named_value(repo: Repo, cli) -> None:
    setup(repo, "  - id: small\n    stages: [commit]\n    check: {assert: {value: changed_files, schema: {maxItems: 1}}}\n")
    repo.write("a.txt", "a\n")
    repo.stage("a.txt")
    assert cli("check", "--repo", repo.path).code == 0
    repo.write("b.txt", "b\n")
    repo.stage("b.txt")
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert rules(run.out)["small"]["verdict"] == "fail"
    assert "is too long" in rules(run.out)["small"]["message"]


def test_a_missing_evidence_file_is_an_error_with_its_path_and_blocks(repo: Repo, cli) -> None:
    setup(repo, "  - id: build-meta\n    stages: [commit]\n"
                "    check: {assert: {file: build/meta.json, schema: {required: [version]}}}\n")
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert run.code == 1
    rule = rules(run.out)["build-meta"]
    assert rule["verdict"] == "error"
    assert rule["findings"][0]["file"] == "build/meta.json"
    text = cli("check", "--repo", repo.path)
    assert "build/meta.json: build-meta error: file not found (check that the step" in text.out
    assert text.out.endswith("clearance: commit stage blocked: 1 error\n")


def test_an_evidence_file_is_recorded_with_its_digest(repo: Repo, cli) -> None:
    import hashlib

    setup(repo, "  - id: build-meta\n    stages: [commit]\n"
                "    check: {assert: {file: build/meta.json, schema: {required: [version]}}}\n")
    data = b'{"version": "1.2.3"}'
    repo.write("build/meta.json", data)
    run = cli("check", "--repo", repo.path, "-f", "json")
    assert run.code == 0
    doc = json.loads(run.out)
    expected = {"path": "build/meta.json", "sha256": hashlib.sha256(data).hexdigest(),
                "size": len(data), "source": "file"}
    assert expected in doc["inputs"]


def test_paths_leaving_the_repository_are_refused(repo: Repo, cli, tmp_path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('{"version": 1}')
    setup(repo, "  - id: up\n    stages: [commit]\n    check: {assert: {file: ../secret.json, schema: true}}\n"
                "  - id: link\n    stages: [commit]\n    check: {assert: {file: link.json, schema: true}}\n")
    (repo.path / "link.json").symlink_to(outside)
    found = rules(cli("check", "--repo", repo.path, "-f", "json").out)
    assert found["up"]["verdict"] == "error" and "leaves the repository" in found["up"]["message"]
    assert found["link"]["verdict"] == "error" and "outside the repository" in found["link"]["message"]


def test_warnings_report_but_do_not_block_unless_fail_on_warning(repo: Repo, cli) -> None:
    setup(repo, "  - id: license\n    stages: [commit]\n    severity: warning\n"
                "    check: {files.exist: {paths: [LICENSE]}}\n")
    run = cli("check", "--repo", repo.path)
    assert run.code == 0
    assert "license" in run.out and "[warning]" in run.out
    assert cli("check", "--repo", repo.path, "--fail-on", "warning").code == 1


def test_a_forbidden_pattern_in_a_binary_file_is_found(repo: Repo, cli) -> None:
    setup(repo, "  - id: no-keys\n    stages: [commit]\n"
                "    check: {files.contain: {paths: ['**/*'], pattern: 'BEGIN RSA PRIVATE KEY', absent: true}}\n")
    repo.write("blob.bin", b"\x00\x01binary\n-----BEGIN RSA PRIVATE KEY-----\n\x00")
    repo.stage("blob.bin")
    run = cli("check", "--repo", repo.path, "-f", "json")
    rule = rules(run.out)["no-keys"]
    assert (run.code, rule["verdict"]) == (1, "fail")
    assert rule["findings"][0]["file"] == "blob.bin" and rule["findings"][0]["line"] == 2
