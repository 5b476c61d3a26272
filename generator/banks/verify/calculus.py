"""Verifiers: calculus of one variable.

Each verifier confirms a key of the ``derivatives`` bank by a route that does not use
the CAS operation or solver that computed it:

* ``complex_power``: the principal value of (-p)^s by Python's complex power (the C
  library), not SymPy;
* ``inverse_cdf``: F(F^-1(u)) = u at sample points, F evaluated by the grader's
  evaluator in high precision, and F^-1 increasing;
* ``critical_points_1d``, ``monotonicity_1d``, ``classify_critical_1d``,
  ``global_min_1d``: the zeros of f' from NumPy's polynomial root finder (companion
  matrix eigenvalues) on f's coefficients, and comparisons of values of f itself
  (not of f') on each side of them.

Spec keys name the family's values: ``verify: {critical_points_1d: f, wrt: x}``.
"""

from __future__ import annotations

import cmath
import random
from typing import Any

import mpmath
import numpy as np
import sympy

from generator.instance import Instance
from generator.banks.verify.common import (
    VerificationError, answer_entries, evaluate, value_of, close, numeric, register,
)
from grader.labels import canonical_label
from grader.numeric import Undefined
from grader.parse import parse

__all__ = ["verify_classify_critical_1d", "verify_complex_power", "verify_critical_points_1d",
           "verify_global_min_1d", "verify_inverse_cdf", "verify_monotonicity_1d"]


def _float(value: Any) -> float:
    return float(sympy.N(value, 30))


# -- complex powers -----------------------------------------------------------------------

