Feature: Sign in

  Background:
    Given a user

  Background:
    Given another

  Scenario: Works
    Then ok
