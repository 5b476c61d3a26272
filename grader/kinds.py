"""Grading per answer kind: expression, number, vector, matrix, set, point, label.

Each ``grade_*`` function takes the expected tree and the student's tree (already read)
and returns a :class:`Graded`.  Structured kinds grade entry by entry through
:func:`_grade_scalar`, so partial credit and "which entry is wrong" come for free.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import mpmath

from grader import feedback, labels
from grader.equivalence import Comparison, Domain, compare, surely_different
from grader.numeric import MpTracker, TimeUp, Undefined, evaluate_mp
from grader.tree import (
    Eq, Matrix, Neg, Node, Num, PlusMinus, SetOf, Tuple, Var, Vector, expand_plus_minus, free_names,
    has_plus_minus, is_scalar, walk,
)

__all__ = ["Context", "GRADERS", "Graded", "grade_label"]

#: Most elements a set answer may list (anything longer is not an honest attempt).
MAX_SET_ELEMENTS = 50


@dataclass(frozen=True)
class Context:
    """Everything a grader needs besides the two trees.

    ``explain`` False asks for the status alone (a caller that only needs to know whether
    an answer is right): the status is the one a full grading gives, but the work that
    serves only feedback and partial credit is skipped, so ``score`` and ``feedback``
    are not to be read.
    """

    domain: Domain
    tolerance: float | None
    deadline: float
    explain: bool = True


@dataclass(frozen=True)
class Graded:
    """A kind's verdict before it is dressed as a :class:`grader.Verdict`."""

    status: str
    score: float
    feedback: str


def _single(node: Node) -> bool:
    """One expression with one value: not a list, and no ± anywhere inside."""
    return is_scalar(node) and not has_plus_minus(node)


def _incorrect(message: str, score: float = 0.0) -> Graded:
    return Graded("incorrect", score, message)


# -- scalars ---------------------------------------------------------------------------

def _grade_scalar(expected: Node, answer: Node, ctx: Context) -> Comparison:
    """Equal, different or undecided, honouring the tolerance for numeric entries."""
    if ctx.tolerance is not None and not free_names(expected) and not free_names(answer):
        return _within_tolerance(expected, answer, ctx)
    return compare(expected, answer, ctx.domain, deadline=ctx.deadline, explain=ctx.explain)


def _within_tolerance(expected: Node, answer: Node, ctx: Context) -> Comparison:
    with mpmath.workprec(113):
        try:
            e = evaluate_mp(expected, {}, MpTracker(ctx.deadline))
        except Undefined:
            return Comparison("undecided", hint="no-domain")
        except TimeUp:
            return Comparison("undecided", hint="time")
        try:
            a = evaluate_mp(answer, {}, MpTracker(ctx.deadline))
        except (Undefined, TimeUp):
            return Comparison("different", None, "undefined")
        if abs(a - e) <= ctx.tolerance * (1 + 1e-12):
            return Comparison("equal")
        return Comparison("different", None, "tolerance")


def _approximate(answer: Node, expected: Node, ctx: Context) -> bool:
    """True when a decimal answer is near, but not exactly, a constant expected value."""
    if free_names(expected) or free_names(answer):
        return False
    if not any(isinstance(n, Num) and n.is_decimal for n in walk(answer)):
        return False
    with mpmath.workprec(64):
        try:
            e = evaluate_mp(expected, {}, MpTracker(ctx.deadline))
            a = evaluate_mp(answer, {}, MpTracker(ctx.deadline))
        except (Undefined, TimeUp):
            return False
        return bool(abs(a - e) <= 0.01 * max(1, abs(e)))


def _scalar_verdict(comparison: Comparison, expected: Node, answer: Node, ctx: Context
                    ) -> Graded:
    if comparison.status == "equal":
        return Graded("correct", 1.0, feedback.CORRECT)
    if comparison.status == "undecided":
        return Graded("undecided", 0.0, feedback.UNDECIDED)
    if not ctx.explain:
        return _incorrect("")
    if comparison.hint == "tolerance":
        return _incorrect(f"Your value is further than {ctx.tolerance:g} from the correct one.")
    if ctx.tolerance is None and _approximate(answer, expected, ctx):
        return _incorrect("Your decimal is close, but the exact value is expected: keep "
                          "fractions, roots, π and e as they are.")
    return _incorrect(feedback.describe_difference(comparison))


