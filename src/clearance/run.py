"""One run of one stage: the only way a verdict is reached.

    policy + RunSpec + time + fail-on  ->  run_stage  ->  results document

`clearance check`, `clearance test` and the GitHub Action (which runs
`check`) all go through `run_spec` and `run_stage`, so the same evidence
gives the same verdicts whichever front end asks. A front end's own work is
only to say what it was given (its arguments, its environment) and to write
the document in the formats asked.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence

from clearance.engine import evaluate
from clearance.errors import UsageError
from clearance.evidence.context import Evidence, RunSpec
from clearance.policy.model import COMMIT_STAGES, Policy
from clearance.policy.trusted import Policies
from clearance.policy.waiver_terms import check_waiver_terms
from clearance.results import build_document

NULL_ID = "0" * 40  # git's null id: a push with nothing on the remote to compare with
CHANGE_STAGES = ("push", "pr", "merge")  # stages that judge a change against its base

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from clearance.evidence.git import Git


def run_stage(policy: Policy | Policies, spec: RunSpec, when: str, fail_on: str = "error", *,
              repository: str | None = None, git: Git | None = None,
              timings: bool = True) -> dict[str, Any]:
    """Evaluate the rules of the policy in force at `spec.stage` and return the results document.

    `policy` is the run's `Policies` (policy/trusted.py: the one in force, the base's, the
    change's), or one policy taken as in force with nothing else known. When the change
    brings a policy of its own, its rules are evaluated too and shown as `proposed`; only
    the policy in force decides. `when` is the run's time, `YYYY-MM-DDTHH:MM:SSZ` (see
    `run_time`): its date decides which waivers have expired. `git` may be one whose
    commands were started ahead (`Git.start_index_reads`); `timings=False` leaves each
    rule's duration out, for reproducible documents.
    """
    policies = policy if isinstance(policy, Policies) else None
    in_force = policy.in_force if isinstance(policy, Policies) else policy
    # One policy alone (`clearance test`) is taken as the base's too: nothing is changed.
    known = policies or Policies(in_force, "base", base=in_force)
    evidence = Evidence(spec, in_force.inputs, in_force.attestors, git=git, now=when,
                        policies=known)
    check_waiver_terms(in_force, when[:10])  # settings.max_waiver_days, from the run's date
    results = evaluate(in_force, evidence, when[:10], timings=timings)
    doc = build_document(in_force, results, evidence, when, fail_on,
                         repository=repository or os.path.basename(os.fspath(spec.root)))
    if policies is not None:
        doc["policy"]["read_from"] = policies.describe()
        if policies.changed:
            doc["proposed"] = _proposed(policies, spec, when, fail_on, git, timings)
    return doc


def _proposed(policies: Policies, spec: RunSpec, when: str, fail_on: str, git: Git | None,
              timings: bool) -> dict[str, Any]:
    """What the change's own policy would decide: shown to reviewers, never in force."""
    head = policies.head
    if head is None:
        return {"error": policies.head_error, "policy": None, "summary": None, "rules": []}
    evidence = Evidence(spec, head.inputs, head.attestors, git=git, now=when, policies=policies)
    results = evaluate(head, evidence, when[:10], timings=timings)
    doc = build_document(head, results, evidence, when, fail_on, repository="")
    return {"error": None, "policy": doc["policy"], "summary": doc["summary"], "rules": doc["rules"]}


def run_refs(stage: str, env: Mapping[str, str], *, base: str | None = None,
             head: str | None = None, event: str | None = None) -> dict[str, str | None]:
    """The base, head and branch of a run: what the caller was given first, the environment
    (a GitHub workflow's, a pre-commit hook's) second, the event payload last."""
    event = event or (None if stage in COMMIT_STAGES else env.get("GITHUB_EVENT_PATH")) or None
    refs = _event_refs(event) if event else {}
    if stage == "push":
        first = _first_push(env)
        base = base or env.get("PRE_COMMIT_FROM_REF") or first
        head = head or env.get("PRE_COMMIT_TO_REF") or (env.get("PRE_COMMIT_LOCAL_BRANCH") if first else None)
    base = base or refs.get("base")
    if not base and stage in CHANGE_STAGES:
        raise UsageError(f"no base revision for stage '{stage}': the change is measured against it",
                         hint="pass --base REF (in a pull request, the base branch), or --event "
                              "with a pull_request payload")
    return {"base": base, "head": head or refs.get("head"), "event": event,
            "branch": refs.get("branch")}


def _first_push(env: Mapping[str, str]) -> str | None:
    """git's null id when pre-commit's pre-push hook names the branch pushed but no refs: a
    push of a history whose root commit the remote lacks (pre-commit runs it as --all-files),
    compared with nothing, as the plain pre-push hook does."""
    pushing = env.get("PRE_COMMIT_LOCAL_BRANCH") and env.get("PRE_COMMIT_REMOTE_BRANCH")
    return NULL_ID if pushing and not env.get("PRE_COMMIT_FROM_REF") else None


def run_spec(root: str, stage: str, policy: Policy, env: Mapping[str, str], *,
             base: str | None = None, head: str | None = None, branch: str | None = None,
             files: Sequence[str] = (), message_file: str | None = None,
             pr_body: str | None = None, pr_body_text: str | None = None,
             event: str | None = None, environment: str | None = None,
             release: str | None = None) -> RunSpec:
    """What the evidence layer needs: the run's refs (see `run_refs`), its files and message,
    and what the policy in force allows."""
    refs = run_refs(stage, env, base=base, head=head, event=event)
    if stage == "commit-msg" and message_file is None and len(files) == 1:
        message_file, files = files[0], ()  # a commit-msg hook passes the message file as FILES
    base, head, event = refs["base"], refs["head"], refs["event"]
    return RunSpec(
        root=root, stage=stage, base=base, head=head,
        branch=branch or refs.get("branch") or env.get("GITHUB_HEAD_REF") or None,
        files=tuple(files), message_file=message_file or None,
        pr_body_file=pr_body or None, pr_body_text=pr_body_text, event_file=event,
        github_token=env.get("CLEARANCE_GITHUB_TOKEN") or env.get("GITHUB_TOKEN"),
        github_api=env.get("GITHUB_API_URL", "https://api.github.com"),
        github_repository=env.get("GITHUB_REPOSITORY"),
        allow_commands=bool(policy.settings.get("commands", False)),
        refuse_self_granted=policy.refuses_self_granted(stage),
        max_input_bytes=policy.settings.get("max_input_bytes"),
        network=tuple(policy.settings.get("network", ())),
        environ=dict(env), environment=environment or None, release=release or None,
    )


def _event_refs(event: str) -> dict[str, str]:
    from pathlib import Path  # only with an event: a commit hook has none

    from clearance.evidence.event import pull_request_refs

    return pull_request_refs(Path(event))


def run_time(env: Mapping[str, str]) -> str:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible output), as `YYYY-MM-DDTHH:MM:SSZ` in UTC."""
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError) as e:
        raise UsageError(f"SOURCE_DATE_EPOCH is not a time in the years 1 to 9999: {epoch!r}") from e
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
