"""Solvers: optimization and machine learning.

Procedures for the ``machine-learning`` bank: Lagrange systems, the forward and backward
pass of a small network, softmax, Gaussian maximum likelihood, and small helpers
(1-based entries, one-hot vectors, decimals for display).

Numbers that are only known approximately (sigmoids, softmax) are computed with mpmath
at 30 digits and returned as SymPy Floats rounded to :data:`DIGITS` decimals; banks give
those answers a tolerance.  Everything else stays exact.
"""

from __future__ import annotations

import mpmath
import sympy

from generator.banks.solvers.registry import register


#: Decimals kept in approximate results (their error, 5e-7, is far below any tolerance).
DIGITS = 6


def _column(value) -> sympy.Matrix:
    if isinstance(value, sympy.MatrixBase):
        return sympy.Matrix(value)
    if isinstance(value, (list, tuple, sympy.Tuple)):
        return sympy.Matrix(list(value))
    return sympy.Matrix([value])


def _mp(value) -> mpmath.mpf:
    with mpmath.workdps(30):
        return mpmath.mpf(sympy.N(value, 30))


def _float(value) -> sympy.Float:
    """An mpmath number rounded to DIGITS decimals, as a SymPy Float printing cleanly."""
    rounded = round(float(value), DIGITS)
    return sympy.Float(0.0 if rounded == 0 else rounded)


def _floats(values) -> sympy.Matrix:
    return sympy.Matrix([_float(v) for v in values])


# -- helpers ------------------------------------------------------------------------------

@register
def decimals(value):
    """A number, vector or matrix of exact decimals shown as decimals (0.3, not 3/10);
    integers stay integers."""
    if isinstance(value, (list, tuple, sympy.Tuple)):
        value = sympy.Matrix(list(value))

    def one(e):
        return e if e.is_Integer else sympy.Float(float(e))
    if isinstance(value, sympy.MatrixBase):
        return value.applyfunc(one)
    return one(sympy.sympify(value))


@register
def entry(M, i, j=1):
    """Entry (i, j) of a matrix, or entry i of a vector, counting from 1."""
    matrix = sympy.Matrix(M) if not isinstance(M, (list, tuple)) else _column(M)
    return matrix[int(i) - 1, int(j) - 1]


@register
def one_hot(k, n):
    """The one-hot column vector of length n with a 1 in place k (counting from 1)."""
    return sympy.Matrix([1 if m == int(k) else 0 for m in range(1, int(n) + 1)])


@register
def take(items, n):
    """The first n entries of a vector, as a column vector."""
    return sympy.Matrix(list(_column(items))[: int(n)])


@register
def extremum_name(sense):
    """The label "maximum" for sense +1 and "minimum" for sense -1."""
    return "maximum" if sense > 0 else "minimum"


# -- Lagrange multipliers -----------------------------------------------------------------

def _lagrange_candidates(f, g, wrt):
    """Real points where grad f = lambda grad g and g = 0.

    With two variables lambda is eliminated first (grad f parallel to grad g: the 2x2
    determinant f_x g_y - f_y g_x vanishes), which leaves a polynomial system that
    SymPy solves several times faster than the system with lambda.
    """
    if len(wrt) == 2:
        x, y = wrt
        parallel = sympy.expand(sympy.diff(f, x) * sympy.diff(g, y)
                                - sympy.diff(f, y) * sympy.diff(g, x))
        try:
            solutions = sympy.solve_poly_system([parallel, sympy.expand(g)], x, y)
        except (NotImplementedError, sympy.PolynomialError):
            solutions = None
        if solutions is not None:
            points = [[sympy.radsimp(c) for c in s] for s in solutions]
            return [p for p in points
                    if all(c.is_real and not c.free_symbols for c in p)
                    and any(sympy.diff(g, v).subs(dict(zip(wrt, p))) != 0 for v in wrt)]
    lam = sympy.Dummy("lambda", real=True)
    equations = [sympy.diff(f, v) - lam * sympy.diff(g, v) for v in wrt] + [g]
    found = []
    for solution in sympy.solve(equations, [*wrt, lam], dict=True, simplify=False):
        point = [sympy.radsimp(solution.get(v, v)) for v in wrt]
        if all(p.is_real and not p.free_symbols for p in point):
            found.append(point)
    return found


@register
def lagrange_extreme(f, g, wrt, sense):
    """The point where f is largest (sense > 0) or smallest (sense < 0) on g = 0.

    Solves the Lagrange system grad f = lambda grad g, g = 0 and compares f at its
    real solutions.  Returns a column vector; NaN entries (a degenerate problem, which
    the generator redraws) when there is no solution or the extreme is reached twice.
    The extreme must exist (a compact constraint set, or a convex f on a line): the
    solver compares the Lagrange points only.
    """
    candidates = _lagrange_candidates(f, g, wrt)
    nan = sympy.Matrix([sympy.nan] * len(wrt))
    if not candidates:
        return nan
    values = [float(f.subs(dict(zip(wrt, point)))) for point in candidates]
    order = sorted(range(len(values)), key=values.__getitem__, reverse=bool(sense > 0))
    if len(order) > 1 and abs(values[order[0]] - values[order[1]]) < 1e-12:
        return nan
    return sympy.Matrix(candidates[order[0]])


