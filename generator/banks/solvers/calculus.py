"""Solvers: calculus of one variable.

Procedures for the ``derivatives`` bank that need more than one CAS operation:

* :func:`principal_power`: the principal value of a negative number to a non-integer
  power, ``(-0.9)^(-0.9) = -1.05 - 0.34i`` (rounded, as the decimals a student gives);
* :func:`inverse_cdf`: the inverse of a cumulative distribution function, for inverse
  transform sampling, by undoing the operations of ``u = F(x)`` from the outside in;
* :func:`monotonicity_1d`, :func:`classify_critical_1d`, :func:`global_min_1d`: the
  increase/decrease table of a function, the nature of its critical points (first
  derivative test) and its global minimum;
* :func:`intervals_1d`, :func:`points_latex_1d`: LaTeX text for prompts (a list of
  intervals, a list of points), used with the ``|text`` filter.
"""

from __future__ import annotations

from functools import lru_cache

import sympy

from generator.banks import memo
from generator.banks.solvers.registry import register

__all__ = ["classify_critical_1d", "global_min_1d", "intervals_1d", "inverse_cdf",
           "monotonicity_1d", "points_latex_1d", "principal_power"]


def _one(wrt) -> sympy.Symbol:
    """The single variable of a one-variable solver (``wrt: [x]``)."""
    if isinstance(wrt, (list, tuple)):
        if len(wrt) != 1:
            raise TypeError("give one variable, as wrt: [x]")
        return wrt[0]
    return wrt


# -- complex powers -----------------------------------------------------------------------

@register
def principal_power(base, exponent, digits=4, branch=0):
    """``base^exponent`` for a negative base: exp(exponent (ln|base| + i pi (2 branch + 1))).

    ``branch`` 0 is the principal value (the argument of a negative number is +pi);
    ``branch`` -1 takes the argument -pi instead, which gives the complex conjugate
    (a mistake).  The result is rounded to ``digits`` decimals in both parts and returned
    as ``a + b*I`` with SymPy Floats, so the key prints as decimals (``-1.0456 - 0.3397*i``).
    """
    base, exponent = _exact(base), _exact(exponent)
    if not base.is_negative:
        raise TypeError("principal_power is for a negative base")
    angle = sympy.pi * (2 * int(branch) + 1)
    exact = sympy.exp(exponent * (sympy.log(-base) + sympy.I * angle))
    value = sympy.N(exact, 30)
    places = int(digits)
    real = round(float(sympy.re(value)), places)
    imag = round(float(sympy.im(value)), places)
    return _decimal(real) + _decimal(imag) * sympy.I


def _exact(value):
    """A rational as it is; a float as the rational it stands for (0.9 -> 9/10)."""
    value = sympy.sympify(value)
    return value if value.is_Rational else sympy.nsimplify(value)


def _decimal(number: float):
    return sympy.Integer(0) if number == 0 else sympy.Float(number)


# -- inverse of a CDF ---------------------------------------------------------------------

def _peel(expr, x, target):
    """Solve ``expr = target`` for x when x occurs once, undoing the outermost operation
    at each step; None when some step cannot be undone."""
    for _ in range(50):
        if expr == x:
            return target
        if not expr.has(x):
            return None
        if isinstance(expr, sympy.Add):
            inner = [t for t in expr.args if t.has(x)]
            if len(inner) != 1:
                return None
            rest = sympy.Add(*[t for t in expr.args if not t.has(x)])
            target, expr = target - rest, inner[0]
        elif isinstance(expr, sympy.Mul):
            inner = [t for t in expr.args if t.has(x)]
            if len(inner) != 1:
                return None
            rest = sympy.Mul(*[t for t in expr.args if not t.has(x)])
            target, expr = target / rest, inner[0]
        elif isinstance(expr, sympy.exp):
            target, expr = sympy.log(target), expr.args[0]
        elif isinstance(expr, sympy.log):
            target, expr = sympy.exp(target), expr.args[0]
        elif isinstance(expr, sympy.atan):
            target, expr = sympy.tan(target), expr.args[0]
        elif isinstance(expr, sympy.tanh):
            target, expr = sympy.atanh(target), expr.args[0]
        elif isinstance(expr, sympy.Pow):
            base, power = expr.args
            if not power.has(x):
                # The root taken is the positive one: CDFs here increase on base > 0.
                target, expr = target ** (1 / power), base
            elif not base.has(x):
                target, expr = sympy.log(target) / sympy.log(base), power
            else:
                return None
        else:
            return None
    return None


