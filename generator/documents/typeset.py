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

import dataclasses
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
    _speed_up(ziamath)
    return ziamath


def _speed_up(ziamath) -> None:
    """Remove two costs of ziamath 0.12-0.13 that do not change its output (a third of
    the time of a formula; the SVG is byte-for-byte the same, see the tests).

    * ``Mnode.size_px`` rebuilds a table of 14 formatted strings on every call; it is a
      pure function of its arguments, so its results are remembered.
    * ``parse_style`` deep-copies the parent style (``dataclasses.asdict``) for every
      node only to read five plain fields from it; a shallow copy reads the same.
    """
    from ziamath import styles
    from ziamath.nodes.mnode import Mnode

    version = tuple(int(p) for p in re.findall(r"\d+", ziamath.__version__)[:2])
    if version not in ((0, 12), (0, 13)) or getattr(Mnode, "_calcdrill_fast", False):
        return
    original = Mnode.size_px
    sizes: dict[tuple[str, float], float] = {}

    def size_px(self, size: str, fontsize: float | None = None) -> float:
        key = (size, self.glyphsize if fontsize is None else fontsize)
        if key not in sizes:
            sizes[key] = original(self, size, key[1])
        return sizes[key]

    names = [f.name for f in dataclasses.fields(styles.MathStyle)]
    Mnode.size_px = size_px
    styles.asdict = lambda style: {name: getattr(style, name) for name in names}
    Mnode._calcdrill_fast = True


_ELEMENT = re.compile(r'<(path|rect) ([^>]*?)/>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"]*)"')
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


_COMMAND = re.compile(r"([MLQZhv])([^MLQZhv]*)")


def _fmt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _compact_path(d: str) -> str:
    """The same outline with fewer points: WeasyPrint's time is per point.

    TrueType outlines put an implied on-curve point halfway between two control points;
    written out as ``Q c1 m Q c2 e`` the second control is the first one reflected
    through ``m``, which is what SVG's ``T e`` means (one point instead of two).  Lines
    of zero length are dropped.

    >>> _compact_path("M 0 0 Q 1 1 2 1 Q 3 1 4 0 L 4 0 Z")
    'M 0 0 Q 1 1 2 1 T 4 0 Z'
    """
    out: list[str] = []
    here = (0.0, 0.0)
    control: tuple[float, float] | None = None  # the last quadratic control point
    for letter, args in _COMMAND.findall(d):
        numbers = [float(v) for v in args.split()]
        if letter == "Q" and len(numbers) == 4:
            (cx, cy), end = numbers[:2], (numbers[2], numbers[3])
            if control is not None and abs(2 * here[0] - control[0] - cx) < 0.015 and \
                    abs(2 * here[1] - control[1] - cy) < 0.015:
                out.append(f"T {_fmt(end[0])} {_fmt(end[1])}")
            else:
                out.append("Q " + " ".join(_fmt(v) for v in numbers))
            control, here = (cx, cy), end
            continue
        control = None
        if letter == "L" and len(numbers) == 2:
            if (numbers[0], numbers[1]) == here:
                continue
            here = (numbers[0], numbers[1])
        elif letter == "M" and len(numbers) == 2:
            here = (numbers[0], numbers[1])
        elif letter in "hv":  # the rules drawn for fraction bars and roots
            if letter == "h":
                here = (here[0] + numbers[0], here[1])
            else:
                here = (here[0], here[1] + numbers[0])
        out.append(f"{letter} {' '.join(_fmt(v) for v in numbers)}".rstrip())
    return " ".join(out)


def _single_path(svg: str) -> str:
    """The formula's glyphs and rules as one SVG path.

    WeasyPrint's cost per SVG element dominates the time of a page with math; one path
    per formula (glyph outlines keep their own winding, so counters stay open) draws the
    same picture far faster.  Anything but plain black paths and rectangles is left as is.
    """
    pieces = []
    for tag, attributes in _ELEMENT.findall(svg):
        values = dict(_ATTRIBUTE.findall(attributes))
        if values.keys() - {"d", "x", "y", "width", "height", "fill"} or \
                values.get("fill", "black") != "black":
            return svg
        if tag == "path":
            pieces.append(values["d"])
        else:
            x, y, w, h = (float(values[a]) for a in ("x", "y", "width", "height"))
            pieces.append(f"M {x} {y} h {w} v {h} h {-w} Z")
    body = _ELEMENT.sub("", svg[svg.index(">") + 1:svg.rindex("</svg>")])
    if body.strip():
        return svg
    return (f'{svg[:svg.index(">") + 1]}<path d="{_compact_path(" ".join(pieces))}" '
            'fill="black" /></svg>')


@lru_cache(maxsize=8192)
def typeset(latex: str, *, display: bool = False) -> Formula:
    """Typeset one LaTeX formula (without the ``$``) as inline SVG.

    A formula the renderer cannot draw falls back to its source in italics (and is
    logged), so one odd formula never stops a class's worksheets.
    """
    try:
        svg = _renderer().Latex(_tex_spacing(_unstretch(latex)),
                                size=MATH_SIZE * (1.15 if display else 1.0)).svg()
    except Exception as exc:  # noqa: BLE001 - ziamath raises assorted errors on bad input
        log.warning("could not typeset %r (%s); printing it as text", latex, exc)
        text = f'<span class="math-fallback">{html.escape(latex)}</span>'
        return Formula(text, 0.0, 0.0, 0.0, fallback=True)
    svg = _single_path(svg)
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
