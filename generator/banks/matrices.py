"""Matrix-expression values of a bank family: declared shapes, scalar parameters filled in.

A family whose answer kind is ``matrix-expression`` declares the shapes of its matrices
and vectors (``shapes: {X: n×d, w: d, y: n}``, at family level or under ``answer:``) and
writes its values in the grader's matrix syntax with the ``matrix_expression`` operation::

    values:
      f: {matrix_expression: "1/2 ‖Xw - y‖² + lam/2 ‖w‖²"}
      g: {matrix_expression: "X^T(Xw - y) + lam*w"}
      h: {matrix_expression: {pick: k, from: ["tr(AX)", "tr(XA)"]}}

Every name that is a drawn parameter or an earlier scalar value (``lam``) is replaced by
its value; the result is read again with :mod:`grader.matexpr`'s reader and its shapes
inferred, so a product whose sizes do not fit is a ``file:line`` bank error, never a
key that no answer can match.  Other names stay scalar symbols of the problem.

>>> from fractions import Fraction
>>> import sympy
>>> shapes = {"X": "n×d", "w": "d", "y": "n"}
>>> value = matrix_value("X^T(Xw - y) + lam*w", shapes, {"lam": sympy.Rational(3, 10)})
>>> value.text
'X^T (X w - y) + 3/10 w'
>>> value.shape
('d', 1)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Mapping

import sympy

from generator.documents.mathtext import answer_text, latex
from generator.errors import BankError, DeriveError
from grader.errors import ReadError
from grader.matexpr.latex import to_latex
from grader.matexpr.read import ONES, normalize_name, read
from grader.matexpr.shapes import Shape, infer, parse_shapes
from grader.matexpr.tree import (
    Call, Const, Identity, Inverse, MNode, Neg, Num, Ones, Power, Product, Sum, Sym, Transpose,
    walk,
)

__all__ = ["KIND", "MATRIX_ASSUMPTIONS", "MatrixExpression", "check_matrix_family",
           "matrix_expression_op", "matrix_value", "shapes_text", "to_text", "value_latex",
           "value_text"]

#: The answer kind these values serve.
KIND = "matrix-expression"
#: Assumptions a family may state about a declared matrix (besides the scalar ones).
MATRIX_ASSUMPTIONS = ("symmetric", "spd", "diagonal")


@dataclass(frozen=True)
class MatrixExpression:
    """A matrix expression of a family, its parameters filled in.

    Attributes:
        text: in the grader's input syntax (what the key stores and students type).
        latex: how documents show it (bold matrices, ``^{\\top}``).
        shape: its shape, in the declared size letters (``("d", 1)`` is a column).
    """

    text: str
    latex: str
    shape: Shape

    def __str__(self) -> str:
        return self.text


# -- printing a tree back in the grader's syntax ------------------------------------------------

_SUM, _HADAMARD, _PRODUCT, _UNARY, _POSTFIX, _ATOM = range(1, 7)
_NAMES = {"sigmoid'": "sigmoid'", "tanh'": "tanh'", "step": "step", "bars": "abs"}


def _precedence(node: MNode) -> int:
    if isinstance(node, Sum):
        return _SUM
    if isinstance(node, Product):
        return _HADAMARD if node.op == "⊙" else _PRODUCT
    if isinstance(node, Neg):
        return _UNARY
    if isinstance(node, (Transpose, Power)):
        return _POSTFIX
    if isinstance(node, Num) and ("/" in node.text or node.text.startswith("-")):
        return _PRODUCT
    return _ATOM


def _wrap(node: MNode, below: int) -> str:
    text = to_text(node)
    return f"({text})" if _precedence(node) < below else text


def to_text(node: MNode) -> str:
    """``node`` written in the grader's matrix syntax, so that reading it gives it back.

    >>> to_text(read("Xᵀ(X w − y) ⊙ σ'(z)", symbols={"X", "w", "y", "z"}).tree)
    "X^T (X w - y) ⊙ sigmoid'(z)"
    """
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Const):
        return node.name
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Identity):
        return "I" if node.dim is None else f"I_{node.dim}"
    if isinstance(node, Ones):
        return ONES if node.dim is None else f"1_{node.dim}"
    if isinstance(node, Neg):
        return "-" + _wrap(node.arg, _PRODUCT)
    if isinstance(node, Transpose):
        if isinstance(node.arg, Inverse):
            return f"inv({to_text(node.arg.arg)})^T"
        return _wrap(node.arg, _ATOM) + "^T"
    if isinstance(node, Inverse):
        return f"inv({to_text(node.arg)})"
    if isinstance(node, Power):
        return f"{_wrap(node.base, _ATOM)}^{_wrap(node.exponent, _ATOM)}"
    if isinstance(node, Sum):
        return f"{to_text(node.left)} {node.op} {_wrap(node.right, _SUM + 1)}"
    if isinstance(node, Product):
        level = _precedence(node)
        left, right = _wrap(node.left, level), _wrap(node.right, level + 1)
        # juxtaposition as in print (X^T (X w - y)), except before a number: 2*3
        joiner = {"⊙": " ⊙ ", "/": "/"}.get(node.op) or (
            "*" if right[:1].isdigit() or right[:1] == "-" else " ")
        return f"{left}{joiner}{right}"
    if isinstance(node, Call):
        name = _NAMES.get(node.func, node.func)
        return f"{name}({', '.join(to_text(a) for a in node.args)})"
    raise TypeError(f"not a matrix-expression node: {node!r}")


# -- filling in parameters ----------------------------------------------------------------------

def _number(value: Any) -> MNode:
    """A scalar value as a tree: ``3``, ``3/10``, ``-2``, ``sqrt(2)``."""
    if isinstance(value, (sympy.Rational, int)):
        fraction = Fraction(int(sympy.Rational(value).p), int(sympy.Rational(value).q))
        magnitude = abs(fraction)
        node: MNode = Num(Fraction(magnitude.numerator), str(magnitude.numerator))
        if magnitude.denominator != 1:
            node = Product("/", node, Num(Fraction(magnitude.denominator),
                                          str(magnitude.denominator)))
        return Neg(node) if fraction < 0 else node
    return read(answer_text(value, "expression"), symbols=(), lenient=True).tree


def _is_one(node: MNode) -> bool:
    return isinstance(node, Num) and node.value == 1


def _fill(node: MNode, values: Mapping[str, MNode]) -> MNode:
    """Replace parameter symbols by their values, dropping factors of 1 and double signs."""
    if isinstance(node, Sym):
        return values.get(node.name, node)
    if isinstance(node, (Neg, Transpose, Inverse)):
        arg = _fill(node.arg, values)
        if isinstance(node, Neg) and isinstance(arg, Neg):
            return arg.arg
        return type(node)(arg)
    if isinstance(node, Power):
        return Power(_fill(node.base, values), _fill(node.exponent, values))
    if isinstance(node, Call):
        return Call(node.func, tuple(_fill(a, values) for a in node.args))
    if isinstance(node, Sum):
        left, right = _fill(node.left, values), _fill(node.right, values)
        if isinstance(right, Neg):
            return Sum("-" if node.op == "+" else "+", left, right.arg)
        return Sum(node.op, left, right)
    if isinstance(node, Product):
        left, right = _fill(node.left, values), _fill(node.right, values)
        if node.op == "*" and _is_one(left):
            return right
        if node.op in ("*", "/") and _is_one(right):
            return left
        if node.op == "*" and isinstance(left, Neg) and _is_one(left.arg):
            return Neg(right)
        if node.op != "⊙" and isinstance(left, Neg):
            return Neg(Product(node.op, left.arg, right, node.implicit))
        return Product(node.op, left, right, node.implicit)
    return node


def matrix_value(text: str, shapes: Mapping[str, object], scalars: Mapping[str, Any],
                 matrices: Mapping[str, MatrixExpression] | None = None) -> MatrixExpression:
    """Read ``text`` with ``shapes``; fill in the scalar values named in ``scalars`` and
    the earlier matrix expressions named in ``matrices``.

    A value that is one symbol (``u: {pick: j, from: [x, w]}``) lets a family vary the
    letters it uses; a longer one (``r: X w - y``) names a part of an expression.

    >>> r = matrix_value("X w - y", {"X": "n×d", "w": "d", "y": "n"}, {})
    >>> matrix_value("X^T r", {"X": "n×d", "w": "d", "y": "n"}, {}, {"r": r}).text
    'X^T (X w - y)'

    Raises:
        DeriveError: when the text cannot be read or its shapes do not fit (the caller
            adds the file and line).
    """
    # Every seed of a family reads the same texts with few distinct parameter values.
    return _matrix_value(text, tuple((str(k), str(v)) for k, v in shapes.items()),
                         tuple(sorted((str(k), v) for k, v in scalars.items())),
                         tuple(sorted((str(k), v.text) for k, v in (matrices or {}).items())))


@lru_cache(maxsize=4096)
def _matrix_value(text: str, shape_items: tuple, scalar_items: tuple, matrix_items: tuple
                  ) -> MatrixExpression:
    shapes, scalars, matrices = dict(shape_items), dict(scalar_items), dict(matrix_items)
    declared = parse_shapes(shapes)
    names = {normalize_name(k) for k in [*scalars, *matrices]} - set(declared)
    try:
        # the values' names are whole words here (lam), not products of letters
        tree = read(text, symbols=declared, scalars=names, lenient=True).tree
        inner = {normalize_name(k) for k in matrices} - set(declared)
        if not any(isinstance(n, Sym) and n.name in inner for n in walk(tree)):
            infer(tree, declared, text)  # errors quote the bank's own text
        values = {normalize_name(k): _number(v) for k, v in scalars.items()}
        values.update({normalize_name(k): read(v, symbols=declared, lenient=True).tree
                       for k, v in matrices.items()})
        filled = _fill(tree, {k: v for k, v in values.items() if k not in declared})
        out = to_text(filled)
        tree, shape = infer(read(out, symbols=declared, lenient=True).tree, declared, out)
    except ReadError as err:
        raise DeriveError(f"matrix expression {text!r}: {err.message}") from None
    return MatrixExpression(out, to_latex(tree, declared), shape)


def _scalars(scope) -> dict[str, Any]:
    """The parameters and earlier scalar values of ``scope`` (numbers, not symbols)."""
    return {name: value for name, value in scope.values.items()
            if isinstance(value, (sympy.Expr, int)) and not value.free_symbols}


def matrix_expression_op(args: Any, scope) -> MatrixExpression:
    """The ``matrix_expression`` operation: ``TEXT`` or ``{pick: INDEX, from: [TEXT, ...]}``.

    Raises:
        DeriveError: for a bad argument, an index out of range, or shapes that do not fit.
    """
    shapes = getattr(scope, "shapes", None) or {}
    if not shapes:
        raise DeriveError("matrix_expression needs the family's shapes: declare them with "
                          "shapes: {X: n×d, w: d} (answer kind matrix-expression)")
    if isinstance(args, dict):
        if set(args) != {"pick", "from"} or not isinstance(args["from"], list) \
                or not args["from"]:
            raise DeriveError("matrix_expression takes a text, or {pick: INDEX, from: "
                              "[TEXT, ...]}")
        index = args["pick"]
        if isinstance(index, str):
            index = scope.values.get(index, index)
        if not (isinstance(index, (int, sympy.Integer))
                and 0 <= int(index) < len(args["from"])):
            raise DeriveError(f"matrix_expression: pick {args['pick']!r} is not an index "
                              f"from 0 to {len(args['from']) - 1}")
        args = args["from"][int(index)]
    if not isinstance(args, str):
        raise DeriveError(f"matrix_expression takes a text such as \"X^T(Xw - y)\", not "
                          f"{args!r}")
    matrices = {name: value for name, value in scope.values.items()
                if isinstance(value, MatrixExpression)}
    return matrix_value(args, shapes, _scalars(scope), matrices)


# -- what templates and the key show --------------------------------------------------------------

def value_text(value: Any, kind: str) -> str:
    """:func:`generator.documents.mathtext.answer_text`, and matrix expressions' own text."""
    if isinstance(value, MatrixExpression):
        return value.text
    if kind == KIND:
        raise ValueError(f"a matrix-expression answer must be a matrix_expression value, "
                         f"not {value!r}")
    return answer_text(value, kind)


