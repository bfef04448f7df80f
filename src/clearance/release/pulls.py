"""The pull request GitHub associates with a commit, through the REST API.

`GET /repos/{repo}/commits/{sha}/pulls` lists the pull requests a commit belongs
to, including the one a rebase or squash merge rewrote it for; the merged one is
taken. Used only with a token (`CLEARANCE_GITHUB_TOKEN` or `GITHUB_TOKEN`) and a
repository (`--repository` or `GITHUB_REPOSITORY`); a failed request stops the
command (exit 2): a record with holes the API could have filled is not given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from clearance.evidence.github import GitHubClient, repo_path
from clearance.release.attribution import PullLookup


def api_lookup(env: Mapping[str, str], repository: str | None) -> PullLookup | None:
    """The lookup through the API, or None without a token or a repository."""
    token = env.get("CLEARANCE_GITHUB_TOKEN") or env.get("GITHUB_TOKEN")
    repository = repository or env.get("GITHUB_REPOSITORY")
    if not token or not repository or "/" not in repository:
        return None
    client = GitHubClient(env.get("GITHUB_API_URL", "https://api.github.com"), token)
    return lambda sha: merged_pull(client, repository, sha)


def merged_pull(client: GitHubClient, repository: str, sha: str) -> tuple[int, str | None, str | None] | None:
    """(number, url, head sha) of the merged pull request that brought `sha`, or None."""
    pulls = client.fetch(repo_path(repository, "commits", sha, "pulls")).data
    for pull in pulls if isinstance(pulls, list) else []:
        if isinstance(pull, dict) and pull.get("merged_at") and _number(pull.get("number")):
            head = pull.get("head")
            return (pull["number"], _text(pull.get("html_url")),
                    _text(head.get("sha")) if isinstance(head, dict) else None)
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
