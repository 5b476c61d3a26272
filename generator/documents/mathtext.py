"""Write computed values out: in the grader's input syntax, and in LaTeX.

The answer key stores answers in the syntax students type (so the grader reads the key
with the same reader as the answers), and documents show them in LaTeX.

>>> import sympy
>>> x = sympy.Symbol("x", positive=True)
>>> answer_text(x**x * (sympy.log(x) + 1), "expression")
'x^x*(ln(x) + 1)'
>>> answer_text(sympy.Matrix([[2, 0], [2*x, x**2/2]]), "matrix")
'[[2, 0], [2*x, x^2/2]]'
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.str import StrPrinter

from generator.documents.display import SIGMA, display_form

__all__ = ["answer_latex", "answer_text", "latex", "to_list"]


class _AnswerPrinter(StrPrinter):
    """SymPy's string printer, speaking the grader's dialect (ln, e, i, abs, heaviside)."""

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_ImaginaryUnit(self, expr) -> str:
        return "i"

    def _print_log(self, expr) -> str:
        return f"ln({self._print(expr.args[0])})"

    def _print_Abs(self, expr) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr) -> str:
        return f"heaviside({self._print(expr.args[0])})"

    def _print_Max(self, expr) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Float(self, expr) -> str:
        text = format(float(expr), ".15g")
        return text if "e" not in text else format(sympy.Rational(str(expr)), "")

    def _print_Function(self, expr) -> str:
        if expr.func == SIGMA:  # a value written with σ for display, typed back as sigmoid
            return f"sigmoid({self._print(expr.args[0])})"
        return super()._print_Function(expr)

    def _print_Piecewise(self, expr) -> str:
        raise ValueError("piecewise answers cannot be written in the grader's syntax; "
                         "use heaviside, max or abs")


_PRINTER = _AnswerPrinter()


def to_list(value: Any) -> list:
    """The entries of a vector (a list, tuple or single-row/column matrix)."""
    if isinstance(value, sympy.MatrixBase):
        if 1 not in value.shape:
            raise ValueError(f"a vector is expected, not a {value.shape[0]}×{value.shape[1]} matrix")
        return list(value)
    if isinstance(value, (list, tuple, sympy.Tuple)):
        return list(value)
    raise ValueError(f"a vector is expected, not {value!r}")


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (sympy.Basic, int, float)):
        raise ValueError(f"a single expression is expected, not {value!r}")
    # "^" rather than "**": the key reads like what students type, and feedback quotes it.
    return _PRINTER.doprint(sympy.sympify(value)).replace("**", "^")


def answer_text(value: Any, kind: str) -> str:
    """``value`` written as a student would type it, for an answer of ``kind``."""
    if kind == "label":
        if not isinstance(value, str):
            raise ValueError(f"a label answer must be text, not {value!r}")
        return value
    if kind in ("expression", "number"):
        return _scalar(value)
    if kind == "vector":
        return "[" + ", ".join(_scalar(v) for v in to_list(value)) + "]"
    if kind == "point":
        return "(" + ", ".join(_scalar(v) for v in to_list(value)) + ")"
    if kind == "matrix":
        matrix = sympy.Matrix(value)
        rows = ("[" + ", ".join(_scalar(v) for v in matrix.row(i)) + "]"
                for i in range(matrix.rows))
        return "[" + ", ".join(rows) + "]"
    if kind == "set":
        items = value if isinstance(value, (list, tuple, set, sympy.FiniteSet)) else [value]
        parts = []
        for item in items:
            if isinstance(item, (list, tuple, sympy.Tuple, sympy.MatrixBase)):
                parts.append("(" + ", ".join(_scalar(v) for v in to_list(item)) + ")")
            else:
                parts.append(_scalar(item))
        return "{" + ", ".join(parts) + "}"
    raise ValueError(f"unknown answer kind {kind!r}")


class _LatexPrinter(LatexPrinter):
    """SymPy's LaTeX, with the unit step written as students read it (not θ), and
    products holding σ in the order of σ'(z) = σ(z)(1 - σ(z))."""

    def _print_Heaviside(self, expr, exp=None):
        text = f"\\operatorname{{step}}\\left({self._print(expr.args[0])}\\right)"
        return f"{text}^{{{exp}}}" if exp else text

    def _print_Mul(self, expr) -> str:
        coefficient, factors = expr.as_coeff_mul()
        if (not expr.has(SIGMA) or not coefficient.is_Rational
                or any(f.as_base_exp()[1].is_negative for f in factors)):
            return super()._print_Mul(expr)

        # SymPy's own order prints (1 - σ(z)) σ(z); people write σ(z)(1 - σ(z)): other
        # factors, then σ, then the sums holding σ, then e^(...) and the like (last, as
        # SymPy puts them).
        def rank(factor: sympy.Basic) -> int:
            base = factor.base if isinstance(factor, sympy.Pow) else factor
            if not factor.has(SIGMA):
                return 3 if isinstance(base, sympy.Function) else 0
            return 1 if getattr(base, "func", None) == SIGMA else 2

        ordered = sorted((f for f in expr.as_ordered_factors() if not f.is_Number), key=rank)
        parts = [self.parenthesize(f, PRECEDENCE["Mul"], strict=False) for f in ordered]
        if abs(coefficient) != 1:
            parts.insert(0, self._print(abs(coefficient)))
        return ("- " if coefficient < 0 else "") + " ".join(parts)


