"""Equivalence: exact verdicts, domains respected, differences named."""

import pytest

from grader.equivalence import Domain, compare, surely_different
from grader.parse import parse


def verdict(expected, answer, variables=("x",), assume=None):
    parse_ = lambda t: parse(t, variables=variables)  # noqa: E731
    return compare(parse_(expected), parse_(answer), Domain.of(variables, assume))


EQUAL = [
    ("2*x*exp(x^2)", "2x e^(x^2)"),
    ("sin(x)^2", "1 - cos(x)^2"),
    ("sigmoid(x)*(1-sigmoid(x))", "e^(-x)/(1+e^(-x))^2"),
    ("1 - tanh(x)^2", "4/(e^x + e^-x)^2"),
    ("1 - tanh(x)^2", "sech(x)^2"),
    ("2^x*ln(2)", "e^(x ln 2) ln 2"),
    ("sqrt(x^2)", "|x|"),
    ("(x+1)^2", "x^2 + 2x + 1"),
    ("x/2", "0.5x"),
    ("exp(x)", "e^x"),
    ("-2*(2-x)", "2x - 4"),
    ("atan(x)", "asin(x/sqrt(1+x^2))"),
    ("x", "(x + 10^30) - 10^30"),
    ("heaviside(x)", "(sign(x) + 1)/2"),
    ("max(x, 0)", "relu(x)"),
    ("max(x, 0)", "(x + |x|)/2"),
    ("(x-2)^600", "(2-x)^600"),
    ("acos(x)", "pi/2 - asin(x)"),
    ("atanh(x)", "ln((1 + x)/(1 - x))/2"),
    ("x", "sin(pi*10^10) + x"),
    ("cos(x)", "cos(x + 2*pi*10^8)"),
]


@pytest.mark.parametrize("expected, answer", EQUAL)
def test_equal_forms(expected, answer):
    """Different correct forms are equal."""
    assert verdict(expected, answer).status == "equal"


DIFFERENT = [
    ("exp(x^2)", "exp(x^2)*(1 + exp(-100))"),
    ("exp(x^2)", "exp(x^2)*(1 + exp(-1000))"),
    ("x", "x + 10^-40"),
    ("x", "x*heaviside(x + 100)"),
    ("x", "x + sin(pi*x)*10^-30"),
    ("2*x*exp(x^2)", "exp(x^2)"),
    ("x^x*(ln(x)+1)", "x*x^(x-1)"),
    ("sqrt(x^2)", "x"),
    ("ln(x^2)", "2 ln x"),
    ("cos(x)", "sin(x)"),
    ("(x-2)^600", "(x-2)^599"),
    ("1 + 0*x", "cos(10^-30)"),
    ("x", "x*exp(10^-30)"),
    ("x*10^-40", "((x + 10^30) - 10^30)*10^-40*(1 + 10^-10)"),
]


@pytest.mark.parametrize("expected, answer", DIFFERENT)
def test_different_even_when_floats_agree(expected, answer):
    """Wrong answers are caught, including those float64 cannot tell apart."""
    assert verdict(expected, answer).status == "different"


@pytest.mark.parametrize("expected, answer", [
    ("ln(x^2)", "2 ln x"), ("sqrt(x^2)", "x"), ("x^x*(ln(x)+1)", "e^(x ln x)(ln|x| + 1)"),
])
def test_positive_assumption(expected, answer):
    """Identities true only for x > 0 hold when x is declared positive."""
    assert verdict(expected, answer, assume={"x": "positive"}).status == "equal"


def test_expected_domain_is_the_domain():
    """An answer is judged where the expected answer is defined (here x > 0)."""
    assert verdict("2 ln x", "ln(x^2)").status == "equal"


@pytest.mark.parametrize("expected, answer, hint", [
    ("2x", "-2x", "sign"),
    ("2x", "x", "factor:1/2"),
    ("x^2", "x^2 + 3", "constant"),
    ("ln(x^2)", "2 ln x", "region:x>0"),
    ("x", "1/(x-x)", "undefined"),
])
def test_hints_name_the_difference(expected, answer, hint):
    """Common shapes of a wrong answer are recognised for feedback."""
    assert verdict(expected, answer).hint == hint


def test_complex_numbers_use_principal_branches():
    """(-0.9)^(-0.9) is the principal value, about -1.05 - 0.34i."""
    tree = parse("(-0.9)^(-0.9)")
    answer = parse("(-0.9)^(-0.9)*1")
    assert compare(tree, answer, Domain.of([])).status == "equal"


def test_astronomical_values_are_undefined_not_computed():
    """9^9^9^9 is refused, not evaluated."""
    assert verdict("x", "9^9^9^9 + x").status == "different"


def test_multivariable():
    """Several variables, some positive."""
    expected = "y*2^(x*y)*ln(2) - z*sin(x)"
    answer = "ln 2 · y · 2^(xy) − z sin x"
    assert verdict(expected, answer, ("x", "y", "z")).status == "equal"


def test_unknown_assumption_is_a_programmer_error():
    """An assumption outside the list is refused with the list."""
    with pytest.raises(ValueError, match="use one of real, positive, nonnegative, nonzero"):
        Domain.of(["x"], {"x": "big"})


