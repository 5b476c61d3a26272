"""Grade a class: every submitted answer against the manifest of the generated worksheets.

Nothing is ever dropped: every input row is in the output with what was made of it.
Rules, as an instructor would want them:

* a blank answer scores 0 with "No answer.";
* an unknown student, an unknown code, or a code printed for another student is graded
  when it can be, flagged, and not counted in any total;
* when the same student answers the same problem twice, the **last** row counts (for a
  Canvas report, the highest attempt) and the others are flagged "superseded";
* each answer is bounded in time (:data:`grader.check.TIME_LIMIT`), so one pathological
  answer cannot stall the class.

The submissions are read by :mod:`calcdrill.submissions`, the manifest by
:mod:`calcdrill.manifest`; this module writes GRADED.csv and reads it back for exports.
"""

from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from calcdrill.csvtable import SubmissionTable, decode
from calcdrill.errors import ClassFileError
from calcdrill.manifest import ClassManifest, ManifestProblem
from calcdrill.submissions import ID_COLUMNS
from generator.codes import normalize_code
from grader import check

__all__ = ["GradedAnswer", "GradedClass", "grade_class", "graded_students", "write_graded"]

#: Answers graded in one process before a pool is worth starting.
POOL_THRESHOLD = 400


def _identify(manifest: ClassManifest, table: SubmissionTable, cells: list[str]) -> str:
    """The manifest's student_id for a row: by id, then by email, Canvas id or name."""
    values = [cells[c].strip() for c in (table.identity_columns or [table.id_column])]
    for value in values:
        if value in manifest.students:
            return value
    for value in values:
        if not value:
            continue
        for sid, student in manifest.students.items():
            extra = {k.lower(): str(v).strip() for k, v in student["extra"].items()}
            if value.lower() in (extra.get("email", "").lower(), extra.get("canvas_id", ""),
                                 student["name"].strip().lower()) and value:
                return sid
    return values[0] if values else ""


@dataclass
class GradedAnswer:
    """What was made of one answer cell."""

    line: int
    student_id: str
    number: int | None
    code: str
    status: str  # correct, incorrect, invalid, undecided, blank, unmatched
    score: float
    feedback: str
    mistake: str = ""
    flag: str = ""
    counted: bool = True
    precedence: float = 0.0


@dataclass
class GradedClass:
    """Every input row, graded, and the totals."""

    table: SubmissionTable
    manifest: ClassManifest
    answers: list[list[GradedAnswer]]  # per input row (wide rows hold several)
    totals: dict[str, float]
    possible: dict[str, int]


def _grade_one(job: tuple) -> tuple[str, float, str, str]:
    expected, answer, kind, variables, assume, tolerance, mistakes, shapes = job
    try:
        verdict = check(expected, answer, kind=kind, variables=variables, assume=assume,
                        tolerance=tolerance, mistakes=mistakes, shapes=shapes or None)
    except Exception as exc:  # noqa: BLE001
        # A grader bug on one answer must not cost the class its grades: the row is kept,
        # scored 0 and flagged for a person, with the error named so it can be reported.
        return ("undecided", 0.0, f"Could not be graded automatically ({type(exc).__name__}: "
                f"{exc}); flagged for your instructor.", "")
    return verdict.status, verdict.score, verdict.feedback, verdict.mistake


def _grade_many(jobs: list[tuple]) -> list[tuple[str, float, str, str]]:
    return [_grade_one(job) for job in jobs]


