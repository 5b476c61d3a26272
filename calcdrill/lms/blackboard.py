"""Blackboard: the Grade Center upload file.

``"Last Name","First Name","Username",<column>`` with every value quoted; the column is
``<name> [Total Pts: N Score] |<Column ID>`` when the Grade Center column's id is given
(else Blackboard creates a new text column).
"""

from __future__ import annotations

import csv

from calcdrill.lms.common import field, score_text, split_name

__all__ = ["write_grade_center"]


def write_grade_center(students, assignment: str, points: str, column_id: str, handle) -> None:
    writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
    column = f"{assignment} [Total Pts: {points} Score]" + (f" |{column_id}" if column_id else "")
    writer.writerow(["Last Name", "First Name", "Username", column])
    for s in students:
        last, first = split_name(field(s, "name"))
        writer.writerow([last, first, field(s, "username", "user name") or s["student_id"],
                         score_text(s["score"])])
