"""Verifiers: derivatives at a point (vectors and matrices), and the shapes quiz.

``gradient_at`` and ``jacobian_at`` confirm a numeric key by differentiating the
family's function with mpmath's finite differences at the point, whatever identity the
family used to compute it (A^T for the gradient of tr(AX), X^-T for log det X, the
softmax for log-sum-exp...).  ``shape_quiz`` builds each object of the quiz with NumPy
arrays of random sizes and reads its shape.
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import numpy as np

from generator.banks.verify.common import (VerificationError, answer_entries, evaluate,
                                          numeric, partial, register, value_of)
from generator.instance import Instance
from grader.labels import canonical_label, shape_label

__all__ = ["verify_gradient_at", "verify_jacobian_at", "verify_shape_quiz"]


def _flat(value) -> list:
    if hasattr(value, "shape"):
        return list(value)
    if isinstance(value, (list, tuple)):
        return [e for item in value for e in _flat(item)]
    return [value]


def _point(instance: Instance, spec: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """The point ``at`` (a vector or matrix value, entries in the order of ``wrt``)."""
    with mpmath.workdps(40):
        numbers = [numeric(e, [])({}) for e in _flat(value_of(instance, spec["at"]))]
    if len(numbers) != len(names):
        raise VerificationError(f"the point has {len(numbers)} entries for "
                                f"{len(names)} variables")
    return dict(zip(names, numbers))


def _key(instance: Instance) -> list:
    rows = answer_entries(instance)
    flat = [e for row in rows for e in (row if isinstance(row, list) else [row])]
    return [evaluate(e, {}) for e in flat]


def _compare(key: list, want: list, what: str, tolerance) -> None:
    if len(key) != len(want):
        raise VerificationError(f"the key has {len(key)} entries; {len(want)} expected")
    for k, (got, expected) in enumerate(zip(key, want)):
        limit = tolerance if tolerance is not None else \
            mpmath.mpf("1e-12") * max(1, abs(expected))
        if abs(got - expected) > limit:
            raise VerificationError(f"{what}, entry {k + 1}: key gives {mpmath.nstr(got, 10)}, "
                                    f"finite differences give {mpmath.nstr(expected, 10)}")


@register("gradient_at")
def verify_gradient_at(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the gradient of ``f`` at the point ``at``, by finite differences.

    ``{gradient_at: f, wrt: [x1, x2], at: x0}``; ``wrt`` may be a matrix of names
    ``[[X11, X12], [X21, X22]]`` for a derivative with respect to a matrix (the key is
    then laid out like the matrix).  Options: ``step: eta`` (the key is
    x0 - eta grad f(x0)), ``along: d`` (the key is the number grad f(x0) . d),
    ``tolerance: 0.001`` (for keys rounded to decimals; exact otherwise).
    """
    names = [n for row in spec["wrt"] for n in (row if isinstance(row, list) else [row])]
    f = numeric(value_of(instance, spec["gradient_at"]), instance.variables)
    point = _point(instance, spec, names)
    with mpmath.workdps(40):
        gradient = [partial(f, point, name) for name in names]
        if "step" in spec:
            eta = numeric(value_of(instance, spec["step"]), [])({})
            want = [point[n] - eta * g for n, g in zip(names, gradient)]
        elif "along" in spec:
            d = [numeric(e, [])({}) for e in _flat(value_of(instance, spec["along"]))]
            want = [mpmath.fsum(g * e for g, e in zip(gradient, d))]
        else:
            want = gradient
        _compare(_key(instance), want, "gradient", spec.get("tolerance"))


@register("jacobian_at")
def verify_jacobian_at(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the Jacobian of the vector ``F`` at ``at`` (row i: the partials of F_i).

    ``{jacobian_at: F, wrt: [z1, z2, z3], at: z0, tolerance: 0.001}``.
    """
    names = list(spec["wrt"])
    functions = [numeric(c, instance.variables) for c in _flat(value_of(instance,
                                                                         spec["jacobian_at"]))]
    point = _point(instance, spec, names)
    with mpmath.workdps(40):
        want = [partial(F, point, name) for F in functions for name in names]
        _compare(_key(instance), want, "Jacobian", spec.get("tolerance"))


# -- the shapes quiz ----------------------------------------------------------------------

def _derivative(function, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d function / d x by central differences: (rows, cols) with vectors as columns, the
    derivative of a scalar by a column a row, of a column by a column m x n."""
    out = np.atleast_2d(np.asarray(function(x), dtype=float))
    grads = np.empty(out.shape + x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grads[(...,) + index] = (np.atleast_2d(function(x + step))
                                 - np.atleast_2d(function(x - step))) / (2 * h)
    if x.shape == (1, 1):
        return grads.reshape(out.shape)               # by a scalar: the output's shape
    return grads.reshape(out.shape[0], x.shape[0])    # by a column: outputs x inputs


def _quiz_shapes(pool: str, rng: np.random.Generator) -> list[tuple[int, int]]:
    """The shape of each object of ``pool``, built from random arrays (n != m)."""
    n, m = int(rng.integers(2, 6)), int(rng.integers(6, 9))
    if pool == "jacobian":
        W, a = rng.normal(size=(m, n)), rng.normal(size=(n, 1))
        x0 = rng.normal(size=(n, 1))
        j, k = int(rng.integers(m)), int(rng.integers(n))

        def f(x):
            return np.tanh(W @ x)

        def at_k(t):
            x = x0.copy()
            x[k, 0] = t[0, 0]
            return x
        objects = [
            _derivative(f, x0), _derivative(lambda t: f(at_k(t)), x0[[k]]),
            _derivative(lambda x: f(x)[[j]], x0), _derivative(lambda t: f(at_k(t))[[j]], x0[[k]]),
            _derivative(lambda x: W @ x, x0), _derivative(lambda x: a.T @ x, x0),
            _derivative(at_k, x0[[k]]), _derivative(lambda t: at_k(t).T @ at_k(t), x0[[k]]),
        ]
        return [o.shape for o in objects]
    if pool == "expressions":
        x, y, A = rng.normal(size=(n, 1)), rng.normal(size=(n, 1)), rng.normal(size=(n, n))
        objects = [x.T @ y, x.T @ A @ y, x @ y.T, (x.T @ A.T @ y) * x, A @ x, x.T @ A,
                   (x.T @ A @ y).T, (y.T @ x) * x.T]
        return [o.shape for o in objects]
    raise VerificationError(f"unknown shapes pool {pool!r}")


@register("shape_quiz")
def verify_shape_quiz(instance: Instance, spec: dict[str, Any]) -> None:
    """``{shape_quiz: POOL, picks: [i1, i2, ...]}``: the key lists the shapes of the picked
    objects, read from NumPy arrays (differentiated numerically where needed)."""
    rng = np.random.default_rng(random.Random(instance.code).randrange(2**32))
    shapes = _quiz_shapes(str(spec["shape_quiz"]), rng)
    picks = [int(value_of(instance, name)) for name in spec["picks"]]
    labels = [shape_label(shapes[k]) for k in picks]
    key = [canonical_label(word) for word in instance.answer.split(",")]
    if key != labels:
        raise VerificationError(f"the key says {instance.answer}; the arrays say "
                                f"{', '.join(labels)}")