@register
def inverse_cdf(F, wrt, u):
    """The inverse of the CDF ``F`` (a function of wrt = [x]) as a function of ``u``.

    Undoes the operations of u = F(x) from the outside in (subtract, divide, log of an
    exponential, tan of an arctangent, root of a power...), then checks the result:
    F(F^-1(u)) = u at a few u in (0, 1) and F^-1 increasing.  Raises TypeError when F
    is not of that form.
    """
    x = _one(wrt)
    t = sympy.Dummy("t", positive=True)
    found = _peel(F, x, t)
    if found is None:
        raise TypeError(f"cannot invert {F} step by step")
    inverse = found.subs(t, u)
    others = {s: 1 + sympy.Rational(k, 7) for k, s in enumerate(
        sorted(F.free_symbols - {x}, key=str))}
    previous = None
    for level in (sympy.Rational(1, 10), sympy.Rational(2, 5), sympy.Rational(3, 4)):
        at = {**others, u: level}
        point = sympy.N(inverse.subs(at), 30)
        if not point.is_real:
            raise TypeError(f"the inverse of {F} is not real at u = {level}")
        back = sympy.N(F.subs({**at, x: point}), 30)
        if abs(back - level) > sympy.Float("1e-20"):
            raise TypeError(f"F(F^-1(u)) != u for {F}")
        if previous is not None and point <= previous:
            raise TypeError(f"the inverse of {F} is not increasing")
        previous = point
    return inverse


# -- critical points, increase/decrease ----------------------------------------------------

def _zeros(g, x) -> list:
    """Distinct real zeros of a rational function g of x, sorted (exact, via Poly).

    Remembered per process: a family finds the zeros of f' for its answer, and again to
    classify them.
    """
    if isinstance(g, sympy.Basic) and isinstance(x, sympy.Basic):
        return list(_remembered_zeros(g, x))
    return _find_zeros(g, x)


@lru_cache(maxsize=128)
def _remembered_zeros(g, x) -> tuple:
    return tuple(_find_zeros(g, x))


def _find_zeros(g, x) -> list:
    if g.is_polynomial(x):
        # Its own numerator over 1: together and cancel (most of the cost) would at most
        # scale it by a constant, which moves no root.
        numerator, denominator = g, sympy.Integer(1)
    else:
        numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(g)))
    if not numerator.has(x):
        return []
    try:
        roots = sympy.Poly(numerator, x).real_roots()
    except sympy.PolynomialError as err:
        raise TypeError(f"{g} is not a rational function of {x}: {err}") from None
    distinct = sorted(set(roots), key=float)
    return [r for r in distinct if denominator.subs(x, r) != 0]


def _critical(f, x, df=None) -> list:
    """Distinct real zeros of f' (``df`` when the caller has it already), sorted."""
    return _zeros(memo.diff(f, x) if df is None else df, x)


@register
def real_zeros(g, wrt):
    """The distinct real zeros of a polynomial or rational function g, sorted.

    The same as the ``solve`` operation for these functions, but by exact polynomial
    root isolation, which is much faster than a general equation solver.
    """
    return _zeros(g, _one(wrt))


def _test_points(points: list) -> list:
    """One point inside each interval the sorted ``points`` cut the line into."""
    if not points:
        return [sympy.Integer(0)]
    inside = [points[0] - 1]
    inside += [(a + b) / 2 for a, b in zip(points, points[1:])]
    return inside + [points[-1] + 1]