@register
def lagrange_multiplier(f, g, wrt, point):
    """The multiplier lambda of the Lagrange system at one of its solutions."""
    at = dict(zip(wrt, _column(point)))
    for v in wrt:
        dg = sympy.diff(g, v).subs(at)
        if dg != 0:
            return sympy.radsimp(sympy.diff(f, v).subs(at) / dg)
    return sympy.nan


# -- backpropagation ----------------------------------------------------------------------

def _sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


@register
def backprop(x, t, W, b, v, c):
    """Forward and backward pass of a 2-2-1 sigmoid network with cost C = (y - t)^2 / 2.

    Hidden unit j: h_j = sigmoid(W[1,j] x_1 + W[2,j] x_2 + b_j) (W[i,j] joins input i
    to hidden unit j); output y = sigmoid(v_1 h_1 + v_2 h_2 + c).

    Returns the list [h, y, delta_out, delta_hidden, dC/dW, dC/dv]: h, delta_hidden and
    dC/dv are column vectors, dC/dW a 2x2 matrix laid out like W, all rounded to
    DIGITS decimals.  delta_out = dC/dz_out = (y - t) y (1 - y) and
    delta_j = delta_out v_j h_j (1 - h_j); dC/dv_j = delta_out h_j and
    dC/dW[i,j] = delta_j x_i.
    """
    with mpmath.workdps(30):
        xs = [_mp(e) for e in _column(x)]
        Wm = sympy.Matrix(W)
        weights = [[_mp(Wm[i, j]) for j in range(2)] for i in range(2)]
        bs = [_mp(e) for e in _column(b)]
        vs = [_mp(e) for e in _column(v)]
        target, bias = _mp(t), _mp(c)
        h = [_sigmoid(weights[0][j] * xs[0] + weights[1][j] * xs[1] + bs[j]) for j in range(2)]
        y = _sigmoid(vs[0] * h[0] + vs[1] * h[1] + bias)
        delta_out = (y - target) * y * (1 - y)
        delta_hidden = [delta_out * vs[j] * h[j] * (1 - h[j]) for j in range(2)]
        dW = sympy.Matrix(2, 2, lambda i, j: _float(delta_hidden[j] * xs[i]))
        dv = _floats([delta_out * h[j] for j in range(2)])
        return [_floats(h), _float(y), _float(delta_out), _floats(delta_hidden), dW, dv]


# -- softmax and cross-entropy ------------------------------------------------------------

def _softmax(z) -> list:
    logits = [_mp(e) for e in _column(z)]
    top = max(logits)
    exps = [mpmath.exp(e - top) for e in logits]
    total = sum(exps)
    return [e / total for e in exps]


@register
def softmax(z):
    """softmax(z) as a column vector rounded to DIGITS decimals."""
    with mpmath.workdps(30):
        return _floats(_softmax(z))


@register
def softmax_ce_gradient(z, y):
    """Gradient of the cross-entropy -sum y_k ln softmax(z)_k with respect to the logits.

    For a label vector y whose entries sum to 1 it is softmax(z) - y (computed here in
    full precision, then rounded).
    """
    with mpmath.workdps(30):
        p = _softmax(z)
        labels = [_mp(e) for e in _column(y)]
        total = sum(labels)
        return _floats([pk * total - yk for pk, yk in zip(p, labels)])


# -- Gaussian maximum likelihood ----------------------------------------------------------

@register
def gaussian_loglik(data, wrt):
    """Log-likelihood of i.i.d. data under N(mu, sigma^2), with wrt = [mu, sigma].

    Written with the sums expanded, -n/2 ln(2 pi) - n ln sigma
    - (sum x^2 - 2 mu sum x + n mu^2) / (2 sigma^2), so its derivatives come out short.
    """
    mu, sigma = wrt
    xs = list(_column(data))
    n = len(xs)
    s1, s2 = sum(xs), sum(e**2 for e in xs)
    return (-sympy.Rational(n, 2) * sympy.log(2 * sympy.pi) - n * sympy.log(sigma)
            - (s2 - 2 * mu * s1 + n * mu**2) / (2 * sigma**2))


@register
def gaussian_mle(data):
    """Maximum likelihood estimates [mu_hat, sigma_hat^2]: the mean and the mean
    squared deviation (divided by n, not n - 1)."""
    xs = list(_column(data))
    n = len(xs)
    mean = sympy.Rational(1, n) * sum(xs)
    variance = sympy.Rational(1, n) * sum((e - mean) ** 2 for e in xs)
    return sympy.Matrix([mean, variance])


@register
def all_distinct(items, tolerance=0):
    """1 if the values (numbers, vectors or expressions) differ pairwise, else 0.

    Families require it of their key and mistakes, so that each listed mistake is a
    different answer with its own feedback.  Numbers and vectors differ when some entry
    differs by more than ``tolerance``; expressions when their difference does not
    expand to 0.
    """
    values = [list(v) if isinstance(v, sympy.MatrixBase) else [v] for v in items]
    for k, first in enumerate(values):
        for second in values[k + 1:]:
            if len(first) == len(second) and all(_within(p - q, tolerance)
                                                  for p, q in zip(first, second)):
                return sympy.Integer(0)
    return sympy.Integer(1)


def _within(difference, tolerance) -> bool:
    """Whether one entry's difference expands to 0, or is a number within ``tolerance``.

    Called entry by entry, so two values stop being compared at their first differing
    entry; a plain number (the commonest entry) is already expanded.
    """
    d = difference if isinstance(difference, sympy.Number) else sympy.expand(difference)
    return d == 0 or (d.is_number and abs(float(d)) <= float(tolerance))
