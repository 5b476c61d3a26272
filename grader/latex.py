"""LaTeX for a tree, faithful to how the answer was read.

The student sees this back as "how we read your answer", so it shows what they typed,
not a simplified form: ``2x e^(x^2)`` prints as ``2 x e^{x^{2}}``.  Parentheses appear
only where precedence needs them, and where the student put a redundant pair around
a sum that is kept too, so a misreading like ``e^2x`` (which is e²·x) is visible.

>>> from grader.parse import parse
>>> to_latex(parse("x²/(2√y)", variables=["x", "y"]))
'\\\\frac{x^{2}}{2 \\\\sqrt{y}}'
>>> to_latex(parse("[[2, 0], [2x sqrt(y), 1]]", variables=["x", "y"]))
'\\\\begin{bmatrix} 2 & 0 \\\\\\\\ 2 x \\\\sqrt{y} & 1 \\\\end{bmatrix}'
"""

from __future__ import annotations

import re

from grader.tree import (
    BinOp, Call, Const, Eq, Matrix, Neg, Node, Num, PlusMinus, SetOf, Tuple, Var, Vector,
)

__all__ = ["to_latex"]

_SUM, _PRODUCT, _UNARY, _POWER, _ATOM = 1, 2, 3, 4, 5

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa",
    "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega", "pi",
}
_NAMED = {
    "ln": "\\ln", "sin": "\\sin", "cos": "\\cos", "tan": "\\tan", "sec": "\\sec",
    "csc": "\\csc", "cot": "\\cot", "sinh": "\\sinh", "cosh": "\\cosh", "tanh": "\\tanh",
    "coth": "\\coth", "asin": "\\arcsin", "acos": "\\arccos", "atan": "\\arctan",
    "log2": "\\log_{2}", "log10": "\\log_{10}", "max": "\\max", "min": "\\min",
    "sigmoid": "\\sigma", "heaviside": "\\operatorname{step}", "sign": "\\operatorname{sgn}",
    "relu": "\\operatorname{ReLU}",
    "asec": "\\operatorname{arcsec}", "acsc": "\\operatorname{arccsc}",
    "acoth": "\\operatorname{arcoth}", "asech": "\\operatorname{arsech}",
    "acsch": "\\operatorname{arcsch}",
}


_BINOP_PRECEDENCE = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _ATOM, "^": _POWER}
# A name with a subscript: w1, x_12, w_ij.
_SUBSCRIPTED = re.compile(r"([A-Za-z]+?)_?(\d+|_[A-Za-z0-9]+)")


def to_latex(node: Node) -> str:
    """LaTeX source for ``node``, as the student wrote it (not simplified)."""
    return _latex(node)


def _precedence(node: Node) -> int:
    if isinstance(node, BinOp):
        return _BINOP_PRECEDENCE[node.op]
    if isinstance(node, (PlusMinus, Eq)):
        return _SUM
    if isinstance(node, Neg):
        return _UNARY
    if isinstance(node, Num) and node.value < 0:
        return _UNARY
    return _ATOM


def _wrap(node: Node, below: int) -> str:
    text = _latex(node)
    return f"\\left({text}\\right)" if _precedence(node) < below else text


def _name(name: str) -> str:
    if len(name) == 1:
        return name  # x, y: the usual case, with nothing to split
    match = _SUBSCRIPTED.fullmatch(name)
    if match and match.group(1) and not name.isalpha():
        base, sub = match.group(1), match.group(2).lstrip("_")
        return f"{_name(base)}_{{{sub}}}"
    if name in _GREEK:
        return "\\" + name
    return name if len(name) == 1 else f"\\mathit{{{name}}}"


def _signed(node: Node) -> bool:
    """A sign that would stand right after another sign or a product: ``-(-3)``, ``2·(-3)``."""
    return isinstance(node, Neg) or isinstance(node, Num) and node.value < 0


def _parenthesised(node: Node) -> str:
    return f"\\left({_latex(node)}\\right)"


def _starts_with_digit(text: str) -> bool:
    return bool(text) and (text[0].isdigit() or text.startswith("-") or text.startswith("."))


