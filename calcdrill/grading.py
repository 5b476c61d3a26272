"""Grade a class: every submitted answer against the manifest of the generated worksheets.

Nothing is ever dropped: every input row is in the output with what was made of it.
Rules, as an instructor would want them:

* a blank answer scores 0 with "No answer.";
* an unknown student, an unknown code, or a code printed for another student is graded
  when it can be, flagged, and not counted in any total;
* when the same student answers the same problem twice, the **last** row counts (for a
  Canvas report, the highest attempt) and the others are flagged "superseded";
* each answer is bounded in time (:data:`grader.check.TIME_LIMIT`), so one pathological
  answer cannot stall the class;
* a damaged row (an unclosed quote, extra cells) is graded as it was read and flagged
  with what was wrong; a row that cannot be used (a repeated header, a cell cut for being
  too long) is kept, marked ``refused`` with the reason, and not counted;
* a student with no row in the file is *absent*: no score (not 0) in the totals and
  every export, so the LMS's own missing-work rule applies.

The submissions are read by :mod:`calcdrill.submissions`, the manifest by
:mod:`calcdrill.manifest`; this module writes GRADED.csv and reads it back for exports.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from calcdrill.csvtable import (
    SubmissionTable, decode, format_score, read_back, write_csv,
)
from calcdrill.errors import ClassFileError
from calcdrill.manifest import ClassManifest, ManifestProblem
from calcdrill.plaintext import plain_text
from calcdrill.progress import progress_bar
from calcdrill.submissions import EXCEL_ERRORS
from generator.codes import normalize_code
from grader import check

__all__ = ["GradedAnswer", "GradedClass", "grade_class", "graded_students", "suggest_code",
           "write_graded"]

#: Answers graded in one process before a pool is worth starting.
POOL_THRESHOLD = 400
#: Roster columns that may identify a student in a submissions file, besides student_id.
IDENTITY_KEYS = ("email", "email address", "username", "sis_id", "sis_login_id", "canvas_id",
                 "id_number", "id number")
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32, as codes print
#: Distinct unknown codes a suggestion is looked for (each costs ~50 look-ups).
MAX_SUGGESTIONS = 20_000


def _identity_index(manifest: ClassManifest) -> dict[str, str]:
    """Lower-cased roster values (email, username, Canvas id, name...) -> student_id.

    Built once per class, so a file of a million rows is matched in linear time."""
    index: dict[str, str] = {}
    for sid, student in manifest.students.items():
        extra = {str(k).strip().lower(): str(v).strip() for k, v in student["extra"].items()}
        for value in [student["name"].strip()] + [extra.get(k, "") for k in IDENTITY_KEYS]:
            if value:
                index.setdefault(value.lower(), sid)
    return index


def _identify(manifest: ClassManifest, index: dict[str, str], table: SubmissionTable,
              cells: list[str]) -> str:
    """The manifest's student_id for a row: by id, then by email, username, Canvas id, name."""
    values = [cells[c].strip() for c in (table.identity_columns or [table.id_column])]
    for value in values:
        if value in manifest.students:
            return value
    for value in values:
        if value and value.lower() in index:
            return index[value.lower()]
    return values[0] if values else ""


@dataclass(slots=True)  # a million of these must fit in memory
class GradedAnswer:
    """What was made of one answer cell.

    Attributes:
        status: correct, incorrect, invalid, undecided, blank, unmatched or refused.
        read_as: how the grader read the answer, as plain text (``(4x - 3)·e^(2x² - 3x)``).
    """

    line: int
    student_id: str
    number: int | None
    code: str
    status: str
    score: float
    feedback: str
    mistake: str = ""
    flag: str = ""
    counted: bool = True
    precedence: float = 0.0
    read_as: str = ""


@dataclass
class GradedClass:
    """Every input row, graded, and the totals.

    Attributes:
        totals: per roster student, the score (absent students score 0 here, but are
            left out of :attr:`submitted` and get no score in any file).
        submitted: the students with at least one row in the file.
    """

    table: SubmissionTable
    manifest: ClassManifest
    answers: list[list[GradedAnswer]]  # per input row (wide rows hold several)
    totals: dict[str, float]
    possible: dict[str, int]
    submitted: set[str] = field(default_factory=set)