def _shape_name(node: Node) -> str:
    if isinstance(node, Matrix):
        return f"a {len(node.rows)}×{len(node.rows[0])} matrix"
    if isinstance(node, (Vector, Tuple)):
        return f"a list of {feedback.counted(len(node.items), 'item')}"
    if isinstance(node, SetOf):
        return "a set"
    if isinstance(node, (Eq,)):
        return "an equation"
    if isinstance(node, PlusMinus):
        return "two answers (±)"
    return "a single expression"


_PLUS_MINUS = "Your answer has a ± in it, which stands for two answers; give a single one."


def grade_expression(expected: Node, answer: Node, ctx: Context) -> Graded:
    """A single expression in the problem's variables."""
    if has_plus_minus(answer):
        return _incorrect(_PLUS_MINUS)
    if not is_scalar(answer):
        return _incorrect(f"A single expression is expected, but you gave {_shape_name(answer)}.")
    return _scalar_verdict(_grade_scalar(expected, answer, ctx), expected, answer, ctx)


def grade_number(expected: Node, answer: Node, ctx: Context) -> Graded:
    """A number: exact unless a tolerance is given; complex numbers allowed."""
    if has_plus_minus(answer):
        return _incorrect(_PLUS_MINUS)
    if not is_scalar(answer):
        return _incorrect(f"A single number is expected, but you gave {_shape_name(answer)}.")
    names = sorted(free_names(answer) - free_names(expected))
    if names:
        return _incorrect(f"The answer is a number; yours still contains {', '.join(names)}.")
    return _scalar_verdict(_grade_scalar(expected, answer, ctx), expected, answer, ctx)


# -- vectors, points and matrices ---------------------------------------------------------

def _components(node: Node) -> tuple[Node, ...] | None:
    if isinstance(node, (Vector, Tuple)):
        return node.items
    if isinstance(node, Matrix) and (len(node.rows) == 1 or len(node.rows[0]) == 1):
        return tuple(item for row in node.rows for item in row)
    return None


def _grade_entries(expected: list[Node], answer: list[Node], names: list[str], ctx: Context,
                   what: str) -> Graded:
    """Grade matching entries; partial credit is the share of entries right."""
    wrong: list[tuple[str, Comparison, Node, Node]] = []
    undecided = 0
    for name, e, a in zip(names, expected, answer):
        if not _single(a):
            wrong.append((name, Comparison("different"), e, a))
            if not ctx.explain:
                break
            continue
        result = _grade_scalar(e, a, ctx)
        if result.status == "different":
            wrong.append((name, result, e, a))
            if not ctx.explain:
                break  # one wrong entry makes the answer incorrect, whatever the others are
        elif result.status == "undecided":
            undecided += 1
    score = (len(expected) - len(wrong) - undecided) / len(expected)
    if not wrong and not undecided:
        return Graded("correct", 1.0, feedback.CORRECT)
    if not wrong:
        return Graded("undecided", score, feedback.UNDECIDED)
    if not ctx.explain:
        return _incorrect("", score)
    if len(wrong) == 1:
        name, comparison, e, a = wrong[0]
        detail = _scalar_verdict(comparison, e, a, ctx).feedback
        return _incorrect(f"{what} {name} is wrong. {detail}", score)
    if ctx.tolerance is None and all(_approximate(a, e, ctx) for _, _, e, a in wrong):
        return _incorrect("Your decimals are close, but exact values are expected: keep "
                          "fractions, roots, π and e as they are.", score)
    listed = ", ".join(n for n, *_ in wrong[:-1]) + " and " + wrong[-1][0]
    plural = {"Entry": "Entries"}.get(what, what + "s")
    message = f"{plural} {listed} are wrong."
    hints = {comparison.hint for _, comparison, _, _ in wrong}
    shared_hint = hints.pop() if len(hints) == 1 else ""
    if shared_hint == "sign" or shared_hint.startswith("factor:") and shared_hint != "factor:?":
        # e.g. a Hessian's cross terms all halved: say so once for all of them.
        shared = feedback.describe_difference(wrong[0][1], "Each")
        message += " " + shared.replace("the correct answer", "the correct value")
    return _incorrect(message, score)


