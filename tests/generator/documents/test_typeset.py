"""Typesetting: real math, on the baseline, cached, never crashing."""

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
