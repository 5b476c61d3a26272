"""Build SymPy objects from a checked tree, through the allow-list of functions.

This is the only door from text to SymPy: the banks use it to read their YAML
expressions (via :func:`grader.parse.parse` first), never ``sympify``.  Numeric powers
with huge exponents are kept unevaluated, so ``9^9^9^9`` cannot make SymPy compute a
number with hundreds of millions of digits.

>>> from grader.parse import parse
>>> to_sympy(parse("2x e^(x^2)", variables=["x"]))
2*x*exp(x**2)
"""

from __future__ import annotations

import sympy

from grader.functions import FUNCTIONS
from grader.tree import (
    BinOp, Call, Const, Eq, Matrix, Neg, Node, Num, PlusMinus, SetOf, Tuple, Var, Vector,
)

__all__ = ["to_sympy"]

#: Largest exponent of a numeric power that SymPy is allowed to evaluate.
MAX_EVALUATED_EXPONENT = 1000


def to_sympy(node: Node, symbols: dict[str, sympy.Symbol] | None = None):
    """The SymPy object for ``node``.

    Parameters:
        node: a tree from :func:`grader.parse.parse`.
        symbols: SymPy symbols to use for variables (for assumptions such as
            ``positive=True``); missing ones are created as plain real symbols.
    """
    symbols = {} if symbols is None else symbols
    return _build(node, symbols)


def _build(node: Node, symbols):
    if isinstance(node, Num):
        return sympy.Rational(node.value.numerator, node.value.denominator)
    if isinstance(node, Var):
        if node.name not in symbols:
            symbols[node.name] = sympy.Symbol(node.name, real=True)
        return symbols[node.name]
    if isinstance(node, Const):
        return {"pi": sympy.pi, "e": sympy.E, "i": sympy.I}[node.name]
    if isinstance(node, Neg):
        return -_build(node.arg, symbols)
    if isinstance(node, BinOp):
        left, right = _build(node.left, symbols), _build(node.right, symbols)
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        if node.op == "/":
            return left / right
        if isinstance(node.left, Const) and node.left.name == "e":
            return sympy.exp(right)
        huge = right.is_Number and abs(right) > MAX_EVALUATED_EXPONENT and left.is_Number
        return sympy.Pow(left, right, evaluate=not huge)
    if isinstance(node, Call):
        return FUNCTIONS[node.func].sympy(*(_build(a, symbols) for a in node.args))
    if isinstance(node, Matrix):
        return sympy.Matrix([[_build(i, symbols) for i in row] for row in node.rows])
    if isinstance(node, (Vector, Tuple)):
        return sympy.Tuple(*(_build(i, symbols) for i in node.items))
    if isinstance(node, SetOf):
        return sympy.FiniteSet(*(_build(i, symbols) for i in node.items))
    if isinstance(node, Eq):
        return sympy.Eq(_build(node.lhs, symbols), _build(node.rhs, symbols))
    if isinstance(node, PlusMinus):
        raise ValueError("± stands for two values; expand it before building SymPy objects")
    raise TypeError(f"not a tree node: {node!r}")
