"""Verifiers of matrix-expression keys: central finite differences at random matrices.

A family states its key (``X^T(Xw - y)``) instead of deriving it, so the key is checked
against the function it claims to differentiate, entry by entry, in the layout
convention: the gradient of a scalar with respect to an m×n matrix is m×n; the Jacobian
of an m-vector with respect to a k-vector is m×k; the Hessian is the Jacobian of the
gradient.  Both sides are evaluated with :mod:`grader.matexpr`'s float64 evaluator at
three random draws (every size letter a different size, symmetric/SPD draws where the
family assumes them), not with anything the family computed::

    verify: {matrix_gradient: f, wrt: w}
    verify: {matrix_jacobian: F, wrt: z, where: {p: pz}}   # p in the key stands for pz
    verify: {matrix_hessian: f, wrt: x}

``where`` names symbols of the key that abbreviate expressions of the others (``δ`` for
the error at a layer, ``p`` for ``softmax(z)``): they are computed from the draw before
the key is evaluated, so the key is checked as the student is told to read it.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from generator.banks.matrices import MatrixExpression
from generator.banks.verify.common import VerificationError, register, value_of
from generator.instance import Instance
from grader.errors import ReadError
from grader.matexpr.evaluate import Draw, Float, Undefined, evaluate, make_draw
from grader.matexpr.read import normalize_name, read
from grader.matexpr.shapes import Shape, infer, parse_shapes, shape_text
from grader.matexpr.tree import MNode, Sym, walk

__all__ = ["verify_matrix_gradient", "verify_matrix_hessian", "verify_matrix_jacobian"]

#: Draws at which every entry is checked.
DRAWS = 3
#: Draws tried to find them (the function must be defined, square matrices well conditioned).
CANDIDATES = 40
#: Agreement required, relative to the largest value involved.
TOLERANCE = 1e-6
#: Smallest singular value of a square matrix in a draw: near a singular X the
#: derivatives of log det X or X⁻¹ grow like powers of ‖X⁻¹‖, and so does the error of
#: finite differences.
MIN_SINGULAR = 0.1


@dataclass(frozen=True)
class _Problem:
    declared: dict[str, Shape]
    function: MNode
    key: MNode
    wrt: str
    where: tuple[tuple[str, MNode], ...]
    draws: tuple[Draw, ...]


def _read(text: str, declared: dict[str, Shape], what: str) -> tuple[MNode, Shape]:
    try:
        tree = read(text, symbols=declared, lenient=True).tree
        return infer(tree, declared, text)
    except ReadError as err:
        raise VerificationError(f"{what} {text!r} cannot be read: {err.message}") from None


def _text(instance: Instance, name: Any) -> str:
    """A value of the family (by name) or a text, as a matrix expression."""
    if isinstance(name, str) and name in instance.values:
        value = value_of(instance, name)
        if not isinstance(value, MatrixExpression):
            raise VerificationError(f"{name!r} is not a matrix_expression value")
        return value.text
    if not isinstance(name, str):
        raise VerificationError(f"expected a value name or a matrix expression, not {name!r}")
    return name


def _resolve(problem_where, draw: Draw) -> Draw:
    """The draw with every ``where`` symbol computed from the others."""
    for name, tree in problem_where:
        draw = draw.with_values({name: evaluate(tree, draw, Float(float("inf")), {})})
    return draw


def _value(tree: MNode, draw: Draw, where) -> np.ndarray:
    used = {n.name for n in walk(tree) if isinstance(n, Sym)}
    needed = tuple((name, t) for name, t in where if name in used)
    return evaluate(tree, _resolve(needed, draw), Float(float("inf")), {})


def _setup(instance: Instance, spec: dict[str, Any], name: str) -> _Problem:
    if not instance.shapes:
        raise VerificationError(f"{name} needs a family with declared shapes")
    declared = parse_shapes(instance.shapes)
    function, _ = _read(_text(instance, spec[name]), declared, "the function")
    key, key_shape = _read(instance.answer, declared, "the key")
    wrt = spec.get("wrt", "")
    if isinstance(wrt, str) and isinstance(instance.values.get(wrt), MatrixExpression):
        wrt = instance.values[wrt].text  # a value naming the variable: the letters vary
    wrt = normalize_name(str(wrt))
    if wrt not in declared:
        raise VerificationError(f"wrt: {spec.get('wrt')!r} is not a declared matrix or vector "
                                f"({', '.join(declared)})")
    where = []
    for symbol, text in dict(spec.get("where") or {}).items():
        symbol = normalize_name(str(symbol))
        tree, shape = _read(_text(instance, text), declared, f"where {symbol}")
        if symbol not in declared or shape != declared[symbol]:
            raise VerificationError(f"where: {symbol} must be declared with the shape of "
                                    f"its expression, {shape_text(shape)}")
        where.append((symbol, tree))
    trees = [function, key] + [t for _, t in where]
    scalars = sorted({n.name for t in trees for n in walk(t)
                      if isinstance(n, Sym) and n.name not in declared})
    letters = sorted({s for shape in declared.values() for s in shape if isinstance(s, str)})
    rng = np.random.default_rng(zlib.crc32(instance.code.encode()))
    draws: list[Draw] = []
    for _ in range(CANDIDATES):
        sizes = dict(zip(letters, (int(s) for s in rng.permutation(
            range(2, 2 + max(4, len(letters)))))))
        draw = make_draw(rng, sizes, declared, scalars, instance.assume)
        if any(v.shape[0] == v.shape[1] > 1
               and np.linalg.svd(v, compute_uv=False)[-1] < MIN_SINGULAR
               for v in draw.values.values()):
            continue
        try:
            _value(function, draw, where)
            _value(key, draw, where)
        except Undefined:
            continue
        draws.append(draw)
        if len(draws) == DRAWS:
            break
    if len(draws) < DRAWS:
        raise VerificationError("the function is undefined at most random draws")
    return _Problem(declared, function, key, wrt, tuple(where), tuple(draws))


def _close(key: float, numeric: float, scale: float, what: str) -> None:
    if not abs(key - numeric) <= TOLERANCE * max(1.0, scale):
        raise VerificationError(f"{what}: the key gives {key:.10g}, finite differences "
                                f"give {numeric:.10g}")


def _derivative(f: Callable[[np.ndarray], np.ndarray], at: np.ndarray, index: tuple,
                step: float) -> np.ndarray:
    """Central difference of ``f`` along entry ``index`` of ``at``, Richardson-extrapolated
    (error of order step⁴), so a steep function (log det near a singular X) is still
    differentiated to about 1e-9 relative in float64."""
    def central(h: float) -> np.ndarray:
        up, down = at.copy(), at.copy()
        up[index] += h
        down[index] -= h
        return (f(up) - f(down)) / (2 * h)
    h = step * max(1.0, abs(float(at[index])))
    return (4 * central(h / 2) - central(h)) / 3


def _second(f: Callable[[np.ndarray], np.ndarray], at: np.ndarray, i: int, j: int,
            step: float) -> float:
    """d²f/dx_i dx_j by the four-point central formula, Richardson-extrapolated."""
    def four(h: float) -> float:
        total = 0.0
        for si, sj, sign in ((1, 1, 1), (1, -1, -1), (-1, 1, -1), (-1, -1, 1)):
            x = at.copy()
            x[i, 0] += si * h
            x[j, 0] += sj * h
            total += sign * float(f(x)[0, 0])
        return total / (4 * h * h)
    h = step * max(1.0, abs(float(at[i, 0])), abs(float(at[j, 0])))
    return (4 * four(h / 2) - four(h)) / 3


def _along(problem: _Problem, tree: MNode, draw: Draw) -> Callable[[np.ndarray], np.ndarray]:
    def f(value: np.ndarray) -> np.ndarray:
        try:
            return _value(tree, draw.with_values({problem.wrt: value}), problem.where)
        except Undefined:
            raise VerificationError("the function is undefined next to a draw") from None
    return f


def _key_at(problem: _Problem, draw: Draw, shape: tuple[int, int], what: str) -> np.ndarray:
    key = _value(problem.key, draw, problem.where)
    if key.shape != shape:
        raise VerificationError(f"the key is {key.shape[0]}×{key.shape[1]}; the {what} "
                                f"is {shape[0]}×{shape[1]} here")
    return key


@register("matrix_gradient")
def verify_matrix_gradient(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the gradient of the scalar ``f`` with respect to ``wrt``, in its shape."""
    problem = _setup(instance, spec, "matrix_gradient")
    for draw in problem.draws:
        at = draw.values[problem.wrt]
        f = _along(problem, problem.function, draw)
        value = f(at)
        if value.shape != (1, 1):
            raise VerificationError("matrix_gradient needs a scalar function (1×1), not "
                                    f"{value.shape[0]}×{value.shape[1]}")
        key = _key_at(problem, draw, at.shape, f"gradient with respect to {problem.wrt}")
        numeric = np.empty(at.shape)
        for index in np.ndindex(*at.shape):
            numeric[index] = _derivative(f, at, index, 1e-3)[0, 0]
        scale = max(abs(float(value[0, 0])), float(np.max(np.abs(key))),
                    float(np.max(np.abs(numeric))))
        for index in np.ndindex(*at.shape):
            _close(float(key[index]), float(numeric[index]), scale,
                   f"gradient entry {tuple(i + 1 for i in index)} at sizes {dict(draw.sizes)}")


