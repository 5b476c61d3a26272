"""LaTeX of how a matrix expression was read: bold upright matrices and vectors,
``^{\\top}`` for every spelling of a transpose, the factors in the order typed.

>>> from grader.matexpr.read import read
>>> to_latex(read("(Xw - y)'X", symbols={"X", "w", "y"}).tree, {"X", "w", "y"})
'\\\\left(\\\\mathbf{X} \\\\mathbf{w} - \\\\mathbf{y}\\\\right)^{\\\\top} \\\\mathbf{X}'
>>> to_latex(read("A⁻ᵀ + λI", symbols={"A"}, scalars={"lambda"}).tree, {"A"})
'\\\\mathbf{A}^{-\\\\top} + \\\\lambda \\\\mathbf{I}'
"""

from __future__ import annotations

import re
from typing import Collection

from grader.matexpr.read import GREEK_NAMES
from grader.matexpr.tree import (
    Call, Const, Identity, Inverse, MNode, Neg, Num, Ones, Power, Product, Sum, Sym, Transpose,
)

__all__ = ["to_latex"]

_SUM, _PRODUCT, _UNARY, _POSTFIX, _ATOM = 1, 2, 3, 4, 5
_FUNCTIONS = {
    "tr": "\\operatorname{tr}", "det": "\\det", "diag": "\\operatorname{diag}",
    "exp": "\\exp", "log": "\\log", "sigmoid": "\\sigma", "sigmoid'": "\\sigma'",
    "tanh": "\\tanh", "tanh'": "\\tanh'", "relu": "\\operatorname{ReLU}",
    "step": "\\operatorname{step}", "sin": "\\sin", "cos": "\\cos",
    "softmax": "\\operatorname{softmax}", "sum": "\\operatorname{sum}",
    "softplus": "\\operatorname{softplus}", "logdet": "\\log\\det",
}


def to_latex(node: MNode, bold: Collection[str]) -> str:
    """LaTeX for ``node``; the names in ``bold`` (matrices and vectors) print bold upright."""
    return _Latex(frozenset(bold)).latex(node)


def _precedence(node: MNode) -> int:
    if isinstance(node, Sum):
        return _SUM
    if isinstance(node, Product):
        return _ATOM if node.op == "/" else _PRODUCT
    if isinstance(node, Neg):
        return _UNARY
    if isinstance(node, (Transpose, Inverse, Power)):
        return _POSTFIX
    return _ATOM


class _Latex:
    def __init__(self, bold: frozenset[str]) -> None:
        self.bold = bold

    def name(self, name: str, bold: bool) -> str:
        prime = "'" if name.endswith("'") else ""
        name = name.rstrip("'")
        match = re.fullmatch(r"([A-Za-z]+?)_?(\d+|_[A-Za-z0-9]+)", name)
        sub = ""
        if match and not name.isalpha():
            name, sub = match.group(1), "_{" + match.group(2).lstrip("_") + "}"
        if name in GREEK_NAMES:
            base = "\\" + name
            base = f"\\boldsymbol{{{base}}}" if bold else base
        elif bold:
            base = f"\\mathbf{{{name}}}"
        else:
            base = name if len(name) == 1 else f"\\mathit{{{name}}}"
        return base + prime + sub

    def wrap(self, node: MNode, below: int) -> str:
        text = self.latex(node)
        return f"\\left({text}\\right)" if _precedence(node) < below else text

    def latex(self, node: MNode) -> str:
        if isinstance(node, Num):
            return node.text
        if isinstance(node, Const):
            return "\\pi" if node.name == "pi" else "e"
        if isinstance(node, Sym):
            return self.name(node.name, node.name in self.bold)
        if isinstance(node, Identity):
            return "\\mathbf{I}" + ("" if node.dim is None else f"_{{{node.dim}}}")
        if isinstance(node, Ones):
            return "\\mathbf{1}" + ("" if node.dim is None else f"_{{{node.dim}}}")
        if isinstance(node, Neg):
            return "-" + self.wrap(node.arg, _PRODUCT)
        if isinstance(node, Transpose):
            if isinstance(node.arg, Inverse):
                return self.wrap(node.arg.arg, _ATOM) + "^{-\\top}"
            return self.wrap(node.arg, _ATOM) + "^{\\top}"
        if isinstance(node, Inverse):
            return self.wrap(node.arg, _ATOM) + "^{-1}"
        if isinstance(node, Power):
            return f"{self.wrap(node.base, _ATOM)}^{{{self.latex(node.exponent)}}}"
        if isinstance(node, Sum):
            right = self.wrap(node.right, _PRODUCT if node.op == "-" else _SUM + 1)
            if isinstance(node.right, Neg) or _precedence(node.right) == _SUM:
                right = f"\\left({self.latex(node.right)}\\right)"
            return f"{self.latex(node.left)} {node.op} {right}"
        if isinstance(node, Product):
            if node.op == "/":
                return f"\\frac{{{self.latex(node.left)}}}{{{self.latex(node.right)}}}"
            left = self.wrap(node.left, _PRODUCT)
            right = self.wrap(node.right, _PRODUCT + 1)
            if node.op == "⊙":
                return f"{left} \\odot {right}"
            joiner = " " if node.implicit and not right[:1].isdigit() else " \\cdot "
            return f"{left}{joiner}{right}"
        if isinstance(node, Call):
            arg = self.latex(node.args[0])
            if node.func == "norm":
                return f"\\left\\lVert {arg} \\right\\rVert"
            if node.func in ("abs", "bars"):
                return f"\\left|{arg}\\right|"
            if node.func == "sqrt":
                return f"\\sqrt{{{arg}}}"
            return f"{_FUNCTIONS.get(node.func, node.func)}\\left({arg}\\right)"
        raise TypeError(f"not a matrix-expression node: {node!r}")
