"""Verifiers: multivariable calculus and linear algebra (bank ``multivariable``).

Each confirms a key by a route other than the CAS that computed it: finite differences
of the function along a line (directional derivatives), of the quadratic form written out
entry by entry from its matrix, a vanishing numeric gradient at the key's point, the
eigenvalues (NumPy) of a numeric Hessian, and the shapes of numerically differentiated
NumPy objects of the stated dimensions.
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import numpy as np

from generator.instance import Instance
from generator.documents.mathtext import answer_text, to_list
from generator.banks.verify.common import (
    VerificationError, answer_entries, evaluate, partial, second_partial, value_of, close, numeric,
    register, sample_points,
)
from grader.labels import canonical_label, shape_label
from grader.parse import parse

__all__: list[str] = []


def _names(instance: Instance, spec_names) -> list[str]:
    """Variable names, given directly or as names of values holding a variable."""
    names = []
    for name in spec_names:
        value = instance.values.get(name)
        names.append(str(value) if value is not None and getattr(value, "is_Symbol", False)
                     else name)
    return names


def _number(instance: Instance, name: str):
    """A parameter or value that is a number, as an mpmath number."""
    value = value_of(instance, name)
    return evaluate(parse(answer_text(value, "expression"), variables=[]), {})


def _key_numbers(instance: Instance) -> list:
    """The key's entries as numbers (a number, vector or point with no variables)."""
    return [evaluate(entry, {}) for entry in answer_entries(instance)]


def _numeric_gradient(f, point: dict[str, Any], wrt: list[str]) -> list:
    return [partial(f, point, name) for name in wrt]


