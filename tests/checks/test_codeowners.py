"""CODEOWNERS as GitHub reads it (evidence/codeowners.py).

The expected owners come from GitHub's page "About code owners" (docs.github.com,
repositories/.../customizing-your-repository/about-code-owners): each example line
of its example file is checked against what the comment above it says, and each
rule the page states is quoted where it is checked. The file is read from the
base revision of real git repositories; teams are resolved against recorded
answers served on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest
from tests.evidence.github_server import FakeGitHub, next_page

from clearance.errors import EvidenceError
from clearance.evidence.codeowners import code_owners, logins_of, parse
from clearance.evidence.context import Evidence, RunSpec

if TYPE_CHECKING:
    from tests.conftest import Repo

TOKEN = "ghs_CodeOwnersT0kenNeverPrinted0123456789"
TEAM = "/orgs/octo-org/teams/octocats/members"

# -- the example file of GitHub's page, one example at a time --------------------------

# (the example's lines, path, owners the page's comment gives the path)
EXAMPLES = [
    # "These owners will be the default owners for everything in the repo."
    ("*       @global-owner1 @global-owner2", "README.md", ("@global-owner1", "@global-owner2")),
    ("*       @global-owner1 @global-owner2", "src/deep/main.c", ("@global-owner1", "@global-owner2")),
    # "When someone opens a pull request that only modifies JS files, only @js-owner and
    # not the global owner(s) will be requested for a review." (and the inline comment)
    ("*       @global-owner1 @global-owner2\n*.js    @js-owner #This is an inline comment.",
     "src/app.js", ("@js-owner",)),
    ("*       @global-owner1 @global-owner2\n*.js    @js-owner #This is an inline comment.",
     "README.md", ("@global-owner1", "@global-owner2")),
    # "You can also use email addresses if you prefer."
    ("*.go docs@example.com", "cmd/server/main.go", ("docs@example.com",)),
    # "the octocats team in the octo-org organization owns all .txt files."
    ("*.txt @octo-org/octocats", "notes.txt", ("@octo-org/octocats",)),
    ("*.txt @octo-org/octocats", "docs/a/b.txt", ("@octo-org/octocats",)),
    # "@doctocat owns any files in the build/logs directory at the root of the repository
    # and any of its subdirectories."
    ("/build/logs/ @doctocat", "build/logs/today.log", ("@doctocat",)),
    ("/build/logs/ @doctocat", "build/logs/2026/01/today.log", ("@doctocat",)),
    ("/build/logs/ @doctocat", "src/build/logs/today.log", ()),
    # "The `docs/*` pattern will match files like `docs/getting-started.md` but not further
    # nested files like `docs/build-app/troubleshooting.md`."
    ("docs/*  docs@example.com", "docs/getting-started.md", ("docs@example.com",)),
    ("docs/*  docs@example.com", "docs/build-app/troubleshooting.md", ()),
    # "@octocat owns any file in an apps directory anywhere in your repository."
    ("apps/ @octocat", "apps/web/index.js", ("@octocat",)),
    ("apps/ @octocat", "services/apps/worker.py", ("@octocat",)),
    ("apps/ @octocat", "myapps/worker.py", ()),
    # "@doctocat owns any file in the `/docs` directory in the root of your repository and
    # any of its subdirectories."
    ("/docs/ @doctocat", "docs/index.md", ("@doctocat",)),
    ("/docs/ @doctocat", "docs/build-app/troubleshooting.md", ("@doctocat",)),
    ("/docs/ @doctocat", "site/docs/index.md", ()),
    # "any change inside the `/scripts` directory will require approval from @doctocat or
    # @octocat."
    ("/scripts/ @doctocat @octocat", "scripts/deploy.sh", ("@doctocat", "@octocat")),
    # "@octocat owns any file in a `/logs` directory such as `/build/logs`, `/scripts/logs`,
    # and `/deeply/nested/logs`."
    ("**/logs @octocat", "build/logs/a.log", ("@octocat",)),
    ("**/logs @octocat", "scripts/logs/b.log", ("@octocat",)),
    ("**/logs @octocat", "deeply/nested/logs/c.log", ("@octocat",)),
    # "@octocat owns any file in the `/apps` directory in the root of your repository except
    # for the `/apps/github` subdirectory, as its owners are left empty."
    ("/apps/ @octocat\n/apps/github", "apps/web/index.js", ("@octocat",)),
    ("/apps/ @octocat\n/apps/github", "apps/github/index.js", ()),
    # "... except for the `/apps/github` subdirectory, as this subdirectory has its own
    # owner @doctocat"
    ("/apps/ @octocat\n/apps/github @doctocat", "apps/github/index.js", ("@doctocat",)),
    ("/apps/ @octocat\n/apps/github @doctocat", "apps/web/index.js", ("@octocat",)),
]


@pytest.mark.parametrize(("text", "path", "owners"), EXAMPLES)
def test_the_examples_of_githubs_page(text: str, path: str, owners: tuple[str, ...]) -> None:
    assert parse(text).owners_of(path) == owners


def test_a_line_with_no_owners_is_a_match_not_a_miss() -> None:
    """`/apps/github` with no owners decides for what it matches: nobody owns it."""
    found = parse("/apps/ @octocat\n/apps/github\n")
    rule = found.rule_for("apps/github/a.js")
    assert rule is not None and (rule.pattern, rule.owners, rule.line) == ("/apps/github", (), 2)
    assert found.rule_for("README.md") is None


def test_the_last_matching_pattern_takes_the_most_precedence() -> None:
    """"Order is important; the last matching pattern takes the most precedence.\""""
    found = parse("*.js @first\n/src/ @second\n")
    assert found.owners_of("src/app.js") == ("@second",)
    assert parse("/src/ @second\n*.js @first\n").owners_of("src/app.js") == ("@first",)


