"""The cart: what the items in it cost, less a discount.

<<<<<<< HEAD
A discount is a rate between 0 and 1.
=======
A discount is a rate from 0 (none) to 1 (everything free).
>>>>>>> discount
"""

from __future__ import annotations

from collections.abc import Iterable


def total(prices: Iterable[float], discount: float = 0.0) -> float:
    """The sum of the prices less the discount, rounded to the cent."""
    if not 0.0 <= discount <= 1.0:
        raise ValueError(f"a discount is a rate from 0 to 1, not {discount}")
    return round(sum(prices) * (1.0 - discount), 2)
