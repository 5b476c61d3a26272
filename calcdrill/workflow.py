"""The class workflow end to end, as the command line and the web app run it.

Each function here is one user-visible step that touches files: grade a class's
submissions (and write GRADED.csv, the totals and the report), export a gradebook file.
``calcdrill.cli`` only parses options and calls one of these.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from calcdrill.errors import ClassFileError
from calcdrill.grading import GradedClass, grade_class, graded_students, write_graded
from calcdrill.lms import export_grades
from calcdrill.manifest import load_manifest
from calcdrill.rekey import refresh_keys
from calcdrill.report import write_class_report
from calcdrill.submissions import read_submissions
from generator.banks.load import Bank

__all__ = ["GradeOutcome", "export_file", "grade_files", "prepare_output"]


@dataclass(frozen=True)
class GradeOutcome:
    """What :func:`grade_files` graded and wrote.

    Attributes:
        graded: every input row with its verdicts, and the totals.
        summary: counts for the command line (rows, answers, correct, blank, ...).
        graded_path: GRADED.csv.
        report_path: the class report (HTML).
        keys: (changed, total) when the keys were refreshed from the banks, else None.
    """

    graded: GradedClass
    summary: dict[str, object]
    graded_path: Path
    report_path: Path
    keys: tuple[int, int] | None = None


def grade_files(submissions: str | Path, manifest: str | Path, out: str | Path, *,
                refresh_from: Sequence[Bank] | None = None, workers: int | None = None,
                progress: bool = False) -> GradeOutcome:
    """Grade a submissions file against a class manifest; write GRADED.csv, totals, report.

    Parameters:
        refresh_from: when given, every key is first made again from these banks
            (:func:`calcdrill.rekey.refresh_keys`).

    Raises:
        ClassFileError: for a manifest or submissions file that cannot be used, or an
            output that cannot be written (said before any grading is done).
        LookupError: when a problem's bank is not among ``refresh_from``.
    """
    out = prepare_output(out)
    class_manifest = load_manifest(manifest)
    keys = None
    if refresh_from is not None:
        keys = refresh_keys(class_manifest, refresh_from, progress=progress)
    graded = grade_class(class_manifest, read_submissions(submissions), workers=workers,
                         progress=progress)
    summary = write_graded(out, graded)
    report = write_class_report(out.with_suffix(".report.html"), graded)
    return GradeOutcome(graded, summary, out, report, keys)


def export_file(graded: str | Path, lms: str, out: str | Path, *,
                assignment: str = "calcdrill worksheet", column_id: str = "") -> Path:
    """Write the gradebook import file of ``lms`` from a GRADED.csv.

    Raises:
        ClassFileError: when ``graded`` is not a GRADED.csv written by calcdrill, or the
            output cannot be written.
        ValueError: for an unknown LMS.
    """
    out = prepare_output(out)
    return export_grades(graded_students(graded), lms, out, assignment=assignment,
                         column_id=column_id)


def prepare_output(out: str | Path) -> Path:
    """Make sure a file can be written at ``out`` before any work: its folder is created
    when missing; a folder in the file's place, or a folder that cannot be made, is refused.

    Raises:
        ClassFileError: saying why the file cannot be written there.
    """
    out = Path(out)
    if out.is_dir():
        raise ClassFileError("this is a folder: give a file name, e.g. "
                             f"{out / 'GRADED.csv'}", out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClassFileError(f"cannot create the folder {out.parent}: "
                             f"{exc.strerror or exc}", out) from None
    if not os.access(out.parent, os.W_OK):
        raise ClassFileError(f"cannot write in the folder {out.parent}", out)
    return out
