"""The class report: how each question went, the commonest mistakes, the scores.

An HTML page with inline SVG charts (no plotting library, no JavaScript), written beside
GRADED.csv, for an instructor who would rather look than read a spreadsheet.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from generator.documents.render import TEMPLATE_DIR
from calcdrill.csvtable import format_score
from calcdrill.errors import ClassFileError
from calcdrill.grading import GradedClass

__all__ = ["class_report_html", "write_class_report"]

_COLOURS = {"correct": "#3a8d4f", "incorrect": "#c8553d", "blank": "#bbbbbb",
            "invalid": "#7a5195", "undecided": "#e6b400"}
_LABELS = {"correct": "right", "incorrect": "wrong", "blank": "blank",
           "invalid": "unreadable", "undecided": "to review"}
#: Flagged rows listed on the page (GRADED.csv has them all).
MAX_FLAGGED_SHOWN = 50
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), autoescape=True)


def _stacked_bars(rows: list[tuple[str, dict[str, int]]]) -> Markup:
    """Horizontal 100% bars, one per question, coloured by verdict."""
    width, bar, gap, left = 640, 18, 6, 40
    height = len(rows) * (bar + gap) + gap
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="answers per question">']
    for k, (label, counts) in enumerate(rows):
        y = gap + k * (bar + gap)
        total = sum(counts.values()) or 1
        x = float(left)
        parts.append(f'<text x="{left - 6}" y="{y + bar - 4}" text-anchor="end" '
                     f'font-size="12">{escape(label)}</text>')
        for status in _COLOURS:
            w = (width - left - 10) * counts.get(status, 0) / total
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar}" '
                             f'fill="{_COLOURS[status]}"><title>{_LABELS[status]}: '
                             f'{counts[status]}</title></rect>')
                x += w
    parts.append("</svg>")
    return Markup("".join(parts))


def _histogram(scores: list[float], possible: int) -> Markup:
    """Students per score (rounded down to whole points)."""
    bins = Counter(int(s) for s in scores)
    width, height, bottom = 640, 200, 24
    count = max(possible, 1) + 1
    step = (width - 20) / count
    peak = max(bins.values(), default=1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'role="img" aria-label="score distribution">']
    for score in range(count):
        n = bins.get(score, 0)
        h = (height - bottom - 10) * n / peak
        x = 10 + score * step
        parts.append(f'<rect x="{x + 2:.1f}" y="{height - bottom - h:.1f}" '
                     f'width="{step - 4:.1f}" height="{h:.1f}" fill="#4b6fa5">'
                     f'<title>{n} student{"" if n == 1 else "s"} scored {score}</title></rect>')
        parts.append(f'<text x="{x + step / 2:.1f}" y="{height - 8}" text-anchor="middle" '
                     f'font-size="11">{score}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def class_report_html(graded: GradedClass, title: str = "") -> str:
    """The report page for a graded class.

    Students are the roster's (a blank spreadsheet row is nobody); the mean and median
    are over the students who submitted; "rows flagged" counts rows of the file, as
    GRADED.csv shows them; file-level hints ("re-save as CSV UTF-8") come first.
    """
    manifest = graded.manifest
    every = [g for row in graded.answers for g in row if g.counted and g.number]
    families = {p.number: p.family for s in manifest.students.values() for p in s["problems"]}
    per_question: dict[int, Counter] = {}
    mistakes: Counter = Counter()
    for g in every:
        per_question.setdefault(g.number, Counter())[g.status] += 1
        if g.mistake:
            mistakes[(families.get(g.number, ""), g.mistake)] += 1
    present = [sid for sid in manifest.students if sid in graded.submitted]
    scores = [graded.totals[sid] for sid in present]
    possible = max(graded.possible.values(), default=0)
    questions = [{"number": n, "family": families.get(n, ""), **{
        k: c.get(k, 0) for k in ("correct", "incorrect", "blank", "invalid", "undecided")}}
        for n, c in sorted(per_question.items())]
    flagged_rows = [(row[0].line, row[0].student_id, "; ".join(dict.fromkeys(
        g.flag for g in row if g.flag))) for row in graded.answers if any(g.flag for g in row)]
    return _ENV.get_template("report.html.j2").render(
        title=title or manifest.title or "calcdrill", students=len(manifest.students),
        submitted=len(present), absent=len(manifest.students) - len(present),
        answers=len(every), blank=sum(g.status == "blank" for g in every),
        rows=len(graded.answers), blank_rows=graded.table.blank_rows, possible=possible,
        mean=format_score(statistics.mean(scores)) if scores else "-",
        median=format_score(statistics.median(scores)) if scores else "-",
        correct_share=round(100 * sum(g.status == "correct" for g in every) / max(len(every), 1)),
        flagged=len(flagged_rows), flagged_rows=flagged_rows[:MAX_FLAGGED_SHOWN],
        more_flagged=max(0, len(flagged_rows) - MAX_FLAGGED_SHOWN),
        hints=list(graded.table.hints),
        legend=[(_LABELS[s], c) for s, c in _COLOURS.items()],
        question_chart=_stacked_bars([(f"Q{n}", dict(c)) for n, c in sorted(per_question.items())]),
        questions=questions,
        mistakes=[{"family": f, "name": m.replace("-", " "), "count": n}
                  for (f, m), n in mistakes.most_common(10)],
        histogram=_histogram(scores, possible))


def write_class_report(path: str | Path, graded: GradedClass, title: str = "") -> Path:
    """Write the report page; returns its path.

    Raises:
        ClassFileError: when the page cannot be written.
    """
    path = Path(path)
    try:
        path.write_text(class_report_html(graded, title), "utf-8")
    except OSError as exc:
        raise ClassFileError(f"cannot write: {exc.strerror or exc}", path) from None
    return path
