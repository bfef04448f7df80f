"""Comparing a coverage percentage with a minimum, the way coverage.py does.

coverage.py's `fail_under` (coverage/results.py, `should_fail_under`):
- the total fails when `round(total, p) < minimum`, where `p` is the
  configured precision (default 0), raised to the number of decimals the
  minimum itself is written with (`fail_under = 87.25` compares at 2);
- a minimum of exactly 100 is special: only a true 100% passes, however the
  total rounds.
Percentages are shown as coverage.py shows them: rounded to `p` decimals,
except that a total above 0 never shows as 0 and one below 100 never as 100.
"""

from __future__ import annotations

from decimal import Decimal

from clearance.records import Record


def effective_precision(minimum: float, precision: int) -> int:
    """The precision of the comparison: enough decimals for the minimum."""
    if minimum == int(minimum):
        return precision
    exponent = Decimal(str(minimum)).as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) else 0
    return max(precision, decimals)


def display(percent: float, precision: int) -> str:
    """A percentage as coverage.py prints it (never a rounded 0 or 100)."""
    near = 1.0 / 10**precision
    if 0 < percent < near:
        percent = near
    elif 100.0 - near < percent < 100:
        percent = 100.0 - near
    else:
        percent = round(percent, precision)
    return f"{percent:.{precision}f}"


def number(value: float) -> str:
    """A minimum as the policy wrote it: 90, 87.5."""
    return f"{value:g}"


class Threshold(Record):
    """A minimum percentage and the precision it is compared at."""

    minimum: float
    precision: int = 0

    @property
    def digits(self) -> int:
        return effective_precision(self.minimum, self.precision)

    def below(self, percent: float) -> bool:
        if self.minimum == 100 and percent != 100:
            return True
        return round(percent, self.digits) < self.minimum

    def figure(self, percent: float) -> str:
        """The comparison made: `87.4 < 90` or `92 >= 90`."""
        op = "<" if self.below(percent) else ">="
        return f"{display(percent, self.digits)} {op} {number(self.minimum)}"
