"""Values of matrix expressions at random matrices of the declared shapes.

Three arithmetics walk the same tree:

* float64 (NumPy): the cheap screen, at several draws and several sizes;
* exact (``Fraction`` entries): confirms an "equal" verdict when the expression is
  rational (products, inverses, transposes, traces, determinants, integer powers,
  squared norms), so ``Xᵀ(Xw − y) + 10⁻⁴⁰w`` is never taken for ``Xᵀ(Xw − y)``;
* mpmath at 256 bits: confirms when ``exp``, ``log``, ``σ`` or a root is involved.

Draws are multiples of 2⁻²⁰, so float values convert to fractions exactly and the same
draw feeds all three.  Nothing here commutes a product: ``AB`` is ``A @ B``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping

import mpmath
import numpy as np

from grader.matexpr.shapes import Shape
from grader.matexpr.tree import (
    Call, Const, Identity, Inverse, MNode, Neg, Num, Ones, Power, Product, Sum, Sym, Transpose,
)

__all__ = ["Draw", "Float", "Exact", "Mp", "NotExact", "TimeUp", "Undefined", "evaluate",
           "make_draw"]

#: Assumptions a matrix or vector symbol may carry.
MATRIX_ASSUMPTIONS = {"symmetric", "spd", "positive-definite", "positive definite",
                      "positive", "nonnegative", "real", "diagonal"}
#: Assumptions a scalar may carry.
SCALAR_ASSUMPTIONS = {"real", "positive", "nonnegative", "nonzero"}
_GRID = 2.0 ** -20
_MP_BITS = 256
#: Largest integer exponent applied exactly, in bits of the result.
_MAX_EXACT_BITS = 20000
_MAX_MATRIX_POWER = 64


class Undefined(ArithmeticError):
    """The expression has no (finite, real) value at this draw."""


class NotExact(Exception):
    """The exact arithmetic cannot represent this value (a root, an exponential)."""


class TimeUp(Exception):
    """The deadline passed while evaluating."""


@dataclass(frozen=True)
class Draw:
    """One random assignment: a size per letter, a float64 matrix per symbol."""

    sizes: Mapping[str, int]
    values: Mapping[str, np.ndarray]

    def with_values(self, changed: Mapping[str, np.ndarray]) -> "Draw":
        """The same draw with some symbols' values replaced."""
        return Draw(self.sizes, {**self.values, **changed})


def _grid(values: np.ndarray) -> np.ndarray:
    return np.round(values / _GRID) * _GRID


def make_draw(rng: np.random.Generator, sizes: Mapping[str, int],
              declared: Mapping[str, Shape], scalars: list[str],
              assume: Mapping[str, str]) -> Draw:
    """Random values for every symbol, honouring ``symmetric``, ``spd``, ``positive``..."""
    values: dict[str, np.ndarray] = {}
    for name, (rows, cols) in sorted(declared.items()):
        if name == "𝟏":
            continue  # the declared all-ones vector has no random values
        r = sizes[rows] if isinstance(rows, str) else rows
        c = sizes[cols] if isinstance(cols, str) else cols
        how = assume.get(name, "real")
        base = rng.standard_normal((r, c))
        if how == "symmetric":
            base = (base + base.T) / 2
        elif how in ("spd", "positive-definite", "positive definite"):
            base = base @ base.T / r + np.eye(r)
        elif how == "diagonal":
            base = np.diag(np.diag(base))
        elif how in ("positive", "nonnegative"):
            base = np.abs(base) + 0.25
        values[name] = _grid(base)
    for name in scalars:
        how = assume.get(name, "real")
        magnitude = rng.uniform(0.5, 2.0)
        sign = 1.0 if how in ("positive", "nonnegative") or rng.random() < 0.5 else -1.0
        values[name] = _grid(np.array([[sign * magnitude]]))
    return Draw(dict(sizes), values)


# -- arithmetics ------------------------------------------------------------------------------

def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


