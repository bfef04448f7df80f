"""Unit tests of the cart; each test is named after the scenario it implements."""

from shop.cart import total


def test_total_of_the_items_in_the_cart() -> None:
    assert total([2.50, 1.20, 0.80]) == 4.50


def test_total_of_an_empty_cart_is_zero() -> None:
    assert total([]) == 0


def test_discount_taken_off_the_total() -> None:
    assert total([10.00, 5.00], discount=0.10) == 13.50
