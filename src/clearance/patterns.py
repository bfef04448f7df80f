"""Policy regular expressions run on file contents, within a time budget.

A policy's pattern is Python's `re`, whose backtracking can take quadratic or
exponential time on some patterns and inputs (`(?=.*a)(?=.*b)` tried at
every position of a 100 KB file, `(a+)+$`). A rule must not hang a commit
hook or a CI job, nor pass because it gave up: each file's search runs under
a budget (`BUDGET_SECONDS`), and a search that outlives it is an `error`
naming the file, with a hint on how to write the pattern. The budget is a
real-time timer (SIGALRM), which Python's regular-expression engine checks
while it matches; off the main thread, where no signal can be received,
searches run without one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from clearance.errors import EvidenceError

BUDGET_SECONDS = 2.0
HINT = ("the pattern backtracks too much on this file: anchor lookaheads at the start "
        "(`(?s)\\A(?=.*a)(?=.*b)`), avoid nested repeats such as `(a+)+`, or split it into "
        "several rules")


class _Expired(Exception):
    """Raised from the timer's signal handler inside the regular-expression engine."""


@contextmanager
def searching(path: str, pattern: str, seconds: float = BUDGET_SECONDS) -> Iterator[None]:
    """Run the search of one file (or text: a commit message, a PR title) inside; an
    `EvidenceError` naming it when the search takes longer than `seconds`."""
    try:
        with _timer(seconds):
            yield
    except _Expired:
        raise EvidenceError(f"the pattern /{pattern}/ took over {seconds:g} s on this text",
                            path, hint=HINT) from None


@contextmanager
def _timer(seconds: float) -> Iterator[None]:
    import signal

    def expire(signum: int, frame: object) -> None:
        raise _Expired

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:  # not the main thread: no signal can reach this search
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
