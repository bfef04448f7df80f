"""Evidence files in a large tree: the tree is walked once, each glob matched once per
run, and a path that cannot match never meets a regular expression (#21, monorepo
scale). What is found stays what `os.walk` and the globs' expressions say."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance.evidence import inputs
from clearance.evidence.inputs import InputFiles
from clearance.pathmatch import candidates, compile_any, expand_braces, filter_paths, literal_tails


def _tree(root: Path) -> None:
    for folder in ("a/build/test-results/test", "b/build/test-results/test", "node_modules/x",
                   "docs", "real"):
        (root / folder).mkdir(parents=True)
    for i in range(40):
        (root / f"docs/page{i}.md").write_text("")
    (root / "a/build/test-results/test/one.xml").write_text("<x/>")
    (root / "b/build/test-results/test/two.xml").write_text("<x/>")
    (root / "node_modules/x/three.xml").write_text("<x/>")
    (root / "real/four.xml").write_text("<x/>")
    (root / "linked").symlink_to("real")  # a link to a folder: not followed, not listed
    (root / "docs/alias.xml").symlink_to("../real/four.xml")  # a link to a file: listed
    (root / "docs/broken.xml").symlink_to("gone.xml")  # a broken link: listed, as os.walk does


def _walked(root: Path) -> set[str]:
    """The files below `root` as InputFiles listed them with os.walk."""
    found = set()
    for path, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in inputs.SKIP_DIRS]
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        found.update(files if rel == "." else [f"{rel}/{name}" for name in files])
    return found


def test_input_globs_are_matched_once_per_run(tmp_path: Path) -> None:
    _tree(tmp_path)
    files = InputFiles(tmp_path)
    junit = ["**/build/test-results/test/*.xml", "web/reports/junit/unit.xml"]
    found = files.find(junit)
    assert found == ["a/build/test-results/test/one.xml", "b/build/test-results/test/two.xml"]
    matched = dict(files._matched)  # glob -> its matches, kept for the run
    for _ in range(3):  # the rules of a pack ask for the same inputs again and again
        assert files.find(junit) == found
    assert files._matched.keys() == matched.keys()
    assert all(files._matched[key] is matched[key] for key in matched)  # not matched again
    assert files.find(["**/*.xml"]) == ["a/build/test-results/test/one.xml",
                                        "b/build/test-results/test/two.xml",
                                        "docs/alias.xml", "docs/broken.xml", "real/four.xml"]
    assert files.find(["docs/*"]) == sorted([f"docs/page{i}.md" for i in range(40)]
                                            + ["docs/alias.xml", "docs/broken.xml"])
    assert files.find(["**/*.{xml,md}"]) == sorted(_walked(tmp_path))


def test_the_listing_is_what_os_walk_lists_without_asking_about_links_folder_by_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    expected = _walked(tmp_path)
    assert "linked/four.xml" not in expected and "docs/broken.xml" in expected
    asked: list[str] = []
    real = os.path.islink
    monkeypatch.setattr(os.path, "islink", lambda path: asked.append(path) or real(path))
    assert set(InputFiles(tmp_path)._listing("")) == expected
    assert asked == []  # os.walk asks once per folder: 13 system calls here, 10,000 in a monorepo
    assert set(InputFiles(tmp_path)._listing("a")) == {p for p in expected if p.startswith("a/")}


@pytest.mark.parametrize("globs", [
    ["*.pem", ".env", ".env.*.local", "id_rsa"], ["docs/**"], ["**/*.[ch]", "*.py"],
    ["*.x]y"], ["a[b"], [" *.md "], ["build/"], ["*.md/"], ["**/page1?.md"], ["page*"], [""],
    ["/x.md"], ["./docs/*.md"],
])
def test_literal_tails_keep_every_path_a_glob_matches(globs: list[str]) -> None:
    paths = ["x.pem", "a/.env", "a/.env.dev.local", "id_rsa", "my_id_rsa", "docs/a.md", "docs",
             "b/docs/c", "src/m.c", "src/m.h", "m.py", "a.x]y", "a[b", "q/a[b", "build", "x.md",
             "docs/page12.md", "docs/page1.md", " docs/a.md ", "a.md "]
    tails = literal_tails(globs)
    kept = candidates(globs, paths)
    assert kept == ([p for p in paths if p.endswith(tails)] if tails else paths)
    regex = compile_any(tuple(globs))  # the globs' own expression, without the shortcut
    assert filter_paths(globs, paths) == [p for p in kept if regex.match(p)] \
        == [p for p in paths if regex.match(p)]
    if globs[0] == "*.pem":
        assert tails == (".pem", ".env", ".local", "id_rsa")
    for glob in globs:
        assert expand_braces(glob) == [glob]
