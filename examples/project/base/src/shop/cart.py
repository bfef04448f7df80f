"""The cart: what the items in it cost."""

from __future__ import annotations

from collections.abc import Iterable


def total(prices: Iterable[float]) -> float:
    """The sum of the prices, rounded to the cent."""
    return round(sum(prices), 2)
