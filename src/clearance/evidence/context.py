"""The evidence of one run, read lazily and at most once.

Checks ask this object for what they need; the first request reads it, later
requests share the result (or the same error). Every file read is recorded
with its digest, both for the run and for the rule that asked.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping

from clearance.digest import git_blob_id
from clearance.errors import EvidenceError
from clearance.evidence.git import EMPTY_TREE, SYMLINK, Change, Git
from clearance.evidence.inputs import InputFiles, InputRecord, record_for
from clearance.pathmatch import as_list
from clearance.policy.model import COMMIT_STAGES
from clearance.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import PathLike
    from typing import Any, TypeAlias, TypeVar

    from clearance.policy.model import Policy
    from clearance.policy.trusted import Policies

    T = TypeVar("T")
    # Paths are given as strings (the command line) or path objects (tests, other tools).
    StrPath: TypeAlias = str | PathLike[str]

CHANGED_LINES = "changed lines"  # evidence a check kind can name in EVIDENCE to have git start early
WORKTREE_READ_LIMIT = 8 << 20  # larger files are read through git (no second read on a mismatch)
MAX_LINK_HOPS = 40  # as the kernel's limit for a path's symbolic links



class RunSpec(Record):
    """What the caller (the command line, a test) tells the evidence layer."""

    root: StrPath
    stage: str
    base: str | None = None
    head: str | None = None
    branch: str | None = None
    files: tuple[str, ...] = ()  # limits the change to these paths (none: the whole change)
    listed_only: bool = False  # `files` is the whole selection (pre-commit's): none listed, none checked
    message_file: StrPath | None = None
    pr_body_file: StrPath | None = None
    pr_body_text: str | None = None
    event_file: StrPath | None = None
    github_token: str | None = None  # kept out of repr(), see __repr__
    github_api: str = "https://api.github.com"
    github_repository: str | None = None
    allow_commands: bool = False
    refuse_self_granted: bool = False  # waivers and attestation records the change adds do not count
    max_input_bytes: int | None = None
    network: tuple[str, ...] = ()  # settings.network: host patterns network checks may reach
    environ: Mapping[str, str] = {}  # the caller's environment (GITHUB_JOB, ${NAME} in hosts); not in repr()
    environment: str | None = None  # --environment: the deployment environment (run.subject)
    release: str | None = None  # --release: the release tag (run.subject)
    extra: Mapping[str, Any] = {}

    def __repr__(self) -> str:
        shown = {k: v for k, v in self._asdict().items() if k not in ("github_token", "environ")}
        return "RunSpec(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"


class Evidence:
    """Lazily read evidence for one stage of one repository."""

    def __init__(self, spec: RunSpec, inputs: Mapping[str, Any] | None = None,
                 attestors: Mapping[str, list[str]] | None = None, git: Git | None = None,
                 policies: Policies | None = None, now: str | None = None) -> None:
        self.spec = spec
        # The run's time, YYYY-MM-DDTHH:MM:SSZ (run.run_time): what sign-offs expire and
        # future dates are judged against. None when the caller gave none.
        self.now = now
        # The policy in force, the base's and the change's (see policy/trusted.py); None when
        # the caller built the evidence without them (then nothing is known to be in force).
        self.policies = policies
        self.stage = spec.stage
        self.git = git or Git(spec.root)  # given: one with commands already started
        self.inputs_config: Mapping[str, Any] = inputs or {}
        self.attestors: Mapping[str, list[str]] = attestors or {}
        self.rule_id: str | None = None  # the rule being evaluated, for checks that need it
        self.files = InputFiles(spec.root, spec.max_input_bytes or 64 << 20)
        self.records: dict[str, InputRecord] = {}
        self.touched: dict[InputRecord, None] = {}  # the current rule's inputs, in order (a set)
        self._memo: dict[str, tuple[Any, list[InputRecord]]] = {}
        self._blobs: dict[str, bytes | None] = {}
        self._change_ids: dict[str, str] | None = None
        self._links: set[str] = set()  # symbolic links of the snapshot, as listed
        self._pending: dict[str, tuple[Any, dict[str, Any]]] = {}
        self._whole_paths: set[str] = set()  # listed files taken in whole (see `changes`)

    # -- bookkeeping ---------------------------------------------------------

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a piece of evidence once; an error is remembered too.

        The inputs noted while computing are kept with the value, so every
        later rule that asks for it lists them as its evidence as well.
        """
        if key not in self._memo:
            outer, self.touched = self.touched, {}
            try:
                value: Any = compute()
            except EvidenceError as e:
                value = e
            self._memo[key] = (value, list(self.touched))
            self.touched = outer
        value, noted = self._memo[key]
        for record in noted:
            self.note(record)
        if isinstance(value, EvidenceError):
            raise value
        return value  # type: ignore[no-any-return]

    def note(self, record: InputRecord) -> None:
        """Record that the current rule used this input."""
        self.records.setdefault(record.path, record)
        self.touched[record] = None  # a list searched for each record was quadratic (5,000 files read)

    def start_rule(self, rule_id: str | None = None) -> None:
        self.touched = {}
        self.rule_id = rule_id

    @property
    def base_policy(self) -> Policy | None:
        """The effective policy at the base revision (all `extends` merged): what was in
        force before the change. None when it cannot be read; then a waiver or record
        cannot be shown to be in force at the base, and counts as self-granted."""
        return None if self.policies is None else self.policies.base

    # -- revisions -----------------------------------------------------------

    @property
    def in_commit(self) -> bool:
        return self.stage in COMMIT_STAGES

    @property
    def head(self) -> str | None:
        """The commit under evaluation; None means the index (commit stages)."""
        if self.in_commit:
            return None
        return self.memo("head", lambda: self.git.rev(self.spec.head or "HEAD"))

    @property
    def base(self) -> str:
        """The commit the change is measured against."""
        def compute() -> str:
            if self.in_commit:
                return self._head_and_branch()[0]
            if not self.spec.base:
                raise EvidenceError(f"no base revision for stage '{self.stage}'",
                                    hint="pass --base REF (in a pull request, the base branch)")
            if set(self.spec.base) == {"0"}:  # git's null id: a first push, nothing to compare
                return EMPTY_TREE
            return self.git.rev(self.spec.base)
        return self.memo("base", compute)

    def _diff_range(self) -> tuple[str, ...]:
        """The revisions `git diff` compares: none for the index (`--cached`), else base...head."""
        if self.in_commit:
            return ()
        if self.base == EMPTY_TREE:  # everything in head is new
            return (EMPTY_TREE, self.head or "HEAD")
        return (f"{self.base}...{self.head}",)

    # -- repository state ----------------------------------------------------

    @property
    def changes(self) -> list[Change]:
        """The change, limited to the files listed when some are (or `listed_only`). A listed
        file of the snapshot that the change does not touch counts as added in whole: that is
        how `pre-commit run --all-files` (or `--files`) asks for files as they are."""
        def compute() -> list[Change]:
            found = self.git.changes(*self._diff_range())
            if not (self.spec.files or self.spec.listed_only):
                return found
            wanted = dict.fromkeys(self.spec.files)
            touched = {c.path for c in found}
            return [c for c in found if c.path in wanted] + self._whole(p for p in wanted if p not in touched)
        return self.memo("changes", compute)

    def _whole(self, paths: Iterable[str]) -> list[Change]:
        """Listed files the change leaves as they are, as added in whole (absent ones left out)."""
        entries = self._entries()
        whole = [Change("A", p, SYMLINK if p in self._links else "100644", entries[p])
                 for p in paths if p in entries]
        self._whole_paths.update(c.path for c in whole)
        return whole

    @property
    def changed_files(self) -> list[str]:
        """Paths added or modified by the change (deleted ones left out)."""
        return [c.path for c in self.changes if c.is_file]

    @property
    def changed_lines(self) -> dict[str, set[int]]:
        """Added or modified lines per changed file; of the files listed only, when some are,
        every line of a listed file the change leaves as it is (see `changes`)."""
        def compute() -> dict[str, set[int]]:
            lines = self._diff_lines()
            if not (self.spec.files or self.spec.listed_only):
                return lines
            kept = {c.path: lines.get(c.path, set()) for c in self.changes if c.is_file}
            whole = [p for p in kept if p in self._whole_paths]
            for path, data in self.read_many(whole).items():
                kept[path] = set(range(1, _line_count(data or b"") + 1))
            return {path: found for path, found in kept.items() if found or path in lines}
        return self.memo("changed_lines", compute)

    def _diff_lines(self) -> dict[str, set[int]]:
        pending = self._pending.pop("changed_lines", None)
        if pending is None:
            return self.git.changed_lines(*self._diff_range())
        thread, box = pending
        thread.join()
        if isinstance(box.get("error"), EvidenceError):
            raise box["error"]
        lines: dict[str, set[int]] = box["value"]
        return lines

    def prefetch(self, needs: Iterable[str]) -> None:
        """Start git work that the rules will need (the `EVIDENCE` their kinds name), so
        that it runs while reports are parsed (`git diff -U0` of a large change takes a
        tenth of a second): today the changed lines, `CHANGED_LINES`."""
        if self.in_commit or CHANGED_LINES not in set(needs):
            return
        import threading

        try:
            revisions = self._diff_range()
        except EvidenceError:
            return  # the rule that needs it reports the error
        box: dict[str, Any] = {}

        def work() -> None:
            try:
                box["value"] = self.git.changed_lines(*revisions)
            except EvidenceError as e:
                box["error"] = e

        thread = threading.Thread(target=work, name="clearance-prefetch", daemon=True)
        thread.start()
        self._pending["changed_lines"] = (thread, box)

    @property
    def tracked_files(self) -> list[str]:
        """Every file of the snapshot under evaluation (index or head commit)."""
        return list(self._entries())

    def _entries(self) -> dict[str, str]:
        return self.memo("entries", lambda: self.git.list_entries(self.head, self._links))

    def _object_id(self, path: str) -> str | None:
        """The object id of a file in the snapshot; changed files need no full listing."""
        known = self._memo.get("changes")
        if self._change_ids is None and known is not None and not isinstance(known[0], EvidenceError):
            self._change_ids = {c.path: c.blob for c in known[0] if c.blob}
            self._links.update(c.path for c in known[0] if c.mode == SYMLINK)
        if self._change_ids and path in self._change_ids:
            return self._change_ids[path]
        return self._entries().get(path)

    def read_many(self, paths: Iterable[str]) -> dict[str, bytes | None]:
        """Contents of files in the snapshot under evaluation; None when absent."""
        paths = list(paths)
        cache = self._blobs
        ids = {p: self._object_id(p) for p in paths if p not in cache}
        on_disk = self._same_on_disk(ids)
        contents = self.git.read_objects(i for p, i in ids.items() if i and p not in on_disk)
        for path, object_id in ids.items():
            data = on_disk[path] if path in on_disk else contents.get(object_id) if object_id else None
            if object_id and data is None:
                raise EvidenceError("the file is in the snapshot but git cannot read its content",
                                    path, hint="the repository may be corrupt or shallow: run git fsck")
            cache[path] = data
        for path in ids:
            if cache[path] is not None and path in self._links:
                target = self.resolved(path)
                cache[path] = None if target is None else self.read_many([target])[target]
        for path in paths:
            data = cache[path]
            if data is not None:
                self.note(record_for(path, data, "git"))
        return {p: cache[p] for p in paths}

    def resolved(self, path: str) -> str | None:
        """The file a path of the snapshot stands for: itself, or where its symbolic links lead
        within the snapshot; None when a link leads out of the repository (an absolute
        target, or `..` past the root), to no file of the snapshot, or round in a loop."""
        import posixpath

        for _ in range(MAX_LINK_HOPS):
            object_id = self._object_id(path)
            if object_id is None:
                return None
            if path not in self._links:
                return path
            text = (self.git.read_objects([object_id]).get(object_id) or b"").decode("utf-8", "replace")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), text))
            if text.startswith("/") or target == ".." or target.startswith("../"):
                return None
            path = target
        return None

    def _same_on_disk(self, ids: Mapping[str, str | None]) -> dict[str, bytes]:
        """The files whose working-tree copy is the very object under evaluation.

        A commit usually stages files as they are on disk, and CI checks out
        the head commit, so reading the file and checking that it hashes to
        the object's id (as git would name it) gives its content without a
        `git cat-file` process. A file that differs in any byte (an unstaged
        edit, a line-ending filter), is not a regular file or is large is read
        from git instead.
        """
        root = os.fspath(self.spec.root)
        found: dict[str, bytes] = {}
        for path, object_id in ids.items():
            if not object_id or len(object_id) not in (40, 64):
                continue
            data = _regular_file(os.path.join(root, path), WORKTREE_READ_LIMIT)
            fmt = "sha1" if len(object_id) == 40 else "sha256"
            if data is not None and git_blob_id(data, fmt) == object_id:
                found[path] = data
        return found

    def read(self, path: str) -> bytes | None:
        return self.read_many([path])[path]

    @property
    def branch(self) -> str | None:
        if self.spec.branch:
            return self.spec.branch
        if self.in_commit:
            return self._head_and_branch()[1]
        return self.memo("branch", self.git.branch)

    def _head_and_branch(self) -> tuple[str, str | None]:
        return self.memo("head-and-branch", self.git.head_and_branch)

    @property
    def commit_messages(self) -> list[tuple[str, str]]:
        """(where, message): the message file at commit-msg, else each commit."""
        def compute() -> list[tuple[str, str]]:
            if self.spec.message_file is not None:
                return [(str(self.spec.message_file), _read_message(self.spec.message_file))]
            if self.in_commit:
                raise EvidenceError("no commit message at this stage",
                                    hint="run at the commit-msg stage with --message-file")
            return self.git.messages(self.base, self.head or "HEAD")
        return self.memo("messages", compute)

    def attribute(self, name: str, paths: Iterable[str]) -> dict[str, str]:
        """A gitattributes value for each path (`unspecified` when none is set): from the
        index's .gitattributes at the commit stages, else the checked-out tree's (CI checks
        out the head under evaluation)."""
        return self.git.attribute(name, paths, cached=self.in_commit)

    def merge_conflicts(self) -> list[str] | None:
        return self.memo("merge", lambda: self.git.merge_conflicts(self.base, self.head or "HEAD"))

    def run_command(self, argv: list[str], timeout: float, cwd: str = "") -> tuple[int, str]:
        """Run a policy command without a shell, in `cwd` (a folder of the repository, its
        root by default); (exit code, last lines of output)."""
        if not self.spec.allow_commands:
            raise EvidenceError("commands are disabled for this policy",
                                hint="set settings.commands: true in the policy to allow them")
        from clearance.evidence.commands import run_command, working_directory

        code, output = run_command(argv, working_directory(self.spec.root, cwd), timeout)
        where = f" [{cwd}]" if cwd else ""
        self.note(record_for(f"command{where}: " + " ".join(argv), output, "command"))
        tail = output.decode("utf-8", "replace").strip().splitlines()[-5:]
        return code, " | ".join(tail)

    # -- evidence files on disk ----------------------------------------------

    def input_globs(self, name: str, suite: str | None = None) -> list[str]:
        """The globs configured under `inputs.NAME`, as a list; for inputs given as named
        suites (`junit: {unit: [...], e2e: [...]}`), those of `suite`, or of every suite."""
        value = self.inputs_config.get(name)
        if not isinstance(value, dict):
            return as_list(value)  # one list serves every suite
        if suite is None:
            return [glob for globs in value.values() for glob in as_list(globs)]
        if suite not in value:
            raise EvidenceError(f"no suite named '{suite}' under inputs.{name} (suites: "
                                f"{', '.join(sorted(value))})",
                                hint=f"name its report files under inputs.{name}.{suite} in the policy")
        return as_list(value[suite])

    def find_inputs(self, globs: Iterable[str]) -> list[str]:
        return self.files.find(globs)

    def read_input(self, path: str) -> bytes:
        data, record = self.files.read(path)
        self.note(record)
        return data


def _regular_file(path: str, limit: int) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes; None for anything else.

    Opened without following a final symbolic link and without blocking on a
    FIFO, then checked on the open descriptor, so a file swapped for another
    kind in between is not read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return os.read(fd, info.st_size)  # a file changing meanwhile fails the caller's hash check
    except OSError:
        return None
    finally:
        os.close(fd)


def _read_message(path: StrPath) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError as e:
        raise EvidenceError(f"cannot read commit message: {e.strerror}", str(path)) from e
    kept = []
    for line in text.splitlines():
        if line.startswith("# ------------------------ >8 ------------------------"):
            break
        if not line.startswith("#"):
            kept.append(line)
    return "\n".join(kept).strip("\n")


def _line_count(data: bytes) -> int:
    """The lines git numbers in a file: one per `\n`, and a last one without it."""
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