def value_latex(value: Any, *, sigmoid: bool = False, factor: bool = False) -> str:
    """:func:`generator.documents.mathtext.latex` (with its display options), and matrix
    expressions' own LaTeX."""
    if isinstance(value, MatrixExpression):
        return value.latex
    return latex(value, sigmoid=sigmoid, factor=factor)


def shapes_text(shapes: Mapping[str, object]) -> dict[str, str]:
    """Declared shapes as the manifest and the grader take them: ``{"X": "n×d", "w": "d"}``.

    >>> shapes_text({"X": "n x d", "w": "d×1", "A": ["d", "d"]})
    {'X': 'n×d', 'w': 'd', 'A': 'd×d'}
    """
    out = {}
    for name, (rows, cols) in zip(shapes, parse_shapes(shapes).values()):
        out[str(name)] = str(rows) if cols == 1 else f"{rows}×{cols}"
    return out


# -- checking a family when its bank is read -----------------------------------------------------

def check_matrix_family(family) -> None:
    """Static checks of a family's shapes and matrix assumptions, at load time.

    Raises:
        BankError: ``file:line`` for shapes without the kind (or the kind without
            shapes), a shape that cannot be read, an assumption on an undeclared matrix,
            or a ``matrix_expression`` whose shapes do not fit.
    """
    def error(key: str, message: str) -> BankError:
        line = family.lines.get(key) or family.lines.get(f"answer.{key}", family.line)
        return BankError(f"family {family.id}: {message}", family.path, line)

    if family.answer_kind != KIND:
        if family.shapes:
            raise error("shapes", f"shapes are only for answers of kind {KIND}")
        for name, how in family.assume.items():
            if how in MATRIX_ASSUMPTIONS:
                raise error(f"assume.{name}", f"{name} is assumed {how}, but only a matrix "
                            f"declared under shapes can be (answer kind {KIND})")
        return
    if not family.shapes:
        raise error("answer", f"an answer of kind {KIND} needs shapes, e.g. "
                    "shapes: {X: n×d, w: d, y: n}")
    try:
        declared = parse_shapes(family.shapes)
    except ValueError as err:
        raise error("shapes", str(err)) from None
    for name, how in family.assume.items():
        known = normalize_name(name) in declared
        if how in MATRIX_ASSUMPTIONS and not known:
            raise error(f"assume.{name}", f"{name} is assumed {how}, but only a matrix "
                        "declared under shapes can be")
        if known:
            rows, cols = declared[normalize_name(name)]
            if how in MATRIX_ASSUMPTIONS and rows != cols:
                raise error(f"assume.{name}", f"{name} is {rows}×{cols}; only a square "
                            f"matrix can be {how}")
            if how not in MATRIX_ASSUMPTIONS:
                raise error(f"assume.{name}", f"{name} is a matrix; assume one of "
                            f"{', '.join(MATRIX_ASSUMPTIONS)} for it")
    scalars = {normalize_name(n) for n in [*family.params, *family.values]
               if normalize_name(n) not in declared}
    # texts naming an earlier matrix value are checked once it is filled in, when generated
    composed = {normalize_name(n) for n, spec in family.values.items()
                if isinstance(spec, dict) and "matrix_expression" in spec}
    for name, spec in family.values.items():
        if isinstance(spec, dict) and "matrix_expression" in spec:
            texts = spec["matrix_expression"]
            if isinstance(texts, dict):
                texts = texts.get("from")
            for text in texts if isinstance(texts, list) else [texts]:
                if not isinstance(text, str):
                    raise error(f"values.{name}", f"value {name}: matrix_expression takes "
                                f"texts, not {text!r}")
                try:
                    # parameters are scalars: filled in or not, the shapes are the same
                    tree = read(text, symbols=declared, scalars=scalars,
                                lenient=True).tree
                    if not any(isinstance(n, Sym) and n.name in composed for n in walk(tree)):
                        infer(tree, declared, text)
                except ReadError as err:
                    raise error(f"values.{name}", f"value {name}: matrix expression "
                                f"{text!r}: {err.message}") from None
