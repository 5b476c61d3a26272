"""Class rosters: who gets a worksheet.

A roster is a CSV file with a header holding at least ``student_id`` and ``name`` (or
``first_name`` and ``last_name``); more columns are kept and flow through GRADED.csv to
the exports, which use these when present (case-insensitive, spaces or underscores):

* ``first_name``, ``last_name``: the split the LMS shows (never guessed from ``name``);
* ``email``: Moodle matches by it (or by ``id_number``, default our student_id);
* ``username``: Blackboard matches by it (default our student_id); Moodle may too;
* ``sis_id``, ``canvas_id``, ``sis_login_id``: Canvas's SIS User ID, ID, SIS Login ID;
* ``section``.

Real files come from spreadsheets: UTF-8 with or without a byte-order mark (or Excel's
cp1252, line by line), commas, semicolons or tabs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from calcdrill.csvtable import read_csv
from calcdrill.errors import ClassFileError, RosterError

__all__ = ["RosterError", "Student", "read_roster"]



@dataclass(frozen=True)
class Student:
    """One student: the id that names their files, their name, and any other columns."""

    student_id: str
    name: str
    extra: dict[str, str] = field(default_factory=dict, compare=False)


_ID_NAMES = ("student_id", "student id", "id", "studentid", "username", "id number")
_NAME_NAMES = ("name", "student", "full name", "student name")
_FIRST = ("first_name", "first name", "firstname", "given_name", "given name")
_LAST = ("last_name", "last name", "lastname", "surname", "family_name", "family name")


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
            A name may come from ``first_name`` and ``last_name`` when there is no
            ``name`` column.
    """
    path = Path(path)
    try:
        table = read_csv(path, what="roster")
    except ClassFileError as err:
        raise RosterError(err.reason, path, err.line) from None
    header = table.header
    id_col, name_col = _column(header, _ID_NAMES), _column(header, _NAME_NAMES)
    first_col, last_col = _column(header, _FIRST), _column(header, _LAST)
    if id_col is None or (name_col is None and first_col is None and last_col is None):
        raise RosterError(f"the header must have student_id and name columns; it has "
                          f"{', '.join(header)}", path, table.header_line)
    for record in table.records:
        if record.refused or any(p.startswith("unclosed quote") for p in record.problems):
            raise RosterError("; ".join(record.problems), path, record.line)
    rows = [(r.line, r.cells) for r in table.records]
    students, seen = [], {}
    for number, row in rows:
        cells = row + [""] * (len(header) - len(row))
        student_id = cells[id_col].strip()
        name = cells[name_col].strip() if name_col is not None else " ".join(
            cells[c].strip() for c in (first_col, last_col) if c is not None and cells[c].strip())
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
