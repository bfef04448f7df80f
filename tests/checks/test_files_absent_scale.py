"""files.absent over a monorepo's tracked files: a path whose name ends as no glob's
matches can is not run through the globs' expression (#21, monorepo scale)."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest

from clearance import pathmatch
from clearance.checks import files_absent


def test_only_paths_that_end_as_a_match_can_meet_the_expression(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    compile_any = pathmatch.compile_any

    class Counted:
        def __init__(self, regex: re.Pattern[str]) -> None:
            self.regex = regex

        def match(self, path: str) -> Any:
            asked.append(path)
            return self.regex.match(path)

    monkeypatch.setattr(pathmatch, "compile_any", lambda globs: Counted(compile_any(globs)))
    tracked = [f"service/m{i}/Service{i}.kt" for i in range(1000)]
    tracked[10:10] = ["deploy/tls.pem", "web/.env", "keys/id_rsa.pub", "a/.env.dev.local",
                      "my.pem/readme.md", "x/my_id_rsa"]
    evidence: Any = SimpleNamespace(tracked_files=tracked)
    params = {"paths": [".env", ".env.*.local", "*.{pem,key}", "id_rsa"]}
    outcome = files_absent.run(params, evidence)
    assert outcome.verdict == "fail"
    assert [f.file for f in outcome.findings] == ["deploy/tls.pem", "web/.env", "a/.env.dev.local"]
    assert sorted(asked) == ["a/.env.dev.local", "deploy/tls.pem", "web/.env", "x/my_id_rsa"]

    asked.clear()
    outcome = files_absent.run({"paths": ["build/**", "*.pem"]}, evidence)  # no fixed end: all
    assert [f.file for f in outcome.findings] == ["deploy/tls.pem"]
    assert len(asked) == len(tracked)
