"""Typeset LaTeX for documents: one small interface in front of the math renderer.

Math is drawn by ziamath (pure Python; LaTeX -> MathML -> SVG with the STIX Two Math
font), because WeasyPrint does not draw MathML and matplotlib's mathtext cannot draw
matrices.  Each formula becomes an inline SVG whose baseline sits on the text baseline
(``vertical-align`` from the SVG's viewBox, whose y = 0 is the math baseline).  The same
formula is typeset once per process (:func:`typeset` is cached): instructions, headers
and repeated answers cost nothing the second time.

Everything else in calcdrill calls :func:`math_html` (text with ``$...$`` -> HTML) or
:func:`typeset`; swapping the renderer means changing this file only.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup

__all__ = ["Formula", "math_html", "plain_html", "typeset"]

log = logging.getLogger(__name__)

#: Font size of math, in CSS px, to match the 11pt text of the templates.
MATH_SIZE = 15.5
_VIEWBOX = re.compile(r'viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
_MATH = re.compile(r"\$([^$]+)\$")


@dataclass(frozen=True)
class Formula:
    """A typeset formula: inline SVG markup and its box (CSS px), or a text fallback."""

    html: str
    width: float
    height: float
    depth: float
    fallback: bool = False


def _renderer():
    import ziamath

    # SVG 1.1 paths: WeasyPrint draws them directly ("svg2" symbols/use are slower there).
    ziamath.config.svg2 = False
    ziamath.config.precision = 2
    return ziamath


@lru_cache(maxsize=8192)
def typeset(latex: str, *, display: bool = False) -> Formula:
    """Typeset one LaTeX formula (without the ``$``) as inline SVG.

    A formula the renderer cannot draw falls back to its source in italics (and is
    logged), so one odd formula never stops a class's worksheets.
    """
    try:
        svg = _renderer().Latex(latex, size=MATH_SIZE * (1.15 if display else 1.0)).svg()
    except Exception as exc:  # noqa: BLE001 - ziamath raises assorted errors on bad input
        log.warning("could not typeset %r (%s); printing it as text", latex, exc)
        text = f'<span class="math-fallback">{html.escape(latex)}</span>'
        return Formula(text, 0.0, 0.0, 0.0, fallback=True)
    box = _VIEWBOX.search(svg)
    _, top, width, height = (float(v) for v in box.groups()) if box else (0, 0, 0, 0)
    depth = height + top  # below the baseline: the viewBox starts at -ascent
    svg = svg.replace("<svg ", f'<svg class="math" role="img" aria-label="{html.escape(latex)}" '
                      f'style="vertical-align:{-depth:.2f}px" ', 1)
    return Formula(svg, width, height, depth)


def math_html(text: str) -> Markup:
    """HTML for text with inline ``$...$`` math: text escaped, math typeset.

    >>> str(math_html("Let <b> be $x$"))[:31]
    'Let &lt;b&gt; be <svg class="ma'
    """
    parts = _MATH.split(text)
    out = []
    for k, part in enumerate(parts):
        out.append(typeset(part).html if k % 2 else html.escape(part))
    return Markup("".join(out))


def plain_html(text: str) -> Markup:
    """The same text with the math left as plain LaTeX source (the benchmark's baseline)."""
    parts = _MATH.split(text)
    return Markup("".join(html.escape(p) if k % 2 == 0 else
                          f'<span class="math-fallback">{html.escape(p)}</span>'
                          for k, p in enumerate(parts)))
