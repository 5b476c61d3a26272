"""Documents from instances: worksheets, the answer key and worked solutions.

Every document is a function of instances (and the students they belong to): HTML from
the Jinja templates in ``templates/``, then PDF with WeasyPrint.  Nothing here computes
an answer; the instances carry everything.  ``math`` selects how ``$...$`` is drawn:
inline SVG for HTML read as it is (the default), images named by their source for HTML
bound for a PDF (:func:`~generator.documents.typeset.pdf_math_html`, what ``generate``
uses), or plain text for the benchmark's baseline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Protocol, Sequence

import jinja2
from markupsafe import Markup

from generator.instance import Instance
from generator.resources import resource_dir
from generator.documents.typeset import formula_images, math_html
from grader.hints import EXAMPLES

__all__ = ["CSS_PATH", "DocumentInfo", "Student", "TEMPLATE_DIR", "Version", "answer_key_html",
           "answer_space", "key_section_html", "render_pdf", "solutions_html",
           "solutions_section_html", "worksheet_html", "write_pdf"]

TEMPLATE_DIR = resource_dir("templates")
CSS_PATH = TEMPLATE_DIR / "calcdrill.css"

# HTML templates autoescape; the stylesheet is never a template (autoescaping once broke
# a quoted font name inside <style>), WeasyPrint reads it as a file.
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                          autoescape=True, undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)

MathFunction = Callable[[str], Markup]


@dataclass(frozen=True)
class DocumentInfo:
    """What the header says: title, course and date (any may be empty), and where
    students check their answers (``check_url``: a ``calcdrill serve`` address; empty:
    the ``calcdrill check`` command)."""

    title: str = "Calculus for machine learning"
    course: str = ""
    date: str = ""
    check_url: str = ""


class Student(Protocol):
    """Whom a worksheet is for: any object with these two fields (a roster's row)."""

    @property
    def student_id(self) -> str: ...

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Version:
    """One student's version of the worksheet."""

    student: Student
    instances: tuple[Instance, ...]


def _split_top(text: str) -> list[str]:
    """``text`` split at the commas that are not inside brackets."""
    parts, depth, start = [], 0, 0
    for k, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:k].strip())
            start = k + 1
    parts.append(text[start:].strip())
    return parts


def _entries(instance: Instance) -> list[list[str]]:
    """The key's entries, row by row, as typed (a vector is a column).

    >>> from types import SimpleNamespace as S
    >>> _entries(S(answer="[[1, max(x, 0)], [2*x, y]]", kind="matrix"))
    [['1', 'max(x, 0)'], ['2*x', 'y']]
    >>> _entries(S(answer="(4, -3)", kind="point"))
    [['4'], ['-3']]
    """
    text = instance.answer.strip()
    if text[:1] in "[(" and text[-1:] in "])":
        text = text[1:-1]
    items = _split_top(text)
    if instance.kind == "matrix" and all(i[:1] == "[" and i[-1:] == "]" for i in items):
        return [_split_top(i[1:-1]) for i in items]
    return [[item] for item in items]


#: Room for an entry, in mm: per character of the key's entry, and the bounds.
_MM_PER_CHAR, _MIN_CELL, _MAX_CELL = 2.3, 16.0, 75.0
#: Width the answer grid may take (A4 text width less the problem's indent and brackets).
_GRID_WIDTH = 150.0


def _cell_widths(rows: list[list[str]]) -> list[float]:
    """Column widths (mm) fitting the key's longest entry in each column, within the page."""
    columns = max(len(r) for r in rows)
    widths = [min(_MAX_CELL, max(_MIN_CELL, 4 + _MM_PER_CHAR * max(
        (len(r[c].replace(" ", "")) for r in rows if c < len(r)), default=0)))
        for c in range(columns)]
    room = _GRID_WIDTH - 2.5 * (columns + 1)
    if sum(widths) > room:
        widths = [w * room / sum(widths) for w in widths]
    return [int(w * 10) / 10 for w in widths]  # printed to 0.1 mm: never rounded up


def answer_space(instance: Instance) -> Markup:
    """An empty space shaped like the answer and sized from the key's entries: a box, a
    column of cells, a grid (a softmax Jacobian's entry gets more room than ``2x``)."""
    kind = instance.kind
    if kind in ("vector", "matrix"):
        rows = _entries(instance)
        widths = _cell_widths(rows)
        cells = "".join("<tr>" + "".join(f'<td style="width:{w:.1f}mm"></td>' for w in widths)
                        + "</tr>" for _ in rows)
        return Markup(f'<div class="space {kind}"><span class="bracketed">'
                      f'<table class="grid">{cells}</table></span></div>')
    if kind == "point":
        rows = _entries(instance)
        width = _cell_widths([[r[0] for r in rows]])[0] if rows else _MIN_CELL
        blanks = ", ".join(f'<span style="width:{width:.1f}mm"></span>' for _ in rows)
        return Markup(f'<div class="space point"><span class="point-space">( {blanks} )'
                      "</span></div>")
    length = len(instance.answer.replace(" ", ""))
    if kind == "expression" and length > 36:  # a long key: two lines of working room
        return Markup(f'<div class="space {kind}"><div class="box" style="height:'
                      f'{min(40.0, 19 + 0.25 * (length - 36)):.1f}mm"></div></div>')
    return Markup(f'<div class="space {kind}"><div class="box"></div></div>')


