"""The files `clearance init` writes, as text: clearance.yaml extending a pack, the
pre-commit configuration and the GitHub workflow that runs the action."""

from __future__ import annotations

import json
from typing import Any

from clearance import __version__

# The repository holding clearance's action.yml and .pre-commit-hooks.yaml, as the
# docs name it (docs/hooks.md, docs/github-action.md); `clearance init --source` sets it.
SOURCE = "OWNER/clearance"
RELEASE = f"v{__version__}"


def hooks_repo(source: str) -> str:
    return f"https://github.com/{source}"


def policy_file(name: str, pack: str, inputs: dict[str, Any]) -> str:
    """clearance.yaml: extends the pack, with the pack's inputs shown as comments."""
    lines = [
        "# yaml-language-server: $schema=https://clearance.dev/schemas/policy-v1.json",
        "# This repository's delivery checklist, checked by clearance. The pack's rules apply",
        "# first; a rule here with the id of one of them changes it (its check's parameters",
        "# merge key by key), `enabled: false` drops it. See `clearance list` and docs/policy.md.",
        "apiVersion: clearance/v1",
        "kind: Policy",
        "metadata:",
        f"  name: {json.dumps(name)}",
        "  version: 0.1.0",
        f"extends: [{pack}]",
        "# Where CI writes the evidence; the pack's defaults are:",
        "# inputs:",
    ]
    for key, value in inputs.items():
        if isinstance(value, dict):
            lines.append(f"#   {key}:")
            lines += [f"#     {k}: {json.dumps(v)}" for k, v in value.items()]
        else:
            lines.append(f"#   {key}: {json.dumps(value)}")
    lines += ["rules: []", "waivers: []"]
    return "\n".join(lines) + "\n"


def precommit_entry(source: str) -> str:
    """The entry of `repos:` that runs clearance's hooks."""
    return f"""\
  - repo: {hooks_repo(source)}
    rev: {RELEASE}
    hooks:
      - id: clearance
      - id: clearance-push
      - id: clearance-validate
"""


def precommit_config(source: str) -> str:
    return f"""\
# pre-commit (https://pre-commit.com): clearance checks the commit stage of
# clearance.yaml on each commit and the push stage on each push.
# Install both hook types with: pre-commit install
default_install_hook_types: [pre-commit, pre-push]
repos:
{precommit_entry(source)}"""


# The actions the workflow uses, pinned to a commit (zizmor's unpinned-uses); the
# release tag stays in a comment for readers and update tools.
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"


def action_ref(source: str, commit: str | None) -> str:
    """`uses:` of clearance's action: the release's commit when known, else its tag."""
    return f"{source}@{commit} # {RELEASE}" if commit else f"{source}@{RELEASE}"


def workflow(source: str, commit: str | None = None) -> str:
    """The workflow of the pr stage; `commit` is the commit of clearance's release tag
    (`init --action-commit`), without which the action is named by its tag only."""
    pin = "" if commit else (
        f"      # Pin to the commit of {RELEASE}: git ls-remote {hooks_repo(source)} {RELEASE}\n")
    return f"""\
# clearance: the pull request against its delivery checklist (clearance.yaml).
# Make the job a required status check of the protected branch.
name: clearance
on:
  pull_request:
    types: [opened, edited, synchronize, reopened]
  pull_request_review:
    types: [submitted, dismissed]
permissions: {{}}
jobs:
  clearance:
    runs-on: ubuntu-latest
    permissions:
      contents: read  # the checkout, and the commits between base and head
      pull-requests: read  # reviews and the pull request's current body
      checks: read  # the ci.checks rules
      statuses: read  # the ci.checks rules (commit statuses)
    steps:
      - uses: {CHECKOUT}
        with:
          fetch-depth: 0
          persist-credentials: false
      # Before this step, produce (or download with actions/download-artifact) the
      # evidence the policy reads: coverage, JUnit XML and SARIF reports; see the
      # inputs in clearance.yaml. The job's name starts with "clearance", so the
      # ci.checks rules leave it out while it runs.
{pin}      - uses: {action_ref(source, commit)}
        with:
          stage: pr
"""
