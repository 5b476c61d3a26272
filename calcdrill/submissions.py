"""Reading a class's submissions: calcdrill's long and wide CSV forms, or an LMS quiz report.

Two shapes of our own are read:

* long: ``student_id,code,answer``, one row per answer (the code printed beside the
  problem says which problem it answers);
* wide: ``student_id,q1,q2,...``, one row per student, columns in worksheet order;

and two quiz exports, recognised by their header: Moodle's quiz "Responses" report
(:mod:`calcdrill.lms.moodle`) and Canvas's quiz "Student Analysis" report
(:mod:`calcdrill.lms.canvas`).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from calcdrill.csvtable import SubmissionTable, decode
from calcdrill.errors import ClassFileError
from calcdrill.lms import canvas, moodle

__all__ = ["ID_COLUMNS", "read_submissions"]

#: Header names that hold the student's id, in order of preference.
ID_COLUMNS = ("student_id", "student id", "id", "studentid", "username", "id number")
_ANSWER_NAMES = ("answer", "response", "your answer")
_CODE_NAMES = ("code", "problem code", "problem")


def read_submissions(path: str | Path) -> SubmissionTable:
    """Read a long or wide submissions CSV in any of the dialects spreadsheets write.

    Raises:
        ClassFileError: when the file is empty or its shape cannot be recognised.
    """
    path = Path(path)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise ClassFileError(f"cannot read the submissions: {exc}", path) from None
    if not text.strip():
        raise ClassFileError("the submissions file is empty", path)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, lines = [], []
    for row in reader:
        rows.append(row)
        lines.append(reader.line_num)
    header, rows, lines = [h.strip() for h in rows[0]], rows[1:], lines[1:]
    lowered = [h.lower() for h in header]
    if moodle.is_responses(lowered):
        return moodle.read_responses(path, header, rows, lines)
    if canvas.is_student_analysis(lowered):
        return canvas.read_student_analysis(path, header, rows, lines)
    id_column = next((lowered.index(n) for n in ID_COLUMNS if n in lowered), None)
    if id_column is None:
        raise ClassFileError(f"no student_id column; the header is {', '.join(header)}", path)
    answer_column = next((lowered.index(n) for n in _ANSWER_NAMES if n in lowered), None)
    code_column = next((lowered.index(n) for n in _CODE_NAMES if n in lowered), None)
    table = SubmissionTable(path, header, rows, lines, "long", id_column)
    if answer_column is not None and code_column is not None:
        table.code_column, table.answer_column = code_column, answer_column
        return table
    questions = {int(m.group(1)): k for k, h in enumerate(lowered)
                 if (m := re.fullmatch(r"(?:q|question\s*|problem\s*)?(\d{1,3})", h))}
    if not questions:
        raise ClassFileError("cannot tell the shape of the file: expected student_id,code,answer "
                         "(one row per answer) or student_id,q1,q2,... (one row per student)",
                         path)
    table.form, table.question_columns = "wide", questions
    return table
