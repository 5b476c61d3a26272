"""Typesetting: real math, on the baseline, cached, never crashing."""

import re

import pytest

from generator.documents.typeset import (formula_images, math_html, pdf_math_html, plain_html,
                                         typeset)


def test_formula_is_svg_with_baseline_alignment():
    formula = typeset(r"\frac{x^{2}}{2 \sqrt{y}}")
    assert formula.html.startswith("<svg class=\"math\"")
    assert "vertical-align:-" in formula.html  # a fraction reaches below the baseline
    assert formula.height > formula.depth > 0


def test_same_formula_typeset_once():
    typeset.cache_clear()
    for _ in range(3):
        typeset("e^{x^{2}}")
    assert typeset.cache_info().hits == 2


def test_text_is_escaped_and_math_typeset():
    html = str(math_html("If <x> & $x^{2}$"))
    assert html.startswith("If &lt;x&gt; &amp; <svg")


def test_unrenderable_formula_falls_back_to_text():
    formula = typeset(r"\frac{")
    assert formula.fallback and "math-fallback" in formula.html


def test_plain_baseline_keeps_source():
    assert str(plain_html("$x^2$ <")) == '<span class="math-fallback">x^2</span> &lt;'


def test_each_glyph_outline_is_written_once_per_formula():
    """ziamath's SVG 2: a glyph used twice is one symbol placed twice."""
    formula = typeset(r"x^{2} + x + x")
    assert formula.html.count("<symbol") < formula.html.count("<use")


def test_symbol_ids_are_unique_to_their_formula():
    """Two formulas on one HTML page must not take each other's glyphs by id."""
    first, second = typeset(r"x^{2}").html, typeset(r"\frac{x}{2}").html
    ids = lambda svg: set(re.findall(r' id="([^"]+)"', svg))  # noqa: E731
    assert ids(first) and not ids(first) & ids(second)
    assert set(re.findall(r'href="#([^"]+)"', first)) <= ids(first)


def test_pdf_form_is_an_image_named_by_its_source():
    formula = typeset(r"\frac{x^{2}}{2}")
    html = formula.pdf_html
    assert html.startswith('<img class="math" alt="\\frac{x^{2}}{2}"')
    assert f"width:{formula.width:.2f}px" in html and "vertical-align:-" in html
    (url, image), = formula_images(html).items()
    assert url == "calcdrill-math:inline/%5Cfrac%7Bx%5E%7B2%7D%7D%7B2%7D"
    assert image is formula.image
    assert image.get_intrinsic_size(96, 16)[:2] == (formula.width, formula.height)


def test_fallback_formula_prints_its_source_in_pdf_too():
    formula = typeset(r"\frac{")
    assert formula.pdf_html == formula.html and formula_images(formula.pdf_html) == {}


@pytest.mark.parametrize("latex", [r"x^{3} + \sqrt{y}", r"\{a, b\} \cup \{c\} + 50\%",
                                   r"\text{if } x < 0 \;\&\; y > 1"])
def test_pdf_html_made_elsewhere_is_typeset_from_its_address(latex):
    """A student's key section is made in one process and laid out in another."""
    from generator.documents import typeset as module

    html = "<p>" + pdf_math_html(f"Key: ${latex}$") + "</p>"
    expected = typeset(latex)
    module.typeset.cache_clear()
    (image,) = formula_images(html).values()
    assert image._placements == expected.image._placements


def test_flat_parentheses_are_not_stretched():
    from generator.documents.typeset import _unstretch
    assert _unstretch(r"\sin{\left(x \right)}") == r"\sin{(x )}"
    assert _unstretch(r"\left(\frac{a}{b}\right)") == r"\left(\frac{a}{b}\right)"


