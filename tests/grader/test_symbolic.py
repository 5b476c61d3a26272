"""The SymPy bridge: trees become SymPy objects without evaluating anything huge."""

import sympy

from grader.parse import parse
from grader.symbolic import to_sympy

x, y = sympy.symbols("x y", real=True)


def test_expression():
    assert to_sympy(parse("2x e^(x^2)", variables=["x"])) == 2 * x * sympy.exp(x**2)


def test_matrix_and_functions():
    tree = parse("[[sigmoid(x), |y|], [ln x, sqrt(y)]]", variables=["x", "y"])
    m = to_sympy(tree)
    assert m.shape == (2, 2)
    assert m[0, 1] == sympy.Abs(y) and m[1, 0] == sympy.log(x)


def test_huge_powers_stay_unevaluated():
    """9^9^9^9 is built, not computed."""
    value = to_sympy(parse("9^9^9^9"))
    assert isinstance(value, sympy.Pow)


def test_symbols_with_assumptions_are_used():
    xp = sympy.Symbol("x", positive=True)
    assert to_sympy(parse("sqrt(x^2)", variables=["x"]), {"x": xp}) == xp
