"""Canvas: the quiz "Student Analysis" report in, the gradebook import file out.

* In: the k-th question column (``<id>: <question text>``) is problem k; students are
  matched by ``sis_id`` (our student_id), then the Canvas ``id`` or the name against the
  roster; with all attempts included, the highest attempt counts.
* Out: ``Student,ID,SIS User ID,SIS Login ID,Section,<assignment>``, a ``    Points
  Possible`` row (four leading spaces), scores with two decimals, every roster student
  (an absent one with an empty score); Canvas matches students by ID, then SIS User ID
  (``sis_id``, else our student_id), then SIS Login ID.
"""

from __future__ import annotations

import re
from pathlib import Path

from calcdrill.csvtable import SubmissionTable, write_csv
from calcdrill.errors import ClassFileError
from calcdrill.lms.common import field, first_last, score_text

__all__ = ["is_student_analysis", "read_student_analysis", "write_gradebook"]


def is_student_analysis(header: list[str]) -> bool:
    """Whether a (lower-cased) header is a Canvas quiz Student Analysis report's."""
    return header[:2] == ["name", "id"] and "n correct" in header


def read_student_analysis(path: Path, header, rows, lines) -> SubmissionTable:
    """A Canvas quiz "Student Analysis" report: the k-th question is problem k.

    Students are matched by ``sis_id`` (our student_id), then the Canvas ``id`` or the
    name against the roster; with all attempts included, the highest attempt counts.
    """
    lowered = [h.lower() for h in header]
    questions = {}
    for k, h in enumerate(header):
        if re.match(r"^\d+:\s", h):
            questions[len(questions) + 1] = k
    if not questions:
        raise ClassFileError("no question columns ('<id>: <question text>') in this Canvas "
                         "report", path)
    identity = [lowered.index(n) for n in ("sis_id", "id", "name") if n in lowered]
    attempt = lowered.index("attempt") if "attempt" in lowered else None
    precedence = []
    for row, line in zip(rows, lines):
        try:
            number = float(row[attempt]) if attempt is not None else 0.0
        except (ValueError, IndexError):
            number = 0.0
        precedence.append(number * 1e6 + line)
    return SubmissionTable(path, header, [list(r) for r in rows], lines, "wide", identity[0],
                           question_columns=questions, source="canvas",
                           identity_columns=identity, precedence=precedence)


def write_gradebook(students, assignment: str, points: str, column_id: str, handle) -> None:
    """Canvas's gradebook import: every roster student; an absent one gets an empty cell
    (Canvas reads blank as "no score", so its missing-submission policy applies).

    ``Student`` is "Last, First" from the roster's first/last name columns, else the
    whole display name; Canvas matches by ``ID`` (a ``canvas_id`` roster column), then
    ``SIS User ID`` (``sis_id``, else our student_id), then ``SIS Login ID``.
    """
    title = f"{assignment} ({column_id})" if column_id else assignment
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title]
    rows = [["    Points Possible", "", "", "", "", score_text(points)]]
    for s in students:
        parts = first_last(s)
        name = (f"{parts[1]}, {parts[0]}" if parts[0] and parts[1] else parts[0] or parts[1]) \
            if parts else field(s, "name")
        rows.append([name, field(s, "canvas_id", "canvas id", "canvas_user_id"),
                     field(s, "sis_id", "sis user id", "sis_user_id") or s["student_id"],
                     field(s, "sis_login_id", "sis login id", "login", "username"),
                     field(s, "section"), score_text(s["score"])])
    write_csv(handle, header, rows)