def grade_class(manifest: ClassManifest, table: SubmissionTable, *,
                workers: int | None = None, progress: bool = False) -> GradedClass:
    """Grade every answer of ``table`` (see the module's rules)."""
    from tqdm import tqdm

    answers: list[list[GradedAnswer]] = []
    jobs: list[tuple[GradedAnswer, ManifestProblem, str]] = []
    for index, (row, line) in enumerate(zip(table.rows, table.lines)):
        cells = row + [""] * (len(table.header) - len(row))
        student_id = _identify(manifest, table, cells)
        if table.form == "long":
            items = [(None, cells[table.code_column], cells[table.answer_column])]
        else:
            items = [(n, "", cells[c]) for n, c in sorted(table.question_columns.items())]
        graded_row = []
        for number, code, answer in items:
            graded = GradedAnswer(line, student_id, number, code.strip(), "unmatched", 0.0, "")
            graded.precedence = table.precedence[index] if table.precedence else line
            problem = _find_problem(manifest, graded, student_id, number, code)
            if table.notes and table.notes[index] and not graded.flag:
                graded.flag = table.notes[index]
            graded_row.append(graded)
            if problem is None:
                continue
            graded.number, graded.code = problem.number, problem.code
            if not answer.strip():
                graded.status, graded.feedback = "blank", "No answer."
            else:
                jobs.append((graded, problem, answer))
        answers.append(graded_row)
    _run(jobs, workers, progress, tqdm)
    _supersede(answers)
    totals: dict[str, float] = {sid: 0.0 for sid in manifest.students}
    for row in answers:
        for graded in row:
            if graded.counted and graded.student_id in totals:
                totals[graded.student_id] += graded.score
    possible = {sid: len(s["problems"]) for sid, s in manifest.students.items()}
    return GradedClass(table, manifest, answers, totals, possible)


def _find_problem(manifest: ClassManifest, graded: GradedAnswer, student_id: str,
                  number: int | None, code: str) -> ManifestProblem | None:
    student = manifest.students.get(student_id)
    if not student_id:
        graded.flag, graded.counted = "no student_id", False
    elif student is None:
        graded.flag, graded.counted = "unknown student", False
    if number is not None:  # wide form: the column says which problem
        if student is None:
            graded.feedback = "Not graded: the student is not in the manifest."
            return None
        problem = next((p for p in student["problems"] if p.number == number), None)
        if problem is None:
            graded.flag, graded.counted = f"no problem {number} on this worksheet", False
            graded.feedback = f"This worksheet has no problem {number}."
        return problem
    problem = manifest.by_code.get(normalize_code(code)) if code.strip() else None
    if problem is None:
        graded.flag = graded.flag or ("no code" if not code.strip() else "unknown code")
        graded.counted = False
        graded.feedback = ("Not graded: the code matches no problem of this class; check it "
                           "for a typo." if code.strip() else "Not graded: no problem code.")
        return None
    if student is not None and problem.student_id != student_id:
        graded.flag, graded.counted = f"code of another student ({problem.student_id})", False
    return problem


