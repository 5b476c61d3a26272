"""Hostile and random input: the reader raises only ReadError, check() never crashes or
hangs, and an expression is always equal to itself however it is typed."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader import check
from grader.errors import ReadError
from grader.parse import parse

HOSTILE = [
    "9^9^9^9", "9**9**9", "10^10^10", "2^2^2^2^2^2", "x^(10^100)", "(x+1)^(2^64)",
    "factorial(10^10)", "x" * 100_000, "(" * 500 + "x" + ")" * 500, "[" * 300, "{" * 300,
    "|" * 301, "-" * 1999 + "x", "x^-" * 300 + "x", "\\frac{" * 100, "1" * 41,
    "__import__('os').system('ls')", "x.__class__", "().__class__.__bases__[0]",
    "eval('1')", "exec('import os')", "globals()", "lambda: 0", "import os",
    "x; import os", "`ls`", "$(ls)", "x\x00", "\u202ex", "open('/etc/passwd')",
    "exp(exp(exp(exp(x))))", "e^(e^(e^(e^(e^x))))", "sin(10^1000)", "exp(10^6)",
    "tan(x)^(10^20)", "x**x**x**x**x**x", "1/0", "0^-1", "ln(0)", "exp(-exp(100))*x + x",
    "x + 10^-10000", "1" + "+1" * 990, "sqrt(" * 59 + "x" + ")" * 59,
    "[[" + ",".join(["x"] * 400) + "]]", "{" + ",".join(str(i) for i in range(400)) + "}",
]


@pytest.mark.parametrize("answer", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize("kind, expected", [("expression", "2*x*exp(x^2)"),
                                            ("set", "{-1, 0, 2}"),
                                            ("matrix", "[[1, x], [x, 1]]")])
def test_hostile_input_is_refused_quickly(answer, kind, expected):
    """Hostile input is never accepted, never crashes and returns within 2 s."""
    start = time.monotonic()
    v = check(expected, answer, kind=kind, variables=["x"])
    assert time.monotonic() - start < 2.0
    assert v.status in ("invalid", "incorrect")
    assert v.score < 1.0


ALPHABET = list("xy0123456789+-*/^()[]{}|,;=.!eπ√²·× _") + ["sin", "ln", "\\frac", "\\sqrt",
                                                          "exp", "pi", "\\left(", "\\right)"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=30).map("".join) | st.text(max_size=60))
def test_reader_raises_only_read_errors(text):
    """Any text is read or refused with a ReadError; nothing else escapes."""
    try:
        parse(text, variables=["x", "y"])
    except ReadError as err:
        assert err.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=25).map("".join))
def test_check_never_crashes(text):
    """check() answers every text with a verdict."""
    v = check("sin(x)*y", text, variables=["x", "y"])
    assert v.status in ("correct", "incorrect", "invalid", "undecided")


# Random expressions, each written twice: plainly, and the way a student types it.
LEAVES = st.sampled_from([("x", "x"), ("y", "y"), ("2", "2"), ("3", "3"), ("pi", "π"),
                          ("e", "e"), ("1/2", "0.5")])


def _combine(children):
    unary = st.tuples(st.sampled_from(["sin", "cos", "atan", "tanh", "sigmoid"]), children).map(
        lambda t: (f"{t[0]}({t[1][0]})", f"{t[0]} ({t[1][1]})"))
    sqrt = children.map(lambda c: (f"sqrt(({c[0]})^2 + 1)", f"√(({c[1]})² + 1)"))
    binary = st.tuples(st.sampled_from(["+", "-", "*", "/"]), children, children).map(_binary)
    power = st.tuples(children, st.sampled_from([2, 3])).map(
        lambda t: (f"({t[0][0]})^{t[1]}", f"({t[0][1]}){'²' if t[1] == 2 else '³'}"))
    return unary | sqrt | binary | power


def _binary(t):
    op, (a, sa), (b, sb) = t
    if op == "/":
        return f"({a})/(({b})^2 + 1)", f"\\frac{{{sa}}}{{({sb})^2 + 1}}"
    if op == "*":
        return f"({a})*({b})", f"({sa})({sb})"
    return f"({a}){op}({b})", f"({sa}) {'−' if op == '-' else op} ({sb})"


EXPRESSIONS = st.recursive(LEAVES, _combine, max_leaves=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_expression_equals_itself_however_typed(pair):
    """check(e, e) is correct, also when e is retyped with Unicode, LaTeX and juxtaposition."""
    plain, student = pair
    assert check(plain, plain, variables=["x", "y"]).status == "correct"
    v = check(plain, student, variables=["x", "y"])
    assert v.status == "correct", (student, v.feedback)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS)
def test_perturbed_expression_is_wrong(pair):
    """Adding a small non-zero term is always caught."""
    plain, _ = pair
    assert check(plain, f"({plain}) + 10^-20", variables=["x", "y"]).status == "incorrect"
    assert check(plain, f"({plain}) + x*10^-9", variables=["x", "y"]).status == "incorrect"
