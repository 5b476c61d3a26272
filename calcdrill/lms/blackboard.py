"""Blackboard: the Grade Center upload file.

``"Last Name","First Name","Username",<column>`` with every value quoted; the column is
``<name> [Total Pts: N Score] |<Column ID>`` when the Grade Center column's id is given
(else Blackboard creates a new text column).  Blackboard matches students by
``Username`` only: the roster's ``username`` column, else our student_id.
"""

from __future__ import annotations

from calcdrill.csvtable import write_csv
from calcdrill.lms.common import field, first_last, score_text

__all__ = ["write_grade_center"]


def write_grade_center(students, assignment: str, points: str, column_id: str, handle) -> None:
    """The upload file; names come from the roster's first/last columns, else the whole
    name goes in ``Last Name`` (Blackboard does not match on names); an absent student's
    score is empty, which leaves the Grade Center cell without a grade."""
    column = f"{assignment} [Total Pts: {points} Score]" + (f" |{column_id}" if column_id else "")
    rows = []
    for s in students:
        first, last = first_last(s) or ("", field(s, "name"))
        rows.append([last, first, field(s, "username", "user name") or s["student_id"],
                     score_text(s["score"])])
    write_csv(handle, ["Last Name", "First Name", "Username", column], rows, quote_all=True)
