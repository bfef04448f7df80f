"""files.absent over a monorepo's tracked files: a path whose name ends as no glob's
matches can is not run through the globs' expression (#21, monorepo scale)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from clearance.checks import files_absent
from clearance.pathmatch import candidates, compile_any, expand_braces


def test_only_paths_that_end_as_a_match_can_meet_the_expression() -> None:
    tracked = [f"service/m{i}/Service{i}.kt" for i in range(1000)]
    tracked[10:10] = ["deploy/tls.pem", "web/.env", "keys/id_rsa.pub", "a/.env.dev.local",
                      "my.pem/readme.md", "x/my_id_rsa"]
    evidence: Any = SimpleNamespace(tracked_files=tracked)
    params = {"paths": [".env", ".env.*.local", "*.{pem,key}", "id_rsa"]}
    outcome = files_absent.run(params, evidence)
    assert outcome.verdict == "fail"
    assert [f.file for f in outcome.findings] == ["deploy/tls.pem", "web/.env", "a/.env.dev.local"]
    globs = [g for glob in params["paths"] for g in expand_braces(glob)]
    assert sorted(candidates(globs, tracked)) == ["a/.env.dev.local", "deploy/tls.pem", "web/.env",
                                                  "x/my_id_rsa"]
    regex = compile_any(tuple(globs))  # the expression alone finds the same files
    assert [f.file for f in outcome.findings] == [p for p in tracked if regex.match(p)]

    outcome = files_absent.run({"paths": ["build/**", "*.pem"]}, evidence)  # no fixed end: all
    assert [f.file for f in outcome.findings] == ["deploy/tls.pem"]
    assert candidates(["build/**", "*.pem"], tracked) == tracked