def test_principal_branch_whatever_the_sign_of_zero():
    """sqrt(k/m) sqrt(m/k) is -1 when k and m have opposite signs: not 1 for real k, m."""
    expected, answer = parse("1", variables="km"), parse("sqrt(k/m)*sqrt(m/k)", variables="km")
    assert compare(expected, answer, Domain.of("km")).status == "different"
    positive = Domain.of("km", {"k": "positive", "m": "positive"})
    assert compare(expected, answer, positive).status == "equal"


def test_symbolic_exponents_checked_at_simple_points():
    """(a^2)^(1/2) is |a|, not a, for real a: the simple points (a = -2) tell them apart."""
    tree = lambda t: parse(t, variables="abc")  # noqa: E731
    assert compare(tree("(a^2)^(1/2)"), tree("a"), Domain.of("abc")).status == "different"
    assert compare(tree("(a^2)^c"), tree("a^(2c)"), Domain.of("abc")).status == "different"


@pytest.mark.parametrize("expected, answer", [
    ("a^(b+c)", "a^b*a^c"),
    ("a^b*a^c", "a^(b+c)"),
    ("a^(b*c)", "(a^b)^c"),
    ("a^b/a^c", "a^(b-c)"),
    ("x^x*(ln(x)+1)", "x^x ln x + x^x"),
    ("a^(1/2)*a^(3/2)", "a^2"),
])
def test_variable_exponent_needs_a_positive_base(expected, answer):
    """A power whose exponent is not an integer constant is real for a positive base: the
    sampler draws such bases from (0, ∞), as for x^x (issue 12)."""
    tree = lambda t: parse(t, variables="abcx")  # noqa: E731
    assert compare(tree(expected), tree(answer), Domain.of("abcx")).status == "equal"


CRAFTED = [
    ("x^2", "x^2 + relu(x - 2000)"),
    ("x^2", "x^2 + relu(-x - 10^12)"),
    ("x^2", "x^2 + step(x - 5000)"),
    ("x^2", "x^2 + step(x - 10^30)"),
    ("x^2", "x^2 + |x - 2000| - (x - 2000)"),
    ("x^2", "x^2 + max(x, 12345) - 12345"),
    ("x^2", "x^2 + min(x - 10^6, 0)"),
    ("x^2", "x^2 + sign(x - 1001) + 1"),
    ("x^2", "x^2 + sin(2^55 π x)"),
    ("x^2", "x^2 + sin(2^60 π x)"),
    ("x^2", "x^2 + 10^-20"),
    ("step(x - 2000)", "step(x - 2001)"),
    ("x*y", "x*y + relu(x + y - 10^6)"),
    ("10^x*ln(10)", "10^x*ln(10) + relu(x - 2000)"),
]


@pytest.mark.parametrize("expected, answer", CRAFTED)
def test_crafted_differences_are_found(expected, answer):
    """Kinks far away, between breakpoints, and periods that vanish at every float."""
    variables = ("x", "y") if "y" in expected else ("x",)
    assert verdict(expected, answer, variables).status == "different"


@pytest.mark.parametrize("expected, answer", [
    ("relu(x - 2000)", "max(x - 2000, 0)"),
    ("abs(x - 10^12)", "sqrt((x - 10^12)^2)"),
    ("step(x - 2000)", "(sign(x - 2000) + 1)/2"),
    ("max(x, y)", "(x + y + |x - y|)/2"),
    ("e^x*|sin(x)|", "|e^x sin x|"),
    ("0", "sin(x)^2 + cos(x)^2 - 1"),
])
def test_kinked_forms_still_equal(expected, answer):
    """Sampling beside breakpoints does not make right answers wrong."""
    variables = ("x", "y") if "y" in expected else ("x",)
    assert verdict(expected, answer, variables).status == "equal"


def test_kink_where_values_overflow_is_undecided():
    """Beyond 2000, e^(x^2) cannot be computed: the extra relu can be neither seen nor ruled out."""
    assert verdict("exp(x^2)", "exp(x^2) + relu(x - 2000)").status == "undecided"


@pytest.mark.parametrize("expected, answer, different", [
    ("2", "3", True), ("2", "sin(1)^2 + cos(1)^2 + 1", False), ("x", "x + 10^-40", False),
    ("tan(atan(10^30))", "10^30 + 1", False),
])
def test_surely_different_is_only_sure(expected, answer, different):
    """The cheap probe says "different" only when one point proves it."""
    assert surely_different(parse(expected, variables="x"), parse(answer, variables="x"),
                            Domain.of("x")) is different


@pytest.mark.parametrize("variables", [("x", "y"), ("a", "b", "c"), ("w1", "x1", "w2", "x2")])
def test_random_points_take_every_sign_pattern(variables):
    """Every combination of signs of up to four real variables is sampled at random points,
    so a difference confined to one orthant (x < 0 and y < 0) is always looked at."""
    import numpy as np

    from grader.equivalence import SAMPLES, _points

    points = _points(Domain.of(variables), False)
    signs = {tuple(bool(points[v][k] > 0) for v in variables) for k in range(SAMPLES)}
    assert len(signs) == 2 ** len(variables)
    assert all(np.all(np.abs(points[v][:SAMPLES]) >= 0.15) for v in variables)
    assert _points(Domain.of(variables), False) is points  # same domain, same points


@pytest.mark.parametrize("variables", [("x", "y"), ("u", "v"), ("p", "q")])
def test_difference_in_one_quadrant_is_found(variables):
    """log(xy) is ln x + ln y only where both are positive; it differs where both are not."""
    x, y = variables
    assert verdict(f"log({x}*{y})", f"ln {x} + ln {y}", variables).status == "different"
