"""Run one case: build its repository, evaluate its stage with `run_stage`, as
`clearance check` does, and compare each expected verdict with the one found."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.policy.loader import Document, load_policy
from clearance.policy.model import COMMIT_STAGES, Policy
from clearance.policytest.case import Case
from clearance.policytest.workspace import Workspace, build, remove
from clearance.run import run_spec, run_stage, run_time

REPOSITORY = "acme/app"
TOKEN = "policy-test-token"


@dataclass(frozen=True)
class Mismatch:
    case: str
    rule: str
    expected: str
    got: str
    message: str

    def __str__(self) -> str:
        return f"{self.case}: {self.rule} expected {self.expected}, got {self.got} ({self.message})"


def run_case(case: Case, policies: dict[tuple[str, str], Policy]) -> list[Mismatch]:
    """The mismatches between the case's expected verdicts and the engine's."""
    policy = _policy(case, policies)
    folder = Path(tempfile.mkdtemp(prefix="clearance-test-"))
    try:
        space = build(case, folder)
        doc = evaluate_case(case, policy, space, folder)
    finally:
        remove(folder)
    found = {r["id"]: r for r in doc["rules"]}
    mismatches = []
    for rule_id, wanted in case.expect.items():
        result = found.get(rule_id)
        if result is None:
            mismatches.append(Mismatch(case.name, rule_id, wanted, "nothing", "no such rule in the policy"))
        elif result["verdict"] != wanted:
            mismatches.append(Mismatch(case.name, rule_id, wanted, result["verdict"], result["message"]))
    return mismatches


def evaluate_case(case: Case, policy: Policy, space: Workspace, folder: Path) -> dict[str, Any]:
    """The results document of the case's stage, as `clearance check` would write it."""
    event = _event_file(case, space, folder)
    message = _message_file(case, folder)
    github = case.data.get("github")
    with _api(github, space) as url, _site(case, space) as site, _path_first(space.bin):
        env = {"GITHUB_REPOSITORY": REPOSITORY, **case_environ(case, site)}
        if url is not None:
            env.update(GITHUB_API_URL=url, CLEARANCE_GITHUB_TOKEN=TOKEN)
        spec = run_spec(str(space.root), case.stage, policy, env, base=space.base, head=space.head,
                        branch=space.branch, message_file=str(message) if message else None,
                        event=str(event) if event else None)
        return run_stage(policy, spec, _when(case), repository=REPOSITORY, timings=False)


def _when(case: Case) -> str:
    """The case's `date` (waivers expire by it), else now as `clearance check` takes it."""
    day = case.data.get("date")
    return f"{day}T12:00:00Z" if day else run_time(os.environ)


def _policy(case: Case, cache: dict[tuple[str, str], Policy]) -> Policy:
    overrides = case.data.get("overrides")
    text = json.dumps(overrides, sort_keys=True) if overrides else ""
    key = (str(case.policy), text)
    if key not in cache:
        sources: list[str | Document] = [str(case.policy)]
        if overrides:
            digest = hashlib.sha256(text.encode()).hexdigest()
            sources.append(Document(f"{case.name}/case.yaml (overrides)", overrides, {}, digest,
                                    case.folder))
        cache[key] = load_policy(sources, case.policy.parent)
    return cache[key]


def _event_file(case: Case, space: Workspace, folder: Path) -> Path | None:
    if case.stage in COMMIT_STAGES and "event" not in case.data:
        return None
    payload = _event(case, space)
    given = case.data.get("event") or {}
    pull = {**payload.get("pull_request", {}), **given.get("pull_request", {})}
    payload = {**payload, **given, **({"pull_request": pull} if pull else {})}
    target = folder / "event.json"
    target.write_text(json.dumps(payload), encoding="utf-8")
    return target


def _event(case: Case, space: Workspace) -> dict[str, Any]:
    repository = {"full_name": REPOSITORY}
    if case.stage not in ("pr", "merge"):
        return {"ref": "refs/heads/main", "before": space.base, "after": space.head,
                "repository": repository}
    pr: Mapping[str, Any] = case.data.get("pr") or {}
    number = int(pr.get("number", 1))
    return {"action": "synchronize", "number": number, "repository": repository, "pull_request": {
        "number": number, "title": pr.get("title", "Change"), "body": _body(case, pr),
        "user": {"login": pr.get("author", "author")},
        "updated_at": pr.get("updated_at", "2026-01-03T12:00:00Z"),
        "head": {"sha": space.head, "ref": space.branch}, "base": {"sha": space.base, "ref": "main"},
    }}


def _body(case: Case, pr: Mapping[str, Any]) -> str | None:
    if "body" in pr:
        return case.path(pr["body"]).read_text("utf-8")
    text = pr.get("body_text")
    return text if isinstance(text, str) else None


def _message_file(case: Case, folder: Path) -> Path | None:
    if "message" not in case.data:
        return None
    target = folder / "COMMIT_EDITMSG"
    target.write_text(case.data["message"], encoding="utf-8")
    return target


def _api(github: dict[str, Any] | None, space: Workspace) -> AbstractContextManager[str | None]:
    """The base URL of a stand-in GitHub API while the case runs, or None without `github:`."""
    if github is None:
        return nullcontext(None)
    from clearance.policytest.github import replies, serving

    return serving(replies(github, space.head, space.base))


def _site(case: Case, space: Workspace) -> AbstractContextManager[str | None]:
    """The root URL of the stand-in HTTP server while the case runs, or None without `http:`."""
    routes = case.data.get("http")
    if routes is None:
        return nullcontext(None)
    from clearance.policytest.endpoints import serve

    return serve(routes, space.head)


def case_environ(case: Case, site: str | None) -> dict[str, str]:
    """The case's `env:`, with `{http}` replaced by the stand-in server's root URL."""
    given: dict[str, str] = case.data.get("env") or {}
    return {name: value.replace("{http}", site or "") for name, value in given.items()}


@contextmanager
def _path_first(folder: Path) -> Iterator[None]:
    """Program stand-ins are found first while the case runs."""
    old = os.environ.get("PATH")
    os.environ["PATH"] = os.pathsep.join([str(folder), *([old] if old else [])])
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = old
