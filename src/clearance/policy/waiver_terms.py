"""`settings.max_waiver_days`: how far ahead of its grant a waiver may expire.

The term is counted from the waiver's `granted` date when it gives one, else
from the run's date (UTC; `SOURCE_DATE_EPOCH` when set). A `granted` date
later than the run's date counts from the run's date, so a waiver cannot look
short by dating its grant ahead. Without `granted` the term shrinks as time
passes, so a waiver that was within the limit once stays within it. Checked
by `clearance validate` and by every run, against the policy in force; a
waiver over the limit is an error that names its file and line.
"""

from __future__ import annotations

import datetime as dt

from clearance.errors import PolicyError
from clearance.policy.model import Policy, Waiver

SETTING = "max_waiver_days"


def waiver_problems(policy: Policy, today: str) -> list[PolicyError]:
    """An error for each waiver of `policy` whose term exceeds the policy's limit on `today`
    (`YYYY-MM-DD`); none without `settings.max_waiver_days`."""
    limit = policy.settings.get(SETTING)
    if not isinstance(limit, int):
        return []
    day = dt.date.fromisoformat(today)
    return [e for e in (_problem(w, limit, day) for w in policy.waivers) if e is not None]


def check_waiver_terms(policy: Policy, today: str) -> None:
    """Raise the errors of `waiver_problems`, every one of them."""
    problems = waiver_problems(policy, today)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        from clearance.policy.loader import PolicyErrors  # the loader only on this rare path

        raise PolicyErrors(problems)


def _problem(waiver: Waiver, limit: int, today: dt.date) -> PolicyError | None:
    what = f"the waiver of '{waiver.rule}' by {waiver.owner}"
    origin = waiver.origin
    if waiver.expires is None:
        return PolicyError(f"{what} has no expires", origin.path, origin.line, origin.column,
                           hint=f"add expires: YYYY-MM-DD, at most {limit} days ahead")
    expires = dt.date.fromisoformat(waiver.expires)
    granted = dt.date.fromisoformat(waiver.granted) if waiver.granted else today
    start = min(granted, today)
    if waiver.granted and granted > expires:  # without `granted`, a past expiry is just expired
        return PolicyError(f"{what} is granted on {granted} after it expires on {expires}",
                           origin.path, origin.line, origin.column, hint="correct one of the dates")
    if (expires - start).days <= limit:
        return None
    since = f"its grant on {start}" if waiver.granted and start == granted else f"the run's date {start}"
    return PolicyError(
        f"{what} expires on {expires}, {(expires - start).days} days after {since}; "
        f"settings.{SETTING} allows {limit}", origin.path, origin.line, origin.column,
        hint=f"set expires on or before {start + dt.timedelta(days=limit)}, or have the policy "
             f"owners raise settings.{SETTING}")
