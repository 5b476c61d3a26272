"""Reader: student shorthand becomes the intended tree; errors say what and where."""

import pytest

from grader.errors import ReadError
from grader.latex import to_latex
from grader.parse import parse
from tests.conftest import caret

XY = ["x", "y"]

# text -> how it is read (LaTeX), with variables x and y.
READINGS = {
    "2x e^(x^2)": "2 x e^{x^{2}}",
    "2x*e^(x^2)": "2 x \\cdot e^{x^{2}}",
    "x^x(ln x + 1)": "x^{x} \\left(\\ln x + 1\\right)",
    "xy": "x y",
    "x y": "x y",
    "2(x+1)": "2 \\left(x + 1\\right)",
    "(x+1)(x-1)": "\\left(x + 1\\right) \\left(x - 1\\right)",
    "x sin x": "x \\sin x",
    "xsinx": "x \\sin x",
    "sin 2x": "\\sin\\left(2 x\\right)",
    "sin x cos x": "\\sin x \\cos x",
    "ln x + 1": "\\ln x + 1",
    "sin^2 x": "\\left(\\sin x\\right)^{2}",
    "sin^2(x)": "\\left(\\sin x\\right)^{2}",
    "sin^-1 x": "\\arcsin x",
    "sin^{-1}(x)": "\\arcsin x",
    "arctan(y)": "\\arctan y",
    "e^-x": "e^{-x}",
    "e^-x^2": "e^{-x^{2}}",
    "-x^2": "-x^{2}",
    "x^2^3": "x^{2^{3}}",
    "2^x ln 2": "2^{x} \\ln 2",
    "e^2x": "e^{2} x",
    "|x|y": "\\left|x\\right| y",
    "|x - |y||": "\\left|x - \\left|y\\right|\\right|",
    "abs(x)": "\\left|x\\right|",
    "sqrt(x)": "\\sqrt{x}",
    "√y": "\\sqrt{y}",
    "2x√y": "2 x \\sqrt{y}",
    "x²/(2√y)": "\\frac{x^{2}}{2 \\sqrt{y}}",
    "σ(x)(1 − σ(x))": "\\sigma\\left(x\\right) \\left(1 - \\sigma\\left(x\\right)\\right)",
    "sigmoid(x)": "\\sigma\\left(x\\right)",
    "relu(x)": "\\operatorname{ReLU}\\left(x\\right)",
    "pi x": "\\pi x",
    "πx": "\\pi x",
    "x·y": "x \\cdot y",
    "x×y": "x \\cdot y",
    r"\frac{1}{2}\sqrt{y}": "\\frac{1}{2} \\sqrt{y}",
    r"\frac12 x": "\\frac{1}{2} x",
    r"\sqrt[3]{x}": "\\sqrt[3]{x}",
    r"\left( x+1 \right)^2": "\\left(x + 1\\right)^{2}",
    r"e^{x^2}": "e^{x^{2}}",
    r"\ln(x) \cdot y": "\\ln x \\cdot y",
    r"2x\,e^{x^2}": "2 x e^{x^{2}}",
    "exp(x)": "e^{x}",
    "log(x)": "\\ln x",
    "[2x, y]": "\\left[2 x, y\\right]",
    "(2x, y)": "\\left(2 x, y\\right)",
    "[[1, x], [y, 2]]": "\\begin{bmatrix} 1 & x \\\\ y & 2 \\end{bmatrix}",
    "[1, x; y, 2]": "\\begin{bmatrix} 1 & x \\\\ y & 2 \\end{bmatrix}",
    r"\begin{pmatrix} 1 & x \\ y & 2 \end{pmatrix}":
        "\\begin{bmatrix} 1 & x \\\\ y & 2 \\end{bmatrix}",
    r"\begin{bmatrix} 1 \\ x \\ \end{bmatrix}": "\\begin{bmatrix} 1 \\\\ x \\end{bmatrix}",
    "{-1, 0, 2}": "\\left\\{-1, 0, 2\\right\\}",
    "x = -1, x = 2": "\\left(x = -1, x = 2\\right)",
    "x = ±1": "x = \\pm 1",
    "x=1 or x=2": "\\left(x = 1, x = 2\\right)",
    "f'(x) = 2x": "2 x",
    "dy/dx = 2x": "2 x",
    "∇f = [2x, y]": "\\left[2 x, y\\right]",
    "0.5x": "0.5 x",
}


