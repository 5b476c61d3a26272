"""CSV files as spreadsheets write them, and the table of a submissions file.

Every CSV calcdrill reads comes from a person's spreadsheet: UTF-8 with or without a
byte-order mark, or Excel's cp1252; commas, semicolons or tabs; quoted commas and line
breaks.  :func:`decode` turns the bytes into text; :class:`SubmissionTable` says what each
column of a submissions file means, whichever program wrote it (calcdrill's own long and
wide forms, or an LMS quiz report read by :mod:`calcdrill.lms`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SubmissionTable", "decode"]


@dataclass
class SubmissionTable:
    """A submissions CSV as read: header, rows (with their line numbers), its shape."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    form: str  # "long" or "wide"
    id_column: int
    code_column: int = -1
    answer_column: int = -1
    question_columns: dict[int, int] = field(default_factory=dict)  # number -> column
    #: Where the file came from: "calcdrill", "moodle" (quiz Responses report) or
    #: "canvas" (quiz Student Analysis report).
    source: str = "calcdrill"
    #: Columns that may identify the student, tried in order (ids, then emails, names).
    identity_columns: list[int] = field(default_factory=list)
    #: Per row, which of two answers to the same problem counts (the larger).
    precedence: list[float] = field(default_factory=list)
    #: Per row, a note such as "attempt not finished".
    notes: list[str] = field(default_factory=list)


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else cp1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")
