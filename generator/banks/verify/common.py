"""What every verifier shares: the registry, sampling points, numeric derivatives, comparing."""

from __future__ import annotations

import random
from typing import Any, Callable

import mpmath

from generator.instance import Instance
from generator.documents.mathtext import answer_text, to_list
from grader.numeric import MpTracker, Undefined, evaluate_mp
from grader.parse import parse
from grader.tree import Matrix, Node, Tuple, Vector

__all__ = ["VERIFIERS", "VerificationError", "answer_entries", "close", "defined_points",
           "evaluate", "numeric", "partial", "register", "sample_points", "second_partial",
           "value_of", "verify_instance"]

VERIFIERS: dict[str, Callable[[Instance, dict[str, Any]], None]] = {}


class VerificationError(AssertionError):
    """An answer key that its independent check does not confirm."""


def register(name: str):
    """Register a verifier under ``name`` (the key a family writes under ``verify``)."""
    def decorate(function):
        if name in VERIFIERS:
            raise ValueError(f"two verifiers are named {name!r}")
        VERIFIERS[name] = function
        return function
    return decorate


def numeric(value: Any, variables) -> Callable[[dict[str, float]], Any]:
    """A high-precision function of a point, from a SymPy value, via the grader's reader."""
    tree: Node = parse(answer_text(value, "expression"), variables=list(variables))

    def function(point: dict[str, Any]):
        # At the caller's precision: mpmath.diff raises it to take its differences.
        return evaluate_mp(tree, {k: mpmath.mpf(v) for k, v in point.items()},
                           MpTracker(deadline=float("inf")))
    return function


def sample_points(instance: Instance, variables, count: int = 3) -> list[dict[str, float]]:
    """Points where to check, respecting the instance's assumptions (x > 0 for x^x)."""
    rng = random.Random(instance.code)
    points = []
    for _ in range(count):
        point = {}
        for name in variables:
            what = instance.assume.get(name, "real")
            magnitude = rng.uniform(0.3, 2.0)
            point[name] = magnitude if what in ("positive", "nonnegative") \
                else rng.choice([-1, 1]) * magnitude
        points.append(point)
    return points


def close(a, b, what: str, scale: float = 1.0) -> None:
    """Raise unless ``a`` and ``b`` agree to 1e-12 relative (they come from different routes)."""
    if abs(a - b) > 1e-12 * max(1, abs(a), abs(b), scale):
        raise VerificationError(f"{what}: key gives {mpmath.nstr(a, 12)}, the independent "
                                f"check gives {mpmath.nstr(b, 12)}")


def value_of(instance: Instance, name: str) -> Any:
    if name not in instance.values:
        raise VerificationError(f"verify names {name!r}, which is not one of the family's values")
    return instance.values[name]


def answer_entries(instance: Instance) -> list:
    """The key's entries, read back from its text as the grader reads it."""
    tree = parse(instance.answer, variables=instance.variables,
                 allow_complex="i" not in instance.variables)
    if isinstance(tree, Matrix):
        return [list(row) for row in tree.rows]
    if isinstance(tree, (Vector, Tuple)):
        return list(tree.items)
    return [tree]


def evaluate(tree: Node, point: dict[str, float]):
    with mpmath.workdps(40):
        return evaluate_mp(tree, {k: mpmath.mpf(v) for k, v in point.items()},
                           MpTracker(deadline=float("inf")))


def partial(f: Callable, point: dict[str, float], wrt: str, order: int = 1):
    """Numerical partial derivative by mpmath's finite differences at high precision."""
    with mpmath.workdps(40):
        def along(t):
            return f({**point, wrt: t})
        return mpmath.diff(along, mpmath.mpf(point[wrt]), order)


def second_partial(f: Callable, point: dict[str, float], a: str, b: str):
    if a == b:
        return partial(f, point, a, 2)
    with mpmath.workdps(40):
        def along(s, t):
            return f({**point, a: s, b: t})
        return mpmath.diff(along, (mpmath.mpf(point[a]), mpmath.mpf(point[b])), (1, 1))


