"""Durations and times as policies and records write them.

A duration is a count and a unit: `90s`, `30m`, `36h`, `14d`, `2w` (each kind's
schema says which units it takes: `max_age` of a sign-off in hours, days or
weeks; of a deployment in seconds to days). A time is ISO 8601, `Z` for UTC.
"""

from __future__ import annotations

import datetime as dt

UNITS = {"s": dt.timedelta(seconds=1), "m": dt.timedelta(minutes=1), "h": dt.timedelta(hours=1),
         "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


def duration(text: str) -> dt.timedelta:
    """`36h` as a time span; ValueError when it is not a count and a unit."""
    count, unit = text[:-1], text[-1:]
    if unit not in UNITS or not count.isdigit() or count.startswith("0"):
        raise ValueError(f"not a duration like 14d, 36h or 2w: {text!r}")
    return int(count) * UNITS[unit]


def moment(text: str) -> dt.datetime:
    """An ISO 8601 time (`Z` for UTC); ValueError when it is not one."""
    return dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
