"""Errors raised by calcdrill, and the spans that say where a problem is.

Student input never raises past :func:`grader.check`: a :class:`ReadError` becomes a
verdict with status ``"invalid"``.  The exceptions here are for the code that reads
answers and for instructor or programmer mistakes (a bad ``expected`` string, a bad bank).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AmbiguousReading", "CalcdrillError", "Choice", "ReadError", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open range ``[start, end)`` of character offsets into the text as typed."""

    start: int
    end: int

    def __add__(self, other: "Span") -> "Span":
        """The smallest span covering both."""
        return Span(min(self.start, other.start), max(self.end, other.end))


class CalcdrillError(Exception):
    """Base class of every error calcdrill raises on purpose."""


class ReadError(CalcdrillError, ValueError):
    """Text that cannot be read as mathematics.

    Attributes:
        reason: what is wrong, in words a student can act on (no position in it).
        span: where in ``text`` the problem is, or None when it is about the whole text.
        text: the text as typed.
    """

    def __init__(self, reason: str, span: Span | None = None, text: str = "") -> None:
        self.reason = reason
        self.span = span
        self.text = text
        super().__init__(self.message)

    @property
    def column(self) -> int | None:
        """1-based column of the start of the problem, or None."""
        return None if self.span is None else self.span.start + 1

    @property
    def message(self) -> str:
        """The reason with its column, e.g. ``unknown function "sine" at column 1``."""
        if self.column is None or "column" in self.reason:
            return self.reason
        return f"{self.reason} at column {self.column}"

    def caret(self) -> str:
        """The text with a caret line under the problem (empty when there is no span).

        >>> print(ReadError("unexpected \\")\\"", Span(3, 4), "x+1)").caret())
        x+1)
           ^
        """
        if self.span is None or not self.text or "\n" in self.text or len(self.text) > 200:
            return ""
        width = max(1, min(self.span.end, len(self.text)) - self.span.start)
        return f"{self.text}\n{' ' * self.span.start}{'^' * width}"

    def with_text(self, text: str) -> "ReadError":
        """The same error, remembering the text it is about."""
        return ReadError(self.reason, self.span, text)


class Choice(Exception):
    """Raised by the reader at text with two plausible readings when it was not told
    which to take; :func:`grader.parse.parse` then reads the answer both ways.

    Attributes:
        name: which choice (``"scientific"``, ``"spaced-sign"``); one decision per
            answer covers every place the choice arises.
        span: where the first such place is.
        readings: how that place reads when the choice is taken (first) or not (second),
            in plain text for students.
        advice: how to write either reading unambiguously.
    """

    def __init__(self, name: str, span: Span, readings: tuple[str, str], advice: str) -> None:
        self.name = name
        self.span = span
        self.readings = readings
        self.advice = advice
        super().__init__(name)


class AmbiguousReading(ReadError):
    """Text with more than one plausible reading (``5.1e-2``, ``[x -1]``).

    Attributes:
        readings: (description, tree) per reading, the reader's preferred one first.
        advice: how to write each reading so that it cannot be misread.

    :func:`grader.check` grades every reading: when they all get the same verdict it
    stands; otherwise the answer is invalid, and the message shows both readings.
    """

    def __init__(self, reason: str, span: Span | None, text: str, readings: tuple,
                 advice: str) -> None:
        self.readings = readings
        self.advice = advice
        super().__init__(reason, span, text)

    def with_text(self, text: str) -> "AmbiguousReading":
        return AmbiguousReading(self.reason, self.span, text, self.readings, self.advice)