def defined_points(instance: Instance, f: Callable, variables) -> list[dict[str, float]]:
    points = []
    for point in sample_points(instance, variables, 8):
        try:
            with mpmath.workdps(40):
                f(point)
        except Undefined:
            continue
        points.append(point)
        if len(points) == 3:
            break
    if not points:
        raise VerificationError("the function is undefined at every sample point")
    return points


def _check_partials(instance: Instance, functions: list, rows: list, wrt: list[str],
                    what: str) -> None:
    """Row i of the key holds the partials of functions[i] with respect to ``wrt``:
    each entry against mpmath's finite differences, at a few points where f is defined."""
    if len(rows) != len(functions) or any(len(row) != len(wrt) for row in rows):
        raise VerificationError(f"the {what} has the wrong shape for "
                                f"{len(functions)} function(s) of {len(wrt)} variable(s)")
    for point in defined_points(instance, functions[0], instance.variables):
        for row, f in zip(rows, functions):
            for entry, name in zip(row, wrt):
                close(evaluate(entry, point), partial(f, point, name),
                      f"{what} entry d/d{name} at {point}")


@register("derivative")
def verify_derivative(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is d f / d wrt: compared with finite differences of f."""
    f = numeric(value_of(instance, spec["derivative"]), instance.variables)
    key = parse(instance.answer, variables=instance.variables)
    _check_partials(instance, [f], [[key]], [spec["wrt"]], "derivative")


@register("gradient")
def verify_gradient(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the gradient of f with respect to ``wrt``."""
    f = numeric(value_of(instance, spec["gradient"]), instance.variables)
    _check_partials(instance, [f], [answer_entries(instance)], spec["wrt"], "gradient")


@register("jacobian")
def verify_jacobian(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the Jacobian of the vector F: row i holds the partials of F_i."""
    functions = [numeric(c, instance.variables)
                 for c in to_list(value_of(instance, spec["jacobian"]))]
    _check_partials(instance, functions, answer_entries(instance), spec["wrt"], "Jacobian")


@register("hessian")
def verify_hessian(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the Hessian of f; also checks Schwarz symmetry of the key."""
    variables = instance.variables
    f = numeric(value_of(instance, spec["hessian"]), variables)
    rows = answer_entries(instance)
    wrt = spec["wrt"]
    for point in defined_points(instance, f, variables):
        for i, a in enumerate(wrt):
            for j, b in enumerate(wrt):
                close(evaluate(rows[i][j], point), second_partial(f, point, a, b),
                      f"Hessian entry ({i + 1},{j + 1}) at {point}")
                close(evaluate(rows[i][j], point), evaluate(rows[j][i], point),
                      "Schwarz symmetry")


@register("value")
def verify_value(instance: Instance, spec: dict[str, Any]) -> None:
    """The key equals another value computed a different way (``verify: {value: other}``)."""
    other = value_of(instance, spec["value"])
    from grader import check
    text = answer_text(other, instance.kind) if instance.kind != "label" else other
    verdict = check(instance.answer, text, kind=instance.kind, variables=instance.variables,
                    assume=instance.assume)
    if verdict.status != "correct":
        raise VerificationError(f"the key {instance.answer} differs from {text}")


def verify_instance(instance: Instance, spec: dict[str, Any]) -> None:
    """Run the verifier a family names.

    Raises:
        VerificationError: when the key is not confirmed, or no verifier is named.
    """
    if not spec:
        raise VerificationError(f"family {instance.family} names no verifier (verify: ...)")
    name = next(iter(spec))
    if name not in VERIFIERS:
        raise VerificationError(f"unknown verifier {name!r}; there are "
                                f"{', '.join(sorted(VERIFIERS))}")
    VERIFIERS[name](instance, spec)