def _sign(value) -> int:
    value = sympy.nsimplify(value) if value.is_Float else value
    return 1 if value > 0 else -1 if value < 0 else 0


@register
def monotonicity_1d(f, wrt, flip=0, alternate=0):
    """The increase/decrease table of f: one label per interval between critical points.

    Returns "decreasing, increasing, ..." from the sign of f' at a point of each
    interval.  Mistakes: ``flip`` swaps the two words throughout; ``alternate`` keeps
    the first interval and then changes at every critical point (ignoring that f' keeps
    its sign through a double zero).
    """
    x = _one(wrt)
    df = memo.diff(f, x)
    signs = [_sign(df.subs(x, p)) for p in _test_points(_critical(f, x, df))]
    if int(alternate):
        signs = [signs[0] * (-1) ** k for k in range(len(signs))]
    if int(flip):
        signs = [-s for s in signs]
    return ", ".join("increasing" if s > 0 else "decreasing" for s in signs)


@register
def classify_critical_1d(f, wrt, swap=0, alternate=0):
    """Each critical point of f, in increasing order: local minimum, maximum or neither.

    First derivative test: the signs of f' just left and right of each critical point.
    Mistakes: ``swap`` exchanges minimum and maximum; ``alternate`` calls every critical
    point an extremum, alternating from the first one's true nature as if f' changed
    sign at each.
    """
    x = _one(wrt)
    df = memo.diff(f, x)
    points = _critical(f, x, df)
    signs = [_sign(df.subs(x, p)) for p in _test_points(points)]
    labels = []
    for k in range(len(points)):
        left, right = signs[k], signs[k + 1]
        labels.append("local minimum" if (left, right) == (-1, 1) else
                      "local maximum" if (left, right) == (1, -1) else "neither")
    if int(alternate):
        first = labels[0] if labels[0] != "neither" else (
            "local maximum" if signs[0] > 0 else "local minimum")
        other = {"local minimum": "local maximum", "local maximum": "local minimum"}
        labels = [first if k % 2 == 0 else other[first] for k in range(len(labels))]
    if int(swap):
        exchange = {"local minimum": "local maximum", "local maximum": "local minimum"}
        labels = [exchange.get(label, label) for label in labels]
    return ", ".join(labels)


@register
def global_min_1d(f, wrt):
    """[x*, f(x*)]: where f attains its global minimum, and the minimum value.

    f must grow to +infinity on both sides (a polynomial of even degree with a positive
    leading coefficient): the minimum is then the least of f at its critical points.
    When two critical points tie, x* is the leftmost.
    """
    x = _one(wrt)
    poly = sympy.Poly(f, x)
    if poly.degree() % 2 or poly.LC() <= 0:
        raise TypeError("global_min_1d needs an even degree and a positive leading coefficient")
    points = _critical(f, x)
    values = [f.subs(x, p) for p in points]
    best = min(range(len(points)), key=lambda k: (values[k], k))
    return [points[best], values[best]]


# -- text for prompts ---------------------------------------------------------------------

@register
def intervals_1d(points):
    """LaTeX of the intervals sorted ``points`` cut the real line into (use with |text)."""
    points = sorted(points, key=float)
    ends = [r"-\infty"] + [sympy.latex(p) for p in points] + [r"\infty"]
    return r",\ ".join(f"({a}, {b})" for a, b in zip(ends, ends[1:]))


@register
def points_latex_1d(points):
    """LaTeX ``-1,\\ 0,\\ 2`` of a list of numbers (use with |text)."""
    return r",\ ".join(sympy.latex(p) for p in sorted(points, key=float))


@register
def show_decimal(value):
    """An exact decimal shown as a decimal (9/10 -> 0.9), for prompts and keys."""
    value = _exact(value)
    if value == 0:
        return sympy.Integer(0)
    if value.is_Integer:
        return value
    return sympy.Float(float(value))