@register("complex_power")
def verify_complex_power(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is (-p)^s rounded to ``digits`` decimals.

    ``{complex_power: p, exponent: s, digits: 4}`` with p > 0 the magnitude of the base:
    Python's principal complex power must agree with the key to within the rounding,
    and the rounding must be far inside the family's tolerance.
    """
    p = _float(value_of(instance, spec["complex_power"]))
    s = _float(value_of(instance, spec["exponent"]))
    digits = int(spec.get("digits", 4))
    if p <= 0:
        raise VerificationError("complex_power names the magnitude p > 0 of the base -p")
    want = complex(-p) ** s
    with mpmath.workdps(30):
        got = complex(evaluate(parse(instance.answer, variables=(), allow_complex=True), {}))
    error = 0.5 * 10 ** -digits * abs(1 + 1j) + 1e-12
    if abs(got - want) > error:
        raise VerificationError(f"(-{p})^{s}: key {got}, Python's complex power {want}")
    if instance.tolerance is not None and error > instance.tolerance / 4:
        raise VerificationError("the key is rounded too coarsely for the tolerance")
    if abs(want.imag) < 1e-9:
        raise VerificationError("the value is real: not a complex-power exercise")
    # The principal argument of a negative base is +pi: cmath agrees with that definition.
    direct = cmath.exp(s * (cmath.log(p) + 1j * cmath.pi))
    if abs(direct - want) > 1e-12:
        raise VerificationError("Python's complex power is not the principal value")


# -- inverse transform sampling -----------------------------------------------------------

@register("inverse_cdf")
def verify_inverse_cdf(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is F^-1(u): F(key(u)) = u for u in (0, 1), and the key increases with u.

    ``{inverse_cdf: F, wrt: x}``; the key's other variables than u (a rate lambda) get
    positive sample values.  The key's variable for the probability must be ``u``.
    """
    wrt = spec["wrt"]
    variables = list(instance.variables)
    if "u" not in variables:
        raise VerificationError("the inverse CDF must be a function of u")
    F = numeric(value_of(instance, spec["inverse_cdf"]), [wrt, *variables])
    key = answer_entries(instance)[0]
    rng = random.Random(instance.code)
    for _ in range(3):
        others = {name: rng.uniform(0.3, 3.0) for name in variables if name != "u"}
        previous = None
        for u in (0.05, 0.3, 0.55, 0.8, 0.97):
            point = {**others, "u": u}
            try:
                x = evaluate(key, point)
            except Undefined:
                raise VerificationError(f"the key is undefined at {point}") from None
            if isinstance(x, mpmath.mpc):
                if abs(x.imag) > 1e-25:
                    raise VerificationError(f"the key is not real at {point}")
                x = x.real
            with mpmath.workdps(40):
                back = F({**others, "u": u, wrt: x})
            close(back, mpmath.mpf(u), f"F(F^-1(u)) at {point}")
            if previous is not None and not x > previous:
                raise VerificationError(f"the key does not increase with u at {point}")
            previous = x


# -- critical points of a polynomial ------------------------------------------------------

def _polynomial(instance: Instance, spec: dict[str, Any], name: str):
    """f as NumPy coefficients (highest power first) and as a high-precision function."""
    f = value_of(instance, spec[name])
    x = next((s for s in f.free_symbols if s.name == spec["wrt"]), None)
    if x is None or f.free_symbols - {x}:
        raise VerificationError("the critical-point verifiers need a polynomial in one variable")
    coefficients = [_float(c) for c in sympy.Poly(f, x).all_coeffs()]
    return np.array(coefficients), numeric(f, [spec["wrt"]])


def _critical_points(coefficients: np.ndarray) -> list[float]:
    """Distinct real zeros of f', from the eigenvalues of its companion matrix."""
    roots = np.roots(np.polyder(coefficients))
    # A double zero comes out as a pair about 1e-8 apart (maybe complex): merge them.
    real = sorted(r.real for r in roots if abs(r.imag) < 1e-5)
    merged: list[float] = []
    for r in real:
        if merged and abs(r - merged[-1]) < 1e-5:
            continue
        merged.append(r)
    return merged


def _snap(points: list[float]) -> list[float]:
    """Snap numerically found zeros to nearby simple rationals (the banks' are integers)."""
    snapped = []
    for r in points:
        near = round(r * 12) / 12
        snapped.append(near if abs(near - r) < 1e-5 else r)
    return snapped


def _f_at(f, name: str, x: float):
    with mpmath.workdps(40):
        return f({name: mpmath.mpf(x)})


def _key_labels(instance: Instance) -> list[str]:
    return [canonical_label(part) for part in instance.answer.split(",")]


@register("critical_points_1d")
def verify_critical_points_1d(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the set of real zeros of f' (f a polynomial), found by NumPy."""
    coefficients, f = _polynomial(instance, spec, "critical_points_1d")
    want = _critical_points(coefficients)
    tree = answer_entries(instance)[0]
    items = getattr(tree, "items", (tree,))
    got = sorted(float(evaluate(item, {}).real) for item in items)
    if len(got) != len(want) or any(abs(a - b) > 1e-5 for a, b in zip(got, want)):
        raise VerificationError(f"critical points: key {got}, NumPy's roots of f' {want}")


def _interval_points(points: list[float]) -> list[tuple[float, float]]:
    """Two points inside each interval cut by ``points`` (a < b)."""
    ends = [points[0] - 2.0, *points, points[-1] + 2.0]
    pairs = []
    for a, b in zip(ends, ends[1:]):
        width = b - a
        pairs.append((a + width / 4, b - width / 4))
    return pairs


@register("monotonicity_1d")
def verify_monotonicity_1d(instance: Instance, spec: dict[str, Any]) -> None:
    """The key labels each interval between critical points increasing or decreasing.

    Compares values of f itself at two points inside each interval.
    """
    coefficients, f = _polynomial(instance, spec, "monotonicity_1d")
    points = _snap(_critical_points(coefficients))
    want = []
    for a, b in _interval_points(points):
        fa, fb = _f_at(f, spec["wrt"], a), _f_at(f, spec["wrt"], b)
        if fa == fb:
            raise VerificationError(f"f is flat between {a} and {b}")
        want.append("increasing" if fb > fa else "decreasing")
    got = _key_labels(instance)
    if got != want:
        raise VerificationError(f"increase/decrease: key {got}, values of f give {want}")


@register("classify_critical_1d")
def verify_classify_critical_1d(instance: Instance, spec: dict[str, Any]) -> None:
    """The key classifies each critical point: f compared with its values nearby."""
    coefficients, f = _polynomial(instance, spec, "classify_critical_1d")
    points = _snap(_critical_points(coefficients))
    gaps = [b - a for a, b in zip(points, points[1:])] or [1.0]
    delta = min(gaps) / 100
    want = []
    for c in points:
        here = _f_at(f, spec["wrt"], c)
        left = _f_at(f, spec["wrt"], c - delta) - here
        right = _f_at(f, spec["wrt"], c + delta) - here
        want.append("local minimum" if left > 0 and right > 0 else
                    "local maximum" if left < 0 and right < 0 else "neither")
    got = _key_labels(instance)
    if got != want:
        raise VerificationError(f"classification: key {got}, values of f give {want}")


@register("global_min_1d")
def verify_global_min_1d(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is min f: f at NumPy's critical points, and no grid point goes lower."""
    coefficients, f = _polynomial(instance, spec, "global_min_1d")
    if len(coefficients) % 2 == 0 or coefficients[0] <= 0:
        raise VerificationError("f has no global minimum (odd degree or negative leading term)")
    points = _snap(_critical_points(coefficients))
    with mpmath.workdps(30):
        key = evaluate(answer_entries(instance)[0], {})
    lowest = min(_f_at(f, spec["wrt"], c) for c in points)
    close(key, lowest, "the minimum value")
    grid = np.linspace(points[0] - 5, points[-1] + 5, 4001)
    values = np.polyval(coefficients, grid)
    slack = 1e-9 * max(1.0, float(np.abs(values).max()))
    if values.min() < float(key) - slack:
        at = grid[int(values.argmin())]
        raise VerificationError(f"f({at}) = {values.min()} is below the key's minimum {key}")
