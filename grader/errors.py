"""Errors raised by calcdrill, and the spans that say where a problem is.

Student input never raises past :func:`grader.check`: a :class:`ReadError` becomes a
verdict with status ``"invalid"``.  The exceptions here are for the code that reads
answers and for instructor or programmer mistakes (a bad ``expected`` string, a bad bank).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CalcdrillError", "ReadError", "Span"]


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