def _run(jobs, workers, progress, tqdm) -> None:
    payload = [(p.answer, answer, p.kind, p.variables, p.assume, p.tolerance, p.mistakes,
                p.shapes) for _, p, answer in jobs]
    workers = workers or os.cpu_count() or 1
    with tqdm(total=len(jobs), desc="grading", unit="answer", disable=not progress) as bar:
        if len(jobs) < POOL_THRESHOLD or workers == 1:
            results = []
            for job in payload:
                results.append(_grade_one(job))
                bar.update(1)
        else:
            size = max(50, len(payload) // (workers * 8))
            chunks = [payload[k:k + size] for k in range(0, len(payload), size)]
            results = []
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for chunk_results in pool.map(_grade_many, chunks):  # in order: deterministic
                    results.extend(chunk_results)
                    bar.update(len(chunk_results))
    for (graded, _, _), (status, score, feedback, mistake) in zip(jobs, results):
        graded.status, graded.score, graded.feedback, graded.mistake = \
            status, score, feedback, mistake


def _supersede(answers: list[list[GradedAnswer]]) -> None:
    """The last answer of a student to a problem counts; earlier ones are flagged."""
    last: dict[tuple[str, int], GradedAnswer] = {}
    for row in answers:
        for graded in row:
            if graded.number is None or not graded.counted:
                continue
            key = (graded.student_id, graded.number)
            if key in last:
                earlier, later = sorted((last[key], graded), key=lambda g: g.precedence)
                earlier.counted = False
                earlier.flag = f"superseded by line {later.line}"
                graded = later
            last[key] = graded


def write_graded(path: str | Path, graded: GradedClass) -> dict[str, object]:
    """Write GRADED.csv (every input row, with verdicts, feedback and the student's total)
    and ``<name>.totals.csv`` beside it; return a class summary."""
    path = Path(path)
    table, manifest = graded.table, graded.manifest
    extra_keys = sorted({k for s in manifest.students.values() for k in s["extra"]}
                        - {h.lower() for h in table.header})
    header = list(table.header) + (["name"] if "name" not in
                                   [h.lower() for h in table.header] else []) + extra_keys
    if table.form == "long":
        header += ["number", "status", "score", "feedback", "mistake", "flag", "counted",
                   "student_total", "student_max"]
    else:
        for number in sorted(table.question_columns):
            header += [f"q{number}_status", f"q{number}_score", f"q{number}_feedback"]
        header += ["flag", "total", "max"]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row, graded_row in zip(table.rows, graded.answers):
            cells = row + [""] * (len(table.header) - len(row))
            sid = graded_row[0].student_id if graded_row else ""
            student = manifest.students.get(sid, {"name": "", "extra": {}})
            out = list(cells)
            if "name" not in [h.lower() for h in table.header]:
                out.append(student["name"])
            out += [student["extra"].get(k, "") for k in extra_keys]
            total = f"{graded.totals.get(sid, 0):g}" if sid in manifest.students else ""
            best = str(graded.possible.get(sid, "")) if sid in manifest.students else ""
            if table.form == "long":
                g = graded_row[0]
                out += [g.number or "", g.status, f"{g.score:g}", g.feedback, g.mistake, g.flag,
                        "yes" if g.counted else "no", total, best]
            else:
                flags = []
                for g in graded_row:
                    out += [g.status, f"{g.score:g}", g.feedback]
                    if g.flag and g.flag not in flags:
                        flags.append(g.flag)
                out += ["; ".join(flags), total, best]
            writer.writerow(out)
    totals_path = path.with_suffix(".totals.csv")
    with open(totals_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "name", "score", "max", "percent"])
        for sid, student in manifest.students.items():
            score, best = graded.totals[sid], graded.possible[sid]
            writer.writerow([sid, student["name"], f"{score:g}", best,
                             f"{100 * score / best:.1f}" if best else ""])
    every = [g for row in graded.answers for g in row]
    submitted = {g.student_id for g in every}
    return {
        "rows": len(table.rows),
        "answers": len(every),
        "correct": sum(g.status == "correct" for g in every),
        "blank": sum(g.status == "blank" for g in every),
        "invalid": sum(g.status == "invalid" for g in every),
        "flagged": sum(bool(g.flag) for g in every),
        "unknown_students": sorted(s for s in submitted if s and s not in manifest.students),
        "missing_students": sorted(s for s in manifest.students if s not in submitted),
        "totals": str(totals_path),
    }


def graded_students(path: str | Path) -> list[dict[str, str]]:
    """Per-student totals read back from a GRADED.csv (for exports): one dict per student,
    with the roster columns the file carries."""
    path = Path(path)
    try:
        text = decode(path.read_bytes())
    except OSError as exc:
        raise ClassFileError(f"cannot read {path}: {exc}", path) from None
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    if not rows:
        raise ClassFileError("the graded file has no rows", path)
    id_key = next((k for k in rows[0] if k and k.strip().lower() in ID_COLUMNS), None)
    total_key = "student_total" if "student_total" in rows[0] else "total"
    max_key = "student_max" if "student_max" in rows[0] else "max"
    if id_key is None or total_key not in rows[0]:
        raise ClassFileError("not a GRADED.csv written by `calcdrill grade`", path)
    students: dict[str, dict[str, str]] = {}
    for row in rows:
        sid = row[id_key].strip()
        if sid and row.get(total_key, "") != "":
            students[sid] = {**row, "student_id": sid, "score": row[total_key],
                             "max": row.get(max_key, "")}
    return list(students.values())
