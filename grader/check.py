"""The public grader: :func:`check` one answer against the expected one."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable, Literal, Mapping, Sequence

from grader import feedback
from grader.equivalence import Domain, ruled_out
from grader.errors import AmbiguousReading, ReadError
from grader.intervals import grade_interval
from grader.kinds import GRADERS, Context, Graded, grade_label
from grader.latex import to_latex
from grader.matexpr import grade_matrix_expression
from grader.parse import MAX_LENGTH, parse
from grader.tree import (Eq, Matrix, Node, SetOf, Tuple, Vector, has_plus_minus, is_scalar,
                         misplaced)

__all__ = ["KINDS", "Mistake", "Verdict", "check"]

KINDS = ("expression", "vector", "matrix", "set", "point", "number", "label", "interval",
         "matrix-expression")
#: Wall-clock bound for grading one answer, in seconds.
TIME_LIMIT = 2.0

Status = Literal["correct", "incorrect", "invalid", "undecided"]


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer and the feedback it deserves.

    Attributes:
        answer: the wrong answer the mistake produces, in the grader's syntax.
        feedback: what to tell a student who made it.
        name: a short identifier (``chain-rule-forgotten``), for reports.
    """

    answer: str
    feedback: str
    name: str = ""


@dataclass(frozen=True)
class Verdict:
    """The outcome of grading one answer.

    Attributes:
        status: ``correct``, ``incorrect``, ``invalid`` (could not be read) or
            ``undecided`` (could not be decided within the bound; flagged for review).
        score: in [0, 1]; partial credit for matrices, vectors, sets and label lists.
        feedback: a sentence for the student.
        interpreted: LaTeX of how the answer was read ("" when invalid).
        mistake: the name of the known mistake the answer matches, or "".
    """

    status: Status
    score: float
    feedback: str
    interpreted: str
    mistake: str = ""

    def as_dict(self) -> dict[str, object]:
        """The fields of SPEC §3.3's ``--json`` output."""
        return {"status": self.status, "score": self.score, "feedback": self.feedback,
                "interpreted": self.interpreted}


@lru_cache(maxsize=2048)
def _read_answer(text: str, variables: tuple[str, ...], allow_complex: bool) -> Node:
    """The tree of an answer, read once per process for each (text, variables) met.

    A generator checks each known mistake against the key and every other mistake, and a
    class types the same answers again and again.  Trees are immutable; only readings
    are cached, so a ReadError (or AmbiguousReading) is raised afresh every time.
    """
    return parse(text, variables=variables, allow_complex=allow_complex)


@lru_cache(maxsize=2048)
def _read_expected(text: str, variables: tuple[str, ...], allow_complex: bool) -> Node:
    # Read as an answer is (a generator grades a mistake as an answer, then grades the
    # next mistake against it), with the instructor's error message.
    try:
        return _read_answer(text, variables, allow_complex)
    except ReadError as err:
        raise ReadError(f"the expected answer {text!r} cannot be read: {err.message}",
                        err.span, text) from None