def _problem(instance: Instance, math: MathFunction) -> dict:
    return {
        "instance": instance,
        "prompt": math(instance.prompt),
        "space": answer_space(instance),
        "answer": math(f"${instance.answer_latex}$") if instance.kind != "label"
        else instance.answer,
        "steps": [math(step) for step in instance.solution],
        "mistakes": "; ".join(m.name.replace("-", " ") for m in instance.mistakes),
    }


def worksheet_html(version: Version, info: DocumentInfo, *, math: MathFunction = math_html,
                   stylesheet: str = "") -> str:
    """One student's worksheet as HTML."""
    first = version.instances[0] if version.instances else None
    return _ENV.get_template("worksheet.html.j2").render(
        title=info.title, course=info.course, date=info.date, student=version.student,
        problems=[_problem(i, math) for i in version.instances], inline_css=stylesheet,
        check_url=info.check_url,
        example=EXAMPLES.get(first.kind, EXAMPLES["expression"]) if first else "")


def key_section_html(version: Version, *, math: MathFunction = math_html) -> Markup:
    """One student's part of the answer key (typeset where the version was made)."""
    return Markup(_ENV.get_template("key_section.html.j2").render(
        student=version.student, problems=[_problem(i, math) for i in version.instances]))


def answer_key_html(sections: Sequence[Markup], info: DocumentInfo, *, first: bool = True,
                    versions_total: int | None = None, stylesheet: str = "") -> str:
    """The answer key (or one part of it) from the students' typeset key sections.

    A key made of parts is joined and page-numbered by
    :func:`generator.documents.pdfjoin.join_pdfs`; only the first part has the header.
    """
    return _ENV.get_template("answer_key.html.j2").render(
        title=info.title, course=info.course, date=info.date, inline_css=stylesheet,
        sections=sections, first=first,
        versions_total=len(sections) if versions_total is None else versions_total)


def solutions_section_html(version: Version, info: DocumentInfo, *,
                           math: MathFunction = math_html) -> Markup:
    """One student's worked solutions (typeset where the version was made)."""
    return Markup(_ENV.get_template("solutions_section.html.j2").render(
        title=info.title, course=info.course, date=info.date, student=version.student,
        problems=[_problem(i, math) for i in version.instances]))


def solutions_html(versions: Sequence[Version], info: DocumentInfo, *,
                   math: MathFunction = math_html, stylesheet: str = "",
                   sections: Sequence[Markup] | None = None) -> str:
    """Worked solutions of the given versions, each starting on a new page.

    ``sections`` (from :func:`solutions_section_html`, one per version) are used as they
    are when given, so solutions typeset in a worker are not typeset again.
    """
    if sections is None:
        sections = [solutions_section_html(v, info, math=math) for v in versions]
    return _ENV.get_template("solutions.html.j2").render(
        title=info.title, course=info.course, date=info.date, inline_css=stylesheet,
        sections=sections)


@lru_cache(maxsize=1)
def _weasyprint():
    """WeasyPrint, the stylesheet and the font configuration, loaded once per process."""
    from generator.documents._find_library import import_weasyprint

    weasyprint = import_weasyprint()  # without a linker run per library name it tries
    from weasyprint.text.fonts import FontConfiguration

    # Fonts are chosen by the stylesheet; WeasyPrint's per-glyph chatter is not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fonts = FontConfiguration()
    return weasyprint, weasyprint.CSS(filename=str(CSS_PATH), font_config=fonts), fonts


def render_pdf(html: str) -> bytes:
    """Render HTML to PDF bytes with WeasyPrint and the calcdrill stylesheet.

    The PDF carries no date and no random identifier: the same HTML gives the same bytes.
    Formulas written by :func:`~generator.documents.typeset.pdf_math_html` are drawn
    from their ready-made images (WeasyPrint looks images up in ``cache`` first).
    """
    weasyprint, css, fonts = _weasyprint()
    return weasyprint.HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(
        stylesheets=[css], font_config=fonts, cache=formula_images(html))


def write_pdf(html: str, path: Path) -> None:
    """Render HTML to a PDF file (see :func:`render_pdf`)."""
    Path(path).write_bytes(render_pdf(html))