def _grade_one(job: tuple) -> tuple[str, float, str, str, str]:
    expected, answer, kind, variables, assume, tolerance, mistakes, shapes = job
    try:
        verdict = check(expected, answer, kind=kind, variables=variables, assume=assume,
                        tolerance=tolerance, mistakes=mistakes, shapes=shapes or None)
    except Exception as exc:  # noqa: BLE001
        # A grader bug on one answer must not cost the class its grades: the row is kept,
        # scored 0 and flagged for a person, with the error named so it can be reported.
        return ("undecided", 0.0, f"Could not be graded automatically ({type(exc).__name__}: "
                f"{exc}); flagged for your instructor.", "", "")
    try:
        read_as = plain_text(verdict.interpreted) if verdict.interpreted else ""
    except (ValueError, IndexError, RecursionError):
        read_as = ""  # the echo is a courtesy: never worth losing the verdict over
    return verdict.status, verdict.score, verdict.feedback, verdict.mistake, read_as


def _grade_many(jobs: list[tuple]) -> list[tuple[str, float, str, str, str]]:
    return [_grade_one(job) for job in jobs]


def grade_class(manifest: ClassManifest, table: SubmissionTable, *,
                workers: int | None = None, progress: bool = False) -> GradedClass:
    """Grade every answer of ``table`` (see the module's rules)."""
    answers: list[list[GradedAnswer]] = []
    jobs: list[tuple[GradedAnswer, ManifestProblem, str]] = []
    index = _identity_index(manifest)
    codes = _CodeIndex(manifest)
    suggestions: dict[tuple[str, str], str] = {}
    submitted: set[str] = set()
    for k, (row, line) in enumerate(zip(table.rows, table.lines)):
        cells = row + [""] * (len(table.header) - len(row))
        student_id = _identify(manifest, index, table, cells)
        note = table.notes[k] if table.notes else ""
        if student_id in manifest.students and note != "no attempt":
            submitted.add(student_id)
        if table.form == "long":
            items = [(None, cells[table.code_column], cells[table.answer_column])]
        else:
            items = [(n, "", cells[c]) for n, c in sorted(table.question_columns.items())]
        problem_text = table.problems[k] if table.problems else ""
        refused = bool(table.refused and table.refused[k])
        graded_row = []
        for number, code, answer in items:
            graded = GradedAnswer(line, student_id, number, code.strip(), "unmatched", 0.0, "")
            graded.precedence = table.precedence[k] if table.precedence else line
            graded_row.append(graded)
            if refused:
                graded.status, graded.counted = "refused", False
                graded.flag = problem_text
                graded.feedback = f"Not graded: {problem_text}."
                continue
            problem = _find_problem(manifest, codes, suggestions, graded, student_id, number,
                                    code)
            graded.flag = "; ".join(f for f in (graded.flag, note, problem_text) if f)
            if problem is None:
                continue
            graded.number, graded.code = problem.number, problem.code
            if not answer.strip():
                graded.status, graded.feedback = "blank", "No answer."
            elif answer.strip() in EXCEL_ERRORS:
                graded.status = "invalid"
                graded.feedback = (f"Excel replaced this answer with {answer.strip()} (it took "
                                   "the answer for a formula); see the note on the file.")
            else:
                jobs.append((graded, problem, answer))
        answers.append(graded_row)
    _run(jobs, workers, progress)
    _supersede(answers)
    totals: dict[str, float] = {sid: 0.0 for sid in manifest.students}
    for row in answers:
        for graded in row:
            if graded.counted and graded.student_id in totals:
                totals[graded.student_id] += graded.score
    possible = {sid: len(s["problems"]) for sid, s in manifest.students.items()}
    return GradedClass(table, manifest, answers, totals, possible, submitted)


class _CodeIndex:
    """The class's codes, for suggesting the one a typo was meant to be.

    A code one typo away shares a "deletion variant" with the typed one: a character left
    out is the typed code itself; a character typed twice, a variant of the typed code; a
    mistyped character, the same variant at the same place.  Indexing every code's
    variants (built on the first unknown code) makes each look-up ~25 dict probes.
    """

    def __init__(self, manifest: ClassManifest) -> None:
        self.manifest = manifest
        self._exact: dict[str, list[ManifestProblem]] | None = None
        self._variants: dict[tuple[int, str], list[ManifestProblem]] = {}

    def _build(self) -> None:
        self._exact = {}
        for code, problem in self.manifest.by_code.items():
            raw = code.replace("-", "")
            self._exact.setdefault(raw, []).append(problem)
            for k in range(len(raw)):
                self._variants.setdefault((k, raw[:k] + raw[k + 1:]), []).append(problem)

    def near(self, raw: str) -> list[ManifestProblem]:
        """Problems whose code is one typo from ``raw`` (hyphens removed)."""
        if self._exact is None:
            self._build()
        exact, variants = self._exact or {}, self._variants
        found: list[ManifestProblem] = []
        for k in range(len(raw) + 1):
            found += variants.get((k, raw), ())                   # a character left out
            if k < len(raw):
                shorter = raw[:k] + raw[k + 1:]
                found += exact.get(shorter, ())                  # a character typed twice
                found += variants.get((k, shorter), ())          # a character mistyped
            if k < len(raw) - 1:
                found += exact.get(raw[:k] + raw[k + 1] + raw[k] + raw[k + 2:], ())  # swap
        return [p for p in found if p.code.replace("-", "") != raw]


