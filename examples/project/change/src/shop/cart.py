def total(prices: list[float], discount: float = 0.0) -> float:
    subtotal = sum(prices)
<<<<<<< HEAD
    return subtotal
=======
    return subtotal * (1 - discount)
>>>>>>> discount