def grade_vector(expected: Node, answer: Node, ctx: Context) -> Graded:
    """A vector ``[a, b, c]`` (also ``(a, b, c)``, a row or a column matrix)."""
    want = _components(expected)
    if want is None:
        raise ValueError("the expected answer of a vector question must be a vector")
    got = _components(answer)
    if got is None:
        return _incorrect(f"A vector with {feedback.counted(len(want), 'component')} is "
                          f"expected, "
                          f"but you gave {_shape_name(answer)}.")
    if len(got) != len(want):
        return _incorrect(f"Your vector has {feedback.counted(len(got), 'component')}; "
                          f"the answer has {len(want)}.")
    names = [str(k + 1) for k in range(len(want))]
    return _grade_entries(list(want), list(got), names, ctx, "Component")


def _point_components(answer: Node, ctx: Context, size: int) -> tuple[Node, ...] | str:
    """``(1, 2)``, ``[1, 2]`` or ``x = 1, y = 2`` (by the problem's variable names)."""
    if isinstance(answer, Eq) and _components(answer.rhs) is not None:
        answer = answer.rhs
    items = answer.items if isinstance(answer, Tuple) else (answer,)
    if items and all(isinstance(i, Eq) and isinstance(i.lhs, Var) for i in items):
        given = {i.lhs.name: i.rhs for i in items}
        order = [v for v in ctx.domain.variables if v in given]
        if len(given) != size or len(order) != size:
            return f"Give a value for each of {', '.join(ctx.domain.variables[:size])}."
        return tuple(given[v] for v in order)
    got = _components(answer)
    if got is None:
        return f"A point with {feedback.counted(size, 'coordinate')} is expected, as in (1, 2)."
    return got


def grade_point(expected: Node, answer: Node, ctx: Context) -> Graded:
    """A point ``(a, b)``; coordinates are compared in order."""
    want = _components(expected)
    if want is None:
        raise ValueError("the expected answer of a point question must be a tuple")
    got = _point_components(answer, ctx, len(want))
    if isinstance(got, str):
        return _incorrect(got)
    if len(got) != len(want):
        return _incorrect(f"Your point has {feedback.counted(len(got), 'coordinate')}; "
                          f"it should have {len(want)}.")
    names = [str(k + 1) for k in range(len(want))]
    return _grade_entries(list(want), list(got), names, ctx, "Coordinate")


def _rows(node: Node) -> tuple[tuple[Node, ...], ...] | None:
    if isinstance(node, Matrix):
        return node.rows
    if isinstance(node, (Vector, Tuple)) and node.items and all(
            isinstance(i, (Vector, Tuple)) for i in node.items):
        rows = tuple(i.items for i in node.items)
        return rows if len({len(r) for r in rows}) == 1 else None
    return None


def grade_matrix(expected: Node, answer: Node, ctx: Context) -> Graded:
    """A matrix; entries graded one by one, with a check for a transposed answer."""
    want = _rows(expected)
    if want is None:
        raise ValueError("the expected answer of a matrix question must be a matrix")
    got = _rows(answer)
    if got is None and isinstance(answer, (Vector, Tuple)):
        flat = answer.items
        got = (tuple(flat),) if len(want) == 1 else tuple((i,) for i in flat)
    m, n = len(want), len(want[0])
    if got is None:
        return _incorrect(f"A {m}×{n} matrix is expected, but you gave {_shape_name(answer)}.")
    if (len(got), len(got[0])) != (m, n):
        transposed = (len(got), len(got[0])) == (n, m)
        if ctx.explain and transposed and _all_equal(want, tuple(zip(*got)), ctx):
            return _incorrect(_TRANSPOSED)
        return _incorrect(f"A {m}×{n} matrix is expected; yours is {len(got)}×{len(got[0])}.")
    names = [f"({i + 1},{j + 1})" for i in range(m) for j in range(n)]
    graded = _grade_entries([e for row in want for e in row], [a for row in got for a in row],
                            names, ctx, "Entry")
    # (Which feedback, not whether: a transposed matrix is incorrect either way.)
    if graded.status == "incorrect" and ctx.explain and m == n \
            and _all_equal(want, tuple(zip(*got)), ctx):
        return Graded("incorrect", graded.score, _TRANSPOSED)
    return graded


_TRANSPOSED = ("Your matrix is the transpose of the correct one: rows and columns are "
               "swapped (in a Jacobian, row i holds the partial derivatives of output i).")


def _all_equal(want, got, ctx: Context) -> bool:
    return all(_single(a) and _grade_scalar(e, a, ctx).status == "equal"
               for wr, gr in zip(want, got) for e, a in zip(wr, gr))


# -- sets -------------------------------------------------------------------------------

