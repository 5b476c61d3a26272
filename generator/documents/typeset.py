"""Typeset LaTeX for documents: one small interface in front of the math renderer.

Math is laid out by ziamath (pure Python; LaTeX -> MathML -> SVG with the STIX Two Math
font), because WeasyPrint does not draw MathML and matplotlib's mathtext cannot draw
matrices.  Each formula's baseline sits on the text baseline (``vertical-align`` from the
SVG's viewBox, whose y = 0 is the math baseline).  The same formula is typeset once per
process (:func:`typeset` is cached): instructions, headers and repeated answers cost
nothing the second time.

A formula has two forms.  In HTML that is read as it is (``--format html``, a browser)
it is an inline SVG: :func:`math_html`.  In HTML bound for a PDF it is an ``<img>``
whose address names the formula by its source (``calcdrill-math:inline/<LaTeX>``):
:func:`pdf_math_html`; :func:`formula_images` then hands WeasyPrint a ready-made
:class:`~generator.documents.pdfmath.FormulaImage` for each address, which paints each
glyph outline once per document instead of once per occurrence (see that module).  The
address is short (HTML with the SVG inline or as ``data:`` was a megabyte per student
for WeasyPrint's HTML parser to read) and holds all that is needed: HTML made in one
process (a student's part of the answer key) is laid out in another, which typesets
what it has not typeset yet.

Everything else in calcdrill calls these functions or :func:`typeset`; swapping the
renderer means changing this file only.
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote, unquote

from markupsafe import Markup

from generator.documents.pdfmath import FormulaImage, formula_image
from generator.documents.ziamath_speedups import defer_entity_expression, speed_up

__all__ = ["Formula", "formula_images", "math_html", "pdf_math_html", "plain_html", "typeset"]

log = logging.getLogger(__name__)

#: Font size of math, in CSS px, to match the 11pt text of the templates.
MATH_SIZE = 15.5
_MATH = re.compile(r"\$([^$]+)\$")


#: The address scheme of a formula in HTML bound for a PDF (see :func:`pdf_math_html`).
URL_SCHEME = "calcdrill-math:"
_URL = re.compile(r'src="(calcdrill-math:[^"]*)"')


@dataclass(frozen=True)
class Formula:
    """A typeset formula: its box in CSS px and its drawing, or, where it could not be
    typeset, its source printed as text (``fallback``)."""

    latex: str
    width: float
    height: float
    depth: float
    fallback: bool = False
    display: bool = False
    #: The formula's SVG, as ziamath writes it ("" for a fallback).
    svg: str = field(default="", repr=False)
    #: The drawing WeasyPrint gets in a PDF; None where it must draw the SVG itself.
    image: FormulaImage | None = field(default=None, repr=False, compare=False)

    @property
    def html(self) -> str:
        """The formula in HTML read as it is: an inline SVG on the text baseline."""
        if self.fallback:
            return f'<span class="math-fallback">{html.escape(self.latex)}</span>'
        return _own_ids(self.svg).replace(
            "<svg ", f'<svg class="math" role="img" aria-label="{html.escape(self.latex)}" '
            f'style="vertical-align:{-self.depth:.2f}px" ', 1)

    @property
    def url(self) -> str:
        """The formula's address in HTML bound for a PDF: its source, URL-quoted."""
        return f"{URL_SCHEME}{'display' if self.display else 'inline'}/{quote(self.latex, safe='')}"

    @property
    def pdf_html(self) -> str:
        """The formula in HTML bound for a PDF: an ``<img>`` whose image
        :func:`formula_images` supplies (the inline SVG where there is no image)."""
        if self.image is None:
            return self.html
        return (f'<img class="math" alt="{html.escape(self.latex)}" '
                f'style="vertical-align:{-self.depth:.2f}px;width:{self.width:.2f}px;'
                f'height:{self.height:.2f}px" src="{self.url}">')


def _renderer():
    defer_entity_expression()  # a third of ziamath's import, needed by nothing we call
    import ziamath

    # SVG 2: each glyph's outline once, as a <symbol>, placed by <use> (pdfmath draws
    # each outline once per document from that).
    ziamath.config.svg2 = True
    ziamath.config.precision = 2
    speed_up(ziamath)
    return ziamath


_STRETCHY = ("\\frac", "\\dfrac", "\\tfrac", "\\begin", "\\sum", "\\prod", "\\int",
             "\\sqrt", "\\left")


# What may stand before a minus sign that is a sign (unary), not a subtraction: the start,
# an opening bracket or brace, a comma, a relation, a binary operator, a line or cell break,
# the first cell of a matrix.
_BEFORE_SIGN = (r"(?:^|[{(\[,=&<>+]|\\\\|\\left[(\[.|]|\\[,;:!]|\\begin\{[A-Za-z*]+\}"
                r"|\\(?:leq?|geq?|neq?|approx|to|cdot|times|pm|mp|in|mapsto|quad|qquad"
                r"|implies|iff)(?![A-Za-z]))")
_UNARY_MINUS = re.compile(f"({_BEFORE_SIGN})(\\s*)-(?!}})")
_OPERATOR_SCRIPT = re.compile(r"\\(nabla|partial)(?![A-Za-z])(\s*)(?=[_^])")


