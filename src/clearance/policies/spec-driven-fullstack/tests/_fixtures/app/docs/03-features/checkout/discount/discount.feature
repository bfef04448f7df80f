Feature: Discount

  Rule: Totals include discounts

    Scenario: Discounted total
      Given a cart holding 100
      When a discount of 10% applies
      Then the total is 90