#: Most elements one item with ± signs may stand for ((±a, ±b, ±c) is 8).
MAX_PLUS_MINUS_READINGS = 16


def _expand(node: Node) -> list[Node]:
    """``a ± b`` is two elements (wherever the ± is); ``x = a`` is the element a.

    In a point each coordinate's ± multiplies the readings: ``(±1, 0)`` is two points,
    ``(±√2/2, ±√2/2)`` four, and ``±(a, b)`` is (a, b) and (-a, -b).
    """
    if isinstance(node, Eq):
        node = node.rhs
    out: list[Node] = []
    for reading in expand_plus_minus(node, MAX_PLUS_MINUS_READINGS):
        if isinstance(reading, Neg) and isinstance(reading.arg, (Tuple, Vector)):
            reading = Tuple(tuple(Neg(i) for i in reading.arg.items))
        if isinstance(reading, (Tuple, Vector)) and has_plus_minus(reading):
            combos: list[tuple[Node, ...]] = [()]
            for item in reading.items:
                combos = [c + (e,) for c in combos
                          for e in expand_plus_minus(item, MAX_PLUS_MINUS_READINGS)]
                combos = combos[:MAX_PLUS_MINUS_READINGS]
            out += [Tuple(c) for c in combos]
        else:
            out.append(reading)
    return out[:MAX_PLUS_MINUS_READINGS]


def _elements(node: Node, points: bool, variables: tuple[str, ...] = ()) -> list[Node]:
    if isinstance(node, Eq) and isinstance(node.rhs, SetOf):
        node = node.rhs  # x = {-1, 0, 2}, or x ∈ {-1, 0, 2}
    if points and isinstance(node, Tuple) and _named_point(node, variables):
        node = _named_point(node, variables)  # x = ±1, y = 0: one point (two with ±)
    if isinstance(node, SetOf):
        items = node.items
    elif isinstance(node, (Tuple, Vector)) and not points:
        items = node.items  # -2, 1, 3 or [-2, 1, 3]: a list standing for a set
    elif isinstance(node, (Tuple, Vector)) and points and all(
            isinstance(i, (Tuple, Vector, Eq)) or isinstance(i, PlusMinus)
            and isinstance(i.right, (Tuple, Vector)) for i in node.items):
        items = node.items
    elif isinstance(node, Matrix) and points:
        items = tuple(Tuple(row) for row in node.rows)  # [(1, 0), (-1, 0)]
    else:
        items = (node,)
    return [e for item in items for e in _expand(item)]


def _named_point(node: Tuple, variables: tuple[str, ...]) -> Tuple | None:
    """``x = ±1, y = 0`` as the point (±1, 0), when it names each variable once."""
    if not variables or not all(isinstance(i, Eq) and isinstance(i.lhs, Var)
                                for i in node.items):
        return None
    given = {i.lhs.name: i.rhs for i in node.items}  # type: ignore[union-attr]
    if len(given) != len(node.items) or set(given) != set(variables):
        return None
    return Tuple(tuple(given[v] for v in variables), node.span)


def grade_set(expected: Node, answer: Node, ctx: Context) -> Graded:
    """A set: order and repeats do not matter; elements may be numbers or points.

    An element whose comparisons could not all be decided (time ran out) makes the
    verdict ``undecided``: it is neither known to be in the set nor known to be extra.
    """
    names = ctx.domain.variables
    points = any(isinstance(i, (Tuple, Vector)) for i in _elements(expected, True, names)) \
        and not is_scalar(expected)
    want = _elements(expected, points, names)
    got = _elements(answer, points, names)
    if len(got) > MAX_SET_ELEMENTS:
        return _incorrect(f"Your set lists {feedback.counted(len(got), 'element')}; at most "
                          f"{MAX_SET_ELEMENTS} are read.")
    matched: set[int] = set()
    extra, unsure = [], 0
    for position, a in enumerate(got):
        hit, doubt = _find(want, a, ctx, points)
        if hit is not None:
            matched.add(hit)
            continue
        repeat, repeat_doubt = _find(got[:position], a, ctx, points)
        if repeat is not None:
            continue  # listed twice, in two forms: counted once
        if doubt or repeat_doubt:
            unsure += 1
        else:
            extra.append(a)
    missing = len(want) - len(matched)
    score = max(0.0, (len(matched) - len(extra)) / len(want)) if want else 0.0
    if unsure and not extra and missing <= unsure:
        return Graded("undecided", score, feedback.UNDECIDED)
    if not missing and not extra:
        return Graded("correct", 1.0, feedback.CORRECT)
    parts = []
    if missing:
        parts.append(f"{missing} element{'s are' if missing > 1 else ' is'} missing")
    if extra:
        parts.append(f"{len(extra)} of yours {'are' if len(extra) > 1 else 'is'} not in the set")
    return _incorrect(("; ".join(parts) + ".").capitalize(), score)