def _tex_spacing(latex: str) -> str:
    r"""Spacing as TeX sets it, where the renderer would space it otherwise.

    A minus that is a sign (``= -2x``, ``(4, -3)``, ``x \geq -1``) is an ordinary symbol,
    not a binary operator with space on both sides: written ``{-}`` as in TeX.  A
    subscript on an operator symbol (``\nabla_w L``) attaches to it: ``{\nabla}_w``.

    >>> _tex_spacing(r"f = - 2 x^{2} - 1, (4, -3), x \geq - 1")
    'f = {-} 2 x^{2} - 1, (4, {-}3), x \\geq {-} 1'
    >>> _tex_spacing(r"\nabla_{w} L = e^{- x}")
    '{\\nabla}_{w} L = e^{{-} x}'
    """
    latex = _UNARY_MINUS.sub(r"\1\2{-}", latex)
    return _OPERATOR_SCRIPT.sub(r"{\\\1}\2", latex)


def _unstretch(latex: str) -> str:
    r"""Plain parentheses where ``\left( ... \right)`` encloses nothing tall.

    SymPy writes ``\sin{\left(x \right)}``; stretchy delimiters make the renderer
    measure their content again and again (about twice the time per formula) for no
    visible change around a flat argument.
    """
    out, stack = [], []
    k = 0
    while k < len(latex):
        if latex.startswith("\\left(", k):
            stack.append(len(out))
            out.append("\\left(")
            k += 6
        elif latex.startswith("\\right)", k) and stack:
            start = stack.pop()
            inner = "".join(out[start + 1:])
            if not any(marker in inner for marker in _STRETCHY):
                out[start] = "("
                out.append(")")
            else:
                out.append("\\right)")
            k += 7
        else:
            out.append(latex[k])
            k += 1
    return "".join(out)


_ID = re.compile(r'(id="|href="#)([^"]+)"')


def _own_ids(svg: str) -> str:
    """Glyph symbol ids made unique to this formula: many formulas share one HTML page,
    and ziamath names a glyph's symbol the same in each (at whatever size it drew it)."""
    prefix = "m" + hashlib.md5(svg.encode(), usedforsecurity=False).hexdigest()[:8]
    return _ID.sub(lambda m: f'{m.group(1)}{prefix}-{m.group(2)}"', svg)


def typeset(latex: str, *, display: bool = False) -> Formula:
    """Typeset one LaTeX formula (without the ``$``).

    A formula the renderer cannot draw falls back to its source in italics (and is
    logged), so one odd formula never stops a class's worksheets.
    """
    return _typeset(latex, bool(display))


@lru_cache(maxsize=4096)
def _typeset(latex: str, display: bool) -> Formula:
    # One cache entry per (formula, display), however the caller spelled the call.
    try:
        drawing = _renderer().Latex(_tex_spacing(_unstretch(latex)),
                                    size=MATH_SIZE * (1.15 if display else 1.0)).svgxml()
        _, top, width, height = (float(v) for v in drawing.get("viewBox", "").split())
    except Exception as exc:  # noqa: BLE001 - ziamath raises assorted errors on bad input
        log.warning("could not typeset %r (%s); printing it as text", latex, exc)
        return Formula(latex, 0.0, 0.0, 0.0, fallback=True, display=display)
    depth = height + top  # below the baseline: the viewBox starts at -ascent
    # The PDF's drawing is read from the element tree itself, not from the SVG as text;
    # the tree is not kept (thousands of objects per student for the garbage collector
    # to walk again and again), its text is.
    return Formula(latex, width, height, depth, display=display,
                   svg=ElementTree.tostring(drawing, encoding="unicode"),
                   image=formula_image(drawing))


typeset.cache_clear = _typeset.cache_clear  # type: ignore[attr-defined]
typeset.cache_info = _typeset.cache_info  # type: ignore[attr-defined]


def math_html(text: str) -> Markup:
    """HTML for text with inline ``$...$`` math: text escaped, math typeset.

    >>> str(math_html("Let <b> be $x$"))[:31]
    'Let &lt;b&gt; be <svg class="ma'
    """
    return _with_math(text, lambda formula: formula.html)


def pdf_math_html(text: str) -> Markup:
    """As :func:`math_html`, for HTML that WeasyPrint makes a PDF of: each formula an
    ``<img>`` whose image :func:`formula_images` supplies.

    >>> str(pdf_math_html("Let $x$"))[:37]
    'Let <img class="math" alt="x" style="'
    """
    return _with_math(text, lambda formula: formula.pdf_html)


def _with_math(text: str, form) -> Markup:
    parts = _MATH.split(text)
    return Markup("".join(form(typeset(part)) if k % 2 else html.escape(part)
                          for k, part in enumerate(parts)))


def formula_images(html_text: str) -> dict[str, FormulaImage]:
    """What WeasyPrint draws for each formula :func:`pdf_math_html` wrote in
    ``html_text``, by address (WeasyPrint looks an image up in its ``cache`` first).

    A formula this process has not typeset yet is typeset from its address.
    """
    images = {}
    for url in set(_URL.findall(html_text)):
        kind, _, latex = url.removeprefix(URL_SCHEME).partition("/")
        image = typeset(unquote(latex), display=kind == "display").image
        if image is not None:
            images[url] = image
    return images


def plain_html(text: str) -> Markup:
    """The same text with the math left as plain LaTeX source (the benchmark's baseline)."""
    parts = _MATH.split(text)
    return Markup("".join(html.escape(p) if k % 2 == 0 else
                          f'<span class="math-fallback">{html.escape(p)}</span>'
                          for k, p in enumerate(parts)))
