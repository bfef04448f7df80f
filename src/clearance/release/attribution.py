"""Which pull request brought each commit of a release into the branch.

Asked in this order, the first answer wins:

1. a merge commit: `Merge pull request #N from OWNER/BRANCH` (GitHub's message), or
   the merged branch (`Merge branch 'B'`, or the PR branch named) matched to the
   branch of a PR-stage results document, or its second parent being the head of one;
2. a squash merge: the subject ends in `(#N)`;
3. a results document of the PR stage written for this very commit;
4. the same patch (`git patch-id`) as a commit of a PR-stage document's range (a
   rebase merge), or as a PR-stage document's whole change (a squash without `(#N)`);
5. with a token, the GitHub API: `GET /repos/{repo}/commits/{sha}/pulls`, the merged one.

A commit none of them answers came in without a pull request. Consecutive commits of
one pull request (a rebase merge of several commits) form one change.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from clearance.evidence.git import Git
from clearance.release.documents import ResultsDoc
from clearance.release.history import Commit, History, diff_patch_id, known, patch_ids

_MERGE_PR = re.compile(r"^Merge pull request #(\d+) from (\S+)")
_MERGE_BRANCH = re.compile(r"^Merge (?:remote-tracking )?branch '([^']+)'")
_SQUASH = re.compile(r"\(#(\d+)\)\s*$")

# The API lookup: a commit sha -> (number, url, head sha) of the merged PR, or None.
PullLookup = Callable[[str], "tuple[int, str | None, str | None] | None"]


@dataclass(frozen=True)
class Attribution:
    """How one commit came in: its PR (number and branch where known), the kind of merge,
    how that was recognised, and the PR-stage documents that identify it."""

    pr: int | None
    kind: str  # merge-commit, squash, rebase, direct
    how: str
    branch: str | None = None
    url: str | None = None
    pr_head: str | None = None  # the PR's head commit where known
    docs: tuple[ResultsDoc, ...] = ()

    @property
    def found(self) -> bool:
        return self.pr is not None or bool(self.docs)


@dataclass(frozen=True)
class PrDocs:
    """The PR-stage documents and what identifies their change locally."""

    docs: tuple[ResultsDoc, ...]
    commit_patches: dict[str, list[ResultsDoc]]  # patch id of one of the PR's commits
    change_patches: dict[str, list[ResultsDoc]]  # patch id of the PR's whole change

    def by(self, test: Callable[[ResultsDoc], bool]) -> tuple[ResultsDoc, ...]:
        return tuple(d for d in self.docs if test(d))


def index_pr_docs(git: Git, docs: Sequence[ResultsDoc]) -> PrDocs:
    """The PR-stage documents, with the patch ids of the ranges this clone holds."""
    prs = tuple(d for d in docs if d.stage == "pr")
    commits: dict[str, list[ResultsDoc]] = {}
    changes: dict[str, list[ResultsDoc]] = {}
    for base, head in dict.fromkeys((d.base, d.head) for d in prs):
        if not (base and head and known(git, base) and known(git, head)):
            continue
        same = [d for d in prs if (d.base, d.head) == (base, head)]
        for pid in patch_ids(git, f"{base}..{head}", "--no-merges").values():
            commits.setdefault(pid, []).extend(same)
        whole = diff_patch_id(git, base, head)
        if whole:
            changes.setdefault(whole, []).extend(same)
    return PrDocs(prs, commits, changes)


def attribute(history: History, pr_docs: PrDocs, patches: dict[str, str],
              lookup: PullLookup | None) -> list[Attribution]:
    """One attribution per commit of the history, in its order."""
    found = []
    for commit in history.commits:
        answer = _local(commit, pr_docs, patches.get(commit.sha))
        if answer.pr is None and lookup is not None:
            answer = _api(commit, answer, lookup)
        found.append(_numbered(answer))
    return found


def _local(commit: Commit, pr_docs: PrDocs, patch: str | None) -> Attribution:
    if commit.is_merge:
        return _merge(commit, pr_docs)
    squash = _SQUASH.search(commit.subject)
    if squash:
        number = int(squash[1])
        docs = pr_docs.by(lambda d: d.pr == number) or tuple(pr_docs.change_patches.get(patch or "", ()))
        return Attribution(number, "squash", "the subject names the pull request", docs=docs)
    here = pr_docs.by(lambda d: commit.sha in (d.head, d.commit))
    if here:
        return Attribution(None, "rebase", "a PR-stage results document of this commit",
                           pr_head=commit.sha, docs=here)
    return _by_patch(pr_docs, patch)


def _merge(commit: Commit, pr_docs: PrDocs) -> Attribution:
    second = commit.parents[1]
    named = _MERGE_PR.match(commit.subject)
    branch = named[2].split("/", 1)[-1] if named else _merged_branch(commit.subject)
    number = int(named[1]) if named else None
    docs = pr_docs.by(lambda d: d.head == second) or pr_docs.by(
        lambda d: (number is not None and d.pr == number) or (branch is not None and d.branch == branch))
    how = ("the merge message names the pull request" if named
           else "the merged commit is a PR-stage document's head" if docs
           else "a merge without a pull request")
    return Attribution(number, "merge-commit", how, branch=branch, pr_head=second, docs=docs)


def _merged_branch(subject: str) -> str | None:
    match = _MERGE_BRANCH.match(subject)
    return match[1] if match else None


def _by_patch(pr_docs: PrDocs, patch: str | None) -> Attribution:
    if patch and patch in pr_docs.commit_patches:
        return Attribution(None, "rebase", "the same patch as a commit of a PR-stage document",
                           docs=tuple(pr_docs.commit_patches[patch]))
    if patch and patch in pr_docs.change_patches:
        return Attribution(None, "squash", "the same patch as a PR-stage document's change",
                           docs=tuple(pr_docs.change_patches[patch]))
    return Attribution(None, "direct", "no pull request found")


def _api(commit: Commit, local: Attribution, lookup: PullLookup) -> Attribution:
    answer = lookup(commit.sha)
    if answer is None:
        return local
    number, url, head = answer
    kind = local.kind if local.kind != "direct" else "rebase"
    how = local.how if local.found else "the GitHub API"
    return replace(local, pr=number, url=url, pr_head=local.pr_head or head, kind=kind,
                   how=f"{how}; number from the GitHub API" if local.found else how)


def _numbered(answer: Attribution) -> Attribution:
    """The PR number and branch the documents give, where the commit itself does not."""
    numbers = {d.pr for d in answer.docs if d.pr is not None}
    branches = {d.branch for d in answer.docs if d.branch}
    url = answer.url or next((d.pr_url for d in answer.docs if d.pr_url), None)
    pr = answer.pr if answer.pr is not None else (numbers.pop() if len(numbers) == 1 else None)
    branch = answer.branch or (branches.pop() if len(branches) == 1 else None)
    return replace(answer, pr=pr, branch=branch, url=url)
