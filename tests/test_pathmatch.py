"""Globs over repository paths: the shapes policies use, and classes as shell globs read them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.pathmatch import expand_braces, filter_paths
from examples_count import counted


def test_what_the_shapes_match() -> None:
    paths = ["id_rsa", "home/id_rsa", "home/id_rsa.pub", "x/id_rsa/y", "a.pem", "keys/b.pem", "pem",
             "docs/README.md", "src/docs/README.md", ".env", "app/.env", "app/.env.local", ".pem"]
    assert filter_paths(["id_rsa"], paths) == ["id_rsa", "home/id_rsa"]
    assert filter_paths(["*.pem"], paths) == ["a.pem", "keys/b.pem", ".pem"]
    assert filter_paths(["docs/README.md"], paths) == ["docs/README.md"]
    # "./.env" is ".env": no "/" left, so a name at any depth (docs/policy.md)
    assert filter_paths(["/docs/README.md", "./.env"], paths) == ["docs/README.md", ".env", "app/.env"]
    assert filter_paths([".env", ".env.*"], paths) == [".env", "app/.env", "app/.env.local"]
    assert filter_paths(["home/**"], paths) == ["home/id_rsa", "home/id_rsa.pub"]


def test_classes_follow_shell_globs_and_never_break() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "possible nested set" from the regex engine
        cases = {
            "[abc].py": (["a.py", "src/c.py"], ["d.py", "ab.py"]),
            "[!a].py": (["b.py"], ["a.py"]),
            "x[!a]y": (["xby"], ["x/y", "xay"]),  # a class never matches "/"
            "[]]": (["]"], ["a"]),  # "]" first is a member
            "[!]": (["[!]"], ["a", "!"]),  # no closing bracket: the characters themselves
            "[z-a]": (["[z-a]"], ["z"]),  # a reversed range: the characters themselves
            "[&&~~||]": (["&", "~", "|"], ["a"]),
            "[a-c]*": (["beta"], ["delta"]),
        }
        for glob, (yes, no) in cases.items():
            assert filter_paths([glob], yes + no) == yes, glob


BRACES = ["**/*.{pem,key}", "a{b,c{d,e}}f", "{x}", "a{,b}c", "{a,b", "src/{app,lib}/**/*.{ts,tsx}",
          "x{a,b}y{1,2}z", "{}", "a{b}c{d,e}"]


@pytest.mark.parametrize("pattern", BRACES)
def test_brace_alternatives_expand_as_bash_expands_them(pattern: str) -> None:
    """bash is the oracle; quoting keeps it from also expanding the globs themselves."""
    import shlex
    import subprocess

    escaped = "".join(c if c in "{}," else shlex.quote(c) if c not in "abcdefghijklmnopqrstuvwxyz"
                      "0123456789" else c for c in pattern)
    out = subprocess.run(["bash", "-c", f"printf '%s\\n' {escaped}"], capture_output=True, text=True,
                         check=True).stdout
    assert expand_braces(pattern) == out.splitlines()


def test_a_brace_glob_matches_either_alternative_at_any_depth() -> None:
    paths = ["certs/server.key", "ca.pem", "notes/key.md", "pem", "a/b.pems"]
    assert filter_paths(["**/*.{pem,key}"], paths) == ["certs/server.key", "ca.pem"]
    assert filter_paths(["*.{pem,key}"], paths) == ["certs/server.key", "ca.pem"]


def test_files_absent_with_a_brace_glob_finds_the_secret(repo, cli) -> None:
    repo.write("certs/server.key", "-----BEGIN PRIVATE KEY-----\n")
    repo.write("policy.yaml", "rules:\n  - id: no-keys\n    stages: [commit]\n"
                              "    check: {files.absent: {paths: ['**/*.{pem,key}']}}\n")
    repo.commit("keys")
    run = cli("check", "--repo", repo.path, "--stage", "commit", "--policy", repo.path / "policy.yaml")
    assert run.code == 1
    assert "certs/server.key" in run.out


def _by_the_expression(globs: list[str], paths: list[str]) -> list[str]:
    """What the globs' expression alone keeps: filter_paths without its ends-with shortcut."""
    from clearance.pathmatch import compile_glob

    expanded = [alternative for glob in globs for alternative in expand_braces(glob)]
    return [p for p in paths if any(compile_glob(g).match(p) for g in expanded)]


PATHS = ["a.py", "b/c.txt", "x.", "docs/a.md", "docs", "x.pem", "a/.env", "id_rsa", "my_id_rsa",
         "src/m.c", "a.x]y", "a[b", "build", "docs/page12.md", " docs/a.md ", "a.md "]


@pytest.mark.parametrize("glob", [
    "./", " ./", "/./", "{./,docs/}", "./docs/*.md", "*.pem", ".env", "id_rsa", "docs/**", "*.[ch]",
    "*.x]y", "a[b", " *.md ", "build/", "*.md/", "page*", "", "/x.", "x.", "**", "*", "{*.pem,id_rsa}",
])
def test_the_ends_with_shortcut_keeps_what_the_expression_matches(glob: str) -> None:
    """filter_paths tells paths apart by the text every match must end with before its
    expression runs (#21): a glob that reads as everything (`./` is `**`) keeps everything."""
    assert filter_paths([glob], PATHS) == _by_the_expression([glob], PATHS)


def test_a_glob_that_reads_as_everything_keeps_every_path() -> None:
    assert filter_paths(["./"], ["a.py", "b/c.txt", "x."]) == ["a.py", "b/c.txt", "x."]


@settings(max_examples=300, deadline=None)
@given(globs=st.lists(st.text(alphabet="ab./*?[]!{},- ", max_size=8), min_size=1, max_size=3),
       paths=st.lists(st.text(alphabet="ab./-[]", min_size=1, max_size=8), max_size=12))
def test_filter_paths_agrees_with_its_expression(globs: list[str], paths: list[str]) -> None:
    counted("pathmatch: filter_paths against its expression")
    assert filter_paths(globs, paths) == _by_the_expression(globs, paths)
