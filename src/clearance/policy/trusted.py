"""Which policy judges a change: the one at the trusted revision, never the change's own.

At the commit stages the policy in force is read from the index (what is
being committed); at every other stage from the base revision's git objects:
the policy file, every `extends` file, and so the settings that name other
evidence (the attestations folder, the PR template). The working tree is
never read for it. The change's own policy (the head's) is loaded too when it
differs, so the `policy.approved` rule can say what the change would alter
and the results can show what it would do.

`settings.policy_source: head`, in force at the base, opts out: the head's
policy judges. So does `--policy-source head` on the command line (the pull
request that adds a first policy); the change's own files never can. A base
without a policy file is judged by the built-in default pack, like any run
without one. Files named outside the
repository (an organisation's policy, the GitHub Action's inputs overlay)
are read from disk: the change cannot edit them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from clearance.errors import PolicyError, UsageError
from clearance.policy.model import COMMIT_STAGES, Policy
from clearance.policy.revision import Tree, commit_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from clearance.evidence.git import Git
    from clearance.policy.loader import Document

HEAD = "head"  # settings.policy_source: the change's own policy judges it (opted out)
BASE = "base"
DEFAULT_PACK = "builtin:spec-driven"
CONFIG_NAMES = ("clearance.yaml", ".clearance.yaml")
PYPROJECT = "pyproject.toml"
DISCOVERED = (*CONFIG_NAMES, PYPROJECT)  # what a revision is searched for, in this order
# Where a new branch's policy comes from: the remote's default branch, as git knows it.
DEFAULT_BRANCHES = ("refs/remotes/origin/HEAD", "refs/remotes/origin/main", "refs/remotes/origin/master")


class NoPolicy(PolicyError):
    """A policy file the command line names is not in the revision."""


class Policies:
    """The policies of one run.

    `in_force` judges. `source` says where it was read: `index`, `base`
    (a commit), or `head` (opted out with `settings.policy_source: head`, a
    first policy, or a first push). `revision` is the commit it was read from
    (None for the index). `base` is the effective policy at the base revision
    (None when there is no base or it cannot be read; at the commit stages it
    is HEAD's, read when first asked), `head` the change's own when it differs
    from `base`, `head_error` why the change's own does not load.
    """

    def __init__(self, in_force: Policy, source: str, revision: str | None = None, *,
                 base: Policy | None = None, head: Policy | None = None,
                 head_error: str | None = None, base_revision: str | None = None,
                 head_revision: str | None = None,
                 load_base: Callable[[], Policy | None] | None = None) -> None:
        self.in_force = in_force
        self.source = source
        self.revision = revision
        self._base = base
        self._load_base = load_base
        self.head = head
        self.head_error = head_error
        self.base_revision = base_revision
        self.head_revision = head_revision

    @property
    def base(self) -> Policy | None:
        if self._load_base is not None:
            load, self._load_base = self._load_base, None
            try:
                self._base = load()
            except PolicyError:  # a base that does not load has nothing in force
                self._base = None
        return self._base

    @property
    def changed(self) -> bool:
        """Whether the change brings a policy other than the base's."""
        return self.head is not None or self.head_error is not None

    def describe(self) -> dict[str, str | None]:
        """Where the policy in force was read, for the results document."""
        return {"source": self.source, "revision": self.revision,
                "base": self.base_revision, "head": self.head_revision}


class Loading:
    """How one run reads policies: the repository, what the command line named, the cache."""

    def __init__(self, git: Git, root: str, given: Sequence[str] = (),
                 overlays: Sequence[str] = (), cache: str | None = None) -> None:
        self.git = git
        self.root = os.path.realpath(root)
        self.given = list(given)
        self.overlays = [os.path.abspath(o) for o in overlays]
        self.cache = cache

    def at(self, tree: Tree) -> tuple[Policy, bool]:
        """The effective policy at a revision, and whether the revision holds a policy of its
        own (False: only built-in packs and files outside the repository apply)."""
        from clearance.policy.cache import cached_revision_policy

        return cached_revision_policy(self, tree)

    def named(self) -> list[tuple[str, str]]:
        """What the command line named, each as (`builtin` | `repo` | `disk`, reference)."""
        named = []
        for ref in self.given:
            if ref.startswith("builtin:"):
                named.append(("builtin", ref))
                continue
            inside = self.repository_path(ref)
            named.append(("repo", inside) if inside is not None else ("disk", os.path.abspath(ref)))
        return named

    def repository_path(self, ref: str) -> str | None:
        """The path in the repository that `ref` names, or None when it names a file outside.

        Only the part of the path up to the repository's root is resolved: below it, the
        path is taken as written and read at the revision, whose own links the revision's
        reader follows. A link of the working tree (the head's) never decides which file
        of the base is the policy.
        """
        absolute = os.path.normpath(os.path.abspath(ref))
        folder = absolute
        while True:
            if os.path.realpath(folder) == self.root:
                below = os.path.relpath(absolute, folder)
                return None if below == "." else below.replace(os.sep, "/")
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        real = os.path.realpath(absolute)
        if real == self.root or real.startswith(self.root + os.sep):
            raise UsageError(f"--policy {ref}: reaches into the repository through a link",
                             hint="name the policy file by its path inside the repository")
        return None

    def sources(self, tree: Tree) -> tuple[list[str | Document], bool]:
        """What to load at `tree`, in order, and whether the revision holds a policy."""
        from clearance.policy.loader import pyproject_from_bytes, tree_document

        if self.given:
            found = False
            sources: list[str | Document] = []
            for how, ref in self.named():
                if how == "repo":
                    if tree.lookup([ref])[ref] is None:
                        raise NoPolicy(f"policy file not found at {tree.label}: {tree.shown(ref)}",
                                       hint="commit it: the policy in force is read from git")
                    sources.append(tree_document(tree, ref))
                    found = True
                else:
                    sources.append(ref)
            return [*sources, *self.overlays], found
        entries = tree.lookup(DISCOVERED)
        for name in CONFIG_NAMES:
            if entries[name] is not None:
                return [tree_document(tree, name), *self.overlays], True
        pyproject = entries[PYPROJECT]
        if pyproject is not None:
            read = tree.read(PYPROJECT)
            doc = pyproject_from_bytes(read[1], tree.shown(PYPROJECT)) if read else None
            if doc is not None:
                doc.tree, doc.blob, doc.name = tree, pyproject[1], PYPROJECT
                return [doc, *self.overlays], True
        return [DEFAULT_PACK, *self.overlays], False


def resolve(loading: Loading, stage: str, base: str | None, head: str | None,
            source: str = BASE) -> Policies:
    """The policies of a run at `stage` (see the module's docstring). `source` is the
    command line's `--policy-source`: `head` lets the change's own policy judge it (the
    pull request that adds a first policy); the change's own files can never ask for it."""
    git = loading.git
    if stage in COMMIT_STAGES:
        policy, _ = loading.at(Tree(git, None))

        def at_head() -> Policy | None:
            commit = _commit_or_none(git, "HEAD")
            return None if commit is None else loading.at(Tree(git, commit))[0]

        return Policies(policy, "index", None, load_base=at_head)
    if base and set(base) == {"0"}:  # a new branch: the default branch's policy judges it
        default = next(filter(None, (_commit_or_none(git, ref) for ref in DEFAULT_BRANCHES)), None)
        if default is not None:
            return resolve(loading, stage, default, head, source)
    if not base or set(base) == {"0"}:
        head_tree = Tree(git, commit_of(git, head or "HEAD"))
        return _without_base(loading, stage, head_tree, first_push=bool(base), source=source)
    head_commit: str | None
    try:  # the head's policy is only shown: a head git does not have leaves it unread
        head_commit = commit_of(git, head or "HEAD")
    except PolicyError as e:
        head_commit, head_missing = None, str(e)
    base_commit = commit_of(git, base)
    base_policy: Policy | None
    try:
        base_policy = loading.at(Tree(git, base_commit))[0]
    except NoPolicy as e:
        base_policy, missing = None, e.message
    head_policy: Policy | None
    try:
        if head_commit is None:
            raise PolicyError(head_missing)
        if head_commit == base_commit and base_policy is not None:  # nothing to read twice
            head_policy, head_error = base_policy, None
        else:
            head_policy, head_error = loading.at(Tree(git, head_commit))[0], None
    except PolicyError as e:
        head_policy, head_error = None, str(e)
    if source == HEAD or (base_policy is not None and _opts_out(base_policy)):
        if head_policy is None:
            raise PolicyError(head_error or "the change's policy does not load")
        differs = base_policy is None or head_policy.digest != base_policy.digest
        return Policies(head_policy, HEAD, head_commit, base=base_policy,
                        head=head_policy if differs else None, base_revision=base_commit,
                        head_revision=head_commit)
    if base_policy is None:
        raise PolicyError(f"no policy at the base revision {base_commit[:12]}: {missing}",
                          hint="commit the policy at the base first, or run the pull request "
                               "that adds it with --policy-source head")
    differs = head_policy is None or head_policy.digest != base_policy.digest
    return Policies(base_policy, BASE, base_commit, base=base_policy,
                    head=head_policy if differs else None, head_error=head_error,
                    base_revision=base_commit, head_revision=head_commit)


def _without_base(loading: Loading, stage: str, head_tree: Tree, first_push: bool,
                  source: str) -> Policies:
    """No base revision: the head's policy judges only when asked on the command line, or at
    a first push to a remote without a default branch (nothing older is protected there)."""
    revision = head_tree.revision
    if first_push or source == HEAD:
        policy, _ = loading.at(head_tree)
        return Policies(policy, HEAD, revision, head_revision=revision)
    raise UsageError(
        f"no base revision for stage '{stage}': the policy in force is read from it",
        hint="pass --base REF (the base branch; at staging and production the last release "
             "or the default branch), or --policy-source head to let the head's policy judge")


def _opts_out(policy: Policy) -> bool:
    return policy.settings.get("policy_source") == HEAD


def _commit_or_none(git: Git, ref: str) -> str | None:
    from clearance.errors import GitError

    try:
        return git.rev(ref)
    except GitError:  # no commit yet
        return None
