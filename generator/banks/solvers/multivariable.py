"""Solvers: multivariable calculus and linear algebra (bank ``multivariable``).

Procedures the CAS operations of :mod:`generator.banks.operations` do not cover on their own:
picking variables by a random index, products of a matrix with the variable vector,
unit vectors, the stationary point of a quadratic, and the shapes of derivative objects
(built as real SymPy objects of the stated dimensions, never read off a table).
"""

from __future__ import annotations

import sympy

from generator.banks.limits import MAX_MATRIX_SIDE
from generator.errors import DeriveError
from grader.labels import shape_label
from generator.banks.solvers.registry import register

__all__ = ["classify_by_signs", "classify_diagonal", "derivative_shapes", "jacobian_shape", "partials_at",
           "output_shape", "pick_variable", "quadratic_form", "stationary_point",
           "swap_extremum", "times_x", "transposed_shape", "unit_vector"]


def _int(value, what: str) -> int:
    if not (isinstance(value, int) or getattr(value, "is_Integer", False)):
        raise DeriveError(f"{what} must be an integer, not {value!r}")
    return int(value)


def _dimension(value, what: str) -> int:
    """A size of a generic vector or matrix: small, since its symbols are all built."""
    size = _int(value, what)
    if not 1 <= size <= MAX_MATRIX_SIDE:
        raise DeriveError(f"{what} must be from 1 to {MAX_MATRIX_SIDE}, not {size}")
    return size


def _column(value) -> sympy.Matrix:
    if isinstance(value, sympy.MatrixBase):
        return sympy.Matrix(value).reshape(len(value), 1) if 1 in value.shape else value
    return sympy.Matrix(list(value))


# -- partial derivatives ----------------------------------------------------------------

def classify_by_signs(values) -> str:
    """The label a critical point gets from the signs of its Hessian's eigenvalues."""
    if all(v > 0 for v in values):
        return "local minimum"
    if all(v < 0 for v in values):
        return "local maximum"
    if any(v > 0 for v in values) and any(v < 0 for v in values):
        return "saddle point"
    return "neither"


@register
def pick_variable(wrt, index):
    """The variable ``wrt[index]`` (an index drawn as a parameter)."""
    index = _int(index, "index")
    if not 0 <= index < len(wrt):
        raise DeriveError(f"pick_variable: index {index} is outside 0..{len(wrt) - 1}")
    return wrt[index]


@register
def partials_at(f, wrt, indices):
    """The column of partial derivatives of ``f`` w.r.t. ``wrt[i]`` for i in ``indices``."""
    chosen = [pick_variable(wrt, i) for i in indices]
    return sympy.Matrix([sympy.diff(f, v) for v in chosen])


# -- linear algebra ---------------------------------------------------------------------

@register
def times_x(M, wrt):
    """``M x`` for the column x of the variables ``wrt`` (a linear map written out)."""
    matrix = sympy.Matrix(M)
    if matrix.cols != len(wrt):
        raise DeriveError(f"times_x: the matrix has {matrix.cols} columns for "
                          f"{len(wrt)} variables")
    return matrix * sympy.Matrix(wrt)


@register
def quadratic_form(M, wrt):
    """``x^T M x`` expanded, for the column x of the variables ``wrt``."""
    x = sympy.Matrix(wrt)
    return sympy.expand((x.T * sympy.Matrix(M) * x)[0, 0])


@register
def unit_vector(v):
    """``v / ||v||`` as a column (``v`` must not be zero)."""
    column = _column(v)
    norm = sympy.sqrt(sum(e**2 for e in column))
    if norm == 0:                           # no direction: undefined, so the draw is skipped
        return sympy.Matrix([sympy.nan] * len(column))
    return sympy.Matrix([sympy.radsimp(e / norm) for e in column])


@register
def stationary_point(f, wrt):
    """The unique point where the gradient of the quadratic ``f`` vanishes."""
    equations = [sympy.diff(f, v) for v in wrt]
    solutions = sympy.linsolve(equations, list(wrt))
    if not isinstance(solutions, sympy.FiniteSet) or len(solutions) != 1:
        raise DeriveError("stationary_point: the gradient does not vanish at exactly one point")
    (point,) = solutions
    if any(p.free_symbols for p in point):
        raise DeriveError("stationary_point: the critical points are not isolated")
    return sympy.Matrix(list(point))


# -- classification labels (for the mistakes of the classification family) ---------------

@register
def swap_extremum(label):
    """The label a student gives who reads the eigenvalue signs the wrong way round."""
    return {"local minimum": "local maximum", "local maximum": "local minimum"}.get(label, label)


@register
def classify_diagonal(H):
    """Classification from the diagonal of H alone (the cross terms ignored): a mistake."""
    matrix = sympy.Matrix(H)
    return classify_by_signs([matrix[i, i] for i in range(matrix.rows)])


# -- shapes of derivatives --------------------------------------------------------------

def _shape_label(obj) -> str:
    """scalar / row vector / column vector / matrix, read from a real object's shape."""
    return shape_label(obj.shape if isinstance(obj, sympy.MatrixBase) else (1, 1))


