"""The packs' secret-file rules catch a key or an environment file whatever the case of its
name: globs match case-sensitively, and `deploy/KEY.PEM` is a private key as much as
`deploy/key.pem` (found by committing such names in a real-project trial, #21)."""

from __future__ import annotations

import json

import pytest

from helpers import Repo

NAMES = ["deploy/KEY.PEM", "Deploy/Server.Key", "web/.ENV", "a/.Env.Prod.Local", "ssh/ID_RSA",
         "certs/bundle.P12", "x/.env"]


def verdict(repo: Repo, cli, *argv: str) -> dict[str, str]:
    out = repo.path / "out.json"
    cli("check", "--repo", repo.path, "--policy", "builtin:spec-driven", *argv, "-f", f"json={out}")
    return {r["id"]: r["verdict"] for r in json.loads(out.read_text())["rules"]}


@pytest.mark.parametrize("name", NAMES)
def test_a_secret_file_is_refused_whatever_the_case_of_its_name(repo: Repo, cli, name: str) -> None:
    repo.write("README.md", "# A project\n")
    base = repo.commit("chore: initial")
    repo.write(name, "-----BEGIN PRIVATE KEY-----\n")
    repo.stage(name)
    assert verdict(repo, cli, "--stage", "commit")["security.no-new-secret-files"] == "fail"
    repo.commit("feat: add a file")
    assert verdict(repo, cli, "--stage", "pr", "--base", base)["security.no-secret-files"] == "fail"


def test_names_that_only_look_alike_pass(repo: Repo, cli) -> None:
    repo.write("README.md", "# A project\n")
    base = repo.commit("chore: initial")
    for name in ("docs/pem.md", "src/keys.py", "web/env.ts", "id_rsa_docs/readme.md"):
        repo.write(name, "x\n")
    repo.commit("feat: files with such words in their names")
    assert verdict(repo, cli, "--stage", "pr", "--base", base)["security.no-secret-files"] == "pass"
