"""The normal form that lets compare() accept a re-typed expected answer at once
(grader/canonical.py)."""

import time

import pytest

from grader import check
from grader.canonical import MAX_NUMBER_BITS, canonical
from grader.equivalence import Domain, compare
from grader.parse import parse

VARIABLES = ("x", "y", "w")


def form(text: str):
    return canonical(parse(text, variables=VARIABLES))


SAME = [
    ("2*x+3", "3 + 2 x"),
    ("3*x^2", "3x²"),
    ("2*x*exp(x^2)", "2x e^(x^2)"),
    ("-exp(-x)", "-e^-x"),
    ("1/x", "x^-1"),
    ("1/(2*sqrt(x))", "\\frac{1}{2\\sqrt{x}}"),
    ("x - y", "-y + x"),
    ("x*y*w", "w (y x)"),
    ("(x + y) + w", "x + (y + w)"),
    ("x/2", "0.5x"),
    ("2*(3*x)", "6x"),
    ("x + 1 + 2", "3 + x"),
    ("-(x - y)", "(-1)(x - y)"),
    ("sin(x)*cos(y)", "cos y sin x"),
]


@pytest.mark.parametrize("expected, answer", SAME)
def test_same_form(expected, answer):
    """Order, grouping, spelling and exact number arithmetic do not change the form."""
    assert form(expected) == form(answer)


DIFFERENT = [
    ("x - y", "y - x"),
    ("x^2", "x*x"),                 # powers are not combined
    ("1", "x*x^-1"),                # undefined at x = 0
    ("0", "0*ln(x)"),               # undefined where ln x is
    ("x", "(x^2)^(1/2)"),
    ("x", "sqrt(x)^2"),
    ("x", "e^(ln(x))"),
    ("2", "2x/x"),
    ("x + x", "2x"),                # terms are not collected
    ("sin(x)^2 + cos(x)^2", "1"),
    ("x^(y w)", "(x^y)^w"),
    ("x/(y w)", "x/y/w"),           # a quotient is not split into powers of factors
]


@pytest.mark.parametrize("expected, answer", DIFFERENT)
def test_different_form(expected, answer):
    """Rewrites that could change a value or where it is defined are not made."""
    assert form(expected) != form(answer)


@pytest.mark.parametrize("text", ["(1, 2)", "{x, y}", "[x, y]", "x = 2", "±x"])
def test_no_form_for_what_is_not_one_expression(text):
    """Lists, sets, vectors, equations and ± have no normal form."""
    assert canonical(parse(text, variables=VARIABLES)) is None


def test_huge_numbers_are_left_apart():
    """Numbers beyond the bound are not multiplied out (no work grows with them)."""
    big = "9" * 40
    started = time.monotonic()
    assert form(f"{big}^1 * {big} * {big} * {big} * x") is not None
    assert form(f"{big}*{big}*{big}*x") != form("x")
    assert time.monotonic() - started < 1.0
    assert MAX_NUMBER_BITS >= 64


@pytest.mark.parametrize("expected, answer, status", [
    ("0", "0*ln(x)", "different"),        # decided by sampling: ln x < 0 region
    ("x", "e^(ln(x))", "different"),
    ("2*x+3", "3 + 2x", "equal"),
    ("2", "2x/x", "equal"),               # an isolated point, by sampling
])
def test_compare_falls_back_to_sampling(expected, answer, status):
    """Pairs whose forms differ get the full comparison, with its usual verdict."""
    d = Domain.of(["x"])
    assert compare(parse(expected, variables="x"), parse(answer, variables="x"), d).status == status


def test_no_time_left_is_still_undecided():
    """The normal form is work too: with no time left, a right answer is undecided."""
    assert check("2*x+3", "3 + 2x", variables="x", time_limit=0.0).status == "undecided"
    assert check("2*x+3", "2*x+3", variables="x", time_limit=0.0).status == "correct"