def test_owners_on_separate_lines_do_not_add_up() -> None:
    """"If the code owners are not on the same line, the pattern matches only the last
    mentioned code owner.\""""
    assert parse("*.js @a\n*.js @b\n").owners_of("x.js") == ("@b",)


def test_a_slash_inside_the_pattern_anchors_it_at_the_root() -> None:
    """gitignore, whose rules CODEOWNERS follows: "The pattern doc/frotz/ matches doc/frotz
    directory, but not a/doc/frotz directory"."""
    found = parse("doc/frotz/ @a\n")
    assert found.owners_of("doc/frotz/x.txt") == ("@a",)
    assert found.owners_of("a/doc/frotz/x.txt") == ()


def test_paths_are_case_sensitive() -> None:
    """"CODEOWNERS paths are case sensitive, because GitHub uses a case sensitive file
    system.\""""
    found = parse("/Docs/ @a\n*.MD @b\n")
    assert found.owners_of("docs/guide.md") == ()
    assert found.owners_of("Docs/guide.MD") == ("@b",)


# "There are some syntax rules for gitignore files that do not work in CODEOWNERS files"
# and "If any line in your CODEOWNERS file contains invalid syntax, that line will be
# skipped." The line before each stays in force.
@pytest.mark.parametrize(("line", "path"), [
    ("!*.md @b", "README.md"),  # "Using ! to negate a pattern"
    ("*.[ch] @b", "main.c"),  # "Using [ ] to define a character range"
    ("\\#notes @b", "#notes"),  # "Escaping a pattern starting with # using \"
    ("*.md bob @b", "README.md"),  # an owner that is no @user, @org/team or e-mail address
])
def test_lines_using_what_does_not_work_are_skipped(line: str, path: str) -> None:
    found = parse(f"* @a\n{line}\n")
    assert found.owners_of(path) == ("@a",)
    assert [number for number, _ in found.skipped] == [2]


def test_comments_are_not_rules() -> None:
    """"# This is a comment." and an inline comment after the owners."""
    found = parse("# * @nobody\n  # indented @nobody\n*.py @a # @not-an-owner\n")
    assert [(r.pattern, r.owners) for r in found.rules] == [("*.py", ("@a",))]
    assert found.skipped == ()


# -- reading the file from the base revision ---------------------------------------

def evidence(repo: Repo, stage: str = "pr", base: str | None = None, head: str | None = None,
             token: str | None = None, api: str = "http://127.0.0.1:9") -> Evidence:
    return Evidence(RunSpec(root=repo.path, stage=stage, base=base, head=head, github_token=token,
                            github_api=api, github_repository="owner/repo"))


def test_the_first_of_githubs_three_locations_is_used(repo: Repo) -> None:
    """"If CODEOWNERS files exist in more than one of those locations, GitHub will search
    for them in that order [.github/, root, docs/] and use the first one it finds.\""""
    repo.write("docs/CODEOWNERS", "* @third\n")
    first = repo.commit("docs only")
    repo.write("CODEOWNERS", "* @second\n")
    second = repo.commit("root too")
    repo.write(".github/CODEOWNERS", "* @first\n")
    third = repo.commit(".github too")
    found = [code_owners(evidence(repo, base=sha, head=third)) for sha in (first, second, third)]
    assert [(f.source, f.owners_of("a.py")) for f in found] == [
        ("docs/CODEOWNERS", ("@third",)), ("CODEOWNERS", ("@second",)),
        (".github/CODEOWNERS", ("@first",))]


def test_the_base_rules_not_the_head_the_index_or_the_working_tree(repo: Repo) -> None:
    """"For code owners to receive review requests, the CODEOWNERS file must be on the base
    branch of the pull request.\""""
    text = "*.py @base-owner\n"
    repo.write(".github/CODEOWNERS", text)
    base = repo.commit("base")
    repo.write(".github/CODEOWNERS", "*.py @head-owner\n")
    head = repo.commit("the change names its own owner")
    repo.write(".github/CODEOWNERS", "*.py @staged-owner\n")
    repo.stage(".github/CODEOWNERS")
    repo.write(".github/CODEOWNERS", "*.py @unstaged-owner\n")
    run = evidence(repo, base=base, head=head)
    found = code_owners(run)
    assert (found.source, found.revision) == (".github/CODEOWNERS", base)
    assert found.owners_of("app.py") == ("@base-owner",)
    [record] = [r for r in run.records.values() if r.path.endswith("CODEOWNERS")]
    assert (record.path, record.source) == (f"{base[:12]}:.github/CODEOWNERS", "git")
    assert record.sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_at_the_commit_stage_the_base_is_head_not_the_staged_edit(repo: Repo) -> None:
    repo.write("CODEOWNERS", "* @committed\n")
    repo.commit("owners")
    repo.write("CODEOWNERS", "* @staged\n")
    repo.stage("CODEOWNERS")
    assert code_owners(evidence(repo, stage="commit")).owners_of("x") == ("@committed",)


