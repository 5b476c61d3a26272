"""Values written as a person writes them: σ(z) for the sigmoid, factored keys."""

import sympy
import pytest

from generator.documents import display
from generator.documents.display import SIGMA, display_form, factored_form, sigmoid_form
from generator.documents.mathtext import answer_text, latex

x, w, b = sympy.symbols("x w b")
E = sympy.exp


def explicit(expr):
    """``expr`` with σ(u) written out as 1/(1 + e^{-u}), to compare with the value."""
    return expr.replace(lambda e: getattr(e, "func", None) == SIGMA,
                        lambda e: 1 / (1 + E(-e.args[0])))


def equal(a, b) -> bool:
    return sympy.simplify(explicit(a) - b) == 0


# value -> LaTeX with sigmoid=True
SIGMOID = [
    (E(-x) / (1 + E(-x))**2,
     r"\sigma{\left(x \right)} \left(1 - \sigma{\left(x \right)}\right)"),
    (48 * E(-3 * x) / (4 + 4 * E(-3 * x))**2,
     r"3 \sigma{\left(3 x \right)} \left(1 - \sigma{\left(3 x \right)}\right)"),
    (sympy.diff((1 / (1 + E(-2 * w - 1)) - 1)**2, w),
     r"- 4 \sigma{\left(2 w + 1 \right)} \left(1 - \sigma{\left(2 w + 1 \right)}\right)^{2}"),
    (sympy.diff((1 / (1 + E(w + 2)))**2 / 2, w),
     r"- \sigma^{2}{\left(- w - 2 \right)} \left(1 - \sigma{\left(- w - 2 \right)}\right)"),
    (2 / (1 + E(-3 * x)), r"2 \sigma{\left(3 x \right)}"),
    # not a polynomial in one σ(u): only the plain 1/(1 + e^{-u}) inside is written σ
    (3 * (-1 + 1 / (E(-3 * w - 1) + 1)) * E(-3 * w - 1),
     r"\left(3 \sigma{\left(3 w + 1 \right)} - 3\right) e^{- 3 w - 1}"),
    (10 * E(-x) / (3 + 2 * E(-x))**2, r"\frac{10 e^{- x}}{\left(3 + 2 e^{- x}\right)^{2}}"),
    (x * E(-x), r"x e^{- x}"),
    (1 / (1 + E(-2)), r"\frac{1}{e^{-2} + 1}"),  # a number stays a number
]

# value -> LaTeX with factor=True
FACTOR = [
    (sympy.expand(sympy.diff((x**2 + 1)**3, x)), r"6 x \left(x^{2} + 1\right)^{2}"),
    (x * E(x) + E(x), r"\left(x + 1\right) e^{x}"),
    (8 * sympy.tanh(4 * x)**2 - 8, r"- 8 \left(1 - \tanh^{2}{\left(4 x \right)}\right)"),
    (4 - 4 * sympy.tanh(4 * x + 1)**2, r"4 \left(1 - \tanh^{2}{\left(4 x + 1 \right)}\right)"),
    # the argument of a function is left as written: tanh(3x - 3), not tanh(3(x - 1))
    (6 * sympy.tanh(3 * x - 3)**2 - 6, r"- 6 \left(1 - \tanh^{2}{\left(3 x - 3 \right)}\right)"),
    ((4 * x**2 + 4 * x - 16) / (x**2 + 4)**2,
     r"\frac{4 \left(x^{2} + x - 4\right)}{\left(x^{2} + 4\right)^{2}}"),
    (2 * b + sympy.Rational(10, 3) * w - sympy.Rational(26, 3),
     r"\frac{2 \left(3 b + 5 w - 13\right)}{3}"),
    # nothing to take out, or factoring would be longer: printed as computed
    (6 * x + 1, r"6 x + 1"),
    ((9 * x**2 - 3) * E(3 * x**3 - 3 * x), r"\left(9 x^{2} - 3\right) e^{3 x^{3} - 3 x}"),
    (-2 * b + sympy.Rational(22, 3) * w + 2, r"- 2 b + \frac{22 w}{3} + 2"),
    (1 - sympy.tanh(x)**2, r"1 - \tanh^{2}{\left(x \right)}"),
]


