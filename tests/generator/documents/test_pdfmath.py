"""Formulas painted into the PDF: the same picture as WeasyPrint's own drawing of the
SVG, each glyph outline stored once per document."""

import subprocess

import pytest
from PIL import Image, ImageChops

from generator.documents.pdfmath import formula_image, outline
from generator.documents.render import render_pdf
from generator.documents.typeset import math_html, pdf_math_html, typeset

OUTLINES = {
    # lines and moves, closed
    "M 0 0 L 2 0 L 2 2 Z": b"0 0 m\n2 0 l\n2 2 l\nh\nf",
    # a quadratic is the cubic with controls 2/3 of the way to its control point
    "M 0 0 Q 3 3 6 0 Z": b"0 0 m\n2 2 4 2 6 0 c\nh\nf",
    # T reflects the last control point through the current point
    "M 0 0 Q 1 1 2 0 T 4 0": b"0 0 m\n0.667 0.667 1.333 0.667 2 0 c\n2.667 -0.667 3.333 -0.667 4 0 c\nf",
    # relative and absolute horizontal and vertical lines (fraction bars, roots)
    "M 1 1 h 3 v 2 H 0 V 0": b"1 1 m\n4 1 l\n4 3 l\n0 3 l\n0 0 l\nf",
}


@pytest.mark.parametrize("d, operators", OUTLINES.items())
def test_outlines_become_pdf_path_operators(d, operators):
    assert outline(d).operators == operators


@pytest.mark.parametrize("d", ["M 0 0 C 1 1 2 2 3 3", "M 0 0 A 1 1 0 0 1 2 2", "M 0 0 L 1", "",
                               "M 0 0 l 1 1"])
def test_anything_else_is_left_to_weasyprint(d):
    assert outline(d) is None


def test_a_glyph_used_twice_is_one_outline_placed_twice():
    image = formula_image(typeset(r"x + x").svg)
    assert len(image._outlines) == 2  # x and +
    assert image._placements.count(b" Do Q") == 3


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">'
    '<circle cx="5" cy="5" r="5"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">'
    '<rect x="0" y="0" width="5" height="5" fill="red"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10">'
    '<g transform="scale(2)"><rect x="0" y="0" width="5" height="5"/></g></svg>',
    "<svg", "not svg at all",
])
def test_svg_it_does_not_know_is_drawn_by_weasyprint(svg):
    assert formula_image(svg) is None


FORMULAS = [
    r"\frac{\partial L}{\partial w} = \begin{bmatrix} 2 & - x \\ \sigma(z) & \sqrt{y} \end{bmatrix}",
    r"\left\lVert w \right\rVert^{2} + \sum_{i=1}^{n} e^{- x_{i}^{2}}",
    r"\left(\frac{a}{b}\right) \leq \int_{0}^{1} \frac{\ln{(x)}}{\sqrt{1 - x^{2}}} dx",
]


def _pixels(pdf: bytes, tmp_path, name: str) -> Image.Image:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / name)], check=True)
    return Image.open(next(tmp_path.glob(f"{name}*.png"))).convert("L")


def test_same_picture_as_weasyprint_drawing_the_svg(tmp_path):
    """Our painter against WeasyPrint's own SVG drawing, pixel by pixel (150 dpi)."""
    text = " and ".join(f"${latex}$" for latex in FORMULAS)
    ours = _pixels(render_pdf(f"<p>{pdf_math_html(text)}</p>"), tmp_path, "ours")
    theirs = _pixels(render_pdf(f"<p>{math_html(text)}</p>"), tmp_path, "theirs")
    difference = ImageChops.difference(ours, theirs).point(lambda v: 255 if v > 64 else 0)
    ink = ImageChops.invert(theirs).point(lambda v: 255 if v > 64 else 0)
    assert ink.histogram()[255] > 2000  # the formulas were drawn at all
    assert difference.histogram()[255] < 0.01 * ink.histogram()[255]


def test_repeated_formulas_cost_little_room(tmp_path):
    text = " ".join(f"${latex}$" for latex in FORMULAS * 10)
    ours = render_pdf(f"<p>{pdf_math_html(text)}</p>")
    theirs = render_pdf(f"<p>{math_html(text)}</p>")
    assert len(ours) < len(theirs) / 3


class _Stream:
    """A stream as a WeasyPrint without document resources gives it (another version)."""

    def __init__(self):
        self.stream, self.matrices = [], []

    def transform(self, **matrix):
        self.matrices.append(matrix)


def test_without_document_resources_each_outline_is_written_where_it_is_used():
    image = formula_image(typeset(r"x + x").svg)
    stream = _Stream()
    image.draw(stream, image.width * 2, image.height * 2, None)
    (body,) = stream.stream
    assert b" Do" not in body and body.count(b"\nf") >= 3  # three glyphs, each filled
    assert stream.matrices[0]["a"] == pytest.approx(2)  # scaled to the box it was given
