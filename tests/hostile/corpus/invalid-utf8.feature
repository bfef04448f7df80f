Feature: Bad ÿ bytes

  Scenario: One
    Given x
