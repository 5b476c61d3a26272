"""SymPy results a family asks for more than once, computed once per process.

A family's values often take the same derivative twice: ``df: {diff: [f, x]}`` and then
a solver that differentiates ``f`` again (critical points, their classification), or a
gradient and a Hessian of one function.  A derivative depends on nothing but the
expression and the variable (equal SymPy values are one tree, and SymPy objects are
immutable), so it can be shared.  Errors are raised, never remembered.  Only the last
few results are kept: the repeats are within one instance.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sympy

__all__ = ["diff"]


def diff(expr: Any, var: sympy.Symbol, order: int = 1) -> Any:
    """``sympy.diff(expr, var, order)``, remembered for SymPy expressions.

    >>> x = sympy.Symbol("x")
    >>> diff(x**3, x, 2)
    6*x
    """
    if isinstance(expr, sympy.Basic) and isinstance(var, sympy.Basic) and type(order) is int:
        return _diff(expr, var, order)
    return sympy.diff(expr, var, order)  # a list or a mutable matrix: not hashable


@lru_cache(maxsize=128)
def _diff(expr: sympy.Basic, var: sympy.Symbol, order: int) -> Any:
    return sympy.diff(expr, var, order)
