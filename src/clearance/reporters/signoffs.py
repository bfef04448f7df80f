"""What every report format says of a rule's sign-offs, written once.

A rule record's `attestation` is the sign-off that counted, with its `proof`
(see checks/attestation.py); `data.ignored_signoffs` lists those that did
not, each with the reason. `notes(rule)` gives one line for each thing a
reader must not miss: a counted sign-off that is self-added, unverified or
only the PR author's tick, and every ignored sign-off. Documents written
before sign-offs carried a proof have no `proof` key: their `self_added` flag
is still shown.
"""

from __future__ import annotations

from collections.abc import Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # the text reporter runs in every commit hook: no `typing` import there
    from typing import Any

PROOFS = {
    "github-deployment-review": "GitHub deployment review",
    "github-review": "GitHub pull request review",
    "signature": "signed commit",
    "author-tick": "the PR author's tick",
    "none": "unverified",
}


def proof(attestation: Mapping[str, Any]) -> str:
    """How the sign-off is proven, in words; "" when the document does not say."""
    return PROOFS.get(str(attestation.get("proof")), "")


def subject(attestation: Mapping[str, Any]) -> str:
    """What the sign-off names: `commit 3f2c…, environment staging`, or ""."""
    named = attestation.get("subject")
    if not isinstance(named, Mapping):
        return ""
    return ", ".join(f"{key} {value}" for key, value in named.items())


def ignored(rule: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    data = rule.get("data")
    found = data.get("ignored_signoffs") if isinstance(data, Mapping) else None
    return [i for i in found or [] if isinstance(i, Mapping)]


def notes(rule: Mapping[str, Any], ticks: bool = True) -> list[str]:
    """One line per self-added, unverified, author-ticked or ignored sign-off of a rule;
    `ticks=False` leaves out the author's tick of an item the rule accepts ticks for (the
    terminal, where the author reads their own ticks back)."""
    lines = []
    counted = rule.get("attestation")
    if isinstance(counted, Mapping) and (ticks or counted.get("proof") != "author-tick"):
        lines.extend(_weak(counted))
    for entry in ignored(rule):
        lines.append(f"sign-off by {entry.get('by')} ({entry.get('source')}) ignored: "
                     f"{entry.get('reason')}")
    return lines


def _weak(a: Mapping[str, Any]) -> list[str]:
    who = f"sign-off by {a.get('by')} ({a.get('source')})"
    if a.get("proof") == "author-tick":
        return [f"{who} is the PR author's own tick, taken because the rule accepts it"]
    lines = []
    if a.get("self_added"):
        reason = a.get("self_added_reason") or "added by the change under evaluation"
        lines.append(f"{who} is self-added: {reason}")
    if a.get("proof") == "none":
        lines.append(f"{who} is unverified: {a.get('proof_detail') or 'nothing proves who signed it'}")
    return lines
