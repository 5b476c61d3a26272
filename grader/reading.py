"""How an answer is read, without grading it: for a live preview as a student types.

:func:`read_answer` reads with the same reader :func:`grader.check` uses for the kind,
so what a preview shows is what will be graded: the LaTeX of the reading and the names
it uses, or why and at which column the answer cannot be read.

>>> read_answer("2x e^(x^2)", variables=["x"])
Reading(latex='2 x e^{x^{2}}', names=('x',), reason='', column=None)
>>> read_answer("2x + ", variables=["x"]).reason
'the answer ends too early; expected a number, a variable or a bracket'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from grader.check import KINDS, list_separators
from grader.errors import ReadError
from grader.intervals import intervals_latex, read_intervals
from grader.latex import to_latex
from grader.matexpr.grade import interpret_matrix_expression
from grader.parse import parse
from grader.tree import free_names

__all__ = ["Reading", "read_answer"]

#: Longest label text echoed back.
MAX_LABEL_ECHO = 400


@dataclass(frozen=True)
class Reading:
    """An answer as read, or why it cannot be.

    Attributes:
        latex: how it was read ("" when it cannot be, or is empty).
        names: the variables (or scalar names) it uses, sorted.
        reason: why it cannot be read ("" when it can).
        column: 1-based column of the problem, when there is one.
    """

    latex: str
    names: tuple[str, ...] = ()
    reason: str = ""
    column: int | None = None

    @property
    def readable(self) -> bool:
        """Whether the answer was read."""
        return not self.reason


def read_answer(answer: str, *, kind: str = "expression", variables: Sequence[str] = (),
                shapes: Mapping[str, object] | None = None, expected: str = "") -> Reading:
    """Read ``answer`` as :func:`grader.check` would for ``kind``; never grade it.

    Parameters:
        expected: for ``matrix-expression``, the expected answer (its scalars may appear).

    Raises:
        ValueError: for an unknown kind, or a matrix expression without shapes (caller
            errors); a student's text never raises.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown answer kind {kind!r}; use one of {', '.join(KINDS)}")
    variables = tuple(variables)
    if not answer.strip():
        return Reading("")
    try:
        if kind == "label":
            words = [w.strip() for w in answer.replace(";", ",").split(",") if w.strip()]
            return Reading(", ".join(words)[:MAX_LABEL_ECHO])
        if kind == "interval":
            return Reading(intervals_latex(read_intervals(answer, variables or ("x",))),
                           variables[:1] or ("x",))
        if kind == "matrix-expression":
            latex, scalars = interpret_matrix_expression(
                answer, shapes=shapes or {}, variables=variables, expected=expected)
            return Reading(latex, tuple(sorted(scalars)))
        text = list_separators(answer) if kind in ("set", "point") else answer
        tree = parse(text, variables=variables, allow_complex=kind == "number")
    except ReadError as err:
        return Reading("", (), err.reason, err.column)
    return Reading(to_latex(tree), tuple(sorted(free_names(tree))))
