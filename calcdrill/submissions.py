"""Reading a class's submissions: calcdrill's long and wide CSV forms, or an LMS quiz report.

Two shapes of our own are read:

* long: ``student_id,code,answer``, one row per answer (the code printed beside the
  problem says which problem it answers);
* wide: ``student_id,q1,q2,...``, one row per student, columns in worksheet order;

and two quiz exports, recognised by their header: Moodle's quiz "Responses" report
(:mod:`calcdrill.lms.moodle`) and Canvas's quiz "Student Analysis" report
(:mod:`calcdrill.lms.canvas`).

No row is lost: the file is read by :func:`calcdrill.csvtable.read_csv`, and every
non-empty row comes back with what was wrong with it (an unclosed quote, extra cells...),
for :mod:`calcdrill.grading` to flag or refuse with that reason.
"""

from __future__ import annotations

import re
from pathlib import Path

from calcdrill.csvtable import SubmissionTable, read_csv
from calcdrill.errors import ClassFileError
from calcdrill.lms import canvas, moodle

__all__ = ["EXCEL_ERRORS", "ID_COLUMNS", "read_submissions"]

#: Header names that hold the student's id, in order of preference.
ID_COLUMNS = ("student_id", "student id", "id", "studentid", "username", "id number")
_ANSWER_NAMES = ("answer", "response", "your answer")
_CODE_NAMES = ("code", "problem code", "problem")
#: What Excel leaves in a cell whose text it took for a formula (``=x+1``, ``-x``).
EXCEL_ERRORS = frozenset({"#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!"})


def read_submissions(path: str | Path) -> SubmissionTable:
    """Read a long or wide submissions CSV in any of the dialects spreadsheets write.

    Raises:
        ClassFileError: when the file is empty or its shape cannot be recognised.
    """
    path = Path(path)
    csv_table = read_csv(path, what="submissions file")
    if not csv_table.records and not csv_table.header:
        raise ClassFileError("the submissions file is empty", path)
    header = csv_table.header
    lowered = [h.lower() for h in header]
    rows = [list(r.cells) for r in csv_table.records]
    lines = [r.line for r in csv_table.records]
    problems = [list(r.problems) for r in csv_table.records]
    refused = [r.refused for r in csv_table.records]
    hints = list(csv_table.hints) + _duplicate_columns(header)
    delimiter = "tab" if csv_table.delimiter == "\t" else repr(csv_table.delimiter)
    width = len(header)
    answer_last = False
    if not (moodle.is_responses(lowered) or canvas.is_student_analysis(lowered)):
        answer_column = next((lowered.index(n) for n in _ANSWER_NAMES if n in lowered), None)
        answer_last = answer_column == width - 1
    for k, cells in enumerate(rows):
        if [c.strip().lower() for c in cells[:width]] == lowered:
            refused[k] = True
            problems[k].append("a repeated header row (two files pasted together?)")
        while len(cells) > width and not cells[-1].strip():
            cells.pop()  # a spreadsheet's trailing empty cells
        if len(cells) > width:
            extra = cells[width:]
            if not any(c.strip() for c in extra):
                del cells[width:]  # a spreadsheet's trailing empty cells
            elif answer_last:
                cells[width - 1:] = [csv_table.delimiter.join(cells[width - 1:])]
                problems[k].append(f"unquoted {delimiter} in the answer: the rest of the row "
                                   "was read as the answer")
            else:
                del cells[width:]
                problems[k].append(f"{len(extra)} more cell(s) than the header (an unquoted "
                                   f"{delimiter} in an answer?): check this row by hand")
        cells.extend([""] * (width - len(cells)))
    table = _shape(path, header, lowered, rows, lines)
    table.problems = ["; ".join(p) for p in problems]
    table.refused = refused
    table.blank_rows = csv_table.blank_rows
    table.hints = hints + _answer_hints(table, csv_table.encoding)
    return table


def _shape(path: Path, header: list[str], lowered: list[str], rows: list[list[str]],
           lines: list[int]) -> SubmissionTable:
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
    questions: dict[int, int] = {}
    for k, h in enumerate(lowered):
        match = re.fullmatch(r"(?:q|question\s*|problem\s*)?(\d{1,3})", h)
        if match:
            questions.setdefault(int(match.group(1)), k)  # a duplicated column: the first
    if not questions:
        raise ClassFileError("cannot tell the shape of the file: expected student_id,code,answer "
                             "(one row per answer) or student_id,q1,q2,... (one row per student)",
                             path)
    table.form, table.question_columns = "wide", questions
    return table


def _duplicate_columns(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    hints = []
    for k, name in enumerate(header, start=1):
        key = name.strip().lower()
        if not key:
            continue
        if key in seen:
            hints.append(f"column {name!r} appears twice (columns {seen[key]} and {k}): "
                         "the first one is used")
        else:
            seen[key] = k
    return hints


def answer_cells(table: SubmissionTable) -> list[str]:
    """Every answer cell of the table, in order."""
    if table.form == "long":
        return [row[table.answer_column] for row in table.rows]
    columns = sorted(table.question_columns.values())
    return [row[c] for row in table.rows for c in columns]


def _answer_hints(table: SubmissionTable, encoding: str) -> list[str]:
    """One diagnosis for the whole file, instead of the same error on every row."""
    answers = [a.strip() for a in answer_cells(table)]
    hints = []
    excel = sum(a in EXCEL_ERRORS for a in answers)
    if excel:
        hints.append(f"{_count(excel, 'answer')} read '#NAME?' or another Excel error: Excel took "
                     "answers starting with =, + or - for formulas. Format the answer column "
                     "as Text before typing or pasting answers, then export again")
    marks = sum("?" in a for a in answers if a not in EXCEL_ERRORS)
    if marks:
        saved = " (the file is Windows-1252, not UTF-8)" if encoding in ("cp1252", "mixed") else ""
        hints.append(f"{_count(marks, 'answer')} contain{'s' if marks == 1 else ''} '?', which "
                     "Excel writes in place of characters its plain 'CSV' format cannot "
                     f"store (√, ², π...){saved}: "
                     "re-save the file as 'CSV UTF-8 (Comma delimited)'")
    return hints


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
