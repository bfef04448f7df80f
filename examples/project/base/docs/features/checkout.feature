Feature: Checkout
  A customer checks out a cart of items from the catalog
  and gets a receipt with the total to pay.

  Rule: The total is the sum of the prices of the items

    Scenario: Total of the items in the cart
      Given a cart holding items priced 2.50, 1.20 and 0.80
      When the total is computed
      Then the total is 4.50

    Scenario: Receipt printed at checkout
      Given the catalog prices an apple at 0.50 and a bread at 2.20
      When a customer checks out two apples and a bread
      Then the receipt lists the three items and a total of 3.20
