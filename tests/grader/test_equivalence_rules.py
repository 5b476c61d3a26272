"""Equivalence rules of issue 12: rounding at cancellation and poles, powers with a
variable exponent, and the one rule for where the two sides are defined."""

import pytest

from grader import check
from grader.equivalence import Domain, compare
from grader.parse import parse


def status(expected, answer, variables="x", assume=None):
    return check(expected, answer, variables=list(variables), assume=assume).status


class TestRoundingIsNotEvidence:
    """A "differs" must survive re-evaluation at higher precision."""

    @pytest.mark.parametrize("expected, answer, variables", [
        # nested radicals: sqrt((x + √(x²+1))²) - x - √(x²+1) is identically 0
        ("0", "sqrt(x^2 + 2*x*sqrt(x^2+1) + x^2 + 1) - x - sqrt(x^2+1)", "x"),
        ("0", "sqrt(sqrt((x^2+1)^2)) - sqrt(x^2+1)", "x"),
        ("0", "sqrt(3 + 2*sqrt(2)) - 1 - sqrt(2)", ""),
        ("0", "sqrt((sqrt(x^2+1) - x)^2) - sqrt(x^2+1) + x", "x"),
        ("1 + sqrt(x^2+1)", "sqrt(x^2 + 2 + 2sqrt(x^2+1))", "x"),
        # tan and cot at their poles (u = 2, a simple point, is a pole of both)
        ("-1 - 2*cot(pi*u)", "-1 + 2*tan(pi*(u - 1/2))", "u"),
        ("cot(pi*u)", "-tan(pi*(u - 1/2))", "u"),
        ("tan(pi*x)", "sin(pi*x)/cos(pi*x)", "x"),
        ("1/sin(pi*x)", "csc(pi*x)", "x"),
        ("sec(pi*x/2)", "1/cos(pi*x/2)", "x"),
    ])
    def test_equal(self, expected, answer, variables):
        assert status(expected, answer, variables) == "correct"

    @pytest.mark.parametrize("expected, answer, variables", [
        ("0", "sqrt(x^2 + 2*x*sqrt(x^2+1) + x^2 + 1) - x", "x"),
        ("0", "sqrt(x^2 + 2*x*sqrt(x^2+1) + x^2 + 1) + x - sqrt(x^2+1)", "x"),
        ("-1 - 2*cot(pi*u)", "-1 - 2*tan(pi*(u - 1/2))", "u"),
        ("-1 - 2*cot(pi*u)", "-1 + 2*tan(pi*u)", "u"),
        ("tan(pi*x)", "cot(pi*x)", "x"),
        ("tan(x)", "tan(x) + 10^-30", "x"),
        ("cot(pi*u)", "cot(pi*u) + 1/(u-2)^2", "u"),
    ])
    def test_different(self, expected, answer, variables):
        """No wrong answer passes for being near a pole or a cancellation."""
        assert status(expected, answer, variables) == "incorrect"


class TestIsolatedPoints:
    """A difference in where the sides are defined counts on a region, never at points."""

    @pytest.mark.parametrize("expected, answer", [
        ("2*x", "2x^2/x"),
        ("x + 1", "(x^2 - 1)/(x - 1)"),
        ("-2*step(2-x)", "-1 - (2-x)/|2-x|"),
        ("step(x)", "(1 + x/|x|)/2"),
        ("relu(x)", "x*(1 + x/|x|)/2"),
        ("sign(x - 2)", "(x - 2)/|x - 2|"),
        ("1", "(x-2)/(x-2)"),
        ("1", "(x-1/2)/(x-1/2)"),
        ("sin(x)", "sin(x)*(x-3)/(x-3)"),
    ])
    def test_isolated_points_do_not_count(self, expected, answer):
        assert status(expected, answer) == "correct"

    @pytest.mark.parametrize("expected, answer, message", [
        ("x", "e^(ln x)", "Your answer is right only for x > 0; check the domain (for example "
                          "ln(x^2) = 2 ln x holds only for x > 0)."),
        ("x", "sqrt(x)^2", "Your answer is right only for x > 0; check the domain (for example "
                           "ln(x^2) = 2 ln x holds only for x > 0)."),
        ("ln(x^2)", "2 ln x", "Your answer is right only for x > 0; check the domain (for "
                              "example ln(x^2) = 2 ln x holds only for x > 0)."),
    ])
    def test_regions_count(self, expected, answer, message):
        """e^(ln x) is not x for real x: undefined for every x <= 0."""
        v = check(expected, answer, variables=["x"])
        assert (v.status, v.feedback) == ("incorrect", message)

    @pytest.mark.parametrize("expected, answer", [
        ("-2*step(2-x)", "-1 + (2-x)/|2-x|"),
        ("2*x", "2x^2/x + 1/(x-2)"),
        ("2*x", "2x^3/x"),
        ("x + 1", "(x^2 - 1)/(x + 1)"),
        ("sqrt(1 - x^2)", "sqrt(x^2 - 1)"),
    ])
    def test_wrong_answers_with_singular_points_stay_wrong(self, expected, answer):
        assert status(expected, answer) == "incorrect"


class TestVariableExponents:
    """Powers whose exponent is not an integer constant are sampled at positive bases."""

    @pytest.mark.parametrize("expected, answer", [
        ("a^(b+c)", "a^b*a^c"),
        ("a^b*a^c", "a^(b+c)"),
        ("a^(b-c)", "a^b/a^c"),
        ("a^(2b)", "(a^b)^2"),
    ])
    def test_equal(self, expected, answer):
        assert status(expected, answer, "abc") == "correct"

    @pytest.mark.parametrize("expected, answer", [
        ("a^(b+c)", "a^b + a^c"),
        ("a^(b+c)", "a^b*a^c + 1"),
        ("a^b", "b*a^(b-1)"),
        ("(a*b)^c", "a^c*b^c"),
        ("a^(b*c)", "a^b*a^c"),
    ])
    def test_different(self, expected, answer):
        assert status(expected, answer, "abc") == "incorrect"

    def test_declared_assumptions_are_kept(self):
        """A nonnegative variable stays nonnegative; only real and nonzero are narrowed."""
        domain = Domain.of("ab", {"a": "nonnegative"})
        tree = lambda t: parse(t, variables="ab")  # noqa: E731
        assert compare(tree("a^b"), tree("e^(b ln a)"), domain).status == "equal"
