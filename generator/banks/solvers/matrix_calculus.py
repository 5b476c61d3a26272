"""Solvers: matrix calculus with concrete matrices, and the shapes quiz.

Small matrix operations the CAS operations lack (trace, a diagonal matrix from a vector,
the entrywise product, entries rounded for a key with a tolerance), and the lecture's
shapes quiz drawn from a pool of derivative objects, so that every instance asks about
different objects in a different order.
"""

from __future__ import annotations

import sympy

from generator.banks.solvers.registry import register
from generator.errors import DeriveError

__all__ = ["SHAPE_POOLS", "diagonal", "hadamard", "round_entries", "shape_quiz", "trace"]


def _matrix(value) -> sympy.Matrix:
    if isinstance(value, sympy.MatrixBase):
        return sympy.Matrix(value)
    if isinstance(value, (list, tuple)):
        return sympy.Matrix(list(value))
    raise DeriveError(f"expected a matrix or vector, not {value}")


@register
def trace(M):
    """The trace of the square matrix ``M``."""
    matrix = _matrix(M)
    if matrix.rows != matrix.cols:
        raise DeriveError(f"trace: the matrix is {matrix.rows}x{matrix.cols}, not square")
    return matrix.trace()


@register
def diagonal(v):
    """The diagonal matrix with the entries of the vector ``v`` on its diagonal."""
    return sympy.diag(*list(_matrix(v)))


@register
def hadamard(u, v):
    """The entrywise product of two vectors or matrices of the same shape."""
    a, b = _matrix(u), _matrix(v)
    if a.shape != b.shape:
        raise DeriveError(f"hadamard: shapes {a.shape} and {b.shape} differ")
    return a.multiply_elementwise(b)


@register
def round_entries(M, digits=4):
    """Every entry of ``M`` (a number, vector or matrix) rounded to ``digits`` decimals,
    as a Float: the key of a question answered in decimals with a tolerance."""
    places = int(digits)

    def one(e):
        value = round(float(sympy.N(e, 30)), places)
        return sympy.Float(0.0 if value == 0 else value)
    if isinstance(M, (sympy.MatrixBase, list, tuple)):
        return _matrix(M).applyfunc(one)
    return one(M)


# -- the shapes quiz ----------------------------------------------------------------------

#: Derivative objects of the shapes quiz: (LaTeX, shape label, what it is).  Vectors are
#: columns; the derivative of a scalar with respect to a column is a row; the Jacobian of
#: f: R^n -> R^m is m x n.  "jacobian" is the lecture's second half (f: R^n -> R^m,
#: x in R^n, A m x n, a in R^n); "expressions" its first half (x, y in R^n, A n x n).
SHAPE_POOLS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "jacobian": (
        (r"\frac{\partial f}{\partial x}", "matrix", "every component by every variable"),
        (r"\frac{\partial f}{\partial x_k}", "column vector", "every component by one variable"),
        (r"\frac{\partial f_j}{\partial x}", "row vector", "one component by every variable"),
        (r"\frac{\partial f_j}{\partial x_k}", "scalar", "one component by one variable"),
        (r"\frac{\partial (Ax)}{\partial x}", "matrix", "the Jacobian of Ax (it is A)"),
        (r"\frac{\partial (a^T x)}{\partial x}", "row vector", "a scalar by a column (it is a^T)"),
        (r"\frac{\partial x}{\partial x_k}", "column vector", "a column by one variable (it is e_k)"),
        (r"\frac{\partial (x^T x)}{\partial x_k}", "scalar", "a scalar by a scalar (it is 2 x_k)"),
    ),
    "expressions": (
        (r"x^T y", "scalar", "a row times a column"),
        (r"x^T A y", "scalar", "a row times a matrix times a column"),
        (r"x y^T", "matrix", "a column times a row, the outer product"),
        (r"(x^T A^T y)\, x", "column vector", "a number times a column"),
        (r"A x", "column vector", "a matrix times a column"),
        (r"x^T A", "row vector", "a row times a matrix"),
        (r"(x^T A y)^T", "scalar", "the transpose of a number"),
        (r"y^T x\, x^T", "row vector", "a number times a row"),
    ),
}

_SWAPPED = {"row vector": "column vector", "column vector": "row vector"}


@register
def shape_quiz(pool, picks, part):
    """One piece of a shapes-quiz instance asking about items ``picks`` of ``pool``.

    ``part`` is ``prompt`` (the LaTeX list of the items, numbered), ``answer`` (their
    shapes, comma-separated), ``rows-columns-swapped`` (every row read as a column and
    back: the mistake of the other layout convention), ``all-numbers`` (a partial
    derivative or product called a number whatever its shape) or ``solution`` (why).
    """
    name = str(pool)
    if name not in SHAPE_POOLS:
        raise DeriveError(f"shape_quiz: unknown pool {name!r}; there are "
                          f"{', '.join(sorted(SHAPE_POOLS))}")
    items = [SHAPE_POOLS[name][int(k)] for k in picks]
    part = str(part)
    if part == "prompt":
        return ", ".join(f"({n}) ${latex}$" for n, (latex, _, _) in enumerate(items, 1))
    if part == "answer":
        return ", ".join(label for _, label, _ in items)
    if part == "rows-columns-swapped":
        return ", ".join(_SWAPPED.get(label, label) for _, label, _ in items)
    if part == "all-numbers":
        return ", ".join("scalar" if label != "matrix" else label for _, label, _ in items)
    if part == "solution":
        return "; ".join(f"({n}) {why}: a {label}"
                         for n, (_, label, why) in enumerate(items, 1)) + "."
    raise DeriveError(f"shape_quiz: unknown part {part!r}")
