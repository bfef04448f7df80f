"""Count how many examples each hypothesis property ran; printed at the end of the session."""

from __future__ import annotations

from collections import Counter

COUNTS: Counter[str] = Counter()


def counted(name: str) -> None:
    COUNTS[name] += 1