def test_a_base_without_codeowners_has_no_owners(repo: Repo) -> None:
    repo.write("README.md", "hello\n")
    base = repo.commit("no owners")
    repo.write("CODEOWNERS", "* @added-by-the-change\n")
    head = repo.commit("the change adds owners")
    found = code_owners(evidence(repo, base=base, head=head))
    assert (found.source, found.owners_of("README.md")) == (None, ())


def test_a_folder_named_codeowners_is_not_the_file(repo: Repo) -> None:
    repo.write(".github/CODEOWNERS/README.md", "not the file\n")
    repo.write("CODEOWNERS", "* @root\n")
    base = repo.commit("folder and file")
    assert code_owners(evidence(repo, base=base, head=base)).source == "CODEOWNERS"


def test_read_once_per_run(repo: Repo) -> None:
    repo.write("CODEOWNERS", "* @a\n")
    base = repo.commit("owners")
    run = evidence(repo, base=base, head=base)
    assert code_owners(run) is code_owners(run)


def test_a_symbolic_link_is_refused_not_followed(repo: Repo) -> None:
    repo.write("owners.txt", "* @linked\n")
    (repo.path / "CODEOWNERS").symlink_to("owners.txt")
    base = repo.commit("linked owners")
    with pytest.raises(EvidenceError, match="symbolic link"):
        code_owners(evidence(repo, base=base, head=base))


def test_a_file_of_3_mb_is_not_loaded(repo: Repo) -> None:
    """"CODEOWNERS files must be under 3 MB in size. A CODEOWNERS file over this limit will
    not be loaded\" (an error here: the gate does not pass on owners it cannot read)."""
    line = "/some/long/path/to/a/file.txt @owner\n"
    repo.write("CODEOWNERS", line * (3 * 1024 * 1024 // len(line) + 1))
    base = repo.commit("huge owners file")
    with pytest.raises(EvidenceError, match="3 MB"):
        code_owners(evidence(repo, base=base, head=base))


# -- owners to logins --------------------------------------------------------------

def test_users_need_no_token_and_emails_stay_unresolved(repo: Repo, github: FakeGitHub) -> None:
    found = logins_of(evidence(repo, api=github.url), ["@Bob", "docs@example.com", "@carol"])
    assert found.logins == ("Bob", "carol")
    assert found.unresolved == ("docs@example.com",)
    assert found.owns("bob", ["@Bob"]) and not found.owns("bob", ["docs@example.com"])
    assert github.seen == []


def test_teams_are_resolved_to_their_members_page_by_page(repo: Repo, github: FakeGitHub) -> None:
    github.serve(f"{TEAM}?per_page=100", "review-access/team-octocats-page1.json",
                 headers=next_page(TEAM, 2))
    github.serve(f"{TEAM}?per_page=100&page=2", "review-access/team-octocats-page2.json")
    run = evidence(repo, token=TOKEN, api=github.url)
    found = logins_of(run, ["@octo-org/octocats", "@bob"])
    assert found.members == {"@octo-org/octocats": ("erin", "dave", "grace"), "@bob": ("bob",)}
    assert found.owns("Grace", ["@octo-org/octocats"])
    assert not found.owns("bob", ["@octo-org/octocats"])
    assert [s.headers["authorization"] for s in github.seen] == [f"Bearer {TOKEN}"] * 2
    assert {f"github:GET {TEAM}?per_page=100", f"github:GET {TEAM}?per_page=100&page=2"} <= set(
        run.records)


def test_a_team_without_a_token_cannot_be_resolved(repo: Repo, github: FakeGitHub) -> None:
    with pytest.raises(EvidenceError, match="@octo-org/octocats") as caught:
        logins_of(evidence(repo, api=github.url), ["@bob", "@octo-org/octocats"])
    assert "GITHUB_TOKEN" in (caught.value.hint or "")
    assert github.seen == []


def test_a_team_the_token_cannot_read_says_which_permission_is_missing(
        repo: Repo, github: FakeGitHub) -> None:
    github.serve(f"{TEAM}?per_page=100", body=b'{"message": "Not Found"}', status=404)
    with pytest.raises(EvidenceError, match="members of @octo-org/octocats") as caught:
        logins_of(evidence(repo, token=TOKEN, api=github.url), ["@octo-org/octocats"])
    assert "Members: read" in (caught.value.hint or "")
    assert TOKEN not in str(caught.value)

