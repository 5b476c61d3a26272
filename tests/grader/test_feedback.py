"""Feedback sentences."""

import pytest

from grader import check
from grader.equivalence import Comparison
from grader.errors import ReadError, Span
from grader.feedback import describe_difference, invalid


def test_invalid_names_the_column():
    assert invalid(ReadError("empty answer")) == "Could not read your answer: empty answer."
    assert invalid(ReadError('unexpected "#"', Span(2, 3))) == \
        'Could not read your answer: unexpected "#" (column 3).'


def test_region():
    text = describe_difference(Comparison("different", {"x": -1.0}, "region:x>0"))
    assert text.startswith("Your answer is right only for x > 0")


def test_point_is_named():
    text = describe_difference(Comparison("different", {"x": 1.5126, "y": -2.0}, ""))
    assert text == "Your answer is not equal to the correct answer (they differ at x = 1.51, y = -2)."


@pytest.mark.parametrize("expected, answer, kind, message", [
    ("[x, 1]", "[x]", "vector", "Your vector has 1 component; the answer has 2."),
    ("[x, 1]", "[x, 1, 2]", "vector", "Your vector has 3 components; the answer has 2."),
    ("(1, 2)", "(1, 2, 3)", "point", "Your point has 3 coordinates; it should have 2."),
])
def test_counts_agree_with_their_nouns(expected, answer, kind, message):
    """'1 component', never '1 components'."""
    assert check(expected, answer, kind=kind, variables="x").feedback == message
