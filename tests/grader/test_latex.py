"""LaTeX of how an answer was read."""

import pytest

from grader.latex import to_latex
from grader.parse import parse


@pytest.mark.parametrize("text, latex", [
    ("x_1^2 + w_{12}", "x_{1}^{2} + w_{12}"),
    ("alpha beta", "\\alpha \\beta"),
    ("a - (b + c)", "a - \\left(b + c\\right)"),
    ("a - (-b)", "a - \\left(-b\\right)"),
    ("(a + b)^2", "\\left(a + b\\right)^{2}"),
    ("-(a + b)", "-\\left(a + b\\right)"),
    ("2*3", "2 \\cdot 3"),
    ("{1, 2}", "\\left\\{1, 2\\right\\}"),
    ("sqrt[3]{a}", "\\sqrt[3]{a}"),
    # a sign never follows another sign or a product sign bare: -(-3), not "- -3"
    ("-(-3)", "-\\left(-3\\right)"),
    ("-(-a)", "-\\left(-a\\right)"),
    ("2*(-3)", "2 \\cdot \\left(-3\\right)"),
    ("a*-b", "a \\cdot \\left(-b\\right)"),
    ("2(-a)", "2 \\left(-a\\right)"),
    ("-a*b", "-a \\cdot b"),
])
def test_latex(text, latex):
    assert to_latex(parse(text, variables=["a", "b", "c", "x1", "w12", "alpha", "beta"])) == latex
