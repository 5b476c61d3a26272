"""Computed values written out: LaTeX for documents."""

import pytest
import sympy


class TestLatexSigmoid:
    """latex(..., sigmoid=True) writes the logistic function as σ, as a person would."""

    def test_a_sigmoid_inside_an_answer_is_written_as_sigma(self):
        import sympy

        from generator.documents.mathtext import latex
        w = sympy.Symbol("w")
        key = 3 * (-1 + 1 / (sympy.exp(-3 * w - 1) + 1)) * sympy.exp(-3 * w - 1)
        assert latex(key, sigmoid=True) == \
            r"\left(3 \sigma{\left(3 w + 1 \right)} - 3\right) e^{- 3 w - 1}"

    def test_without_the_option_nothing_changes(self):
        import sympy

        from generator.documents.mathtext import latex
        x = sympy.Symbol("x")
        assert latex(1 / (1 + sympy.exp(-x))) == r"\frac{1}{1 + e^{- x}}"
        assert latex(1 / (2 + sympy.exp(-x)), sigmoid=True) == r"\frac{1}{2 + e^{- x}}"


KEYS_BY_KIND = [
    ([-2, 1, 3], "set", r"\left\{-2, 1, 3\right\}"),
    ([], "set", r"\varnothing"),
    ([(1, 0), (-1, 0)], "set", r"\left\{\left(1, 0\right), \left(-1, 0\right)\right\}"),
    (sympy.Matrix([1, 2]), "point", r"\left(1, 2\right)"),
    ((sympy.Rational(-1, 4), 2), "point", r"\left(- \frac{1}{4}, 2\right)"),
    (sympy.Matrix([1, 2]), "vector", r"\begin{bmatrix} 1 \\ 2 \end{bmatrix}"),
]


@pytest.mark.parametrize("value, kind, expected", KEYS_BY_KIND)
def test_keys_are_written_as_their_kind_is(value, kind, expected):
    """A set in braces and a point in parentheses, as a student writes them."""
    from generator.documents.mathtext import answer_latex
    assert answer_latex(value, kind) == expected
