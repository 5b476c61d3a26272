"""Typeset formulas painted straight into WeasyPrint's PDF, each glyph outline once.

WeasyPrint draws an SVG by walking its elements in Python and writing every outline
point of every glyph again for every occurrence; on a worksheet that was most of the
time of a page (``weasyprint/svg/path.py``) and most of the size of the file.  Here a
formula typeset by ziamath (SVG 2: one ``<symbol>`` per glyph, one ``<use>`` per
occurrence) is turned once per process into a :class:`FormulaImage`: the PDF operators
that place its glyphs, with each glyph outline a PDF form XObject defined once per
document and drawn with ``Do`` wherever it recurs, as a PDF viewer draws the glyphs of a
font.  The picture is the same as WeasyPrint's own drawing of the SVG (the tests compare
the pixels); the file is a third of the size.

WeasyPrint takes a :class:`FormulaImage` through its public image interface
(``get_intrinsic_size`` and ``draw``; images are looked up in the ``cache`` mapping given
to ``write_pdf``).  Form XObjects are registered in the document's resources
(``stream._resources``, WeasyPrint 60 to 70); where that is missing the glyphs are
written inline instead, which draws the same picture.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["FormulaImage", "formula_image"]

_SVG = "{http://www.w3.org/2000/svg}"
_COMMAND = re.compile(r"([MLQTZHVhv])([^MLQTZHVhv]*)")


def _number(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass(frozen=True)
class Outline:
    """A glyph outline as PDF path operators (filled), its name and bounding box."""

    name: str
    operators: bytes
    box: tuple[float, float, float, float]


@lru_cache(maxsize=4096)
def outline(d: str) -> Outline | None:
    """The PDF operators of an SVG path made of ``M L Q T H V h v Z`` (absolute
    coordinates, as ziamath writes glyphs), filled by the nonzero rule as SVG fills it,
    or None for anything else.  The pieces of a stretched delimiter come as one path.

    A quadratic segment becomes the cubic with the same curve, as PDF has no quadratics.

    >>> outline("M 0 0 Q 1 2 2 0 Z").operators
    b'0 0 m\\n0.667 1.333 1.333 1.333 2 0 c\\nh\\nf'
    """
    out: list[str] = []
    x = y = 0.0
    control: tuple[float, float] | None = None
    start = (0.0, 0.0)
    xs: list[float] = []
    ys: list[float] = []
    for letter, args in _COMMAND.findall(d):
        try:
            n = [float(v) for v in args.split()]
        except ValueError:
            return None
        if letter in "ML" and len(n) == 2:
            x, y = n
            control = None
            if letter == "M":
                start = (x, y)
            out.append(f"{_number(x)} {_number(y)} {letter.lower()}")
        elif letter == "Q" and len(n) == 4 or letter == "T" and len(n) == 2:
            if letter == "Q":
                qx, qy, ex, ey = n
            else:
                qx, qy = (x, y) if control is None else (2 * x - control[0], 2 * y - control[1])
                ex, ey = n
            out.append(" ".join(_number(v) for v in (
                (x + 2 * qx) / 3, (y + 2 * qy) / 3, (ex + 2 * qx) / 3, (ey + 2 * qy) / 3,
                ex, ey)) + " c")
            xs.append(qx)
            ys.append(qy)
            control, x, y = (qx, qy), ex, ey
        elif letter in "HhVv" and len(n) == 1:
            if letter in "Hh":
                x = n[0] + (x if letter == "h" else 0)
            else:
                y = n[0] + (y if letter == "v" else 0)
            control = None
            out.append(f"{_number(x)} {_number(y)} l")
        elif letter == "Z" and not n:
            out.append("h")
            control = None
            x, y = start
        else:
            return None
        xs.append(x)
        ys.append(y)
    if not xs:
        return None
    operators = ("\n".join(out) + "\nf").encode("ascii")
    name = "m" + hashlib.md5(operators, usedforsecurity=False).hexdigest()[:16]
    # Control points bound the curve; a margin keeps antialiasing inside the box.
    return Outline(name, operators, (min(xs) - 1, min(ys) - 1, max(xs) + 1, max(ys) + 1))


class FormulaImage:
    """A formula as an image WeasyPrint can lay out and draw (its image interface)."""

    def __init__(self, width: float, height: float, viewbox: tuple[float, float, float, float],
                 placements: bytes, outlines: tuple[Outline, ...]) -> None:
        self.width, self.height, self.viewbox = width, height, viewbox
        self._placements = placements  # "... cm /name Do" for every glyph, then the rules
        self._outlines = outlines

    def get_intrinsic_size(self, image_resolution: float, font_size: float):
        """Width, height and ratio, in CSS px (WeasyPrint's image interface)."""
        return self.width, self.height, self.width / self.height if self.height else None

    def draw(self, stream, concrete_width: float, concrete_height: float, style) -> None:
        """Paint the formula into the box WeasyPrint laid out (its image interface)."""
        x, y, width, height = self.viewbox
        sx, sy = concrete_width / width, concrete_height / height
        stream.transform(a=sx, d=sy, e=-x * sx, f=-y * sy)
        resources = getattr(stream, "_resources", None)
        if resources is None or "XObject" not in resources:
            stream.stream.append(self._inline())
            return
        import pydyf

        objects = resources["XObject"]
        for glyph in self._outlines:
            if glyph.name not in objects:
                objects[glyph.name] = pydyf.Stream([glyph.operators], extra=pydyf.Dictionary({
                    "Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array(glyph.box)}),
                    compress=stream.compress)
        stream.stream.append(self._placements)

    def _inline(self) -> bytes:
        """The same picture without form XObjects: each outline written where it is used."""
        body = self._placements
        for glyph in self._outlines:
            body = body.replace(f"/{glyph.name} Do".encode(), glyph.operators)
        return body


def _floats(element, *names: str) -> list[float]:
    return [float(element.get(name, "0")) for name in names]


def formula_image(svg: str | ElementTree.Element) -> FormulaImage | None:
    """The :class:`FormulaImage` of a formula as ziamath writes it in SVG 2 (black
    glyph symbols placed by ``<use>``, rules as ``<rect>``, stretched pieces as
    ``<path>``), or None where the SVG holds anything else, so that the caller draws
    the SVG itself.  ``svg`` is its text or ziamath's element tree (whose tags carry no
    namespace).
    """
    try:
        root = ElementTree.fromstring(svg) if isinstance(svg, str) else svg
        viewbox = tuple(float(v) for v in root.get("viewBox", "").split())
        width, height = _floats(root, "width", "height")
    except (ElementTree.ParseError, ValueError):
        return None
    if len(viewbox) != 4 or viewbox[2] <= 0 or viewbox[3] <= 0:
        return None
    symbols: dict[str, tuple[tuple[float, ...], Outline] | None] = {}
    for symbol in root.iter():
        if _tag(symbol) != "symbol":
            continue
        pieces = list(_drawn(symbol))
        if not pieces:  # a glyph with no outline (a space, an invisible operator)
            symbols[symbol.get("id", "")] = None
            continue
        try:
            symbol_box = tuple(float(v) for v in symbol.get("viewBox", "").split())
        except ValueError:
            return None
        if any(_tag(p) != "path" or set(p.attrib) - {"d"} for p in pieces) or \
                len(symbol_box) != 4 or symbol_box[2] <= 0 or symbol_box[3] <= 0:
            return None
        glyph = outline(" ".join(p.get("d", "") for p in pieces))
        if glyph is None:
            return None
        symbols[symbol.get("id", "")] = (symbol_box, glyph)
    placements = ["0 g"]
    used: dict[str, Outline] = {}
    for element in _drawn(root):
        tag = _tag(element)
        if element.get("fill", "black") != "black":
            return None
        if tag == "use":
            href = element.get("href", "").removeprefix("#")
            if href not in symbols:
                return None
            if (found := symbols[href]) is None:
                continue
            (vx, vy, vw, vh), glyph = found
            x, y, w, h = _floats(element, "x", "y", "width", "height")
            scale = min(w / vw, h / vh)
            if scale <= 0:
                continue  # an empty glyph (a zero-width space)
            e = x + (w - vw * scale) / 2 - vx * scale  # preserveAspectRatio xMidYMid meet
            f = y + (h - vh * scale) / 2 - vy * scale
            placements.append(f"q {_number(scale)} 0 0 {_number(scale)} {_number(e)} "
                              f"{_number(f)} cm /{glyph.name} Do Q")
            used[glyph.name] = glyph
        elif tag == "rect" and set(element.attrib) <= {"x", "y", "width", "height", "fill"}:
            x, y, w, h = _floats(element, "x", "y", "width", "height")
            placements.append(f"{_number(x)} {_number(y)} {_number(w)} {_number(h)} re f")
        elif tag == "path" and set(element.attrib) <= {"d", "fill"}:
            piece = outline(element.get("d", ""))
            if piece is None:
                return None
            placements.append(piece.operators.decode("ascii"))
        else:
            return None
    return FormulaImage(width, height, viewbox, "\n".join(placements).encode("ascii"),
                        tuple(used.values()))



def _tag(element) -> str:
    """An SVG element's name, read from text (namespaced) or from ziamath's tree (bare)."""
    return element.tag.removeprefix(_SVG)


def _drawn(element):
    """The elements that paint, in order: symbols are definitions, plain groups only group."""
    for child in element:
        tag = _tag(child)
        if tag == "symbol":
            continue
        if tag == "g" and not child.attrib:
            yield from _drawn(child)
        else:
            yield child
