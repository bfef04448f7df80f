package com.acme.shop

import com.acme.shop.entity.OrderEntity
import io.micronaut.data.annotation.Repository
import io.micronaut.data.jpa.repository.JpaRepository
import java.util.UUID

@Repository
interface OrderRepository : JpaRepository<OrderEntity, UUID>