ROWS = [
    r"\frac{\partial L}{\partial w} = 2 x^{2}_{1} + \sqrt{y} - \frac{1}{2}",  # nothing stretches
    r"\left(\frac{a}{b}\right)^{2} + \left|x\right|",  # fences grow to the fraction
    r"\frac{\partial L}{\partial w} = \begin{bmatrix} 2 & - x \\ "
    r"\sigma{\left(z \right)} & \sqrt{y} \end{bmatrix} + x^{2}_{1}",  # brackets
    r"\left\lVert w \right\rVert^{2} + \sum_{i=1}^{n} \left\{ x_{i} \right\}",
    r"f(x) = \begin{cases} x & x > 0 \\ 0 & x \leq 0 \end{cases}",
    r"\mathbf{X}^{T} \hat{y} \cdot \tilde{w} \neq \overline{z} \to \infty",
    # measured rows whose parts are kept: a part after a fence, a fraction after a
    # fraction, a table whose margin depends on the fence before it, nested fences
    r"\left[\frac{1}{2} \frac{3}{4} 5 x^{2} \right] \left( 2 \begin{cases} 1 & x \\ 0 & y "
    r"\end{cases} \right)",
    r"\left(\begin{array}{cc} 1 & 2 \\ 3 & 4\end{array}\right) \left\{ 1, 2 \right\}",
    r"\left( a^{\frac{1}{2}} \sqrt{x} \right) \left\| \frac{x}{\left( y \right)} \right\| "
    r"\mathrm{tr}(X) \ne 2",
    # a fraction placed again after its neighbour, inside a fraction
    r"F^{-1}(u) = \frac{\tan{\left(\pi \left(u - \frac{1}{2}\right) \right)}}{2} + 2",
]


@pytest.mark.parametrize("latex", ROWS)
@pytest.mark.parametrize("size", [15.5, 17.8])
def test_renderer_speed_ups_leave_the_drawing_unchanged(latex, size):
    """ziamath with our shortcuts writes the same SVG, byte for byte, as ziamath."""
    from generator.documents.typeset import _renderer, _unstretch
    from generator.documents.ziamath_speedups import original_ziamath

    ziamath = _renderer()
    latex = _unstretch(latex)
    fast = [ziamath.Latex(latex, size=size).svg() for _ in range(2)]  # the 2nd from caches
    with original_ziamath():
        assert ziamath.Latex(latex, size=size).svg() == fast[0] == fast[1]


SPACING = {
    # a sign after a relation, a bracket, a comma, a relation symbol: no space after it
    r"\nabla f = - 2 x^{2}": r"\nabla f = {-} 2 x^{2}",
    r"\left(4, - 3\right)": r"\left(4, {-} 3\right)",
    r"x \geq - 1": r"x \geq {-} 1",
    r"e^{- x^{2}}": r"e^{{-} x^{2}}",
    r"- x + 1": r"{-} x + 1",
    r"\begin{bmatrix} - \frac{6}{5} \\ - 1 & - 2 \end{bmatrix}":
        r"\begin{bmatrix} {-} \frac{6}{5} \\ {-} 1 & {-} 2 \end{bmatrix}",
    # a subtraction keeps its spaces
    r"x^{2} - 1": r"x^{2} - 1",
    r"\sigma(z) - y": r"\sigma(z) - y",
    # operators take their subscripts
    r"\nabla_{w} L": r"{\nabla}_{w} L",
    r"\partial^{2} f": r"{\partial}^{2} f",
    # already written as a sign: left alone
    r"= {-} 2": r"= {-} 2",
}


@pytest.mark.parametrize("latex, spaced", SPACING.items())
def test_signs_and_operator_scripts_are_set_as_in_tex(latex, spaced):
    from generator.documents.typeset import _tex_spacing
    assert _tex_spacing(latex) == spaced



_ENTITIES = """
import json, sys
sys.path.insert(0, {root!r})
if {defer}:
    from generator.documents.ziamath_speedups import defer_entity_expression
    defer_entity_expression()
import ziamath.escapes as escapes
compiled_at_import = "regex" in vars(escapes)
sample = '<mo>&alpha;&bogus;&InvisibleTimes;:= \\\\*= == != </mo><mn> -2</mn>'
print(json.dumps([list(escapes.ESCAPES.items()), escapes.unescape(sample),
                  escapes.regex.pattern[:80], compiled_at_import]))
"""


def test_the_deferred_entity_table_is_ziamaths_own():
    """ziamath's escapes module, loaded without compiling its expression at import, holds
    the same table and unescapes the same way (the expression is compiled when used)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[3])
    shipped, deferred = (
        json.loads(subprocess.run([sys.executable, "-c", _ENTITIES.format(root=root, defer=d)],
                                  capture_output=True, text=True, check=True).stdout)
        for d in (False, True))
    assert deferred[:3] == shipped[:3]
    assert "&alpha;" in dict(shipped[0]) and shipped[1].startswith("<mo>α")
    assert (shipped[3], deferred[3]) == (True, False)
