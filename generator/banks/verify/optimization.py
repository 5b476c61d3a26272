"""Verifiers: optimization and machine learning.

Each verifier re-derives a key of the ``machine-learning`` bank by another route than
the one that computed it: the loss is written out directly with mpmath from the
family's data (the network's weights, the logits, the data points) and differentiated
numerically; optimality is checked by conditions and by comparison with sampled feasible
points, never by re-running the solver.

Spec keys name the family's values (``verify: {least_squares: A, b: bvec, at: x0}``).
"""

from __future__ import annotations

import random
from typing import Any, Callable

import mpmath

from generator.instance import Instance
from generator.banks.verify.common import (
    VerificationError, answer_entries, evaluate, value_of, close, numeric, register,
    sample_points,
)


#: Agreement required of keys rounded by their solver to 6 decimals.
ROUNDED = mpmath.mpf("2e-6")


def _entries(value) -> list:
    """The entries of a SymPy vector or matrix (row by row), or [value]."""
    if hasattr(value, "shape"):
        return list(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _numbers(value, instance: Instance, point: dict | None = None) -> list:
    """The entries of a family value as mpmath numbers (at ``point`` if symbolic)."""
    return [numeric(e, instance.variables)(point or {}) for e in _entries(value)]


def _number(value, instance: Instance, point: dict | None = None):
    return _numbers(value, instance, point)[0]


def _key_numbers(instance: Instance, point: dict | None = None) -> list:
    """The key's entries as numbers, read back from its text as the grader reads it."""
    entries = answer_entries(instance)
    flat = [e for row in entries for e in (row if isinstance(row, list) else [row])]
    return [evaluate(e, point or {}) for e in flat]


def _grad(loss: Callable, at: list) -> list:
    """Numeric gradient of ``loss`` (a function of a list of mpf) at ``at``."""
    result = []
    with mpmath.workdps(40):
        for k in range(len(at)):
            def along(s, k=k):
                moved = list(at)
                moved[k] = s
                return loss(moved)
            result.append(mpmath.diff(along, mpmath.mpf(at[k])))
    return result


def _near(a, b, what: str, tolerance=None) -> None:
    if tolerance is None:
        close(a, b, what)
    elif abs(a - b) > tolerance:
        raise VerificationError(f"{what}: key gives {mpmath.nstr(a, 10)}, the independent "
                                f"check gives {mpmath.nstr(b, 10)}")


# -- Lagrange multipliers -----------------------------------------------------------------

def _feasible_samples(g: Callable, names: list[str], near: list, rng: random.Random,
                      count: int = 60) -> list[list]:
    """Points with g = 0, found by fixing the first variable and solving for the second.

    g must be a polynomial of degree at most 2 in the second variable (circles, lines,
    ellipses); its coefficients are recovered from three values.
    """
    a, b = names
    found = []
    for _ in range(40 * count):
        s = mpmath.mpf(near[0]) + mpmath.mpf(rng.uniform(-6, 6))
        g0, g1, gm1, g2 = (g({a: s, b: mpmath.mpf(t)}) for t in (0, 1, -1, 2))
        c2 = (g1 + gm1) / 2 - g0
        c1 = (g1 - gm1) / 2
        if abs(4 * c2 + 2 * c1 + g0 - g2) > mpmath.mpf("1e-20") * max(1, abs(g2)):
            raise VerificationError("the constraint is not of degree <= 2 in "
                                    f"{b}; the Lagrange verifier cannot sample it")
        if abs(c2) < mpmath.mpf("1e-30"):
            if abs(c1) < mpmath.mpf("1e-30"):
                continue
            roots = [-g0 / c1]
        else:
            disc = c1 ** 2 - 4 * c2 * g0
            if disc < 0:
                continue
            roots = [(-c1 + sign * mpmath.sqrt(disc)) / (2 * c2) for sign in (1, -1)]
        found.extend([s, r] for r in roots)
        if len(found) >= count:
            break
    if len(found) < 10:
        raise VerificationError("could not sample enough feasible points of the constraint")
    return found


@register("lagrange")
def verify_lagrange(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is where f is extreme on g = 0 (or that extreme value).

    ``{lagrange: f, constraint: g, wrt: [x, y], sense: s}``, with s > 0 for a maximum
    and s < 0 for a minimum; a value key also names the point: ``point: p``.  Checks
    that the point is feasible, that grad f is parallel to grad g there (the Lagrange
    condition, by numeric differentiation), and that f there beats f at sampled feasible
    points; a value key must equal f at that point.
    """
    with mpmath.workdps(40):
        names = list(spec["wrt"])
        if len(names) != 2:
            raise VerificationError("the Lagrange verifier handles two variables")
        f = numeric(value_of(instance, spec["lagrange"]), names)
        g = numeric(value_of(instance, spec["constraint"]), names)
        sense = _number(value_of(instance, spec["sense"]), instance) \
            if isinstance(spec["sense"], str) else mpmath.mpf(spec["sense"])
        if "point" in spec:
            point = _numbers(value_of(instance, spec["point"]), instance)
            value = _key_numbers(instance)[0]
        else:
            point = _key_numbers(instance)
            value = None
        at = dict(zip(names, point))
        if abs(g(at)) > mpmath.mpf("1e-25"):
            raise VerificationError(f"the point {point} does not satisfy the constraint")
        gf = _grad(lambda p: f(dict(zip(names, p))), point)
        gg = _grad(lambda p: g(dict(zip(names, p))), point)
        scale = max(1, *(abs(e) for e in gf + gg))
        if abs(gf[0] * gg[1] - gf[1] * gg[0]) > mpmath.mpf("1e-20") * scale ** 2:
            raise VerificationError(f"grad f = {gf} is not parallel to grad g = {gg} at "
                                    f"{point}: not a Lagrange point")
        best = f(at)
        rng = random.Random(instance.code)
        for q in _feasible_samples(g, names, point, rng):
            other = f(dict(zip(names, q)))
            if (sense > 0 and other > best + mpmath.mpf("1e-20")) or \
                    (sense < 0 and other < best - mpmath.mpf("1e-20")):
                raise VerificationError(f"the feasible point {q} gives f = {other}, better "
                                        f"than the key's {best}")
        if value is not None:
            close(value, best, "the extreme value")


# -- least squares and gradient descent ---------------------------------------------------

def _least_squares_loss(A: list[list], b: list) -> Callable:
    def loss(x):
        return sum((sum(a * xj for a, xj in zip(row, x)) - bi) ** 2
                   for row, bi in zip(A, b)) / 2
    return loss


@register("least_squares")
def verify_least_squares(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the gradient of 1/2 ||Ax - b||^2, by numeric differentiation.

    ``{least_squares: A, b: bvec, wrt: [x1, x2]}`` for a key in the variables (A may
    hold symbols: they are given sample values too), plus ``at: x0`` for a key at a point.
    """
    A_value, b_value = value_of(instance, spec["least_squares"]), value_of(instance, spec["b"])
    rows, cols = A_value.shape
    wrt = list(spec["wrt"])
    if cols != len(wrt):
        raise VerificationError(f"A has {cols} columns for {len(wrt)} variables")
    points = sample_points(instance, instance.variables, 3) if "at" not in spec else [{}]
    for point in points:
        with mpmath.workdps(40):
            flat = _numbers(A_value, instance, point)
            A = [flat[r * cols:(r + 1) * cols] for r in range(rows)]
            b = _numbers(b_value, instance, point)
            if "at" in spec:
                x = _numbers(value_of(instance, spec["at"]), instance)
            else:
                x = [mpmath.mpf(point[name]) for name in wrt]
            expected = _grad(_least_squares_loss(A, b), x)
            key = _key_numbers(instance, point)
            if len(key) != len(expected):
                raise VerificationError(f"the key has {len(key)} entries, the gradient "
                                        f"{len(expected)}")
            for k, (got, want) in enumerate(zip(key, expected)):
                close(got, want, f"gradient entry {k + 1} at {point or x}")


@register("gradient_step")
def verify_gradient_step(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is x0 - eta grad f(x0), with grad f recomputed by finite differences.

    ``{gradient_step: f, wrt: [x, y], at: x0, eta: eta}``.
    """
    names = list(spec["wrt"])
    f = numeric(value_of(instance, spec["gradient_step"]), instance.variables)
    with mpmath.workdps(40):
        x0 = _numbers(value_of(instance, spec["at"]), instance)
        eta = _number(value_of(instance, spec["eta"]), instance)
        gradient = _grad(lambda p: f(dict(zip(names, p))), x0)
        key = _key_numbers(instance)
        if len(key) != len(x0):
            raise VerificationError("the step has the wrong number of entries")
        for k, (got, x, g) in enumerate(zip(key, x0, gradient)):
            close(got, x - eta * g, f"entry {k + 1} of the step")


# -- backpropagation ----------------------------------------------------------------------

_BACKPROP = ("output-delta", "hidden-delta", "output-weight", "hidden-weight",
             "output-update", "hidden-update")


@register("backprop")
def verify_backprop(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is a derivative of the network's cost, by numeric differentiation.

    ``{backprop: QUANTITY}``, QUANTITY one of output-delta (dC/dz_out, equal to dC/dc),
    hidden-delta (dC/db_j), output-weight (dC/dv_j), hidden-weight (dC/dW[i,j]),
    output-update (v_j - eta dC/dv_j), hidden-update (W[i,j] - eta dC/dW[i,j]).  The
    family's values must be called x, t, W, b, v, c (and i, j, eta where used); other
    names can be given as ``names: {x: inputs, ...}``.  The cost
    C = (sigmoid(v . sigmoid(W^T x + b) + c) - t)^2 / 2 is written out here directly.
    ``scale: K`` when the key is K times the quantity.
    """
    quantity = spec["backprop"]
    if quantity not in _BACKPROP:
        raise VerificationError(f"backprop quantity {quantity!r}; expected one of "
                                f"{', '.join(_BACKPROP)}")
    names = {k: k for k in ("x", "t", "W", "b", "v", "c", "i", "j", "eta")}
    names.update(spec.get("names") or {})

    def get(name):
        return value_of(instance, names[name])

    with mpmath.workdps(40):
        x = _numbers(get("x"), instance)
        t = _number(get("t"), instance)
        W = _numbers(get("W"), instance)          # row by row: W[i,j] at 2*i + j
        b = _numbers(get("b"), instance)
        v = _numbers(get("v"), instance)
        c = _number(get("c"), instance)
        params = W + b + v + [c]                  # indices 0-3, 4-5, 6-7, 8

        def cost(p):
            sig = lambda z: 1 / (1 + mpmath.exp(-z))  # noqa: E731
            h = [sig(p[j] * x[0] + p[2 + j] * x[1] + p[4 + j]) for j in range(2)]
            y = sig(p[6] * h[0] + p[7] * h[1] + p[8])
            return (y - t) ** 2 / 2

        def partial(index):
            def along(s):
                moved = list(params)
                moved[index] = s
                return cost(moved)
            return mpmath.diff(along, params[index])

        if quantity == "output-delta":
            want = partial(8)
        else:
            j = int(_number(get("j"), instance)) - 1
            if quantity == "hidden-delta":
                want = partial(4 + j)
            elif quantity.startswith("output"):
                want = partial(6 + j)
                if quantity == "output-update":
                    want = params[6 + j] - _number(get("eta"), instance) * want
            else:
                i = int(_number(get("i"), instance)) - 1
                want = partial(2 * i + j)
                if quantity == "hidden-update":
                    want = params[2 * i + j] - _number(get("eta"), instance) * want
        # ``scale: 1000`` for a key asked as 1000 times the derivative (small gradients)
        scale = mpmath.mpf(spec.get("scale", 1))
        _near(_key_numbers(instance)[0], scale * want, f"backprop {quantity}", scale * ROUNDED)


# -- softmax and cross-entropy, MSE, Gaussian likelihood ----------------------------------

@register("softmax_ce")
def verify_softmax_ce(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the gradient of -sum y_k ln(e^z_k / sum e^z) with respect to z.

    ``{softmax_ce: z, labels: y}``; the loss is differentiated numerically.
    """
    with mpmath.workdps(40):
        z = _numbers(value_of(instance, spec["softmax_ce"]), instance)
        y = _numbers(value_of(instance, spec["labels"]), instance)

        def loss(logits):
            total = sum(mpmath.exp(e) for e in logits)
            return -sum(yk * mpmath.log(mpmath.exp(zk) / total) for yk, zk in zip(y, logits))

        expected = _grad(loss, z)
        key = _key_numbers(instance)
        if len(key) != len(expected):
            raise VerificationError("the gradient has the wrong number of entries")
        for k, (got, want) in enumerate(zip(key, expected)):
            _near(got, want, f"dL/dz_{k + 1}", ROUNDED)


@register("mse")
def verify_mse(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is d MSE / d w or d MSE / d b for the model y = w x + b on data points.

    ``{mse: w, x: X, y: Y}`` (w or b; a key in the variables w and b), plus
    ``at: [w0, b0]`` for a key that is the derivative's value there.  The MSE
    (1/n) sum (w x_k + b - y_k)^2 is written out here and differentiated numerically.
    """
    wrt = spec["mse"]
    if wrt not in ("w", "b"):
        raise VerificationError("mse: differentiate with respect to w or b")
    index = 0 if wrt == "w" else 1
    with mpmath.workdps(40):
        xs = _numbers(value_of(instance, spec["x"]), instance)
        ys = _numbers(value_of(instance, spec["y"]), instance)

        def loss(p):
            return sum((p[0] * xk + p[1] - yk) ** 2 for xk, yk in zip(xs, ys)) / len(xs)

        if "at" in spec:
            at = [_number(value_of(instance, name), instance) for name in spec["at"]]
            _near(_key_numbers(instance)[0], _grad(loss, at)[index], f"dMSE/d{wrt}")
            return
        for point in sample_points(instance, ["w", "b"], 3):
            at = [mpmath.mpf(point["w"]), mpmath.mpf(point["b"])]
            _near(_key_numbers(instance, point)[0], _grad(loss, at)[index],
                  f"dMSE/d{wrt} at {point}")


def _gaussian_loglik(data: list) -> Callable:
    def loglik(p):
        mu, sigma = p
        return sum(-mpmath.log(2 * mpmath.pi) / 2 - mpmath.log(sigma)
                   - (x - mu) ** 2 / (2 * sigma ** 2) for x in data)
    return loglik


@register("gaussian_mle")
def verify_gaussian_mle(instance: Instance, spec: dict[str, Any]) -> None:
    """Gaussian log-likelihood of data: its derivatives, or its maximiser.

    ``{gaussian_mle: mu | sigma | gradient | estimates, data: D}``: for mu, sigma and
    gradient the key (in the variables mu, sigma) is compared with numeric derivatives
    of sum_k ln N(x_k; mu, sigma^2) written out here; for estimates the key
    [mu_hat, sigma_hat^2] must make both derivatives vanish at (mu_hat, sqrt(sigma_hat^2))
    and beat nearby parameters.
    """
    what = spec["gaussian_mle"]
    with mpmath.workdps(40):
        data = _numbers(value_of(instance, spec["data"]), instance)
        loglik = _gaussian_loglik(data)
        if what == "estimates":
            mu, variance = _key_numbers(instance)
            if variance <= 0:
                raise VerificationError("the variance estimate is not positive")
            best = [mu, mpmath.sqrt(variance)]
            for k, d in enumerate(_grad(loglik, best)):
                if abs(d) > mpmath.mpf("1e-25"):
                    raise VerificationError(f"derivative {k + 1} of the log-likelihood is "
                                            f"{mpmath.nstr(d, 5)} at the estimates, not 0")
            top = loglik(best)
            for dm in (-0.1, 0, 0.1):
                for ds in (-0.1, 0, 0.1):
                    if (dm, ds) != (0, 0) and loglik([best[0] + dm, best[1] + ds]) > top:
                        raise VerificationError("the estimates are not a maximum")
            return
        if what not in ("mu", "sigma", "gradient"):
            raise VerificationError(f"gaussian_mle: {what!r} is not mu, sigma, gradient "
                                    "or estimates")
        for point in sample_points(instance, instance.variables, 3):
            at = [mpmath.mpf(point["mu"]), abs(mpmath.mpf(point["sigma"]))]
            point = {"mu": at[0], "sigma": at[1]}
            expected = _grad(loglik, at)
            if what != "gradient":
                expected = [expected[0 if what == "mu" else 1]]
            key = _key_numbers(instance, point)
            if len(key) != len(expected):
                raise VerificationError("the key has the wrong number of entries")
            for got, want in zip(key, expected):
                close(got, want, f"derivative of the log-likelihood at {point}")


# -- projection onto the unit sphere ------------------------------------------------------

@register("sphere_projection")
def verify_sphere_projection(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the point of the unit sphere nearest to a.

    ``{sphere_projection: a}``: the key has norm 1, points the same way as a (the
    optimality condition x = a / ||a||, up to a positive factor), and is at least as
    close to a as a few hundred sampled unit vectors.
    """
    with mpmath.workdps(40):
        a = _numbers(value_of(instance, spec["sphere_projection"]), instance)
        x = _key_numbers(instance)
        if len(x) != len(a):
            raise VerificationError("the key and a have different lengths")
        norm = mpmath.sqrt(sum(e ** 2 for e in x))
        close(norm, 1, "the norm of the key")
        norm_a = mpmath.sqrt(sum(e ** 2 for e in a))
        close(sum(p * q for p, q in zip(x, a)), norm_a, "x . a = ||a|| (same direction)")
        distance = mpmath.sqrt(sum((p - q) ** 2 for p, q in zip(x, a)))
        rng = random.Random(instance.code)
        for _ in range(300):
            u = [mpmath.mpf(rng.gauss(0, 1)) for _ in a]
            length = mpmath.sqrt(sum(e ** 2 for e in u))
            u = [e / length for e in u]
            other = mpmath.sqrt(sum((p - q) ** 2 for p, q in zip(u, a)))
            if other < distance - mpmath.mpf("1e-25"):
                raise VerificationError(f"the unit vector {u} is closer to a than the key")


__all__ = ["verify_backprop", "verify_gaussian_mle", "verify_gradient_step",
           "verify_lagrange", "verify_least_squares", "verify_mse", "verify_softmax_ce",
           "verify_sphere_projection"]
