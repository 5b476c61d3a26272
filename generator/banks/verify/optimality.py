"""Verifiers: second-order models, Newton steps, convexity, step sizes, KKT, densities.

Each re-derives a key numerically from the family's function: derivatives by mpmath's
finite differences, eigenvalues by NumPy, integrals by mpmath quadrature, optimality by
the KKT conditions at the key and by comparison with sampled feasible points.
"""

from __future__ import annotations

import random
from typing import Any

import mpmath
import numpy as np

from generator.banks.verify.common import (VerificationError, answer_entries, close,
                                          evaluate, numeric, partial, register,
                                          second_partial, value_of)
from generator.instance import Instance
from grader.labels import canonical_label
from grader.numeric import MpTracker, evaluate_mp
from grader.parse import parse

__all__ = ["verify_convexity", "verify_density_transform", "verify_hessian_eigenvalues",
           "verify_kkt", "verify_max_step", "verify_newton_step", "verify_taylor"]


def _numbers(value) -> list:
    items = list(value) if hasattr(value, "shape") or isinstance(value, (list, tuple)) \
        else [value]
    with mpmath.workdps(40):
        return [numeric(e, [])({}) for e in items]


def _at(instance: Instance, spec: dict[str, Any], names: list[str]) -> dict[str, Any]:
    at = spec["at"]
    values = [_numbers(value_of(instance, a))[0] for a in at] if isinstance(at, list) \
        else _numbers(value_of(instance, at))
    if len(values) != len(names):
        raise VerificationError(f"the point has {len(values)} entries for {len(names)} variables")
    return dict(zip(names, values))


def _key(instance: Instance) -> list:
    rows = answer_entries(instance)
    return [evaluate(e, {}) for row in rows for e in (row if isinstance(row, list) else [row])]


def _hessian(f, point: dict, names: list[str]) -> np.ndarray:
    with mpmath.workdps(40):
        return np.array([[float(second_partial(f, point, a, b)) for b in names]
                         for a in names])


def _random_point(rng: random.Random, names: list[str]) -> dict[str, Any]:
    return {n: mpmath.mpf(rng.uniform(-2, 2)) for n in names}


