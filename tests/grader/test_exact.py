"""Exact values of rational expressions (grader/exact.py), and comparisons that use them."""

import time
from fractions import Fraction

import pytest

from grader import exact
from grader.equivalence import Domain, compare
from grader.parse import parse


def at(text: str, **point: Fraction) -> Fraction:
    tree = parse(text, variables="xy")
    exact_point = {k: (Fraction(v).numerator, Fraction(v).denominator) for k, v in point.items()}
    return Fraction(*exact.value(tree, exact_point))


@pytest.mark.parametrize("text, x, y, expected", [
    ("2x + 3", Fraction(1, 3), 0, Fraction(11, 3)),
    ("-2(2 - x)", Fraction(5, 9), 0, Fraction(-26, 9)),
    ("x^3 - y^2", Fraction(-2, 3), Fraction(1, 2), Fraction(-59, 108)),
    ("x^-2", Fraction(3, 2), 0, Fraction(4, 9)),
    ("x^(-1) y", Fraction(3), Fraction(7), Fraction(7, 3)),
    ("(x + 1)/(x - 1)", Fraction(2), 0, Fraction(3)),
    ("0.5x", Fraction(3), 0, Fraction(3, 2)),
    ("x^0", Fraction(5), 0, Fraction(1)),
])
def test_values(text, x, y, expected):
    """Sums, products, quotients and integer powers, without rounding."""
    assert at(text, x=x, y=y) == expected


@pytest.mark.parametrize("text", ["sin(x)", "x^(1/2)", "pi x", "e^x", "x^y", "|x|", "x^100"])
def test_not_rational(text):
    """Functions, constants and powers that are not small integer constants are refused."""
    with pytest.raises(exact.Inexact):
        at(text, x=Fraction(1, 3), y=Fraction(2))


@pytest.mark.parametrize("text", ["1/(x - 1)", "x^-1", "(x - 1)^0"])
def test_undefined(text):
    """Division by zero and 0 to a power that is not positive have no value."""
    with pytest.raises(ZeroDivisionError):
        at(text, x=Fraction(1) if "x - 1" in text else Fraction(0), y=Fraction(0))


def test_growth_is_bounded():
    """Nested powers are refused before their numbers are computed."""
    started = time.monotonic()
    with pytest.raises(exact.Inexact):
        at("((x^64)^64)^64", x=Fraction(2 ** 64 + 1, 3 ** 40))
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("expected, answer, status", [
    ("-2*(2-x)", "2(2-x)", "different"),
    ("(2/3)*(14*w-23)", "(28w - 46)/3", "equal"),
    ("x", "x + 10^-300", "different"),           # far below any float's resolution
    ("x^2", "x^2 + 10^-40 x^64", "different"),
    ("2x", "2x^2/x", "equal"),                    # 0 is an isolated point
    ("1/(x - 1)", "1/(x - 1) + 0*x", "equal"),
    ("x^2 - 1", "(x - 1)(x + 1)", "equal"),
])
def test_compare_with_exact_values(expected, answer, status):
    """Rational answers get the same verdicts, decided without rounding."""
    d = Domain.of(["x", "w"])
    e, a = parse(expected, variables="xw"), parse(answer, variables="xw")
    assert compare(e, a, d).status == status
