"""Computed values written out: LaTeX for documents."""


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