def check(
    expected: str,
    answer: str,
    kind: str = "expression",
    variables: Sequence[str] | str = (),
    assume: dict[str, str] | None = None,
    tolerance: float | None = None,
    *,
    mistakes: Iterable[Mistake] = (),
    time_limit: float = TIME_LIMIT,
    shapes: Mapping[str, object] | None = None,
    explain: bool = True,
) -> Verdict:
    """Grade ``answer`` against ``expected``.

    Parameters:
        expected: the correct answer, in the same syntax students use.
        answer: the student's answer, untrusted.
        kind: one of :data:`KINDS`.
        variables: the problem's variables (names, or a comma-separated string).
        assume: per variable, ``real`` (default), ``positive``, ``nonnegative`` or
            ``nonzero``.
        tolerance: None for exact; an absolute tolerance for numeric answers.
        mistakes: known wrong answers; one that matches supplies the feedback.
        time_limit: seconds after which the verdict is ``undecided``.
        shapes: for ``matrix-expression``: the declared matrices and vectors, as in
            ``{"X": "n×d", "w": "d"}`` (one size is a column vector; other names are
            scalars).  ``assume`` may then say ``{"A": "symmetric"}``.
        explain: False when only ``status`` is wanted (as when a generator checks that a
            known mistake differs from the key): the status is the one full grading
            gives (save that a full grading of a matrix expression may run out of time
            looking for a hint, and say ``undecided``), but ``score``, ``feedback`` and
            ``interpreted`` are not worked out and must not be read.

    Returns:
        A :class:`Verdict`.  Student input never raises.

    Raises:
        ReadError: when ``expected`` (or a mistake) cannot be read: an instructor error.
        ValueError: for an unknown kind or assumption.

    Examples:
        >>> check("2*x*exp(x^2)", "2x e^(x^2)", variables=["x"]).status
        'correct'
        >>> v = check("2*x*exp(x^2)", "e^(x^2)", variables=["x"],
        ...           mistakes=[Mistake("exp(x^2)", "Chain rule: multiply by the derivative of x^2.")])
        >>> v.status, v.feedback
        ('incorrect', 'Chain rule: multiply by the derivative of x^2.')
        >>> check("x^x*(ln(x)+1)", "x^x(ln x + 1)", variables=["x"], assume={"x": "positive"}).interpreted
        'x^{x} \\\\left(\\\\ln x + 1\\\\right)'
        >>> check("2*x", "2t", variables=["x"]).feedback
        'Could not read your answer: "t" is not a variable of this problem; use x (column 2).'
    """
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}; use one of {', '.join(KINDS)}")
    if isinstance(variables, str):
        variables = [v.strip() for v in variables.split(",") if v.strip()]
    variables = tuple(variables)
    mistakes = tuple(mistakes)  # may be graded against more than one reading
    if kind == "matrix-expression":
        outcome = grade_matrix_expression(
            expected, answer, shapes=shapes or {}, assume=assume, variables=variables,
            mistakes=mistakes, deadline=time.monotonic() + time_limit, explain=explain)
        return Verdict(outcome.status, outcome.score, outcome.feedback,  # type: ignore[arg-type]
                       outcome.interpreted, outcome.mistake)
    domain = Domain.of(variables, assume)
    if len(answer) > MAX_LENGTH:
        # Every kind has the same bound, checked before any work that grows with the text.
        return Verdict("invalid", 0.0, feedback.invalid(ReadError(
            f"answer too long ({len(answer)} characters; at most {MAX_LENGTH})")), "")
    if kind == "label":
        graded = grade_label(expected, answer)
        mistake = ""
        if graded.status == "incorrect":
            for known in mistakes:
                if grade_label(known.answer, answer).status == "correct":
                    graded = Graded("incorrect", graded.score, known.feedback)
                    mistake = known.name or known.answer
                    break
        return Verdict(graded.status, graded.score, graded.feedback,  # type: ignore[arg-type]
                       "" if graded.status == "invalid" else f"\\text{{{_escape(answer)}}}",
                       mistake)
    deadline = time.monotonic() + time_limit
    if kind == "interval":
        return _check_interval(expected, answer, variables, mistakes, deadline)
    complex_ok = kind == "number"
    expected_tree = _read_expected(expected, variables, complex_ok)
    if kind in ("set", "point"):
        answer = list_separators(answer)
    if kind == "set" and " ".join(answer.lower().split()).strip(" .") in _EMPTY_SET_WORDS:
        answer = "{}"
    ctx = Context(domain, tolerance, deadline, explain)
    try:
        answer_tree = _read_answer(answer, variables, complex_ok)
    except AmbiguousReading as err:
        # Grade every reading: if they agree, how the answer was meant does not matter.
        # Agreeing includes the score, so each reading is graded in full.
        ctx = replace(ctx, explain=True)
        verdicts = [_grade_tree(expected_tree, tree, ctx, kind, mistakes, variables, answer)
                    for _, tree in err.readings]
        if len({(v.status, v.score) for v in verdicts}) == 1:
            return verdicts[0]
        return Verdict("invalid", 0.0, feedback.invalid(err), "")
    except ReadError as err:
        return Verdict("invalid", 0.0, feedback.invalid(err, answer), "")
    return _grade_tree(expected_tree, answer_tree, ctx, kind, mistakes, variables, answer)


