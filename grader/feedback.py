"""Sentences for students: what was read, what is wrong, what to do.

Every message a student sees is written here, so the voice stays the same across kinds
and the wording can be changed in one place.
"""

from __future__ import annotations

from grader.equivalence import Comparison
from grader.errors import ReadError

__all__ = [
    "CORRECT", "UNDECIDED", "describe_difference", "describe_point", "invalid",
]

CORRECT = "Correct."
UNDECIDED = ("Your answer could not be checked automatically within the time allowed; "
             "it has been flagged for your instructor to review.")


def invalid(error: ReadError, answer: str = "") -> str:
    """Why an answer could not be read, with where.

    A trailing ``+ C`` on a derivative gets its own explanation: the student knows
    integration, and "C is not a variable" would not tell them what is wrong.
    """
    if answer and _constant_of_integration(error, answer):
        return ("A derivative needs no constant: the \"+ C\" belongs to antiderivatives. "
                "Remove it and give the derivative alone.")
    where = "" if error.column is None or "column" in error.reason else f" (column {error.column})"
    return f"Could not read your answer: {error.reason}{where}."


#: How students name the constant of integration.
_CONSTANT_NAMES = frozenset({"C", "c", "K", "const", "C1", "C_1", "C_{1}"})


def _constant_of_integration(error: ReadError, answer: str) -> bool:
    """Whether the unreadable name is a ``C`` (or ``c``, ``const``) added at the end."""
    if error.span is None:
        return False
    name = answer[error.span.start:error.span.end]
    before = answer[:error.span.start].rstrip()
    after = answer[error.span.end:].strip(" .")
    return name in _CONSTANT_NAMES and before.endswith(("+", "-")) and not after


def _number(value: float) -> str:
    text = f"{value:.3g}"
    return text.replace("e+0", "e+").replace("e-0", "e-")


def describe_point(point: dict[str, float] | None) -> str:
    """``x = 1.51, y = -0.3``: where two answers differ."""
    if not point:
        return ""
    return ", ".join(f"{name} = {_number(value)}" for name, value in point.items())


def describe_difference(comparison: Comparison, what: str = "Your answer") -> str:
    """A sentence naming how ``what`` differs from the correct answer.

    >>> describe_difference(Comparison("different", {"x": 1.5}, "sign"))
    'Your answer has the wrong sign: it is the negative of the correct answer.'
    >>> describe_difference(Comparison("different", {"x": 1.5}, "factor:1/2"))
    'Your answer is off by a constant factor: it is 1/2 times the correct answer.'
    """
    hint = comparison.hint
    if hint == "sign":
        return f"{what} has the wrong sign: it is the negative of the correct answer."
    if hint.startswith("factor:"):
        factor = hint.split(":", 1)[1]
        if factor == "?":
            return f"{what} is off by a constant factor."
        return f"{what} is off by a constant factor: it is {factor} times the correct answer."
    if hint == "constant":
        return f"{what} is off by a constant term."
    if hint.startswith("region:"):
        condition = hint.split(":", 1)[1].replace(">", " > ").replace("<", " < ")
        return (f"{what} is right only for {condition}; check the domain "
                "(for example ln(x^2) = 2 ln x holds only for x > 0).")
    if hint == "not-real":
        return (f"{what} takes the square root or logarithm of a negative number at some "
                f"points where the correct answer is defined (for example at "
                f"{describe_point(comparison.witness)}).")
    if hint == "undefined":
        return (f"{what} is undefined at some points where the correct answer is defined "
                f"(for example at {describe_point(comparison.witness)}).")
    where = describe_point(comparison.witness)
    if where:
        return f"{what} is not equal to the correct answer (they differ at {where})."
    return f"{what} is not equal to the correct answer."


def counted(number: int, noun: str, plural: str = "") -> str:
    """``1 component``, ``2 components``: a count with its noun in the right number.

    >>> counted(1, "component"), counted(3, "entry", "entries")
    ('1 component', '3 entries')
    """
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
