"""One copy of the plain git hooks: `hooks/` at the top of the repository is a relative
link to the packaged `src/clearance/hooks/`, so the two cannot drift apart."""

from __future__ import annotations

import os
import subprocess

from frontends.support import ROOT

PACKAGED = ROOT / "src" / "clearance" / "hooks"


def test_top_level_hooks_is_a_relative_link_to_the_packaged_folder() -> None:
    top = ROOT / "hooks"
    assert top.is_symlink(), "hooks/ must be a link to src/clearance/hooks, not a copy"
    assert os.readlink(top) == "src/clearance/hooks"  # relative: it works in any checkout
    assert top.resolve() == PACKAGED.resolve()
    assert sorted(p.name for p in top.iterdir()) == ["commit-msg", "pre-commit", "pre-push"]


def test_git_records_hooks_as_a_link_and_the_packaged_files_as_files() -> None:
    tracked = subprocess.run(["git", "ls-files", "-s", "--", "hooks", "src/clearance/hooks"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.splitlines()
    modes = {line.split("\t", 1)[1]: line.split()[0] for line in tracked}
    assert modes == {"hooks": "120000", "src/clearance/hooks/commit-msg": "100755",
                     "src/clearance/hooks/pre-commit": "100755", "src/clearance/hooks/pre-push": "100755"}
