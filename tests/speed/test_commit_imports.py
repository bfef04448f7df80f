"""The commit stage imports only what its rules need (not timed: which modules load)."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import Repo

HEAVY = ("jsonschema", "jinja2", "gherkin", "markdown_it", "mdit_py_plugins", "coverage",
         "xml", "defusedxml", "ruamel", "urllib.request", "tempfile")

PROBE = """
import json, sys
from clearance.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def modules_after(repo: Repo, *argv: str) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=repo.path,
                          capture_output=True, text=True, check=False)
    last = proc.stdout.strip().splitlines()[-1]
    data = json.loads(last)
    return data["code"], set(data["modules"])


def loaded(modules: set[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_commit_stage_with_the_builtin_pack_and_a_warm_cache(repo: Repo) -> None:
    repo.write("README.md", "hi\n")
    repo.commit("initial")
    repo.write("src/app.py", "print('hello')\n")
    repo.stage("src/app.py")
    argv = ("check", "--stage", "commit", "--policy", "builtin:spec-driven")
    code, cold = modules_after(repo, *argv)
    assert code == 0
    assert loaded(cold, "ruamel") and loaded(cold, "jsonschema")  # the probe can see them
    code, warm = modules_after(repo, *argv)
    assert code == 0
    heavy = sorted(name for name in HEAVY if loaded(warm, name))
    assert heavy == []