_LATEX = _LatexPrinter({"ln_notation": True})


def latex(value: Any, *, sigmoid: bool = False, factor: bool = False) -> str:
    """LaTeX for a computed value: expressions, matrices (bracketed), lists, labels.

    ``sigmoid=True`` writes the logistic function as ``\\sigma(u)``, and ``factor=True``
    factors where that is not longer (see :mod:`generator.documents.display`), as a
    family asks with its ``display:`` key; the value is not changed, only how it is
    written.

    >>> x = sympy.Symbol("x")
    >>> print(latex(2 / (1 + sympy.exp(-3 * x)), sigmoid=True))
    2 \\sigma{\\left(3 x \\right)}
    >>> print(latex(sympy.exp(-x) / (1 + sympy.exp(-x))**2, sigmoid=True))
    \\sigma{\\left(x \\right)} \\left(1 - \\sigma{\\left(x \\right)}\\right)
    >>> print(latex(x * sympy.exp(x) + sympy.exp(x), factor=True))
    \\left(x + 1\\right) e^{x}
    """
    if isinstance(value, str):
        return f"\\text{{{value}}}"
    if isinstance(value, sympy.MatrixBase):
        rows = " \\\\ ".join(" & ".join(latex(v, sigmoid=sigmoid, factor=factor)
                                       for v in value.row(i)) for i in range(value.rows))
        return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"
    if isinstance(value, (list, tuple, sympy.Tuple)):
        return "\\left(" + ", ".join(latex(v, sigmoid=sigmoid, factor=factor)
                                   for v in value) + "\\right)"
    value = sympy.sympify(value)
    return _LATEX.doprint(display_form(value, sigmoid=sigmoid, factor=factor))


def answer_latex(value: Any, kind: str, *, sigmoid: bool = False, factor: bool = False) -> str:
    """LaTeX for a key as a person writes an answer of its kind: a set in braces (its
    points in parentheses), a point in parentheses, anything else as :func:`latex`.

    >>> print(answer_latex([-2, 1], "set"))
    \\left\\{-2, 1\\right\\}
    >>> print(answer_latex([], "set"))
    \\varnothing
    >>> print(answer_latex(sympy.Matrix([1, 2]), "point"))
    \\left(1, 2\\right)
    """
    def entries(item: Any) -> str:
        return ", ".join(latex(v, sigmoid=sigmoid, factor=factor) for v in to_list(item))

    if kind == "point":
        return f"\\left({entries(value)}\\right)"
    if kind == "set":
        items = list(value) if isinstance(value, (list, tuple, set, sympy.FiniteSet)) \
            else [value]
        if not items:
            return "\\varnothing"
        parts = [f"\\left({entries(item)}\\right)"
                 if isinstance(item, (list, tuple, sympy.Tuple, sympy.MatrixBase))
                 else latex(item, sigmoid=sigmoid, factor=factor) for item in items]
        return "\\left\\{" + ", ".join(parts) + "\\right\\}"
    return latex(value, sigmoid=sigmoid, factor=factor)