def suggest_code(typed: str, codes: _CodeIndex, student_id: str = "") -> str:
    """The class's code one typo away from ``typed`` (a wrong, missing or extra character,
    or two neighbours swapped), or "" when there is none or no single best one.

    The check characters of a code catch every such typo, so a code one typo away from a
    valid one was almost surely meant to be it; when several are, the student's own wins.
    """
    raw = normalize_code(typed).replace("-", "")
    if not 10 <= len(raw) <= 14:
        return ""
    found = {p.code: p for p in codes.near(raw)}
    own = [c for c, p in found.items() if p.student_id == student_id]
    if len(own) == 1:
        return own[0]
    return next(iter(found)) if len(found) == 1 else ""


def _find_problem(manifest: ClassManifest, codes: _CodeIndex,
                  suggestions: dict[tuple[str, str], str], graded: GradedAnswer,
                  student_id: str, number: int | None, code: str) -> ManifestProblem | None:
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
        graded.counted = False
        if not code.strip():
            graded.flag = graded.flag or "no code"
            graded.feedback = "Not graded: no problem code."
            return None
        key = (code.strip(), student_id)
        if key not in suggestions and len(suggestions) < MAX_SUGGESTIONS:
            suggestions[key] = suggest_code(code, codes, student_id)
        suggestion = suggestions.get(key, "")
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        graded.flag = graded.flag or f"unknown code{hint}"
        graded.feedback = (f"Not graded: the code {code.strip()} matches no problem of this "
                           f"class{hint}" if hint else
                           f"Not graded: the code {code.strip()} matches no problem of this "
                           "class; check it for a typo.")
        return None
    if student is not None and problem.student_id != student_id:
        graded.flag, graded.counted = f"code of another student ({problem.student_id})", False
    return problem


def _run(jobs, workers, progress) -> None:
    payload = [(p.answer, answer, p.kind, p.variables, p.assume, p.tolerance, p.mistakes,
                p.shapes) for _, p, answer in jobs]
    workers = workers or os.cpu_count() or 1
    with progress_bar(total=len(jobs), desc="grading", unit="answer", disable=not progress) as bar:
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
    for (graded, _, _), (status, score, feedback, mistake, read_as) in zip(jobs, results):
        graded.status, graded.score, graded.feedback, graded.mistake, graded.read_as = \
            status, score, feedback, mistake, read_as


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
                earlier.flag = "; ".join(f for f in (f"superseded by line {later.line}",
                                                     earlier.flag) if f)
                graded = later
            last[key] = graded


def _roster_columns(graded: GradedClass) -> tuple[list[str], list[str]]:
    """(roster keys, their column names in GRADED.csv): student_id, name, then the roster's
    other columns; a name the submissions file already uses gets a ``roster_`` prefix, so a
    ``username`` typed in a submissions file never replaces the roster's."""
    manifest, table = graded.manifest, graded.table
    extra: list[str] = []
    for student in manifest.students.values():
        for key in student["extra"]:
            if key not in extra and key.lower() not in ("student_id", "name"):
                extra.append(key)
    keys = ["student_id", "name", *extra]
    taken = {h.strip().lower() for h in table.header}
    names = [f"roster_{k}" if k.lower() in taken else k for k in keys]
    return keys, names


