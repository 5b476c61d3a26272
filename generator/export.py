"""Gradebook files an LMS imports without editing: Canvas, Moodle, Blackboard, generic.

Each writer takes the per-student totals of a GRADED.csv (with the roster columns it
carries: email, section, username...) and writes the import format as the LMS documents
it (see ``../shared/lms-samples/README.md`` for the sources):

* Canvas gradebook import: ``Student,ID,SIS User ID,SIS Login ID,Section,<assignment>``,
  a ``    Points Possible`` row (four leading spaces), scores with two decimals; Canvas
  matches students by ID, then SIS User ID (our student_id), then SIS Login ID.
* Moodle grade import: free-form columns mapped on Moodle's preview page; we write an
  ``ID number`` and an ``Email address`` column (map either to the user) and the grade,
  every row with as many fields as the header.
* Blackboard Grade Center upload: ``"Last Name","First Name","Username",<column>`` with
  every value quoted; the column is ``<name> [Total Pts: N Score] |<Column ID>`` when the
  Grade Center column's id is given (else Blackboard creates a new text column).
* generic: ``student_id,name,score,max,percent`` and the roster columns.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Sequence

__all__ = ["EXPORTERS", "export_grades", "split_name"]


def split_name(name: str) -> tuple[str, str]:
    """(last, first) from "Last, First" or "First Middle Last".

    >>> split_name("Smith, John"), split_name("María José García")
    (('Smith', 'John'), ('García', 'María José'))
    """
    if "," in name:
        last, first = name.split(",", 1)
        return last.strip(), first.strip()
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if len(parts) > 1 else (name, "")


def _field(student: dict[str, str], *names: str) -> str:
    lowered = {k.lower().strip(): v for k, v in student.items() if k}
    return next((lowered[n] for n in names if lowered.get(n)), "")


def _number(text: str) -> str:
    try:
        return f"{float(text):.2f}"
    except ValueError:
        return ""


def _canvas(students, assignment: str, points: str, column_id: str, handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    title = f"{assignment} ({column_id})" if column_id else assignment
    writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", title])
    writer.writerow(["    Points Possible", "", "", "", "", _number(points)])
    for s in students:
        last, first = split_name(_field(s, "name"))
        sortable = f"{last}, {first}" if first else last
        writer.writerow([sortable, _field(s, "canvas_id", "canvas id"), s["student_id"],
                         _field(s, "sis_login_id", "login", "username", "email"),
                         _field(s, "section"), _number(s["score"])])


def _moodle(students, assignment: str, points: str, column_id: str, handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(["First name", "Last name", "ID number", "Email address", assignment])
    for s in students:
        last, first = split_name(_field(s, "name"))
        writer.writerow([first, last, s["student_id"], _field(s, "email", "email address"),
                         _number(s["score"])])


def _blackboard(students, assignment: str, points: str, column_id: str, handle) -> None:
    writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n")
    column = f"{assignment} [Total Pts: {points} Score]" + (f" |{column_id}" if column_id else "")
    writer.writerow(["Last Name", "First Name", "Username", column])
    for s in students:
        last, first = split_name(_field(s, "name"))
        writer.writerow([last, first, _field(s, "username", "user name") or s["student_id"],
                         _number(s["score"])])


def _generic(students, assignment: str, points: str, column_id: str, handle) -> None:
    writer = csv.writer(handle, lineterminator="\n")
    known = {"student_id", "name", "score", "max"}
    extras = [k for k in ("email", "section", "username") if any(_field(s, k) for s in students)]
    writer.writerow(["student_id", "name", "score", "max", "percent", *extras])
    for s in students:
        score, best = float(s["score"] or 0), float(s["max"] or 0)
        writer.writerow([s["student_id"], _field(s, "name"), f"{score:g}", s["max"],
                         f"{100 * score / best:.1f}" if best else "",
                         *[_field(s, k) for k in extras if k not in known]])


EXPORTERS: dict[str, Callable] = {
    "canvas": _canvas, "moodle": _moodle, "blackboard": _blackboard, "generic": _generic,
}


def export_grades(students: Sequence[dict[str, str]], lms: str, out: str | Path, *,
                  assignment: str = "calcdrill worksheet", column_id: str = "") -> Path:
    """Write the gradebook file of ``lms`` for per-student totals (see the module doc).

    Raises:
        ValueError: for an unknown LMS.
    """
    if lms not in EXPORTERS:
        raise ValueError(f"unknown LMS {lms!r}; use one of {', '.join(EXPORTERS)}")
    points = max((s["max"] for s in students), key=lambda v: float(v or 0), default="0")
    out = Path(out)
    # UTF-8 without a byte-order mark: what Canvas and Moodle write by default.
    with open(out, "w", encoding="utf-8", newline="") as handle:
        EXPORTERS[lms](list(students), assignment, points, column_id, handle)
    return out
