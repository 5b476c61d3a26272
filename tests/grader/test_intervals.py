"""The ``interval`` kind: inequalities and unions of intervals (grader/intervals.py)."""

import pytest

from grader import KINDS, check
from grader.errors import ReadError
from grader.intervals import grade_interval, intervals_latex, read_intervals


def test_interval_is_a_kind():
    """"interval" is one of KINDS, so the CLI's --kind offers it."""
    assert "interval" in KINDS


class TestEquivalentDescriptions:
    """Every way of writing the same set of reals is correct."""

    @pytest.mark.parametrize("expected, answer", [
        ("(4, oo)", "x > 4"),
        ("(4, oo)", "4 < x"),
        ("(4, oo)", "x ∈ (4, ∞)"),
        ("(4, oo)", "(4, +inf)"),
        ("(-oo, -1) U (2, oo)", "x < -1 or x > 2"),
        ("(-oo, -1) U (2, oo)", "x > 2 or x < -1"),
        ("(-oo, -1) U (2, oo)", "(-∞, -1) ∪ (2, ∞)"),
        ("(-oo, -1) U (2, oo)", "(-inf,-1)U(2,inf)"),
        ("(-oo, -1) U (2, oo)", "(-∞, -1), (2, ∞)"),
        ("(-oo, -1) U (2, oo)", "x < -1 \\cup x > 2"),
        ("(-oo, -1) U (2, oo)", "x ≠ 0 and x < -1 or x > 2"),
        ("(-oo, -1) U (0, 2)", "(-∞, -1) ∪ (0, 2)"),
        ("[0, 1)", "[0, 1)"),
        ("[0, 1)", "0 <= x < 1"),
        ("[0, 1)", "0 ≤ x < 1"),
        ("[0, 1)", "1 > x >= 0"),
        ("[0, 1)", "x >= 0 and x < 1"),
        ("[0, 1)", "{x : 0 ≤ x < 1}"),
        ("[0, 1)", "{x | 0 \\le x \\lt 1}"),
        ("(0, 2]", "x ∈ (0, 2]"),
        ("(0, 2]", "x in (0, 2]"),
        ("(0, 2]", "x \\in (0, 2]"),
        ("(-oo, -1)", "(-inf, -1)"),
        ("(-oo, -1)", "(−∞, −1)"),
        ("[0, 2]", "[0, 1) ∪ [1, 2]"),
        ("[0, 2]", "[0, 1] U [0.5, 2]"),
        ("[0, 3]", "[0, 2] ∪ [1, 3]"),
        ("(0, 1) U (1, 2)", "0 < x < 2 and x != 1"),
        ("(0, 1) U (1, 2)", "0 < x < 2 and x ≠ 1"),
        ("(-oo, 0) U {1}", "x < 0 or x = 1"),
        ("{1, 2}", "x = 1 or x = 2"),
        ("{1, 2}", "{2, 1}"),
        ("[sqrt(2), oo)", "x >= √2"),
        ("[sqrt(2), oo)", "x ≥ 2^(1/2)"),
        ("(-1/3, 2]", "-1/3 < x <= 2"),
        ("(-1/3, 2]", "-2/6 < x ≤ 2"),
        ("(ln(2), pi)", "ln 2 < x < π"),
        ("(-oo, oo)", "ℝ"),
        ("(-oo, oo)", "all real numbers"),
        ("(-oo, oo)", "x < 1 or x >= 1"),
        ("{}", "∅"),
        ("{}", "no solution"),
        ("{}", "x > 2 and x < 1"),
    ])
    def test_correct(self, expected, answer):
        v = check(expected, answer, kind="interval", variables=["x"])
        assert (v.status, v.score, v.feedback) == ("correct", 1.0, "Correct."), v.feedback

    def test_other_variable_name(self):
        """The inequality is in the problem's variable."""
        assert check("(0, oo)", "t > 0", kind="interval", variables=["t"]).status == "correct"