@pytest.mark.parametrize("text, latex", READINGS.items())
def test_readings(text, latex):
    """Each form students type is read as intended."""
    assert to_latex(parse(text, variables=XY)) == latex


def test_variables_with_digits_split():
    """``w1x1`` is w1·x1 when those are the variables."""
    tree = parse("w1x1 + w2x2 + b", variables=["w1", "x1", "w2", "x2", "b"])
    assert to_latex(tree) == "w_{1} x_{1} + w_{2} x_{2} + b"


def test_variable_named_like_a_function_wins():
    """In a Gaussian problem ``sigma`` is the variable, not the sigmoid."""
    assert to_latex(parse("mu/sigma^2", variables=["mu", "sigma"])) == "\\frac{\\mu}{\\sigma^{2}}"
    assert to_latex(parse("σ²", variables=["sigma"])) == "\\sigma^{2}"


def test_complex_unit_only_when_allowed():
    """``i`` is the imaginary unit in numbers, an unknown name elsewhere."""
    assert to_latex(parse("-1.05 - 0.34i", allow_complex=True)) == "-1.05 - 0.34 i"
    with pytest.raises(ReadError):
        parse("2i", variables=["x"])


# Error templates: "!" marks where the error must point.
ERRORS = {
    "2x + !t": '"t" is not a variable of this problem; use x, y',
    "!sine(x)": 'unknown function "sine"; did you mean "sin"?',
    "!factorial(10^10)": "factorial too large (at most 170!)",
    "2.5!!": "factorial of a number that is not a whole number (only 0!, 1!, ..., 170! are read)",
    "(-2)!!": "factorial of a negative number",
    "x^2 + !(x + 1": 'unbalanced "(" opened at column 7; a ")" is missing',
    "2x!)": 'unbalanced ")" (nothing opened it)',
    "![1, 2": 'unbalanced "[" opened at column 1; a "]" is missing',
    "2 + !": "the answer ends too early; expected a number, a variable or a bracket",
    "!x2": '"x2" is not a variable of this problem; write x*2 or x^2',
    "!2 3": 'two numbers side by side ("2 3"); write 2*3 or 23',
    "!2e3.5": '"2e3" looks like scientific notation; write 2*10^3',
    "!1e999": "exponent too large in 1e999 (at most 10^300)",
    "!|x": 'unbalanced "|" opened at column 1; a closing "|" is missing',
    "x!.real": 'unexpected character "."',
    "[[1, 2], [3]!]": "matrix rows have different lengths (2, 1)",
    "!sin": "sin needs an argument, as in sin(x)",
    "x!!!": "double factorials (n!!) are not accepted; write the product out",
}


@pytest.mark.parametrize("template, reason", ERRORS.items())
def test_errors_point_at_the_problem(template, reason):
    """The message names the problem; the span starts where the caret is."""
    text, at = caret(template)
    with pytest.raises(ReadError) as info:
        parse(text, variables=XY)
    assert info.value.reason == reason
    if template.startswith("[[1, 2]"):
        return  # a whole-matrix error points at the matrix
    assert info.value.span.start == at


def test_caret_line():
    """The caret line shows the student where to look."""
    with pytest.raises(ReadError) as info:
        parse("x + (x", variables=["x"])
    assert info.value.caret() == "x + (x\n    ^"


@pytest.mark.parametrize("text, reason", [
    ("", "empty answer"),
    ("   ", "empty answer"),
    ("x" * 2001, "answer too long (2001 characters; at most 2000)"),
    ("(" * 100 + "x" + ")" * 100, "expression nested too deeply (more than 60 levels)"),
    ("+".join(["x"] * 200), "answer too long: more than 150 operations in a chain"),
])
def test_bounds(text, reason):
    """Oversized input is refused with a reason, before any work is done on it."""
    with pytest.raises(ReadError) as info:
        parse(text, variables=["x"])
    assert info.value.reason == reason
