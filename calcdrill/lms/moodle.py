"""Moodle: the quiz "Responses" report in, the grade import file out.

* In: "Response N" is problem N of the worksheet; students are matched by ``ID number``
  (when the site shows it) or ``Email address`` against the roster's email; "-" means no
  response; a STACK response ``Seed: 1; ans1: x^2 [score]; ...`` is read as its first
  input; unfinished attempts are flagged.
* Out: free-form columns mapped on Moodle's import preview page: we write ``ID number``
  and ``Email address`` (map either to the user), ``Username`` when the roster has one,
  and the grade (empty for an absent student), every row with as many fields as the header.
"""

from __future__ import annotations

import re
from pathlib import Path

from calcdrill.csvtable import SubmissionTable, write_csv
from calcdrill.errors import ClassFileError
from calcdrill.lms.common import field, first_last, score_text

__all__ = ["is_responses", "read_responses", "write_grade_import"]


def is_responses(header: list[str]) -> bool:
    """Whether a (lower-cased) header is a Moodle quiz Responses report's."""
    return any(re.fullmatch(r"response \d+", h) for h in header)


def read_responses(path: Path, header, rows, lines) -> SubmissionTable:
    """A Moodle quiz "Responses" report: "Response N" is problem N of the worksheet.

    Students are matched by ``ID number`` (when the site shows it) or ``Email address``
    against the roster's email; "-" means no response; a STACK response
    ``Seed: 1; ans1: x^2 [score]; ...`` is read as its first input, ``x^2``.
    """
    lowered = [h.lower() for h in header]
    identity = [lowered.index(n) for n in ("id number", "email address", "email")
                if n in lowered]
    if not identity:
        raise ClassFileError("a Moodle responses report needs an 'Email address' or 'ID number' "
                         "column to know the students (turn it on in the report options)", path)
    questions = {int(m.group(1)): k for k, h in enumerate(lowered)
                 if (m := re.fullmatch(r"response (\d+)", h))}
    state = lowered.index("state") if "state" in lowered else (
        lowered.index("status") if "status" in lowered else None)
    cleaned, notes = [], []
    for row in rows:
        row = list(row) + [""] * (len(header) - len(row))
        for column in questions.values():
            row[column] = _moodle_cell(row[column])
        cleaned.append(row)
        status = "finished" if state is None else row[state].strip().lower()
        notes.append("" if status == "finished" else
                     "no attempt" if status in ("", "-") else f"attempt {status}")
    return SubmissionTable(path, header, cleaned, lines, "wide", identity[0],
                           question_columns=questions, source="moodle",
                           identity_columns=identity, notes=notes)


def _moodle_cell(cell: str) -> str:
    cell = cell.strip()
    if cell == "-":
        return ""
    stack = re.match(r"Seed:\s*\d+;\s*[A-Za-z_]\w*:\s*(.*?)\s*\[[a-z]+\]", cell)
    return stack.group(1) if stack else cell


def write_grade_import(students, assignment: str, points: str, column_id: str, handle) -> None:
    """Moodle's grade import: ``ID number`` and ``Email address`` (map either to the user on
    the preview page), ``Username`` when the roster has one, the names for reading, and
    the grade; an absent student's cell is empty, which Moodle imports as no grade.

    The names are ``First name``/``Last name`` when the roster has those columns, else one
    ``Name`` column with the whole name (Moodle matches by ID number or email, never name).
    """
    split = any(first_last(s) for s in students)
    usernames = any(field(s, "username") for s in students)
    header = (["First name", "Last name"] if split else ["Name"]) + \
        ["ID number", "Email address"] + (["Username"] if usernames else []) + [assignment]
    rows = []
    for s in students:
        first, last = first_last(s) or ("", "")
        names = [first, last] if split else [field(s, "name")]
        rows.append(names + [field(s, "id_number", "id number", "idnumber") or s["student_id"],
                             field(s, "email", "email address")]
                    + ([field(s, "username")] if usernames else []) + [score_text(s["score"])])
    write_csv(handle, header, rows)
