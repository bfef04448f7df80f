"""behave's ''' docstrings often hold a feature file, with \"\"\" docstrings of its own: that is
one root cause, one finding (behave's own features/formatter.steps_code.feature gave 9)."""

from __future__ import annotations

from clearance.evidence.gherkin_errors import parse

FEATURE = '''Feature: Formatter
  Scenario: Write a feature file
    Given a file named "features/x.feature" with:
      \'\'\'
      Feature:
        Scenario: Inner
          Given a step with text:
            """
            Lorem ipsum.
            """
      \'\'\'
    When I run "behave features/x.feature"
'''


def test_a_single_quoted_docstring_holding_triple_double_quotes_is_one_error() -> None:
    document, errors = parse("features/formatter.feature", FEATURE)
    assert document is None
    assert [(e.line, "'''" in e.message) for e in errors] == [(4, True)]
