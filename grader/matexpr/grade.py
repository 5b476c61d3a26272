"""Grade a matrix-expression answer: shapes first, then values at random matrices.

Equality is decided by evaluating both sides at random real matrices of the declared
shapes (three draws, each giving every size letter a different size from 2 up), in
float64 to screen, then confirmed exactly (fractions) or at 256 bits (mpmath).  Products
are matrix products and never commute.  When an answer is wrong, it is also tried
against what a student usually got wrong: the transpose of the correct answer, the
correct answer for symmetric matrices, a constant factor, commuted factors.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Hashable, Iterable, Mapping, Protocol, Sequence

import mpmath
import numpy as np

from grader import feedback
from grader.equivalence import Comparison
from grader.errors import ReadError
from grader.matexpr.evaluate import (
    MATRIX_ASSUMPTIONS, SCALAR_ASSUMPTIONS, Draw, Exact, Float, Mp, NotExact, TimeUp, Undefined,
    evaluate, make_draw,
)
from grader.matexpr.latex import to_latex
from grader.matexpr.read import display_name, normalize_name, read
from grader.matexpr.shapes import Shape, ShapeError, describe, infer, parse_shapes, shape_text
from grader.matexpr.tree import MNode, Sym, Transpose, walk

__all__ = ["KnownMistake", "Outcome", "grade_matrix_expression"]

#: Draws at which both sides are compared.
DRAWS = 3
#: Draws tried to find ``DRAWS`` where the expected answer is defined.
CANDIDATE_DRAWS = 12
_MP_BITS = 256


class KnownMistake(Protocol):
    """What a known mistake offers (:class:`grader.Mistake` has it)."""

    answer: str
    feedback: str
    name: str


@dataclass(frozen=True)
class Outcome:
    """The fields of a :class:`grader.Verdict`, for ``kind="matrix-expression"``."""

    status: str
    score: float
    feedback: str
    interpreted: str
    mistake: str = ""


@dataclass(frozen=True)
class _Problem:
    """The expected answer, read once and evaluated at its draws (cached per problem)."""

    declared: Mapping[str, Shape]
    scalars: tuple[str, ...]
    assume: Mapping[str, str]
    tree: MNode
    shape: Shape
    draws: tuple[Draw, ...]
    cache: dict = field(default_factory=dict, compare=False)


def grade_matrix_expression(
    expected: str,
    answer: str,
    *,
    shapes: Mapping[str, object],
    assume: Mapping[str, str] | None = None,
    variables: Sequence[str] = (),
    mistakes: Iterable[KnownMistake] = (),
    deadline: float,
    explain: bool = True,
) -> Outcome:
    """Grade ``answer`` against ``expected``, matrix expressions with declared shapes.

    Parameters:
        expected: the correct answer (instructor text; other letters are scalars).
        answer: the student's answer, untrusted.
        shapes: ``{"X": "n×d", "w": "d"}``: a single size is a column vector.
        assume: per matrix ``symmetric``, ``spd``, ``diagonal``, ``positive`` (entries);
            per scalar ``positive``, ``nonnegative``, ``nonzero``.
        variables: scalar names students may use besides those in ``expected``.
        mistakes: :class:`grader.Mistake` objects (``answer``, ``feedback``, ``name``).
        deadline: ``time.monotonic()`` after which the verdict is ``undecided``.
        explain: False for the status alone: no ``interpreted`` LaTeX, and no hint for
            an incorrect answer (``feedback`` then is not to be read).

    Raises:
        ReadError: when ``expected`` or a mistake cannot be read (an instructor error).
        ValueError: for missing or bad shapes, or a bad assumption.

    >>> import time
    >>> grade_matrix_expression("(A + A^T)x", "2Ax", shapes={"A": "d×d", "x": "d"},
    ...                         deadline=time.monotonic() + 2).feedback
    'Your answer is right only if A is symmetric, which is not given here.'
    """
    if not shapes:
        # without shapes every name would be a scalar, and scalars commute: BA = AB
        raise ValueError("the matrix-expression kind needs shapes, as in "
                         "shapes={'X': 'n×d', 'w': 'd'}")
    problem = _problem(expected, _key(shapes), _key(assume or {}), tuple(variables))
    bold = frozenset(problem.declared)
    try:
        reading = read(answer, symbols=problem.declared, scalars=problem.scalars)
        tree, shape = infer(reading.tree, problem.declared, answer, expect=problem.shape)
    except ShapeError as err:
        known = _known_shape_error(reading.tree, problem, mistakes)
        message = feedback.invalid(err)
        if known is not None:
            return Outcome("invalid", 0.0, f"{message} {known.feedback}", "",
                           known.name or known.answer)
        return Outcome("invalid", 0.0, message, "")
    except ReadError as err:
        return Outcome("invalid", 0.0, feedback.invalid(err), "")
    interpreted = to_latex(tree, bold) if explain else ""
    try:
        status, message = _judge(problem, tree, shape, deadline)
        if status == "incorrect":
            for known in mistakes:
                if _matches(problem, known.answer, tree, shape, deadline):
                    return Outcome("incorrect", 0.0, known.feedback, interpreted,
                                   known.name or known.answer)
            if explain:
                message = message or _hint(problem, tree, deadline)
    except TimeUp:
        return Outcome("undecided", 0.0, feedback.UNDECIDED, interpreted)
    if status == "correct":
        return Outcome("correct", 1.0, feedback.CORRECT, interpreted)
    return Outcome(status, 0.0, message, interpreted)


def interpret_matrix_expression(answer: str, *, shapes: Mapping[str, object],
                                variables: Sequence[str] = (), expected: str = ""
                                ) -> tuple[str, frozenset[str]]:
    """How ``answer`` is read, as LaTeX, and the scalar names it uses; nothing is graded.

    With ``expected``, the scalars it uses may appear in the answer too, and the shape
    the answer must have is known.

    Raises:
        ReadError: (a :class:`ShapeError` for shapes that do not fit) where it cannot be read.
        ValueError: without shapes, or for shapes that cannot be read (instructor errors).

    >>> shapes = {"X": "n×d", "w": "d", "y": "n"}
    >>> print(interpret_matrix_expression("Xᵀ(X w − y)", shapes=shapes)[0])
    \\mathbf{X}^{\\top} \\left(\\mathbf{X} \\mathbf{w} - \\mathbf{y}\\right)
    """
    if not shapes:
        raise ValueError("the matrix-expression kind needs shapes, as in "
                         "shapes={'X': 'n×d', 'w': 'd'}")
    if expected:
        problem = _problem(expected, _key(shapes), (), tuple(variables))
        declared, scalars, want = problem.declared, problem.scalars, problem.shape
    else:
        declared = parse_shapes(dict(shapes))
        scalars, want = tuple(normalize_name(v) for v in variables), None
    reading = read(answer, symbols=declared, scalars=scalars)
    tree, _ = infer(reading.tree, declared, answer, expect=want)
    return to_latex(tree, frozenset(declared)), reading.scalars


def _key(mapping: Mapping[str, object]) -> tuple:
    """A hashable, ordered copy of a declaration, for the cache (odd values stay visible)."""
    return tuple(sorted((str(k), v if isinstance(v, (str, int)) else
                         tuple(v) if isinstance(v, (list, tuple)) else
                         v if isinstance(v, Hashable) else repr(v))
                        for k, v in mapping.items()))


@lru_cache(maxsize=512)
def _problem(expected: str, shapes: tuple, assume: tuple, variables: tuple[str, ...]
             ) -> _Problem:
    declared = parse_shapes(dict(shapes))
    scalars_given = {normalize_name(v) for v in variables}
    assumed = {normalize_name(k): str(v).strip().lower() for k, v in assume}
    try:
        reading = read(expected, symbols=declared, scalars=scalars_given, lenient=True)
        tree, shape = infer(reading.tree, declared, expected)
    except ReadError as err:
        raise ReadError(f"the expected answer {expected!r} cannot be read: {err.message}",
                        err.span, expected) from None
    scalars = tuple(sorted(scalars_given | reading.scalars))
    for name, how in assumed.items():
        if name in declared:
            if how not in MATRIX_ASSUMPTIONS:
                raise ValueError(f"unknown assumption {how!r} for {name}; use one of "
                                 f"{', '.join(sorted(MATRIX_ASSUMPTIONS))}")
            rows, cols = declared[name]
            if how in ("symmetric", "spd", "positive-definite", "positive definite",
                       "diagonal") and rows != cols:
                raise ValueError(f"{name} is {shape_text(declared[name])}; only a square "
                                 f"matrix can be {how}")
        elif how not in SCALAR_ASSUMPTIONS:
            raise ValueError(f"unknown assumption {how!r} for {name}; use one of "
                             f"{', '.join(sorted(SCALAR_ASSUMPTIONS))}")
    letters = sorted({s for sh in declared.values() for s in sh if isinstance(s, str)})
    rng = np.random.default_rng(zlib.crc32(repr((expected, shapes, assume, variables)).encode()))
    draws: list[Draw] = []
    pool = list(range(2, 2 + max(4, len(letters))))
    for _ in range(CANDIDATE_DRAWS):
        sizes = dict(zip(letters, (int(s) for s in rng.permutation(pool))))
        draw = make_draw(rng, sizes, declared, list(scalars), assumed)
        try:
            evaluate(tree, draw, Float(float("inf")), {})
        except Undefined:
            continue
        draws.append(draw)
        if len(draws) == DRAWS:
            break
    if not draws:
        raise ValueError(f"the expected answer {expected!r} has no real value at random "
                         "matrices of these shapes; declare spd or positive where needed")
    return _Problem(declared, scalars, assumed, tree, shape, tuple(draws))


# -- comparing values -------------------------------------------------------------------------

def _values(tree: MNode, draws: Sequence[Draw], arith, cache: dict | None, tag: str
            ) -> list[np.ndarray]:
    out = []
    for draw in draws:
        key = (tag, arith.name, id(draw))  # the problem's draws live as long as its cache
        if cache is not None and key in cache:
            out.append(cache[key])
            continue
        value = evaluate(tree, draw, arith, {})
        if cache is not None:
            cache[key] = value
        out.append(value)
    return out


def _compare(expected: MNode, answer: MNode, draws: Sequence[Draw], deadline: float,
             cache: dict | None = None) -> str:
    """``equal``, ``different``, ``undefined`` (the answer has no value where the
    expected one has), or ``unknown`` (the expected answer has no value at ``draws``)."""
    try:
        want = _values(expected, draws, Float(deadline), cache, "expected")
    except Undefined:
        return "unknown"
    try:
        got = _values(answer, draws, Float(deadline), None, "answer")
    except Undefined:
        return "undefined"
    for draw, e, a in zip(draws, want, got):
        if e.shape != a.shape:
            return "different"
        gap, scale = np.max(np.abs(e - a)), 1 + np.max(np.abs(e))
        if gap > 1e-3 * scale:
            return "different"
        if gap > 1e-7 * scale:
            # float64 alone cannot tell: an ill-conditioned inverse loses digits
            return _confirm(expected, answer, [draw], deadline, cache)
    return _confirm(expected, answer, draws[:1], deadline, cache)


def _confirm(expected: MNode, answer: MNode, draws: Sequence[Draw], deadline: float,
             cache: dict | None) -> str:
    """Exactly when both sides are rational; else at 256 bits."""
    try:
        e = _values(expected, draws, Exact(deadline), cache, "expected")[0]
        a = _values(answer, draws, Exact(deadline), None, "answer")[0]
        return "equal" if all(x == y for x, y in zip(e.flat, a.flat)) else "different"
    except NotExact:
        pass
    except Undefined:
        return "different"
    with mpmath.workprec(_MP_BITS):
        try:
            e = _values(expected, draws, Mp(deadline), None, "expected")[0]
        except Undefined:
            return "unknown"
        try:
            a = _values(answer, draws, Mp(deadline), None, "answer")[0]
        except Undefined:
            return "undefined"
        scale = 1 + max(abs(x) for x in e.flat) + max(abs(x) for x in a.flat)
        tolerance = mpmath.mpf(2) ** (40 - _MP_BITS) * scale
        return "equal" if all(abs(x - y) <= tolerance for x, y in zip(e.flat, a.flat)) \
            else "different"


# -- verdicts and feedback --------------------------------------------------------------------

def _judge(problem: _Problem, tree: MNode, shape: Shape, deadline: float) -> tuple[str, str]:
    """(status, message); the message is empty when the hints are still to be looked for."""
    if shape != problem.shape:
        yours, wanted = describe(shape), describe(problem.shape)
        if shape == problem.shape[::-1]:
            same = _compare(problem.tree, Transpose(tree), problem.draws, deadline,
                            problem.cache)
            if same == "equal":
                return "incorrect", (f"Your answer is the transpose of the correct one: yours "
                                     f"is {shape_text(shape)}, {wanted} is expected "
                                     f"(vectors are columns): transpose it.")
        return "incorrect", f"Your answer is {yours}, but {wanted} is expected."
    result = _compare(problem.tree, tree, problem.draws, deadline, problem.cache)
    if result == "equal":
        return "correct", ""
    if result == "undefined":
        return "incorrect", ("Your answer has no finite value (an inverse of a singular "
                             "matrix, the log of a negative number, or a number too large) at "
                             "some matrices where the correct answer is defined.")
    return "incorrect", ""


def _hint(problem: _Problem, tree: MNode, deadline: float) -> str:
    """Why a well-shaped answer is wrong, when it is a usual slip."""
    draws = problem.draws
    rows, cols = problem.shape
    if rows == cols and rows != 1 and _compare(Transpose(problem.tree), tree, draws,
                                               deadline) == "equal":
        return ("Your answer is the transpose of the correct one: rows and columns are "
                "swapped (check the layout convention).")
    names = {n.name for n in walk(tree) if isinstance(n, Sym)} | {
        n.name for n in walk(problem.tree) if isinstance(n, Sym)}
    squares = sorted(n for n in names if n in problem.declared
                     and problem.declared[n][0] == problem.declared[n][1] != 1
                     and problem.assume.get(n) not in ("symmetric", "spd", "diagonal",
                                                       "positive-definite",
                                                       "positive definite"))
    if squares:
        def symmetric(chosen: list[str]) -> list[Draw]:
            return [d.with_values({n: (d.values[n] + d.values[n].T) / 2 for n in chosen})
                    for d in draws]
        all_symmetric = _compare(problem.tree, tree, symmetric(squares), deadline) == "equal"
        alone = [n for n in squares if all_symmetric
                 and _compare(problem.tree, tree, symmetric([n]), deadline) == "equal"]
        if alone:
            verb = "is" if len(alone) == 1 else "are"
            return (f"Your answer is right only if {_and(alone)} {verb} symmetric, which is "
                    "not given here.")
    factor = _factor(problem, tree, deadline)
    if factor:
        return feedback.describe_difference(Comparison("different", None, factor))
    if squares:
        diagonal = [d.with_values({n: np.diag(np.diag(d.values[n])) for n in squares})
                    for d in draws]
        if _compare(problem.tree, tree, diagonal, deadline) == "equal":
            return ("Your answer would be right if matrix products commuted, but they do "
                    "not: check the order of the factors (AB is not BA).")
        if all_symmetric:
            return (f"Your answer is right only if {_and(squares)} are all symmetric, which "
                    "is not given here.")
    return ("Your answer is not equal to the correct answer (they differ at random matrices "
            "of the declared shapes).")


def _and(names: list[str]) -> str:
    shown = [display_name(n) for n in names]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _factor(problem: _Problem, tree: MNode, deadline: float) -> str:
    """``sign`` or ``factor:1/2`` when the answer is a constant multiple of the correct one."""
    try:
        want = _values(problem.tree, problem.draws, Float(deadline), problem.cache, "expected")
        got = _values(tree, problem.draws, Float(deadline), None, "answer")
    except Undefined:
        return ""
    e = np.concatenate([v.ravel() for v in want])
    a = np.concatenate([v.ravel() for v in got])
    if e.shape != a.shape or not np.any(e):
        return ""
    c = float(a @ e / (e @ e))
    if c == 0 or np.max(np.abs(a - c * e)) > 1e-9 * (1 + np.max(np.abs(a))):
        return ""
    rational = Fraction(c).limit_denominator(24)
    if abs(float(rational) - c) > 1e-9 * abs(c) or rational == 1:
        return "factor:?" if rational != 1 else ""
    return "sign" if rational == -1 else f"factor:{rational}"


def _matches(problem: _Problem, text: str, tree: MNode, shape: Shape, deadline: float) -> bool:
    known = _read_mistake(text, problem)
    if known is None or known[1] != shape:
        return False
    return _compare(known[0], tree, problem.draws, deadline) == "equal"


def _read_mistake(text: str, problem: _Problem) -> tuple[MNode, Shape] | None:
    """A mistake's tree and shape, or None when its shapes do not fit (a shape error)."""
    try:
        reading = read(text, symbols=problem.declared, scalars=problem.scalars, lenient=True)
    except ReadError as err:
        raise ReadError(f"the mistake {text!r} cannot be read: {err.message}", err.span,
                        text) from None
    try:
        return infer(reading.tree, problem.declared, text)
    except ShapeError:
        return None


def _known_shape_error(tree: MNode, problem: _Problem, mistakes: Iterable[KnownMistake]
                       ) -> KnownMistake | None:
    """The mistake written the same way as an answer whose shapes do not fit."""
    for known in mistakes:
        text = known.answer
        try:
            reading = read(text, symbols=problem.declared, scalars=problem.scalars,
                           lenient=True)
        except ReadError as err:
            raise ReadError(f"the mistake {text!r} cannot be read: {err.message}", err.span,
                            text) from None
        if reading.tree == tree:
            return known
    return None