class TestDifferences:
    """Open vs closed ends matter; feedback names the end; credit is partial."""

    @pytest.mark.parametrize("expected, answer, score, message", [
        ("(0, 2]", "0 < x < 2", 0.75, "Your set should include x = 2 (a closed end: ] or ≤)."),
        ("[0, 2]", "(0, 2)", 0.5, "Your set should include x = 0 (a closed end: [ or ≥)."),
        ("(0, 2)", "[0, 2]", 0.5,
         "Your set should not include x = 0 (an open end: ( or >)."),
        ("(0, 2)", "(0, 2]", 0.75,
         "Your set should not include x = 2 (an open end: ) or <)."),
        ("(-oo, -1] U [2, oo)", "x < -1 or x >= 2", 0.875,
         "Your set should include x = -1 (a closed end: ] or ≤)."),
        ("(0, 2)", "(0, 3)", 0.5, "Your set includes x = 2.5, which is not in the solution."),
        ("(0, 2)", "(0, 1)", 0.5, "Your set leaves out x = 1.5."),
        ("(0, 2)", "(0, 1) U (1, 2)", 0.5, "Your set leaves out x = 1."),
        ("(-oo, -1) U (2, oo)", "x < -1 and x > 2", 0.0, "Your set leaves out x = -2."),
        ("(-oo, -1) U (2, oo)", "-1 < x < 2", 0.0, "Your set leaves out x = -2."),
        ("{1, 2}", "x = 1 or x = 3", 0.5, "Your set leaves out x = 2."),
        ("(4, oo)", "x < 4", 0.0, "Your set includes x = 3, which is not in the solution."),
    ])
    def test_incorrect(self, expected, answer, score, message):
        v = check(expected, answer, kind="interval", variables=["x"])
        assert (v.status, v.score, v.feedback) == ("incorrect", pytest.approx(score), message)

    def test_decimal_endpoint_is_not_exact(self):
        """1.4142 is not √2: no wrong answer is accepted by rounding."""
        assert check("[sqrt(2), oo)", "x >= 1.4142", kind="interval",
                     variables=["x"]).status == "incorrect"


class TestUnreadable:
    """Bad input says what and where, never crashes."""

    @pytest.mark.parametrize("answer, message", [
        ("x < -1, x > 2", 'a comma between inequalities could mean "or" or "and"; write "or" '
                          'for either, "and" for both (column 7)'),
        ("y > 0", "an inequality needs x alone on one side, as in x > 2 or -1 < x <= 2 "
                  "(column 1)"),
        ("x > 2x", "an end of an interval is a number, not an expression in x (column 4)"),
        ("[-inf, 2)", "an infinite end is always open: use ( or ) (column 1)"),
        ("(3, 1)", "the left end is larger than the right end (column 1)"),
        ("x > ln(-1)", "an end must be a real number (column 4)"),
        ("x > 1/0", "this end has no value (or is too large) (column 4)"),
        ("x > 9^9^9^9", "this end has no value (or is too large) (column 4)"),
        ("1 < x < 2 < 3", "at most two comparisons in a row, as in -1 < x <= 2 (column 11)"),
        ("x > sine(2)", 'unknown function "sine"; did you mean "sin"? (column 5)'),
        ("", "empty answer"),
    ])
    def test_message(self, answer, message):
        v = check("(0, oo)", answer, kind="interval", variables=["x"])
        assert (v.status, v.feedback, v.interpreted) == (
            "invalid", f"Could not read your answer: {message}.", "")

    def test_bad_expected_is_an_instructor_error(self):
        with pytest.raises(ReadError, match="the expected answer"):
            check("(0, ", "x > 0", kind="interval", variables=["x"])

    @pytest.mark.parametrize("answer", ["x > " + "(" * 300, "x" * 5000, "x > 1 or " * 200,
                                        "{" + ",".join(["1"] * 500) + "}"])
    def test_hostile(self, answer):
        """Long or deep input is refused, not crashed on."""
        v = check("(0, oo)", answer, kind="interval", variables=["x"])
        assert v.status == "invalid"


class TestReading:
    """The normal form: sorted, disjoint, merged."""

    @pytest.mark.parametrize("text, latex", [
        ("x > 2", "\\left(2, \\infty\\right)"),
        ("x <= -1 or x > 3", "\\left(-\\infty, -1\\right] \\cup \\left(3, \\infty\\right)"),
        ("[1, 2] U [0, 1)", "\\left[0, 2\\right]"),
        ("x = 3", "\\left\\{3\\right\\}"),
        ("∅", "\\emptyset"),
        ("x >= sqrt(2)", "\\left[\\sqrt{2}, \\infty\\right)"),
    ])
    def test_latex(self, text, latex):
        assert intervals_latex(read_intervals(text)) == latex

    def test_interpreted(self):
        """The verdict shows how the answer was read."""
        v = check("(0, oo)", "x > 0", kind="interval", variables=["x"])
        assert v.interpreted == "\\left(0, \\infty\\right)"

    def test_known_mistake(self):
        """A known wrong interval supplies its feedback."""
        from grader import Mistake
        v = check("(-oo, -1) U (2, oo)", "-1 < x < 2", kind="interval", variables=["x"],
                  mistakes=[Mistake("(-1, 2)", "You solved for where f is negative.",
                                    "sign-flip")])
        assert (v.feedback, v.mistake) == ("You solved for where f is negative.", "sign-flip")

    def test_grade_interval_directly(self):
        assert grade_interval("[0, 1)", "0 <= x < 1", ("x",)).status == "correct"
