"""The class workflow end to end, as the command line and the web app run it.

Each function here is one user-visible step that touches files: grade a class's
submissions (and write GRADED.csv, the totals and the report), export a gradebook file.
``calcdrill.cli`` only parses options and calls one of these.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from calcdrill.grading import GradedClass, grade_class, graded_students, write_graded
from calcdrill.lms import export_grades
from calcdrill.manifest import load_manifest
from calcdrill.rekey import refresh_keys
from calcdrill.report import write_class_report
from calcdrill.submissions import read_submissions
from generator.banks.load import Bank

__all__ = ["GradeOutcome", "export_file", "grade_files"]


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
        ClassFileError: for a manifest or submissions file that cannot be used.
        LookupError: when a problem's bank is not among ``refresh_from``.
    """
    class_manifest = load_manifest(manifest)
    keys = None
    if refresh_from is not None:
        keys = refresh_keys(class_manifest, refresh_from, progress=progress)
    graded = grade_class(class_manifest, read_submissions(submissions), workers=workers,
                         progress=progress)
    out = Path(out)
    summary = write_graded(out, graded)
    report = write_class_report(out.with_suffix(".report.html"), graded)
    return GradeOutcome(graded, summary, out, report, keys)


def export_file(graded: str | Path, lms: str, out: str | Path, *,
                assignment: str = "calcdrill worksheet", column_id: str = "") -> Path:
    """Write the gradebook import file of ``lms`` from a GRADED.csv.

    Raises:
        ClassFileError: when ``graded`` is not a GRADED.csv written by calcdrill.
        ValueError: for an unknown LMS.
    """
    return export_grades(graded_students(graded), lms, out, assignment=assignment,
                         column_id=column_id)