def _find(candidates: list[Node], a: Node, ctx: Context, points: bool
          ) -> tuple[int | None, bool]:
    """The index of the first candidate equal to ``a``, and whether any was undecided."""
    doubt = False
    for k, e in enumerate(candidates):
        status = _element_status(e, a, ctx, points)
        if status == "equal":
            return k, doubt
        doubt |= status == "undecided"
    return None, doubt


def _element_status(e: Node, a: Node, ctx: Context, points: bool) -> str:
    """``equal``, ``different`` or ``undecided`` for two elements of a set."""
    if points:
        ec, ac = _components(e), _components(a)
        if ec is None or ac is None or len(ec) != len(ac):
            return "different"
        pairs = list(zip(ec, ac))
    else:
        pairs = [(e, a)]
    # Both sides: a repeat is looked for among the student's own elements too.
    if not all(_single(x) and _single(y) for x, y in pairs):
        return "different"
    if ctx.tolerance is None and any(
            surely_different(x, y, ctx.domain, deadline=ctx.deadline) for x, y in pairs):
        return "different"  # one evaluation tells them apart: no full comparison needed
    statuses = [_grade_scalar(x, y, ctx).status for x, y in pairs]
    if "different" in statuses:
        return "different"
    return "undecided" if "undecided" in statuses else "equal"


# -- labels -----------------------------------------------------------------------------

def grade_label(expected: str, answer: str) -> Graded:
    """A word or a list of words; synonyms count (``min`` is ``local minimum``).

    >>> grade_label("local minimum", "min").status
    'correct'
    >>> grade_label("saddle point, local minimum", "saddle, max").score
    0.5
    """
    want = [labels.canonical_label(w) for w in _label_parts(expected)]
    got = [labels.canonical_label(w) for w in _label_parts(answer.replace("，", ","))]
    if not got:
        return Graded("invalid", 0.0, "Could not read your answer: empty answer.")
    if len(got) != len(want):
        return _incorrect(f"{len(want)} label{'s are' if len(want) > 1 else ' is'} expected; "
                          f"you gave {len(got)}.")
    right = sum(w == g for w, g in zip(want, got))
    if right == len(want):
        return Graded("correct", 1.0, feedback.CORRECT)
    known = set(labels.known_labels()) | set(want)
    # A shape such as "5x4" is always a readable label, right or wrong.
    unknown = [g for g in got if g not in known and not re.fullmatch(r"\d+x\d+", g)]
    typed = [p.strip() for p in _label_parts(answer.replace("，", ","))]
    numbers = [t for t in typed if labels.NUMBER.match(t)]
    if numbers and len(want) == 1:
        # A value where a word is wanted is a wrong answer, not an unreadable one.
        return _incorrect(f'Not "{numbers[0]}": the answer is a word, not a number.')
    if unknown and len(want) == 1:
        close = labels.suggestion(unknown[0])
        hint = f' Did you mean "{close}"?' if close else ""
        return Graded("invalid", 0.0, f'Could not read your answer: "{unknown[0]}" is not a '
                      f"label this question knows.{hint}")
    if len(want) == 1:
        return _incorrect(f'Not "{got[0]}".')
    wrong = [str(k + 1) for k, (w, g) in enumerate(zip(want, got)) if w != g]
    return _incorrect(f"Label{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} "
                      f"{'are' if len(wrong) > 1 else 'is'} wrong.", right / len(want))


def _label_parts(text: str) -> list[str]:
    """Labels separated by commas or semicolons; a shape such as ``(2, 3)`` is one label."""
    parts, depth, current = [], 0, []
    for ch in text:
        depth += ch in "(["
        depth -= ch in ")]"
        if ch in ",;" and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


GRADERS: dict[str, Callable[[Node, Node, Context], Graded]] = {
    "expression": grade_expression,
    "number": grade_number,
    "vector": grade_vector,
    "point": grade_point,
    "matrix": grade_matrix,
    "set": grade_set,
}
