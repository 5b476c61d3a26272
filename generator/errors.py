"""Errors of the generator: a bank that cannot be used, a code that matches nothing."""

from __future__ import annotations

from pathlib import Path

from grader.errors import CalcdrillError

__all__ = ["BankError", "DeriveError"]


class BankError(CalcdrillError, ValueError):
    """A problem in a bank file, reported as ``file:line: message``.

    Attributes:
        reason: what is wrong and what was expected.
        path: the bank file.
        line: 1-based line of the problem.
    """

    def __init__(self, reason: str, path: Path | str, line: int) -> None:
        self.reason = reason
        self.path = Path(path)
        self.line = line
        super().__init__(f"{self.path}:{line}: {reason}")

    def __reduce__(self):
        # Rebuilt from its own arguments, so the error crosses a process pool intact
        # (generate's workers) instead of breaking the pool.
        return (type(self), (self.reason, str(self.path), self.line))


class DeriveError(CalcdrillError, ValueError):
    """A family value that cannot be computed; the caller adds the file and line."""
