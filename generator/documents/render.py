"""Documents from instances: worksheets, the answer key and worked solutions.

Every document is a function of instances (and the students they belong to): HTML from
the Jinja templates in ``templates/``, then PDF with WeasyPrint.  Nothing here computes
an answer; the instances carry everything.  ``math`` selects how ``$...$`` is drawn
(typeset SVG, or plain text for the benchmark's baseline).
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
from generator.documents.typeset import math_html
from grader.parse import parse
from grader.tree import Matrix, Tuple, Vector

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
    """What the header says: title, course and date (any may be empty)."""

    title: str = "Calculus for machine learning"
    course: str = ""
    date: str = ""


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


def _shape(instance: Instance) -> tuple[int, int]:
    """(rows, columns) of a vector or matrix answer, read from the key's text."""
    try:
        tree = parse(instance.answer, variables=instance.variables,
                     allow_complex=instance.kind == "number")
    except ValueError:
        return (1, 1)
    if isinstance(tree, Matrix):
        return (len(tree.rows), len(tree.rows[0]))
    if isinstance(tree, (Vector, Tuple)):
        return (len(tree.items), 1)
    return (1, 1)


def answer_space(instance: Instance) -> Markup:
    """An empty space shaped like the answer: a box, a column of cells, a grid."""
    kind = instance.kind
    if kind in ("vector", "matrix"):
        rows, cols = _shape(instance)
        cells = "".join("<tr>" + "<td></td>" * cols + "</tr>" for _ in range(rows))
        return Markup(f'<div class="space {kind}"><span class="bracketed">'
                      f'<table class="grid">{cells}</table></span></div>')
    if kind == "point":
        rows, _ = _shape(instance)
        blanks = ", ".join("<span></span>" for _ in range(rows))
        return Markup(f'<div class="space point"><span class="point-space">( {blanks} )'
                      "</span></div>")
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
    return _ENV.get_template("worksheet.html.j2").render(
        title=info.title, course=info.course, date=info.date, student=version.student,
        problems=[_problem(i, math) for i in version.instances], inline_css=stylesheet)


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
        title=info.title, course=info.course, date=info.date, student=version.student, problems=[_problem(i, math) for i in version.instances]))


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
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    # Fonts are chosen by the stylesheet; WeasyPrint's per-glyph chatter is not news.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    fonts = FontConfiguration()
    return weasyprint, weasyprint.CSS(filename=str(CSS_PATH), font_config=fonts), fonts


def render_pdf(html: str) -> bytes:
    """Render HTML to PDF bytes with WeasyPrint and the calcdrill stylesheet.

    The PDF carries no date and no random identifier: the same HTML gives the same bytes.
    """
    weasyprint, css, fonts = _weasyprint()
    return weasyprint.HTML(string=html, base_url=str(TEMPLATE_DIR)).write_pdf(
        stylesheets=[css], font_config=fonts)


def write_pdf(html: str, path: Path) -> None:
    """Render HTML to a PDF file (see :func:`render_pdf`)."""
    Path(path).write_bytes(render_pdf(html))