@register("taylor")
def verify_taylor(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the Taylor polynomial of ``f`` of order 1 or 2 at ``at``.

    ``{taylor: f, wrt: [x, y], at: [p, q], order: 2}``: the key and f agree at the point
    in value and in every partial derivative up to the order, and the key is a
    polynomial of that degree (its next derivatives vanish at random points).
    """
    names = list(spec["wrt"])
    order = int(spec.get("order", 1))
    f = numeric(value_of(instance, spec["taylor"]), instance.variables)
    tree = parse(instance.answer, variables=list(instance.variables))

    def K(point):
        # At the caller's precision (``evaluate`` fixes 40 digits, which would undo the
        # extra precision mpmath.diff takes for its differences).
        return evaluate_mp(tree, {k: mpmath.mpf(v) for k, v in point.items()},
                           MpTracker(deadline=float("inf")))
    point = _at(instance, spec, names)
    with mpmath.workdps(40):
        close(K(point), f(point), "value at the point")
        for a in names:
            close(partial(K, point, a), partial(f, point, a), f"d/d{a} at the point")
            for b in names:
                want = second_partial(f, point, a, b) if order == 2 else 0
                close(second_partial(K, point, a, b), want, f"d2/d{a}d{b} of the key")
        rng = random.Random(instance.code)
        for _ in range(2):
            elsewhere = _random_point(rng, names)
            for a in names:
                if order == 2:
                    if abs(partial(K, elsewhere, a, 3)) > mpmath.mpf("1e-10"):
                        raise VerificationError("the key is not a polynomial of degree 2")
                elif abs(partial(K, elsewhere, a, 2)) > mpmath.mpf("1e-10"):
                    raise VerificationError("the key is not linear")


@register("newton_step")
def verify_newton_step(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is x0 - H(x0)^-1 grad f(x0), with H and grad f by finite differences.

    ``{newton_step: f, wrt: [x, y], at: x0}`` (one variable: ``wrt: [x]``).
    """
    names = list(spec["wrt"])
    f = numeric(value_of(instance, spec["newton_step"]), instance.variables)
    point = _at(instance, spec, names)
    with mpmath.workdps(40):
        gradient = mpmath.matrix([partial(f, point, a) for a in names])
        H = mpmath.matrix([[second_partial(f, point, a, b) for b in names] for a in names])
        step = mpmath.lu_solve(H, gradient)
        want = [point[a] - step[k] for k, a in enumerate(names)]
        key = _key(instance)
        if len(key) != len(want):
            raise VerificationError("the step has the wrong number of entries")
        for k, (got, w) in enumerate(zip(key, want)):
            close(got, w, f"entry {k + 1} of the Newton step")


def _eigenvalue_label(eigenvalues: np.ndarray) -> str:
    scale = max(1.0, float(np.max(np.abs(eigenvalues))))
    if np.all(eigenvalues > 1e-7 * scale):
        return "positive definite"              # f convex
    if np.all(eigenvalues < -1e-7 * scale):
        return "negative definite"              # f concave
    return "indefinite"


@register("convexity")
def verify_convexity(instance: Instance, spec: dict[str, Any]) -> None:
    """``{convexity: f, wrt: [x, y]}``: the key (positive definite / negative definite /
    indefinite: f convex, concave, neither) is what the signs of the numeric Hessian's
    eigenvalues say at several random points (f is a
    quadratic, so they must agree everywhere)."""
    names = list(spec["wrt"])
    f = numeric(value_of(instance, spec["convexity"]), instance.variables)
    rng = random.Random(instance.code)
    labels = {_eigenvalue_label(np.linalg.eigvalsh(_hessian(f, _random_point(rng, names), names)))
              for _ in range(3)}
    if len(labels) != 1:
        raise VerificationError(f"the Hessian's eigenvalue signs change: {labels}")
    label = labels.pop()
    if canonical_label(instance.answer) != label:
        raise VerificationError(f"the key says {instance.answer}; the eigenvalues say {label}")


@register("max_step")
def verify_max_step(instance: Instance, spec: dict[str, Any]) -> None:
    """``{max_step: f, wrt: [x, y]}``: the key is 2 / lambda_max of the numeric Hessian,
    and gradient descent with 0.99 times that step converges from a random start while
    1.01 times it diverges (run in floating point)."""
    names = list(spec["wrt"])
    f = numeric(value_of(instance, spec["max_step"]), instance.variables)
    rng = random.Random(instance.code)
    H = _hessian(f, _random_point(rng, names), names)
    lmax = float(np.max(np.linalg.eigvalsh(H)))
    key = float(_key(instance)[0])
    if abs(key - 2 / lmax) > 1e-8 * max(1.0, key):
        raise VerificationError(f"the key is {key}; 2 / lambda_max = {2 / lmax}")
    start = np.array([rng.uniform(-1, 1) for _ in names])
    for factor, converges in ((0.99, True), (1.01, False)):
        x = start.copy()
        for _ in range(20_000):
            x = x - factor * key * (H @ x)
            if not 1e-6 < np.linalg.norm(x) < 1e6:      # settled, or clearly diverging
                break
        if (np.linalg.norm(x) < 1e-3) != converges:
            raise VerificationError(f"gradient descent with {factor} x the key "
                                    f"{'does not converge' if converges else 'converges'}")


@register("hessian_eigenvalues")
def verify_hessian_eigenvalues(instance: Instance, spec: dict[str, Any]) -> None:
    """``{hessian_eigenvalues: f, wrt: [x1, x2], at: [p, q]}``: the key lists the
    eigenvalues of the numeric Hessian at the point, in increasing order."""
    names = list(spec["wrt"])
    f = numeric(value_of(instance, spec["hessian_eigenvalues"]), instance.variables)
    want = np.sort(np.linalg.eigvalsh(_hessian(f, _at(instance, spec, names), names)))
    key = [float(k) for k in _key(instance)]
    if len(key) != len(want) or np.max(np.abs(np.array(key) - want)) > 1e-7:
        raise VerificationError(f"the key is {key}; the numeric Hessian has eigenvalues {want}")


@register("kkt")
def verify_kkt(instance: Instance, spec: dict[str, Any]) -> None:
    """``{kkt: f, constraint: g, wrt: [x, y]}`` for min f subject to g <= 0: the key is
    feasible, satisfies the KKT conditions (grad f + mu grad g = 0 with mu >= 0, and
    mu = 0 unless g = 0), and no sampled feasible point is better."""
    names = list(spec["wrt"])
    f = numeric(value_of(instance, spec["kkt"]), instance.variables)
    g = numeric(value_of(instance, spec["constraint"]), instance.variables)
    key = _key(instance)
    point = dict(zip(names, key))
    with mpmath.workdps(40):
        slack = g(point)
        if slack > mpmath.mpf("1e-20"):
            raise VerificationError(f"the key violates the constraint (g = {slack})")
        gf = [partial(f, point, a) for a in names]
        gg = [partial(g, point, a) for a in names]
        active = abs(slack) < mpmath.mpf("1e-20")
        mu = -mpmath.fsum(a * b for a, b in zip(gf, gg)) / mpmath.fsum(b * b for b in gg) \
            if active else mpmath.mpf(0)
        if mu < -mpmath.mpf("1e-20"):
            raise VerificationError(f"the multiplier would be negative ({mu}): the minimum is "
                                    "not on the constraint")
        for a, b, name in zip(gf, gg, names):
            close(a + mu * b, 0, f"KKT stationarity in {name}", scale=10)
        best = f(point)
        rng = random.Random(instance.code)
        for _ in range(300):
            trial = {n: point[n] + mpmath.mpf(rng.uniform(-3, 3)) for n in names}
            if g(trial) <= 0 and f(trial) < best - mpmath.mpf("1e-20"):
                raise VerificationError(f"the feasible point {trial} is better than the key")


@register("density_transform")
def verify_density_transform(instance: Instance, spec: dict[str, Any]) -> None:
    """``{density_transform: cdf, variable: x, of: y, map: g, over: [lo, hi]}``: the key is the
    density of Y = g(X) in y (g increasing on the support of X, whose CDF is ``cdf``): its
    integral over [g(a), g(b)] equals P(a < X < b) for intervals of [lo, hi]."""
    x, y = spec["variable"], spec["of"]
    cdf = numeric(value_of(instance, spec["density_transform"]), [x])
    g = numeric(value_of(instance, spec["map"]), [x])
    tree = parse(instance.answer, variables=[y])
    lo, hi = (_numbers(value_of(instance, name))[0] for name in spec["over"])
    rng = random.Random(instance.code)
    with mpmath.workdps(30):
        for _ in range(3):
            a, b = sorted(lo + (hi - lo) * mpmath.mpf(rng.uniform(0.05, 0.95)) for _ in range(2))
            ga, gb = g({x: a}), g({x: b})
            mass = mpmath.quad(lambda t: evaluate(tree, {y: t}), [ga, gb])
            close(mass, cdf({x: b}) - cdf({x: a}), f"P({mpmath.nstr(a, 5)} < X < "
                  f"{mpmath.nstr(b, 5)})", scale=1e3)
