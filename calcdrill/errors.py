"""Errors of the class workflow: a roster, manifest or CSV file that cannot be used."""

from __future__ import annotations

from pathlib import Path

from grader.errors import CalcdrillError

__all__ = ["ClassFileError", "RosterError"]


class ClassFileError(CalcdrillError, ValueError):
    """A manifest, submissions or graded file that cannot be used, as ``file:line: message``.

    Attributes:
        reason: what is wrong and what to do about it.
        path: the file.
        line: 1-based line of the problem (1 for the file as a whole).
    """

    def __init__(self, reason: str, path: Path | str, line: int = 1) -> None:
        self.reason, self.path, self.line = reason, Path(path), line
        super().__init__(f"{path}:{line}: {reason}")


class RosterError(ClassFileError):
    """A roster that cannot be used, as ``file:line: message``."""