@register("partials")
def verify_partials(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the vector of partials of f w.r.t. the variables ``wrt`` names.

    ``wrt`` lists variables, or values holding a variable (chosen by a random index).
    """
    variables = instance.variables
    f = numeric(value_of(instance, spec["partials"]), variables)
    wrt = _names(instance, spec["wrt"])
    entries = answer_entries(instance)
    if len(entries) != len(wrt):
        raise VerificationError(f"{len(entries)} partials for {len(wrt)} variables")
    for point in sample_points(instance, variables, 3):
        for entry, name in zip(entries, wrt):
            close(evaluate(entry, point), partial(f, point, name), f"d/d{name} at {point}")


@register("directional")
def verify_directional(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is d/dt f(P + t u) at t = 0, u the direction ``along`` normalised here."""
    wrt = spec["wrt"]
    f = numeric(value_of(instance, spec["directional"]), wrt)
    at = [_number(instance, name) for name in spec["at"]]
    raw = [evaluate(parse(answer_text(v, "expression"), variables=[]), {})
           for v in to_list(value_of(instance, spec["along"]))]
    with mpmath.workdps(40):
        length = mpmath.sqrt(sum(c**2 for c in raw))
        u = [c / length for c in raw]

        def line(t):
            return f({name: p + t * c for name, p, c in zip(wrt, at, u)})
        expected = mpmath.diff(line, 0)
    (key,) = _key_numbers(instance)
    close(key, expected, "directional derivative")


@register("steepest_ascent")
def verify_steepest_ascent(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is a unit vector along which f rises fastest at the point ``at``.

    The rate along the key (a derivative along the line) must equal the largest rate over
    many directions and the length of the numeric gradient.
    """
    wrt = spec["wrt"]
    f = numeric(value_of(instance, spec["steepest_ascent"]), wrt)
    at = dict(zip(wrt, (_number(instance, name) for name in spec["at"])))
    key = _key_numbers(instance)
    with mpmath.workdps(40):
        close(mpmath.sqrt(sum(k**2 for k in key)), 1, "length of the key (a unit vector)")

        def rate(direction):
            return mpmath.diff(lambda t: f({n: at[n] + t * d for n, d in zip(wrt, direction)}), 0)
        gradient = _numeric_gradient(f, at, wrt)
        close(rate(key), mpmath.sqrt(sum(g**2 for g in gradient)), "rate along the key")
        if len(wrt) == 2:
            best = max(rate((mpmath.cos(a), mpmath.sin(a)))
                       for a in (2 * mpmath.pi * k / 72 for k in range(72)))
            if best > rate(key) + mpmath.mpf(10) ** -20:
                raise VerificationError("some direction rises faster than the key")


def _label_of_eigenvalues(eigenvalues) -> str:
    scale = max(1.0, max(abs(e) for e in eigenvalues))
    if any(abs(e) < 1e-8 * scale for e in eigenvalues):
        return "neither"
    if all(e > 0 for e in eigenvalues):
        return "local minimum"
    if all(e < 0 for e in eigenvalues):
        return "local maximum"
    return "saddle point"


def _numeric_hessian(f, point, wrt) -> np.ndarray:
    return np.array([[float(second_partial(f, point, a, b)) for b in wrt] for a in wrt])


@register("critical_label")
def verify_critical_label(instance: Instance, spec: dict[str, Any]) -> None:
    """The point ``at`` is critical (numeric gradient 0) and the key is its classification
    by the signs of the eigenvalues (NumPy) of the numeric Hessian there."""
    wrt = spec["wrt"]
    f = numeric(value_of(instance, spec["critical_label"]), wrt)
    point = dict(zip(wrt, (_number(instance, name) for name in spec["at"])))
    for name, g in zip(wrt, _numeric_gradient(f, point, wrt)):
        close(g, 0, f"d/d{name} at the critical point")
    eigenvalues = np.linalg.eigvalsh(_numeric_hessian(f, point, wrt))
    label = _label_of_eigenvalues(eigenvalues)
    if canonical_label(instance.answer) != label:
        raise VerificationError(f"the key says {instance.answer}; the Hessian's eigenvalues "
                                f"{eigenvalues} say {label}")


@register("stationary")
def verify_stationary(instance: Instance, spec: dict[str, Any]) -> None:
    """The key's point makes the numeric gradient vanish, and it is the only such point
    (the numeric Hessian is not singular)."""
    wrt = spec["wrt"]
    f = numeric(value_of(instance, spec["stationary"]), wrt)
    key = _key_numbers(instance)
    if len(key) != len(wrt):
        raise VerificationError(f"the key has {len(key)} coordinates for {len(wrt)} variables")
    point = dict(zip(wrt, key))
    for name, g in zip(wrt, _numeric_gradient(f, point, wrt)):
        close(g, 0, f"d/d{name} at the key's point", scale=10)
    if abs(np.linalg.det(_numeric_hessian(f, point, wrt))) < 1e-8:
        raise VerificationError("the Hessian is singular: the critical point is not unique")


@register("quadratic_form_gradient")
def verify_quadratic_form_gradient(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the gradient of x^T A x, the sum of A_ij x_i x_j differentiated
    numerically (the form is written out from the matrix here, not taken from the bank)."""
    wrt = spec["wrt"]
    matrix = value_of(instance, spec["quadratic_form_gradient"])
    A = [[evaluate(parse(answer_text(matrix[i, j], "expression"), variables=[]), {})
          for j in range(matrix.cols)] for i in range(matrix.rows)]
    if len(A) != len(wrt) or any(len(row) != len(wrt) for row in A):
        raise VerificationError("the matrix is not square of the size of x")

    def form(point):
        x = [point[name] for name in wrt]
        return sum(A[i][j] * x[i] * x[j] for i in range(len(x)) for j in range(len(x)))
    entries = answer_entries(instance)
    for point in sample_points(instance, wrt, 3):
        for entry, name in zip(entries, wrt):
            close(evaluate(entry, point), partial(form, point, name), f"d/d{name} at {point}")


# -- shapes ---------------------------------------------------------------------------------

def _numeric_derivative(function, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d function / d x by central differences, laid out (size of output, size of input).

    Vectors are columns: an output of m numbers and an input of n give an m x n array; a
    matrix input W gives the array of the output's derivative by each entry, W's shape.
    """
    x = np.asarray(x, dtype=float)
    out = np.asarray(function(x), dtype=float)
    grads = np.empty(out.shape + x.shape)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grads[(...,) + index] = (np.asarray(function(x + step)) -
                                 np.asarray(function(x - step))) / (2 * h)
    if out.shape == (1, 1) and x.ndim == 2 and x.shape[1] == 1:
        return grads.reshape(1, x.shape[0])            # scalar by a column: a row
    if x.shape == (1, 1):
        return grads.reshape(out.shape)                # by a scalar: the output's shape
    if out.shape == (1, 1):
        return grads.reshape(x.shape)                  # scalar by a matrix: its shape
    return grads.reshape(out.shape[0], x.shape[0])     # column by column: m x n


@register("derivative_shapes")
def verify_derivative_shapes(instance: Instance, spec: dict[str, Any]) -> None:
    """The lecture's quiz: numerically differentiate a random f: R^n -> R^m and read the
    shapes of df/dx, df/dx_k, df_j/dx, df_j/dx_k (vectors are columns)."""
    n, m = (int(value_of(instance, name)) for name in spec["derivative_shapes"])
    rng = np.random.default_rng(random.Random(instance.code).randrange(2**32))
    W, b = rng.normal(size=(m, n)), rng.normal(size=(m, 1))
    x0 = rng.normal(size=(n, 1))
    j, k = rng.integers(m), rng.integers(n)

    def f(x):
        return np.tanh(W @ x + b)

    def with_xk(t):                      # f as a function of the one number x_k
        x = x0.copy()
        x[k, 0] = t[0, 0]
        return f(x)
    objects = [
        _numeric_derivative(f, x0),
        _numeric_derivative(with_xk, x0[[k]]),
        _numeric_derivative(lambda x: f(x)[[j]], x0),
        _numeric_derivative(lambda t: with_xk(t)[[j]], x0[[k]]),
    ]
    labels = [shape_label(o.shape) for o in objects]
    key = [canonical_label(w) for w in instance.answer.split(",")]
    if key != labels:
        raise VerificationError(f"the key says {instance.answer}; numeric objects have "
                                f"shapes {[o.shape for o in objects]} ({', '.join(labels)})")


@register("jacobian_shape")
def verify_jacobian_shape(instance: Instance, spec: dict[str, Any]) -> None:
    """Build the object of item ``jacobian_shape`` with NumPy arrays of the stated sizes,
    differentiate it numerically and read its shape."""
    item = int(value_of(instance, spec["jacobian_shape"]))
    m, n = int(value_of(instance, spec["m"])), int(value_of(instance, spec["n"]))
    rng = np.random.default_rng(random.Random(instance.code).randrange(2**32))
    W, b = rng.normal(size=(m, n)), rng.normal(size=(m, 1))
    if item == 0:                       # some F: R^n -> R^m
        derivative = _numeric_derivative(lambda x: np.sin(W @ x) + x.sum(), rng.normal(size=(n, 1)))
    elif item == 1:                     # a layer sigmoid(W x + b)
        derivative = _numeric_derivative(lambda x: 1 / (1 + np.exp(-(W @ x + b))),
                                         rng.normal(size=(n, 1)))
    elif item == 2:                     # x -> A^T x with A = W (m x n), x in R^m
        derivative = _numeric_derivative(lambda x: W.T @ x, rng.normal(size=(m, 1)))
    elif item == 3:                     # a scalar loss of the matrix W
        derivative = _numeric_derivative(lambda V: np.array([[np.sum(np.sin(V) * W)]]),
                                         rng.normal(size=(m, n)))
    else:
        raise VerificationError(f"unknown item {item}")
    shape = f"{derivative.shape[0]}x{derivative.shape[1]}"
    if canonical_label(instance.answer) != shape:
        raise VerificationError(f"the key says {instance.answer}; the numeric object is {shape}")