class Float:
    """float64: fast, used to screen."""

    name = "float"

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def lift(self, values: np.ndarray) -> np.ndarray:
        return values

    def number(self, value: Fraction) -> np.ndarray:
        return np.array([[float(value)]])

    def const(self, name: str) -> np.ndarray:
        return np.array([[math.e if name == "e" else math.pi]])

    def eye(self, n: int) -> np.ndarray:
        return np.eye(n)

    def ones(self, n: int) -> np.ndarray:
        return np.ones((n, 1))

    def check(self, a: np.ndarray) -> np.ndarray:
        if not np.all(np.isfinite(a)):
            raise Undefined
        return a

    def inv(self, a: np.ndarray) -> np.ndarray:
        if np.linalg.cond(a) > 1e10:
            raise Undefined
        return np.linalg.inv(a)

    def det(self, a: np.ndarray):
        return float(np.linalg.det(a))

    def scalar_power(self, base, exponent):
        with np.errstate(all="ignore"):
            if base < 0 and float(exponent) != round(float(exponent)):
                raise Undefined
            return float(np.power(float(base), float(exponent)))

    def fn(self, name: str, a: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            if name in ("log", "sqrt") and np.any(a <= 0 if name == "log" else a < 0):
                raise Undefined
            if name in ("exp", "sin", "cos", "softplus") and np.any(np.abs(a) > 1e4):
                raise Undefined
            table: dict[str, Callable] = {
                "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "abs": np.abs, "sin": np.sin,
                "cos": np.cos, "tanh": np.tanh, "sigmoid": _sigmoid,
                "sigmoid'": lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
                "tanh'": lambda x: 1 - np.tanh(x) ** 2, "relu": lambda x: np.maximum(x, 0),
                "step": lambda x: (x > 0).astype(float), "softplus": lambda x: np.logaddexp(0, x),
            }
            return self.check(table[name](a))


def _eliminate(a: np.ndarray, singular: Callable[[object, object], bool]):
    """Gauss-Jordan on an object array: (determinant, inverse or None when singular)."""
    n = a.shape[0]
    m = [list(row) + [1 if i == j else 0 for j in range(n)] for i, row in enumerate(a.tolist())]
    scale = max((abs(x) for row in m for x in row[:n]), default=1) or 1
    det = 1
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        if singular(m[pivot][col], scale):
            return 0, None
        if pivot != col:
            m[col], m[pivot] = m[pivot], m[col]
            det = -det
        p = m[col][col]
        det = det * p
        m[col] = [x / p for x in m[col]]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return det, np.array([row[n:] for row in m], dtype=object)


class Exact:
    """Fractions: confirms rational expressions exactly."""

    name = "exact"

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def lift(self, values: np.ndarray) -> np.ndarray:
        out = np.empty(values.shape, dtype=object)
        for index, x in np.ndenumerate(values):
            out[index] = Fraction(float(x))
        return out

    def number(self, value: Fraction) -> np.ndarray:
        return np.array([[value]], dtype=object)

    def const(self, name: str) -> np.ndarray:
        raise NotExact

    def eye(self, n: int) -> np.ndarray:
        out = np.full((n, n), Fraction(0), dtype=object)
        for i in range(n):
            out[i, i] = Fraction(1)
        return out

    def ones(self, n: int) -> np.ndarray:
        return np.full((n, 1), Fraction(1), dtype=object)

    def check(self, a: np.ndarray) -> np.ndarray:
        return a

    def inv(self, a: np.ndarray) -> np.ndarray:
        _, inverse = _eliminate(a, lambda p, scale: p == 0)
        if inverse is None:
            raise Undefined
        return inverse

    def det(self, a: np.ndarray):
        return _eliminate(a, lambda p, scale: p == 0)[0]

    def scalar_power(self, base, exponent):
        if not isinstance(exponent, Fraction) or exponent.denominator != 1:
            raise NotExact
        n = int(exponent)
        bits = abs(n) * max(base.numerator.bit_length(), base.denominator.bit_length(), 1)
        if bits > _MAX_EXACT_BITS:
            raise NotExact
        if base == 0 and n < 0:
            raise Undefined
        return base ** n

    def fn(self, name: str, a: np.ndarray) -> np.ndarray:
        if name == "abs":
            return np.abs(a)
        if name == "relu":
            return np.vectorize(lambda x: max(x, Fraction(0)), otypes=[object])(a)
        raise NotExact


class Mp:
    """mpmath at 256 bits: confirms expressions with exp, log, roots."""

    name = "mp"

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def lift(self, values: np.ndarray) -> np.ndarray:
        out = np.empty(values.shape, dtype=object)
        for index, x in np.ndenumerate(values):
            out[index] = mpmath.mpf(float(x))
        return out

    def number(self, value: Fraction) -> np.ndarray:
        return np.array([[mpmath.mpf(value.numerator) / value.denominator]], dtype=object)

    def const(self, name: str) -> np.ndarray:
        return np.array([[+mpmath.e if name == "e" else +mpmath.pi]], dtype=object)

    def eye(self, n: int) -> np.ndarray:
        return Exact(self.deadline).eye(n) * mpmath.mpf(1)

    def ones(self, n: int) -> np.ndarray:
        return np.full((n, 1), mpmath.mpf(1), dtype=object)

    def check(self, a: np.ndarray) -> np.ndarray:
        for x in a.flat:
            if not isinstance(x, mpmath.mpf) and not isinstance(x, (int, Fraction)):
                raise Undefined  # a complex value: some step left the reals
            if isinstance(x, mpmath.mpf) and (mpmath.isinf(x) or mpmath.isnan(x)
                                              or abs(x) > mpmath.mpf(2) ** 30000):
                raise Undefined
        return a

    def inv(self, a: np.ndarray) -> np.ndarray:
        tiny = mpmath.mpf(2) ** (-_MP_BITS // 2)
        _, inverse = _eliminate(a, lambda p, scale: abs(p) <= tiny * scale)
        if inverse is None:
            raise Undefined
        return inverse

    def det(self, a: np.ndarray):
        return _eliminate(a, lambda p, scale: False)[0]

    def scalar_power(self, base, exponent):
        base, exponent = mpmath.mpf(base), mpmath.mpf(exponent)
        if base < 0 and exponent != mpmath.floor(exponent):
            raise Undefined
        if base == 0 and exponent <= 0:
            raise Undefined
        if base != 0 and abs(exponent * mpmath.log(abs(base), 2)) > 30000:
            raise Undefined
        return base ** exponent

    def fn(self, name: str, a: np.ndarray) -> np.ndarray:
        def one(x):
            x = mpmath.mpf(x)
            if name in ("exp", "softplus", "sigmoid", "sigmoid'", "sin", "cos") \
                    and abs(x) > 2 ** 20:
                raise Undefined
            if name == "log" and x <= 0 or name == "sqrt" and x < 0:
                raise Undefined
            if name == "exp":
                return mpmath.exp(x)
            if name == "log":
                return mpmath.log(x)
            if name == "sqrt":
                return mpmath.sqrt(x)
            if name == "abs":
                return abs(x)
            if name in ("sin", "cos", "tanh"):
                return getattr(mpmath, name)(x)
            if name == "sigmoid":
                return 1 / (1 + mpmath.exp(-x))
            if name == "sigmoid'":
                s = 1 / (1 + mpmath.exp(-x))
                return s * (1 - s)
            if name == "tanh'":
                return 1 - mpmath.tanh(x) ** 2
            if name == "relu":
                return max(x, mpmath.mpf(0))
            if name == "step":
                return mpmath.mpf(1 if x > 0 else 0)
            if name == "softplus":
                return mpmath.log(1 + mpmath.exp(x))
            raise NotExact
        return np.vectorize(one, otypes=[object])(a)


# -- the walk ---------------------------------------------------------------------------------

def evaluate(node: MNode, draw: Draw, arith, lifted: dict[str, np.ndarray]) -> np.ndarray:
    """The value of ``node`` at ``draw``, a 2-D array (1×1 for a scalar).

    ``lifted`` caches the draw's values converted to ``arith`` (shared between calls).

    Raises:
        Undefined: no finite real value here (a singular inverse, log of a negative).
        NotExact: ``arith`` is :class:`Exact` and the value is not rational.
        TimeUp: past ``arith.deadline``.
    """
    if time.monotonic() > arith.deadline:
        raise TimeUp
    with np.errstate(all="ignore"):  # overflow becomes inf, and inf becomes Undefined
        return _eval(node, draw, arith, lifted)


def _size(size, draw: Draw) -> int:
    return draw.sizes[size] if isinstance(size, str) else size


def _scalar(a: np.ndarray) -> bool:
    return a.shape == (1, 1)


def _eval(node: MNode, draw: Draw, arith, lifted: dict[str, np.ndarray]) -> np.ndarray:
    if isinstance(node, Num):
        return arith.number(node.value)
    if isinstance(node, Const):
        return arith.const(node.name)
    if isinstance(node, Sym):
        if node.name not in lifted:
            lifted[node.name] = arith.lift(draw.values[node.name])
        return lifted[node.name]
    if isinstance(node, Identity):
        return arith.eye(_size(node.dim, draw))
    if isinstance(node, Ones):
        return arith.ones(_size(node.dim, draw))
    if time.monotonic() > arith.deadline:
        raise TimeUp
    if isinstance(node, Neg):
        return -_eval(node.arg, draw, arith, lifted)
    if isinstance(node, Transpose):
        return _eval(node.arg, draw, arith, lifted).T
    if isinstance(node, Inverse):
        a = _eval(node.arg, draw, arith, lifted)
        if _scalar(a):
            if a[0, 0] == 0:
                raise Undefined
            return arith.check(1 / a)
        return arith.check(arith.inv(a))
    if isinstance(node, Sum):
        a = _eval(node.left, draw, arith, lifted)
        b = _eval(node.right, draw, arith, lifted)
        return arith.check(a + b if node.op == "+" else a - b)
    if isinstance(node, Product):
        return _product(node, draw, arith, lifted)
    if isinstance(node, Power):
        return _power(node, draw, arith, lifted)
    if isinstance(node, Call):
        return _call(node, draw, arith, lifted)
    raise TypeError(f"not a matrix-expression node: {node!r}")


def _product(node: Product, draw: Draw, arith, lifted) -> np.ndarray:
    a = _eval(node.left, draw, arith, lifted)
    b = _eval(node.right, draw, arith, lifted)
    if node.op == "/":
        if any(x == 0 for x in b.flat):
            raise Undefined
        return arith.check(a / b[0, 0] if _scalar(b) else a / b)
    if node.op == "⊙" or _scalar(a) or _scalar(b):
        return arith.check(a * b)
    return arith.check(a @ b)


def _power(node: Power, draw: Draw, arith, lifted) -> np.ndarray:
    # ‖x‖² is a sum of squares: exact, with no square root taken and squared again.
    if isinstance(node.base, Call) and node.base.func == "norm" and isinstance(
            node.exponent, Num) and node.exponent.value == 2:
        a = _eval(node.base.args[0], draw, arith, lifted)
        return arith.check(_wrap(sum(x * x for x in a.flat), arith))
    base = _eval(node.base, draw, arith, lifted)
    exponent = _eval(node.exponent, draw, arith, lifted)[0, 0]
    if _scalar(base):
        return arith.check(_wrap(arith.scalar_power(base[0, 0], exponent), arith))
    n = int(exponent)
    if abs(n) > _MAX_MATRIX_POWER:
        raise Undefined
    if n < 0:
        base, n = arith.inv(base), -n
    result = arith.eye(base.shape[0])
    for _ in range(n):
        result = arith.check(result @ base)
    return result


def _wrap(value, arith) -> np.ndarray:
    if arith.name == "float":
        return np.array([[float(value)]])
    return np.array([[value]], dtype=object)


def _call(node: Call, draw: Draw, arith, lifted) -> np.ndarray:
    a = _eval(node.args[0], draw, arith, lifted)
    func = node.func
    if func == "tr":
        return _wrap(sum(a[i, i] for i in range(a.shape[0])), arith)
    if func == "det" or func == "bars" and not _scalar(a):
        return arith.check(_wrap(arith.det(a), arith))
    if func == "bars":
        func = "abs"
    if func == "logdet":
        return arith.fn("log", _wrap(arith.det(a), arith))
    if func == "sum":
        return _wrap(sum(a.flat), arith)
    if func == "norm":
        return arith.fn("sqrt", _wrap(sum(x * x for x in a.flat), arith))
    if func == "diag":
        if a.shape[1] == 1 or a.shape[0] == 1:
            flat = list(a.flat)
            out = arith.eye(len(flat)) * 0
            for i, x in enumerate(flat):
                out[i, i] = x
            return out
        return _column([a[i, i] for i in range(a.shape[0])], arith)
    if func == "softmax":
        e = arith.fn("exp", a - max(a.flat))
        return arith.check(e / sum(e.flat))
    return arith.fn(func, a)


def _column(items: list, arith) -> np.ndarray:
    if arith.name == "float":
        return np.array(items, dtype=float).reshape(-1, 1)
    return np.array(items, dtype=object).reshape(-1, 1)