@register("matrix_jacobian")
def verify_matrix_jacobian(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the Jacobian of the column ``F`` with respect to the column ``wrt``:
    entry (i, j) is dF_i/dz_j."""
    problem = _setup(instance, spec, "matrix_jacobian")
    for draw in problem.draws:
        at = draw.values[problem.wrt]
        f = _along(problem, problem.function, draw)
        value = f(at)
        if value.shape[1] != 1 or at.shape[1] != 1:
            raise VerificationError("matrix_jacobian needs a column function of a column")
        key = _key_at(problem, draw, (value.shape[0], at.shape[0]), "Jacobian")
        numeric = np.column_stack([_derivative(f, at, (j, 0), 1e-3)[:, 0]
                                   for j in range(at.shape[0])])
        scale = max(float(np.max(np.abs(value))), float(np.max(np.abs(key))))
        for index in np.ndindex(*key.shape):
            _close(float(key[index]), float(numeric[index]), scale,
                   f"Jacobian entry {tuple(i + 1 for i in index)} at sizes {dict(draw.sizes)}")


@register("matrix_hessian")
def verify_matrix_hessian(instance: Instance, spec: dict[str, Any]) -> None:
    """The key is the Hessian of the scalar ``f`` with respect to the column ``wrt``
    (second central differences), and is symmetric."""
    problem = _setup(instance, spec, "matrix_hessian")
    for draw in problem.draws:
        at = draw.values[problem.wrt]
        f = _along(problem, problem.function, draw)
        value = f(at)
        if value.shape != (1, 1) or at.shape[1] != 1:
            raise VerificationError("matrix_hessian needs a scalar function of a column")
        k = at.shape[0]
        key = _key_at(problem, draw, (k, k), "Hessian")
        numeric = np.empty((k, k))
        for i in range(k):
            for j in range(i, k):
                numeric[i, j] = numeric[j, i] = _second(f, at, i, j, 1e-2)
        scale = max(abs(float(value[0, 0])), float(np.max(np.abs(key))))
        for index in np.ndindex(k, k):
            _close(float(key[index]), float(numeric[index]), scale,
                   f"Hessian entry {tuple(i + 1 for i in index)} at sizes {dict(draw.sizes)}")
            _close(float(key[index]), float(key[index[::-1]]), scale, "Hessian symmetry")