def write_graded(path: str | Path, graded: GradedClass) -> dict[str, object]:
    """Write GRADED.csv (every input row, with verdicts, feedback and the student's total)
    and ``<name>.totals.csv`` (every roster student) beside it; return a class summary.

    Raises:
        ClassFileError: when the files cannot be written.
    """
    path = Path(path)
    table, manifest = graded.table, graded.manifest
    keys, names = _roster_columns(graded)
    header = list(table.header) + names
    if table.form == "long":
        header += ["number", "status", "score", "read_as", "feedback", "mistake", "flag",
                   "counted", "student_total", "student_max"]
    else:
        for number in sorted(table.question_columns):
            header += [f"q{number}_status", f"q{number}_score", f"q{number}_read_as",
                       f"q{number}_feedback"]
        header += ["flag", "total", "max"]

    def rows():
        for row, graded_row in zip(table.rows, graded.answers):
            cells = row + [""] * (len(table.header) - len(row))
            sid = graded_row[0].student_id if graded_row else ""
            known = sid in manifest.students
            student = manifest.students.get(sid, {"name": "", "extra": {}})
            out = list(cells[:len(table.header)])
            out += [sid if known else "", student["name"]]
            out += [student["extra"].get(k, "") for k in keys[2:]]
            total = format_score(graded.totals[sid]) if known else ""
            best = str(graded.possible[sid]) if known else ""
            if table.form == "long":
                g = graded_row[0]
                out += [g.number or "", g.status, format_score(g.score), g.read_as, g.feedback,
                        g.mistake, g.flag, "yes" if g.counted else "no", total, best]
            else:
                flags = []
                for g in graded_row:
                    out += [g.status, format_score(g.score), g.read_as, g.feedback]
                    if g.flag and g.flag not in flags:
                        flags.append(g.flag)
                out += ["; ".join(flags), total, best]
            yield out

    totals_path = path.with_name(path.stem + ".totals.csv")
    try:
        write_csv(path, header, rows())
        write_csv(totals_path, [*keys, "score", "max", "percent", "submitted"],
                  ([sid, student["name"], *[student["extra"].get(k, "") for k in keys[2:]],
                    *_total_cells(graded, sid)]
                   for sid, student in manifest.students.items()))
    except OSError as exc:
        raise ClassFileError(f"cannot write: {exc.strerror or exc}", exc.filename or path) \
            from None
    every = [g for row in graded.answers for g in row]
    submitted = {g.student_id for g in every if g.status != "refused"}
    return {
        "rows": len(table.rows),
        "blank_rows": table.blank_rows,
        "answers": len(every),
        "correct": sum(g.status == "correct" for g in every),
        "blank": sum(g.status == "blank" for g in every),
        "invalid": sum(g.status == "invalid" for g in every),
        "refused": sum(any(g.status == "refused" for g in row) for row in graded.answers),
        "flagged": sum(any(g.flag for g in row) for row in graded.answers),
        "unknown_students": sorted(s for s in submitted if s and s not in manifest.students),
        "missing_students": sorted(s for s in manifest.students if s not in graded.submitted),
        "hints": list(table.hints),
        "totals": str(totals_path),
    }


def _total_cells(graded: GradedClass, sid: str) -> list[str]:
    """score, max, percent, submitted: absent students get no score at all."""
    best = graded.possible[sid]
    if sid not in graded.submitted:
        return ["", str(best), "", "no"]
    score = graded.totals[sid]
    return [format_score(score), str(best), f"{100 * score / best:.1f}" if best else "", "yes"]


def graded_students(path: str | Path) -> list[dict[str, str]]:
    """Every roster student's total, read back from GRADED.csv for an export.

    The totals file written beside it (``<name>.totals.csv``) lists every student of the
    roster, absent ones included (with an empty score); a totals file may also be given
    directly.  Without one, the students are those with a row in GRADED.csv.

    Raises:
        ClassFileError: when the file is not one written by ``calcdrill grade``.
    """
    path = Path(path)
    totals = path if path.name.endswith(".totals.csv") else \
        path.with_name(path.stem + ".totals.csv")
    if totals.exists():
        rows = _read(totals)
        if rows and {"student_id", "score", "max"} <= set(rows[0]):
            return [_roster_fields(row) | {"score": row["score"], "max": row["max"]}
                    for row in rows if row.get("student_id", "").strip()]
    rows = _read(path)
    if not rows:
        raise ClassFileError("the graded file has no rows", path)
    total_key = "student_total" if "student_total" in rows[0] else "total"
    max_key = "student_max" if "student_max" in rows[0] else "max"
    id_key = "roster_student_id" if "roster_student_id" in rows[0] else "student_id"
    if id_key not in rows[0] or total_key not in rows[0]:
        raise ClassFileError("not a GRADED.csv written by `calcdrill grade`", path)
    students: dict[str, dict[str, str]] = {}
    for row in rows:
        sid = row[id_key].strip()
        if sid and row.get(total_key, "") != "":
            students[sid] = _roster_fields(row) | {"score": row[total_key],
                                                   "max": row.get(max_key, "")}
    return list(students.values())


def _read(path: Path) -> list[dict[str, str]]:
    try:
        return read_back(decode(path.read_bytes()))
    except OSError as exc:
        raise ClassFileError(f"cannot read {path}: {exc.strerror or exc}", path) from None


def _roster_fields(row: dict[str, str]) -> dict[str, str]:
    """The row with roster columns under their own names (``roster_username`` wins over a
    ``username`` typed in the submissions file)."""
    fields = {k: v for k, v in row.items() if k and not k.startswith("roster_")}
    fields.update({k[len("roster_"):]: v for k, v in row.items()
                   if k and k.startswith("roster_")})
    return fields
