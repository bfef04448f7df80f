"""Which policy judges a change: the one at the trusted revision, never the change's own.

At the commit stages the policy in force is read from the index (what is
being committed), at every other stage from the base revision's git objects:
the policy file, every `extends` file and the settings that name other
evidence. The working tree is never read for it. The change's own policy
(the head's) is loaded too when it differs, so the `policy.approved` rule can
say what the change would alter and the results can show what it would do.
"""

from __future__ import annotations

from clearance.policy.model import Policy
from clearance.records import Record

HEAD = "head"  # settings.policy_source: the change's own policy judges it (opted out)
BASE = "base"


class Policies(Record):
    """The policies of one run.

    `in_force` judges. `source` says where it was read: `index`, `base`
    (a commit), `head` (opted out with `settings.policy_source: head`) or
    `files` (named outside the repository, read from disk). `base` is the
    effective policy at the base revision (None when there is no base or it
    cannot be read), `head` the change's own when it differs from `base`
    (`head_error` when it does not load), `revision` the commit (or `index`)
    the policy in force was read from.
    """

    in_force: Policy
    source: str
    revision: str | None = None
    base: Policy | None = None
    head: Policy | None = None
    head_error: str | None = None
    base_revision: str | None = None
    head_revision: str | None = None