def _grade_tree(expected_tree: Node, answer_tree: Node, ctx: Context, kind: str,
                mistakes: Iterable[Mistake], variables: tuple[str, ...],
                answer: str = "") -> Verdict:
    """Grade one reading of the answer, with a known mistake's feedback where it matches."""
    structure = misplaced(answer_tree)
    if structure is not None:
        # (1, 2)^2 reads, but means nothing: refuse it where it is, as a reading error.
        error = ReadError(f"{_what(structure)} cannot be part of a calculation; "
                          "give single expressions", structure.span, answer)
        return Verdict("invalid", 0.0, feedback.invalid(error), "")
    graded = GRADERS[kind](expected_tree, answer_tree, ctx)
    mistake = ""
    if graded.status == "incorrect":
        graded, mistake = _known_mistake(graded, answer_tree, mistakes, variables, ctx, kind)
    return Verdict(graded.status, graded.score, graded.feedback,  # type: ignore[arg-type]
                   to_latex(answer_tree) if ctx.explain else "", mistake)


def _check_interval(expected: str, answer: str, variables: tuple[str, ...],
                    mistakes: Iterable[Mistake], deadline: float) -> Verdict:
    """An inequality or union of intervals (:mod:`grader.intervals`)."""
    graded = grade_interval(expected, answer, variables, deadline=deadline)
    mistake = ""
    if graded.status == "incorrect":
        for known in mistakes:
            if grade_interval(known.answer, answer, variables,
                              deadline=deadline).status == "correct":
                mistake = known.name or known.answer
                graded = replace(graded, feedback=known.feedback)
                break
    return Verdict(graded.status, graded.score, graded.feedback,  # type: ignore[arg-type]
                   graded.interpreted, mistake)


def _known_mistake(graded: Graded, answer_tree: Node, mistakes: Iterable[Mistake],
                   variables: tuple[str, ...], ctx: Context, kind: str) -> tuple[Graded, str]:
    """Swap generic feedback for a known mistake's own when the answer matches it.

    A single expression is first screened against all the mistakes at once, at the
    sample points (:func:`~grader.equivalence.ruled_out`); only the mistakes left are
    graded against the answer, which decides as before.
    """
    mistakes = tuple(mistakes)
    trees = [_read_expected(known.answer, variables, kind == "number") for known in mistakes]
    skip = [False] * len(trees)
    if (kind == "expression" and ctx.tolerance is None and len(trees) > 1
            and is_scalar(answer_tree) and not has_plus_minus(answer_tree)
            and all(is_scalar(t) and not has_plus_minus(t) for t in trees)):
        skip = ruled_out(trees, answer_tree, ctx.domain)
    quick = replace(ctx, explain=False)  # whether it is the mistake; the mistake says why
    for known, wrong_tree, screened_out in zip(mistakes, trees, skip):
        if not screened_out and GRADERS[kind](wrong_tree, answer_tree, quick).status == "correct":
            return Graded("incorrect", graded.score, known.feedback), known.name or known.answer
    return graded, ""


#: Words for the empty set, as a whole answer where a set is expected.
_EMPTY_SET_WORDS = frozenset({"empty", "empty set", "the empty set", "none", "no solution",
                              "no solutions", "no points", "no critical points", "空集", "无"})


def list_separators(text: str) -> str:
    """``x = -1; x = 0`` lists a set too: top-level semicolons become commas.

    Same length, so every column in a message still points at what was typed; semicolons
    inside brackets (matrix rows) are left alone.
    """
    depth, out = 0, []
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        out.append("," if ch in ";；" and depth <= 0 else ch)
    return "".join(out)


def _what(node: Node) -> str:
    """``a list``, ``a set``...: what a structure is called in a message."""
    if isinstance(node, Matrix):
        return "a matrix"
    if isinstance(node, Vector):
        return "a vector"
    if isinstance(node, SetOf):
        return "a set"
    if isinstance(node, Eq):
        return "an equation"
    return "a list" if isinstance(node, Tuple) else "this"


def _escape(text: str) -> str:
    return "".join("\\" + c if c in "{}\\$&#%_^~" else c for c in text.strip())[:200]
