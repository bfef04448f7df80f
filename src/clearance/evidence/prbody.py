"""The pull request's body and title, from `--pr-body` or the event payload.

Order: `--pr-body FILE`, else `--pr-body -` (stdin, `RunSpec.pr_body_text`),
else the event payload's `pull_request.body` (`--event FILE` or
`$GITHUB_EVENT_PATH`), where `null` means an empty body. The title, author
and update time come from the event payload whichever source gave the body.

Bytes that are not UTF-8 are decoded with `errors="replace"`. A body over
`MAX_BODY_BYTES` (1 MiB; GitHub itself stops at 65,536 characters) is not
evaluated: the rules that need it get an `error` verdict naming the source
and the limit, since a verdict on part of a body could pass what the rest
would fail. The body is read and parsed once per run (`evidence.memo("pr")`)
and recorded as evidence for every rule that reads it.

The PR template that judges the body (`pr_template`) is read from the base
revision, never from the change under review, and found where GitHub finds it
(`default_template`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.event import event_payload, text
from clearance.evidence.inputs import InputRecord, record_for
from clearance.evidence.prmarkdown import MarkdownDoc, parse_markdown
from clearance.pathmatch import shown_path
from clearance.records import Record

MAX_BODY_BYTES = 1 << 20
BODY_NAME = "PR body"
# Where GitHub looks for the template it fills a new PR's body with, in the GitHub CLI's
# order (cli/cli pkg/githubtemplate FindLegacy): .github/, the root, docs/.
TEMPLATE_DIRS = (".github/", "", "docs/")
TEMPLATE_NAME = "pull_request_template"  # any case, with any extension (.md, .txt) or none
TEMPLATE_FOLDER = "pull_request_template/"  # several templates, chosen with ?template=NAME
SOURCE_HINT = ("pass --pr-body FILE or --event FILE (in GitHub Actions, $GITHUB_EVENT_PATH "
               "of a pull_request event is read)")


class MissingPrError(EvidenceError):
    """No source for the PR body was given (as opposed to one that is broken)."""


class PullRequest(Record):
    name: str  # what findings name as their file: the --pr-body path, or "PR body"
    body: MarkdownDoc
    title: str | None = None
    author: str | None = None
    updated_at: str | None = None
    repository: str | None = None  # OWNER/REPO


class _Event(Record):
    pull: dict[str, Any] | None
    repository: str | None
    record: InputRecord


def pull_request(evidence: Evidence) -> PullRequest:
    """The PR under evaluation; `MissingPrError` when no source was given."""
    found, records = evidence.memo("pr", lambda: _load(evidence))
    for record in records:
        evidence.note(record)
    return found


def pr_title(evidence: Evidence) -> str:
    found = pull_request(evidence)
    if found.title is None:
        raise EvidenceError("no PR title: the title comes only from the event payload",
                            hint="pass --event FILE with a pull_request event payload")
    return found.title


def _load(evidence: Evidence) -> tuple[PullRequest, tuple[InputRecord, ...]]:
    spec = evidence.spec
    event = _event(evidence) if spec.event_file is not None else None
    if spec.pr_body_file is not None:
        raw = _read_file(Path(spec.pr_body_file))
        name = shown_path(spec.pr_body_file, spec.root)
        record = record_for(name, raw, "file")
    elif spec.pr_body_text is not None:
        raw = _stdin_bytes(spec.pr_body_text)
        name, record = BODY_NAME, record_for("PR body (stdin)", raw, "stdin")
    elif event is not None:
        raw = _event_body(event, str(spec.event_file))
        name, record = BODY_NAME, event.record
    else:
        raise MissingPrError("no PR body to read", hint=SOURCE_HINT)
    _check_size(raw, name)
    records = tuple(dict.fromkeys([record] + ([event.record] if event else [])))
    repository = spec.github_repository or evidence.git.origin_repository()
    return _pull_request(name, raw, event, repository), records


def _pull_request(name: str, raw: bytes, event: _Event | None,
                  repository: str | None) -> PullRequest:
    body = parse_markdown(raw.decode("utf-8", "replace"))
    pull = event.pull if event is not None and event.pull is not None else {}
    user = pull.get("user")
    return PullRequest(
        name=name, body=body, title=text(pull.get("title")),
        author=text(user.get("login")) if isinstance(user, dict) else None,
        updated_at=text(pull.get("updated_at")),
        repository=(event.repository if event is not None else None) or repository,
    )


def _event(evidence: Evidence) -> _Event:
    payload, record = event_payload(evidence)
    pull = payload.get("pull_request")
    repo = payload.get("repository")
    full_name = text(repo.get("full_name")) if isinstance(repo, dict) else None
    return _Event(pull if isinstance(pull, dict) else None, full_name, record)


def _event_body(event: _Event, where: str) -> bytes:
    if event.pull is None:
        raise MissingPrError("the event payload holds no pull_request, so no PR body", where,
                             hint=SOURCE_HINT)
    body = event.pull.get("body")
    if body is None:
        return b""
    if not isinstance(body, str):
        raise EvidenceError("pull_request.body in the event payload is not a string", where)
    return body.encode("utf-8", "surrogatepass")


def _stdin_bytes(text: str) -> bytes:
    """The bytes read from stdin: Python keeps undecodable ones as surrogates (surrogateescape)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # other lone surrogates: replaced when decoded
        return text.encode("utf-8", "surrogatepass")