class TestSigmoidForm:
    """sigmoid_form writes the logistic function as σ, and σ' as σ(1 - σ)."""

    @pytest.mark.parametrize("value, expected", SIGMOID, ids=[e for _, e in SIGMOID])
    def test_printed(self, value, expected):
        """The LaTeX a document shows."""
        assert latex(value, sigmoid=True) == expected

    @pytest.mark.parametrize("value", [v for v, _ in SIGMOID])
    def test_equal_to_the_value(self, value):
        """Only the form changes: σ written out again gives the value back."""
        assert equal(sigmoid_form(value), value)

    def test_without_the_option_nothing_changes(self):
        """The default LaTeX keeps the exponentials."""
        assert latex(E(-x) / (1 + E(-x))**2) == \
            r"\frac{e^{- x}}{\left(1 + e^{- x}\right)^{2}}"

    def test_typed_back_as_sigmoid(self):
        """The typed form of a σ value is what the grader reads as the sigmoid."""
        shown = sigmoid_form(E(-x) / (1 + E(-x))**2)
        assert answer_text(shown, "expression") == "(1 - sigmoid(x))*sigmoid(x)"

    def test_in_all(self):
        assert "sigmoid_form" in display.__all__


class TestFactoredForm:
    """factored_form takes common factors out where that is not longer."""

    @pytest.mark.parametrize("value, expected", FACTOR, ids=[e for _, e in FACTOR])
    def test_printed(self, value, expected):
        """The LaTeX a document shows."""
        assert latex(value, factor=True) == expected

    @pytest.mark.parametrize("value", [v for v, _ in FACTOR])
    def test_equal_to_the_value(self, value):
        """Only the form changes."""
        assert equal(factored_form(value), value)

    def test_entries_of_a_vector_each_factored(self):
        """A gradient's entries are factored one by one."""
        gradient = sympy.Matrix([x * E(x) + E(x), 6 * x + 1])
        assert latex(gradient, factor=True) == \
            r"\begin{bmatrix} \left(x + 1\right) e^{x} \\ 6 x + 1 \end{bmatrix}"

    def test_sigma_then_factored(self):
        """Both options together: σ first, then factors."""
        value = 2 * E(-x) / (1 + E(-x))**2 + 2 * x * E(-x) / (1 + E(-x))**2
        shown = display_form(value, sigmoid=True, factor=True)
        assert equal(shown, value)
        assert latex(value, sigmoid=True, factor=True) == \
            r"2 \left(x + 1\right) \sigma{\left(x \right)} \left(1 - \sigma{\left(x \right)}\right)"

    def test_in_all(self):
        assert "factored_form" in display.__all__


class TestBounds:
    """A bank cannot make printing slow: large or slow values are printed as computed."""

    def test_a_large_value_is_left_alone(self):
        """Over MAX_DISPLAY_NODES, nothing is tried."""
        value = sympy.Add(*(k * x**k * E(x) for k in range(1, 200)))
        assert factored_form(value) is value
        assert sigmoid_form(value / (1 + E(-x))) == value / (1 + E(-x))

    def test_past_the_time_budget_the_value_is_printed_as_computed(self, monkeypatch):
        """Each way of factoring stops at DISPLAY_SECONDS; then the value is kept."""
        monkeypatch.setattr(display, "DISPLAY_SECONDS", 1e-6)
        value = sympy.expand((x + 1)**8 * (x - 2)**6)
        assert factored_form(value) is value
        assert sigmoid_form(E(-x) / (1 + E(-x))**2) == E(-x) / (1 + E(-x))**2
