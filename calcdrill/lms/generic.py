"""A plain gradebook any spreadsheet reads: ``student_id,name,score,max,percent`` and roster columns."""

from __future__ import annotations

import csv

from calcdrill.lms.common import field

__all__ = ["write_gradebook"]


def write_gradebook(students, assignment: str, points: str, column_id: str, handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    known = {"student_id", "name", "score", "max"}
    extras = [k for k in ("email", "section", "username") if any(field(s, k) for s in students)]
    writer.writerow(["student_id", "name", "score", "max", "percent", *extras])
    for s in students:
        score, best = float(s["score"] or 0), float(s["max"] or 0)
        writer.writerow([s["student_id"], field(s, "name"), f"{score:g}", s["max"],
                         f"{100 * score / best:.1f}" if best else "",
                         *[field(s, k) for k in extras if k not in known]])