def _latex(node: Node) -> str:
    if isinstance(node, Num):
        if "e" in node.text:  # scientific notation, as the tokenizer normalised it
            mantissa, power = node.text.split("e")
            return f"{mantissa} \\cdot 10^{{{int(power)}}}"
        return node.text
    if isinstance(node, Const):
        return {"pi": "\\pi", "e": "e", "i": "i"}[node.name]
    if isinstance(node, Var):
        return _name(node.name)
    if isinstance(node, Neg):
        return "-" + (_parenthesised(node.arg) if _signed(node.arg) else _wrap(node.arg, _PRODUCT))
    if isinstance(node, BinOp):
        return _binop(node)
    if isinstance(node, Call):
        return _call(node)
    if isinstance(node, PlusMinus):
        right = _wrap(node.right, _PRODUCT)
        return f"\\pm {right}" if node.left is None else f"{_latex(node.left)} \\pm {right}"
    if isinstance(node, Eq):
        return f"{_latex(node.lhs)} = {_latex(node.rhs)}"
    if isinstance(node, Vector):
        return "\\left[" + ", ".join(_latex(i) for i in node.items) + "\\right]"
    if isinstance(node, Tuple):
        return "\\left(" + ", ".join(_latex(i) for i in node.items) + "\\right)"
    if isinstance(node, SetOf) and not node.items:
        return "\\emptyset"
    if isinstance(node, SetOf):
        return "\\left\\{" + ", ".join(_latex(i) for i in node.items) + "\\right\\}"
    if isinstance(node, Matrix):
        rows = " \\\\ ".join(" & ".join(_latex(i) for i in row) for row in node.rows)
        return f"\\begin{{bmatrix}} {rows} \\end{{bmatrix}}"
    raise TypeError(f"not a tree node: {node!r}")


def _binop(node: BinOp) -> str:
    op = node.op
    if op == "/":
        return f"\\frac{{{_latex(node.left)}}}{{{_latex(node.right)}}}"
    if op == "^":
        if isinstance(node.left, Call) and node.left.func not in ("sqrt", "cbrt", "abs", "exp"):
            base = f"\\left({_latex(node.left)}\\right)"
        else:
            base = _wrap(node.left, _ATOM)
        return f"{base}^{{{_latex(node.right)}}}"
    if op in "+-":
        left = _latex(node.left)
        right = _wrap(node.right, _PRODUCT if op == "-" else _SUM + 1)
        if isinstance(node.right, (Neg,)) or _precedence(node.right) == _SUM:
            right = f"\\left({_latex(node.right)}\\right)"
        return f"{left} {op} {right}"
    left = _wrap(node.left, _PRODUCT)
    right = _parenthesised(node.right) if _signed(node.right) else _wrap(node.right, _PRODUCT + 1)
    joiner = " " if node.implicit and not _starts_with_digit(right) else " \\cdot "
    return f"{left}{joiner}{right}"


def _call(node: Call) -> str:
    args = node.args
    if node.func == "sqrt":
        return f"\\sqrt{{{_latex(args[0])}}}"
    if node.func == "cbrt":
        return f"\\sqrt[3]{{{_latex(args[0])}}}"
    if node.func == "abs":
        return f"\\left|{_latex(args[0])}\\right|"
    if node.func == "exp":
        return f"e^{{{_latex(args[0])}}}"
    if node.func == "factorial":
        inner = _latex(args[0])
        simple = isinstance(args[0], (Var, Num)) and not inner.startswith("-")
        return f"{inner}!" if simple else f"\\left({inner}\\right)!"
    if node.func == "ln" and len(args) == 2:
        return f"\\log_{{{_latex(args[1])}}}\\left({_latex(args[0])}\\right)"
    name = _NAMED.get(node.func, f"\\operatorname{{{node.func}}}")
    if len(args) == 1 and isinstance(args[0], (Var, Const, Num)) and node.func in _NAMED \
            and node.func not in ("sigmoid", "heaviside", "relu", "max", "min"):
        return f"{name} {_latex(args[0])}"
    return f"{name}\\left({', '.join(_latex(a) for a in args)}\\right)"