def _read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BODY_BYTES + 1)
    except OSError as e:
        raise EvidenceError(f"cannot read the PR body: {e.strerror}", str(path),
                            hint="pass --pr-body with a readable file, or - for stdin") from e


def _check_size(raw: bytes, name: str) -> None:
    if len(raw) > MAX_BODY_BYTES:
        raise EvidenceError(
            f"PR body is over the limit of {MAX_BODY_BYTES} bytes (1 MiB); not evaluated", name,
            hint="GitHub itself accepts at most 65,536 characters: shorten the body")


class Template(Record):
    path: str
    revision: str  # the commit it was read from
    doc: MarkdownDoc


def template_paths(paths: Iterable[str]) -> list[str]:
    """Every PR template among `paths`, in the order GitHub prefers them: the single
    templates, then the files of the template folders (see `_templates`)."""
    single, folder = _templates(paths)
    return single + folder


def default_template(paths: Iterable[str]) -> str | None:
    """The template GitHub fills a new pull request's body with: the first single template;
    None when there is none (a `PULL_REQUEST_TEMPLATE/` folder alone fills nothing unless
    the link that opens the pull request names one of its files)."""
    single, _ = _templates(paths)
    return single[0] if single else None


def _templates(paths: Iterable[str]) -> tuple[list[str], list[str]]:
    """(single templates, folder templates). A single template is a file directly in one of
    `TEMPLATE_DIRS` named `pull_request_template`, in any case, with any extension or none;
    several are ordered by folder, then by byte order (as git lists them). A folder template
    is a `*.md` file of a `PULL_REQUEST_TEMPLATE/` folder (any case) in one of those."""
    single: list[tuple[int, str]] = []
    folder: list[tuple[int, str]] = []
    for path in paths:
        where, _, name = path.rpartition("/")
        parent, _, sub = where.rpartition("/")
        if _prefix(where) in TEMPLATE_DIRS and name.casefold().partition(".")[0] == TEMPLATE_NAME:
            single.append((TEMPLATE_DIRS.index(_prefix(where)), path))
        elif (sub.casefold() + "/" == TEMPLATE_FOLDER and name.casefold().endswith(".md")
              and _prefix(parent) in TEMPLATE_DIRS):
            folder.append((TEMPLATE_DIRS.index(_prefix(parent)), path))
    return [p for _, p in sorted(single)], [p for _, p in sorted(folder)]


def _prefix(folder: str) -> str:
    return folder + "/" if folder else ""


def pr_template(evidence: Evidence, path: str | None = None) -> Template | None:
    """The PR template as it stands at the base revision (the snapshot under evaluation at a
    stage without one): `path`, or by default the one GitHub would use. The change under
    review cannot edit the template that judges it. None when there is no default template;
    an `EvidenceError` when `path` is not there."""
    found: Template | None = evidence.memo(f"pr-template:{path}", lambda: _template(evidence, path))
    return found


def _template(evidence: Evidence, path: str | None) -> Template | None:
    revision = _base_or_head(evidence)
    if path is None:
        path = default_template(evidence.git.list_entries(revision))
        if path is None:
            return None
    data = evidence.git.read_blobs([f"{revision}:{path}"]).get(f"{revision}:{path}")
    if data is None:
        raise EvidenceError(f"PR template not found at the base revision {revision[:12]}", path,
                            hint="commit it to the base branch first, fix the template: "
                                 "parameter, or set it to false")
    evidence.note(record_for(f"{path} (base {revision[:12]})", data, "git"))
    return Template(path, revision, parse_markdown(data.decode("utf-8", "replace")))


def _base_or_head(evidence: Evidence) -> str:
    """The base revision; at a stage run without one (staging, production), the snapshot."""
    try:
        return evidence.base
    except EvidenceError:
        if evidence.spec.base:
            raise
        return evidence.head or evidence.git.rev("HEAD")
