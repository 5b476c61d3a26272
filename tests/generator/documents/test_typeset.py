"""Typesetting: real math, on the baseline, cached, never crashing."""

import pytest

from generator.documents.typeset import math_html, plain_html, typeset


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


def test_formula_is_one_path():
    """Glyphs and rules are drawn as one path (WeasyPrint's cost is per element)."""
    formula = typeset(r"\begin{bmatrix} 2 & 0 \\ 2 x \sqrt{y} & \frac{x^{2}}{2 \sqrt{y}} \end{bmatrix}")
    assert formula.html.count("<path") == 1 and "<rect" not in formula.html


def test_flat_parentheses_are_not_stretched():
    from generator.documents.typeset import _unstretch
    assert _unstretch(r"\sin{\left(x \right)}") == r"\sin{(x )}"
    assert _unstretch(r"\left(\frac{a}{b}\right)") == r"\left(\frac{a}{b}\right)"


COMPACT = {
    # an implied on-curve point between two controls: the second Q becomes T
    "M 0 0 Q 1 1 2 1 Q 3 1 4 0 Z": "M 0 0 Q 1 1 2 1 T 4 0 Z",
    # a real corner (the control is not reflected): kept as Q
    "M 0 0 Q 1 1 2 1 Q 2 3 4 0 Z": "M 0 0 Q 1 1 2 1 Q 2 3 4 0 Z",
    # a line of zero length after a move draws nothing
    "M 12 -14.54 L 12 -14.54 L 12.76 -15.84 Z": "M 12 -14.54 L 12.76 -15.84 Z",
    # after a line the reflection rule does not apply
    "M 0 0 Q 1 1 2 1 L 3 1 Q 4 1 5 0 Z": "M 0 0 Q 1 1 2 1 L 3 1 Q 4 1 5 0 Z",
}


@pytest.mark.parametrize("path, compact", COMPACT.items())
def test_outlines_are_written_with_fewer_points(path, compact):
    from generator.documents.typeset import _compact_path
    assert _compact_path(path) == compact


def test_compacting_saves_a_third_of_the_numbers():
    """WeasyPrint's drawing time is per coordinate: a typical formula sheds many."""
    import re

    from generator.documents import typeset as module
    latex = r"\frac{x^{2}}{2 \sqrt{y}} - 3 e^{- x^{2}} \sin{(x)}"
    formula = module.typeset(latex)
    d = re.search(r' d="([^"]*)"', formula.html).group(1)
    raw = module._renderer().Latex(latex, size=module.MATH_SIZE).svg()
    before = len(re.findall(r"-?[\d.]+", " ".join(re.findall(r' d="([^"]*)"', raw))))
    after = len(re.findall(r"-?[\d.]+", d))
    assert after < 0.75 * before


def test_renderer_speed_ups_leave_the_drawing_unchanged(monkeypatch):
    """The ziamath shortcuts give the same SVG as ziamath itself."""
    import dataclasses

    from ziamath import styles

    from generator.documents.typeset import _renderer, _unstretch
    ziamath = _renderer()
    latex = _unstretch(r"\frac{\partial L}{\partial w} = \begin{bmatrix} 2 & - x \\ "
                       r"\sigma{\left(z \right)} & \sqrt{y} \end{bmatrix} + x^{2}_{1}")
    fast = ziamath.Latex(latex, size=15.5).svg()
    monkeypatch.setattr(styles, "asdict", dataclasses.asdict)
    assert ziamath.Latex(latex, size=15.5).svg() == fast


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