def _vector_function(n: int, m: int):
    """A generic f: R^n -> R^m (undefined functions f_j of x_1..x_n) and its variables."""
    xs = sympy.symbols(f"x1:{n + 1}", real=True)
    fs = sympy.Matrix([sympy.Function(f"f{j}")(*xs) for j in range(1, m + 1)])
    return xs, fs


#: The four derivatives of the lecture's quiz (seed 003), in its order.
QUIZ_ITEMS = ("df/dx", "df/dx_k", "df_j/dx", "df_j/dx_k")


def _quiz_object(item: str, n: int, m: int):
    xs, fs = _vector_function(n, m)
    j, k = m - 1, n - 1                     # any component, any variable
    if item == "df/dx":                     # the Jacobian: row i is the gradient of f_i
        return fs.jacobian(xs)
    if item == "df/dx_k":                   # every component by one variable: a column
        return fs.diff(xs[k])
    if item == "df_j/dx":                   # one component by every variable: a row
        return sympy.Matrix([fs[j]]).jacobian(xs)
    if item == "df_j/dx_k":                 # one component by one variable: a number
        return sympy.diff(fs[j], xs[k])
    raise DeriveError(f"unknown quiz item {item!r}")


@register
def derivative_shapes(n, m, layout="numerator"):
    """The lecture's four quiz answers for f: R^n -> R^m, as a comma-separated label list.

    ``layout`` is ``numerator`` (the lecture's: the Jacobian is m x n, a gradient is a
    row) or ``denominator`` (every object transposed: the mistake of mixing conventions),
    or ``partial-is-number`` (the mistake of calling every partial derivative a number).
    """
    n, m = _dimension(n, "n"), _dimension(m, "m")
    if n < 2 or m < 2:
        raise DeriveError("derivative_shapes: n and m must be at least 2")
    layout = str(layout)
    objects = [_quiz_object(item, n, m) for item in QUIZ_ITEMS]
    if layout == "denominator":
        objects = [o.T if isinstance(o, sympy.MatrixBase) else o for o in objects]
    elif layout == "partial-is-number":
        objects = [o if item in ("df/dx", "df_j/dx") else sympy.Integer(0)
                   for item, o in zip(QUIZ_ITEMS, objects)]
    elif layout != "numerator":
        raise DeriveError(f"derivative_shapes: unknown layout {layout!r}")
    return ", ".join(_shape_label(o) for o in objects)


#: The objects of the "shape m x n" family, by item number.
SHAPE_ITEMS = (
    "Jacobian of F: R^n -> R^m",
    "Jacobian of x -> sigmoid(W x + b), W m x n",
    "Jacobian of x -> A^T x, A m x n",
    "derivative of a scalar loss L(W) w.r.t. W, W m x n",
)


def _shape_object(item: int, m: int, n: int):
    if item == 0:
        xs, fs = _vector_function(n, m)
        return fs.jacobian(xs)
    if item == 1:
        xs = sympy.Matrix(sympy.symbols(f"x1:{n + 1}", real=True))
        W = sympy.Matrix(m, n, lambda i, j: sympy.Symbol(f"w{i + 1}_{j + 1}", real=True))
        b = sympy.Matrix(sympy.symbols(f"b1:{m + 1}", real=True))
        layer = (W * xs + b).applyfunc(lambda z: 1 / (1 + sympy.exp(-z)))
        return layer.jacobian(xs)
    if item == 2:
        xs = sympy.Matrix(sympy.symbols(f"x1:{m + 1}", real=True))
        A = sympy.Matrix(m, n, lambda i, j: sympy.Symbol(f"a{i + 1}_{j + 1}", real=True))
        return (A.T * xs).jacobian(xs)
    if item == 3:
        W = sympy.Matrix(m, n, lambda i, j: sympy.Symbol(f"w{i + 1}_{j + 1}", real=True))
        loss = sum(w**2 for w in W) / 2     # any scalar function of W
        return W.applyfunc(lambda w: sympy.diff(loss, w))
    raise DeriveError(f"jacobian_shape: unknown item {item}")


@register
def jacobian_shape(item, m, n):
    """The shape ``RxC`` (a label such as ``3x2``) of the derivative object ``item``."""
    rows, cols = _shape_object(_int(item, "item"), _dimension(m, "m"),
                               _dimension(n, "n")).shape
    return f"{rows}x{cols}"


@register
def transposed_shape(shape):
    """``3x2`` -> ``2x3``: the shape a student gives who transposes the layout."""
    rows, cols = str(shape).split("x")
    return f"{cols}x{rows}"


@register
def output_shape(item, m, n):
    """The shape of the function's own output for item ``item`` of :func:`jacobian_shape`
    (a column m x 1 or n x 1, or 1x1 for the scalar loss): the answer of a student who
    confuses a function with its derivative."""
    item, m, n = _int(item, "item"), _dimension(m, "m"), _dimension(n, "n")
    rows = {0: m, 1: m, 2: n, 3: 1}[item]
    return f"{rows}x1"
