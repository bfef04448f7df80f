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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.errors import EvidenceError
from clearance.evidence.context import Evidence
from clearance.evidence.event import event_payload, text
from clearance.evidence.inputs import InputRecord, record_for
from clearance.evidence.prmarkdown import MarkdownDoc, parse_markdown
from clearance.pathmatch import shown_path

MAX_BODY_BYTES = 1 << 20
BODY_NAME = "PR body"
SOURCE_HINT = ("pass --pr-body FILE or --event FILE (in GitHub Actions, $GITHUB_EVENT_PATH "
               "of a pull_request event is read)")


class MissingPrError(EvidenceError):
    """No source for the PR body was given (as opposed to one that is broken)."""


@dataclass(frozen=True)
class PullRequest:
    name: str  # what findings name as their file: the --pr-body path, or "PR body"
    body: MarkdownDoc
    title: str | None = None
    author: str | None = None
    updated_at: str | None = None
    repository: str | None = None  # OWNER/REPO


@dataclass(frozen=True)
class _Event:
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
