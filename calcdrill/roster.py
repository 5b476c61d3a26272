"""Class rosters: who gets a worksheet.

A roster is a CSV file with a header holding at least ``student_id`` and ``name``; more
columns (email, section...) are kept and flow through to exports.  Real files come from
spreadsheets: UTF-8 with or without a byte-order mark, commas, semicolons or tabs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from calcdrill.errors import RosterError

__all__ = ["RosterError", "Student", "read_roster"]



@dataclass(frozen=True)
class Student:
    """One student: the id that names their files, their name, and any other columns."""

    student_id: str
    name: str
    extra: dict[str, str] = field(default_factory=dict, compare=False)


_ID_NAMES = ("student_id", "student id", "id", "studentid", "username", "id number")
_NAME_NAMES = ("name", "student", "full name", "student name")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name in lowered:
            return lowered.index(name)
    return None


def read_roster(path: str | Path) -> list[Student]:
    """Read a roster CSV.

    Raises:
        RosterError: for a missing column, an empty or duplicated id, or an empty roster.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_bytes().decode("cp1252")  # Excel's "CSV" on Windows
    except OSError as exc:
        raise RosterError(f"cannot read the roster: {exc}", path, 1) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        raise RosterError("the roster is empty", path, 1)
    header = rows[0]
    id_col, name_col = _column(header, _ID_NAMES), _column(header, _NAME_NAMES)
    if id_col is None or name_col is None:
        raise RosterError(f"the header must have student_id and name columns; it has "
                          f"{', '.join(header)}", path, 1)
    students, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        student_id, name = cells[id_col].strip(), cells[name_col].strip()
        if not student_id:
            raise RosterError("empty student_id", path, number)
        if student_id in seen:
            raise RosterError(f"student_id {student_id!r} also on line {seen[student_id]}",
                              path, number)
        seen[student_id] = number
        extra = {h.strip(): c.strip() for k, (h, c) in enumerate(zip(header, cells))
                 if k not in (id_col, name_col)}
        students.append(Student(student_id, name or student_id, extra))
    if not students:
        raise RosterError("the roster has a header but no students", path, 1)
    return students
