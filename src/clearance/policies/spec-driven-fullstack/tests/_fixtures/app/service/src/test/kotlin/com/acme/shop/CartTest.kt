package com.acme.shop

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class CartTest {
    @Test
    fun `Discounted total`() {
        assertEquals(100L, Cart(listOf(100L)).total())
    }
}
