"""The deployment stages end to end: a real repository whose policy is committed in the
base commit, a head commit after it, the loopback GitHub API (tests/evidence/github_server.py)
and `clearance check --stage STAGE --base BASE --head HEAD` run in-process.

Recorded answers name the head commit as `github_server.HEAD`; `served` swaps in the
repository's real head, so the files stay as GitHub documents them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.evidence.github_server import FIXTURES, HEAD, FakeGitHub

if TYPE_CHECKING:
    from helpers import Repo, Run

TOKEN = "ghp_T0kenThatMustNeverBePrinted0123456789"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
              "no_proxy", "NO_PROXY")
POLICY = """\
apiVersion: clearance/v1
kind: Policy
metadata: {{name: team, version: 1.0.0}}
{settings}rules:
  - id: gate
    stages: [{stage}]
    check: {{{kind}: {params}}}
    fix: Look at the deployment.
"""


@dataclass
class Verdict:
    """The one rule's record from the JSON results, with the run around it."""

    run: Run
    rule: dict[str, Any]
    doc: dict[str, Any]

    @property
    def verdict(self) -> str:
        return str(self.rule["verdict"])


@dataclass
class Stage:
    """A repository with its policy in the base commit and one change after it."""

    repo: Repo
    cli: Callable[..., Run]
    base: str = ""
    head: str = ""

    def commit(self, kind: str, params: str, stage: str, settings: str = "") -> str:
        """Commit the policy (base), then a change (head); the head's sha."""
        self.repo.write("clearance.yaml", POLICY.format(kind=kind, params=params, stage=stage,
                                                        settings=settings))
        self.base = self.repo.commit("policy")
        self.repo.write("app.txt", "the change being deployed\n")
        self.head = self.repo.commit("change")
        return self.head

    def check(self, stage: str, fmt: str = "json", *more: str) -> Verdict:
        done = self.cli("check", "--repo", self.repo.path, "--stage", stage, "--base", self.base,
                        "--head", self.head, "--format", fmt, *more)
        assert TOKEN not in done.out + done.err
        if fmt != "json":
            return Verdict(done, {}, {})
        doc = json.loads(done.out)
        return Verdict(done, doc["rules"][0], doc)


def served(github: FakeGitHub, path: str, fixture: str, head: str, **kw: Any) -> None:
    """Serve a recorded answer with the repository's real head commit in place of HEAD."""
    body = (FIXTURES / fixture).read_bytes().replace(HEAD.encode(), head.encode())
    github.serve(path, body=body, **kw)
