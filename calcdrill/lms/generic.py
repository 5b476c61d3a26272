"""A plain gradebook any spreadsheet reads: ``student_id,name,score,max,percent,submitted``
and the roster's other columns."""

from __future__ import annotations

from calcdrill.csvtable import write_csv
from calcdrill.lms.common import field

__all__ = ["write_gradebook"]

_OWN = {"student_id", "name", "score", "max", "percent", "submitted"}


def write_gradebook(students, assignment: str, points: str, column_id: str, handle) -> None:
    """Every roster student; an absent one has an empty score and ``submitted`` = no."""
    extras: list[str] = []
    for s in students:
        extras += [k for k in s if k and k not in _OWN and k not in extras and field(s, k)]
    rows = []
    for s in students:
        score, best = s["score"].strip(), float(s["max"] or 0)
        percent = f"{100 * float(score) / best:.1f}" if score and best else ""
        rows.append([s["student_id"], field(s, "name"), score, s["max"], percent,
                     s.get("submitted") or ("yes" if score else "no"),
                     *[s.get(k, "") for k in extras]])
    write_csv(handle, ["student_id", "name", "score", "max", "percent", "submitted", *extras],
              rows, bom=False)
