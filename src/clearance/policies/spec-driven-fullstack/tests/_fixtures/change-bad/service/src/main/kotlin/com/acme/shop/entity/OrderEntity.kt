package com.acme.shop.entity

import jakarta.persistence.Entity
import jakarta.persistence.Id
import jakarta.persistence.Table
import java.util.UUID

@Entity
@Table(name = "orders")
data class OrderEntity(
    @Id val id: UUID,
    val total: Long,
    val discountPercent: Long = 0,
)
