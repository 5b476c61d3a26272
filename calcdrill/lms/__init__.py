"""The LMSs calcdrill talks to, one module each holding both directions of its files.

Gradebook files an LMS imports without editing: Canvas, Moodle, Blackboard, generic.

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
* generic: ``student_id,name,score,max,percent,submitted`` and the roster columns.

Every student of the roster is in every file; an absent student (no row in the
submissions) gets an empty score, which each of these LMSs reads as "no grade" rather
than zero.  Cells are written by :func:`calcdrill.csvtable.write_csv` (formula-safe).
Names are never split by guessing (see :mod:`calcdrill.lms.common`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from calcdrill.errors import ClassFileError
from calcdrill.lms import blackboard, canvas, generic, moodle
__all__ = ["EXPORTERS", "export_grades"]


EXPORTERS: dict[str, Callable] = {
    "canvas": canvas.write_gradebook, "moodle": moodle.write_grade_import,
    "blackboard": blackboard.write_grade_center, "generic": generic.write_gradebook,
}


def export_grades(students: Sequence[dict[str, str]], lms: str, out: str | Path, *,
                  assignment: str = "calcdrill worksheet", column_id: str = "") -> Path:
    """Write the gradebook file of ``lms`` for per-student totals (see the module doc).

    Raises:
        ValueError: for an unknown LMS.
        ClassFileError: when the file cannot be written.
    """
    if lms not in EXPORTERS:
        raise ValueError(f"unknown LMS {lms!r}; use one of {', '.join(EXPORTERS)}")
    points = max((s["max"] for s in students), key=lambda v: float(v or 0), default="0")
    out = Path(out)
    # UTF-8 without a byte-order mark: what Canvas and Moodle write by default.
    try:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            EXPORTERS[lms](list(students), assignment, points, column_id, handle)
    except OSError as exc:
        raise ClassFileError(f"cannot write: {exc.strerror or exc}", out) from None
    return out
