"""Declared shapes, and the shape of every subexpression, with errors a student can act on.

A shape is ``(rows, columns)``; a size is a number or a letter (``n``, ``d``).  A single
size declares a column vector; a 1×1 result is a scalar and scales anything.  ``I`` and
``1`` without a subscript take their size from where they stand (``I - A``), by
unification.

>>> from grader.matexpr.read import read
>>> declared = parse_shapes({"X": "n×d", "w": "d"})
>>> infer(read("X w^T", symbols={"X", "w"}).tree, declared, "X w^T")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
grader.matexpr.shapes.ShapeError: the shapes do not match in the product "X w^T": n×d times 1×d ...
"""

from __future__ import annotations

import re
from typing import Mapping, Union

from grader.errors import ReadError
from grader.matexpr.read import ONES, normalize_name
from grader.matexpr.tree import (
    Call, Const, Identity, Inverse, MNode, Neg, Num, Ones, Power, Product, Sum, Sym, Transpose,
    walk,
)

__all__ = ["MAX_FIXED_SIZE", "MAX_LETTERS", "MAX_SYMBOLS", "Shape", "ShapeError", "describe", "infer", "parse_shapes",
           "shape_text"]

#: Largest numeric size a declaration may give: values are drawn at every size, and
#: confirming in high precision costs the cube of it.
MAX_FIXED_SIZE = 12
#: Most symbols, and most size letters, a problem may declare (shapes may come from HTTP).
MAX_SYMBOLS = 40
MAX_LETTERS = 8

Size = Union[int, str]
Shape = tuple[Size, Size]


class ShapeError(ReadError):
    """An expression whose shapes do not fit together (a product, a sum, an inverse)."""


class _Unknown:
    """A size not yet known (of ``I`` or ``1``)."""

    __slots__ = ()


_DIM = r"([A-Za-z][A-Za-z0-9]*|[0-9]+)"
_SHAPE = re.compile(rf"\s*{_DIM}\s*(?:[×xX*,]\s*{_DIM})?\s*")
_SHAPE_NOSPACE = re.compile(  # "nxd": the x between two sizes written without spaces
    r"\s*([A-Za-z][A-Za-z0-9]*?|[0-9]+)[xX]([A-Za-z][A-Za-z0-9]*|[0-9]+)\s*")


def _size(text: str, declared_as: str) -> Size:
    if text.isdigit():
        value = int(text)
        if not 1 <= value <= MAX_FIXED_SIZE:
            raise ValueError(f"shape {declared_as!r}: sizes must be letters or numbers from 1 "
                             f"to {MAX_FIXED_SIZE}")
        return value
    return text


def parse_shapes(shapes: Mapping[str, object]) -> dict[str, Shape]:
    """Read declarations such as ``{"X": "n×d", "w": "d", "A": "d x d"}``.

    Also accepted: ``"nxd"``, ``"n*d"``, a tuple ``("n", "d")``, a number ``3``.

    Raises:
        ValueError: for a name or shape that cannot be read (an instructor error).

    >>> parse_shapes({"X": "n×d", "w": "d", "δ": "3x1"})
    {'X': ('n', 'd'), 'w': ('d', 1), 'delta': (3, 1)}
    >>> parse_shapes({"X": "nxd", "A": "d x d"})
    {'X': ('n', 'd'), 'A': ('d', 'd')}
    """
    if len(shapes) > MAX_SYMBOLS:
        raise ValueError(f"{len(shapes)} symbols declared; at most {MAX_SYMBOLS}")
    out: dict[str, Shape] = {}
    for name, spec in shapes.items():
        # "1": "n" declares the all-ones vector, so that 1ᵀy reads as 𝟏ᵀy
        key = ONES if str(name).strip() in ("1", ONES, "\\mathbf{1}") else normalize_name(str(name))
        if isinstance(spec, (tuple, list)) and len(spec) in (1, 2):
            parts = [str(p) for p in spec]
        elif isinstance(spec, (str, int)):
            text = str(spec)
            match = _SHAPE_NOSPACE.fullmatch(text) or _SHAPE.fullmatch(text)
            if match is None:
                raise ValueError(f"shape of {name!r} is {spec!r}; write rows×columns as in "
                                 "'n×d', or one size for a column vector as in 'd'")
            parts = [g for g in match.groups() if g]
        else:
            raise ValueError(f"shape of {name!r} must be a string such as 'n×d'")
        sizes = [_size(p.strip(), str(spec)) for p in parts]
        out[key] = (sizes[0], sizes[1] if len(sizes) == 2 else 1)
    letters = {s for shape in out.values() for s in shape if isinstance(s, str)}
    if len(letters) > MAX_LETTERS:
        raise ValueError(f"{len(letters)} size letters declared; at most {MAX_LETTERS}")
    return out


def shape_text(shape: Shape) -> str:
    """``n×d``.

    >>> shape_text(("d", 1))
    'd×1'
    """
    return f"{shape[0]}×{shape[1]}"


def describe(shape: Shape) -> str:
    """``a d×1 column``, ``a 1×d row``, ``a scalar``, ``an n×d matrix``."""
    rows, cols = shape
    if rows == 1 and cols == 1:
        return "a scalar"
    if cols == 1:
        return f"a {shape_text(shape)} column"
    if rows == 1:
        return f"a {shape_text(shape)} row"
    article = "an" if str(rows)[0] in "aefhilmnorsx8" or str(rows) in ("11",) else "a"
    return f"{article} {shape_text(shape)} matrix"


def infer(tree: MNode, declared: Mapping[str, Shape], text: str, *,
          expect: Shape | None = None) -> tuple[MNode, Shape]:
    """The shape of ``tree``, and the tree with every ``I`` and ``1`` sized.

    Parameters:
        tree: the expression read.
        declared: shapes of the matrix and vector symbols (any other symbol is a scalar).
        text: the text it was read from, to quote parts of it in messages.
        expect: the shape the answer should have: it sizes a ``2I`` that nothing else
            sizes (it never makes a wrong shape right).

    Raises:
        ShapeError: naming the place and the shapes that do not fit.
    """
    inference = _Inference(declared, text)
    shape = inference.shape(tree)
    if expect is not None:
        for size, wanted in zip(shape, expect):
            if isinstance(inference.find(size), _Unknown):
                inference.unify(size, wanted)
    filled = inference.fill(tree)
    rows, cols = inference.find(shape[0]), inference.find(shape[1])
    if isinstance(rows, _Unknown) or isinstance(cols, _Unknown):
        raise ShapeError("the size of this expression cannot be told; write I_n or 1_n "
                         "with the size", tree.span, text)
    return filled, (rows, cols)


class _Inference:
    def __init__(self, declared: Mapping[str, Shape], text: str) -> None:
        self.declared = declared
        self.text = text
        self.parent: dict[int, object] = {}
        self.unknowns: dict[int, _Unknown] = {}  # id(I or 1 node) -> its unknown size
        self.hadamard: set[int] = set()  # id of each "*" read as an entry-by-entry product
        self.ones: set[int] = set()  # id of each literal 1 read as the declared ones vector
        self.dims = {s for shape in declared.values() for s in shape if isinstance(s, str)}

    # -- unification
    def find(self, size: object) -> object:
        while isinstance(size, _Unknown) and id(size) in self.parent:
            size = self.parent[id(size)]
        return size

    def unify(self, a: object, b: object) -> bool:
        a, b = self.find(a), self.find(b)
        if a is b or (not isinstance(a, _Unknown) and a == b):
            return True
        if isinstance(a, _Unknown):
            self.parent[id(a)] = b
            return True
        if isinstance(b, _Unknown):
            self.parent[id(b)] = a
            return True
        return False

    def scalar(self, shape: tuple[object, object]) -> bool:
        return self.find(shape[0]) == 1 and self.find(shape[1]) == 1

    def ones_literal(self, node: MNode) -> bool:
        return ONES in self.declared and isinstance(node, Num) and node.text == "1"

    def vector(self, shape: tuple[object, object]) -> bool:
        return (self.find(shape[0]) == 1) != (self.find(shape[1]) == 1)

    def same(self, a: tuple[object, object], b: tuple[object, object]) -> bool:
        """Equal shapes, without unifying anything."""
        return all(not isinstance(self.find(x), _Unknown) and self.find(x) == self.find(y)
                   for x, y in zip(a, b))

    def show(self, shape: tuple[object, object]) -> str:
        return "×".join("?" if isinstance(s, _Unknown) else str(s)
                        for s in (self.find(shape[0]), self.find(shape[1])))

    def quote(self, node: MNode) -> str:
        return self.text[node.span.start:node.span.end].strip() or "this"

    def error(self, reason: str, node: MNode) -> ShapeError:
        return ShapeError(reason, node.span, self.text)

    def sized(self, node: Identity | Ones) -> object:
        if node.dim is None:
            unknown = _Unknown()
            self.unknowns[id(node)] = unknown
            if isinstance(node, Ones) and ONES in self.declared:
                self.parent[id(unknown)] = self.declared[ONES][0]
            return unknown
        if isinstance(node.dim, str) and node.dim not in self.dims:
            known = ", ".join(sorted(self.dims)) or "numbers"
            raise self.error(f'"{node.dim}" is not a size in this problem; the sizes are '
                             f"{known}", node)
        if isinstance(node.dim, int) and not 1 <= node.dim <= MAX_FIXED_SIZE:
            raise self.error(f"sizes go from 1 to {MAX_FIXED_SIZE}", node)
        return node.dim

    # -- shapes
    def shape(self, node: MNode) -> tuple[object, object]:
        if isinstance(node, (Num, Const)):
            return (1, 1)
        if isinstance(node, Sym):
            return self.declared.get(node.name, (1, 1))
        if isinstance(node, Identity):
            size = self.sized(node)
            return (size, size)
        if isinstance(node, Ones):
            return (self.sized(node), 1)
        if isinstance(node, Neg):
            return self.shape(node.arg)
        if isinstance(node, Transpose):
            rows, cols = self.shape(node.arg)
            return (cols, rows)
        if isinstance(node, Inverse):
            shape = self.shape(node.arg)
            self.square(node.arg, shape, "has no inverse: only square matrices do")
            return shape
        if isinstance(node, Sum):
            return self.sum(node)
        if isinstance(node, Product):
            return self.product(node)
        if isinstance(node, Power):
            return self.power(node)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"not a matrix-expression node: {node!r}")

    def square(self, node: MNode, shape: tuple[object, object], why: str) -> None:
        if not self.unify(shape[0], shape[1]):
            raise self.error(f'"{self.quote(node)}" is {self.show(shape)} and {why}', node)

    def sum(self, node: Sum) -> tuple[object, object]:
        left, right = self.shape(node.left), self.shape(node.right)
        if self.scalar(left) != self.scalar(right):
            scalar_side, other, other_shape = ((node.left, node.right, right)
                                               if self.scalar(left) else
                                               (node.right, node.left, left))
            vector = self.find(other_shape[1]) == 1 or self.find(other_shape[0]) == 1
            if vector and not any(isinstance(n, Sym) for n in walk(scalar_side)):
                return other_shape  # 1 - σ(z): a number added to a vector, entry by entry
            length = self.find(other_shape[0] if self.find(other_shape[1]) == 1 else other_shape[1])
            fix = (f"write {self.quote(scalar_side)}·1_{length} (times the all-ones vector)"
                   if vector
                   else f"write {self.quote(scalar_side)}·I for a multiple of the identity")
            raise self.error(f'cannot add the scalar "{self.quote(scalar_side)}" to '
                             f'"{self.quote(other)}", which is {self.show(other_shape)}; {fix}',
                             node)
        if not (self.unify(left[0], right[0]) and self.unify(left[1], right[1])):
            raise self.error(f'cannot add {self.show(left)} and {self.show(right)} in '
                             f'"{self.quote(node)}": the terms must have the same shape', node)
        return left

    def product(self, node: Product) -> tuple[object, object]:
        left, right = self.shape(node.left), self.shape(node.right)
        if node.op == "/":
            if not self.scalar(right) and self.vector(right) and (
                    self.scalar(left) or self.same(left, right)):
                return right  # 1/(1 + exp(-z)): entry by entry, as for σ
            if not self.scalar(right):
                raise self.error(f'cannot divide by "{self.quote(node.right)}", which is '
                                 f"{self.show(right)}: only scalars divide; multiply by an "
                                 "inverse instead", node)
            return left
        if self.ones_literal(node.right) and not self.scalar(left) and \
                self.find(left[1]) == self.declared[ONES][0]:
            # Xᵀ1 with "1" declared: nobody scales by 1 on the right; it is Xᵀ𝟏
            self.ones.add(id(node.right))
            return (left[0], 1)
        if self.scalar(left):
            return right
        if self.scalar(right):
            return left
        if node.op == "⊙":
            if not (self.unify(left[0], right[0]) and self.unify(left[1], right[1])):
                raise self.error(f'the elementwise product "{self.quote(node)}" needs equal '
                                 f"shapes, not {self.show(left)} and {self.show(right)}", node)
            return left
        if node.op == "*" and not node.implicit and self.vector(left) and \
                self.same(left, right) and self.find(left[1]) != self.find(right[0]):
            # σ(z)*(1 - σ(z)): a star between two columns is NumPy's entry-by-entry product
            self.hadamard.add(id(node))
            return left
        if not self.unify(left[1], right[0]):
            columns, rows = self.find(left[1]), self.find(right[0])
            raise self.error(
                f'the shapes do not match in the product "{self.quote(node)}": '
                f"{self.show(left)} times {self.show(right)} (the inner sizes {columns} and "
                f"{rows} differ)", node)
        return (left[0], right[1])

    def power(self, node: Power) -> tuple[object, object]:
        base, exponent = self.shape(node.base), self.shape(node.exponent)
        if not self.scalar(exponent):
            raise self.error(f'an exponent must be a scalar; "{self.quote(node.exponent)}" is '
                             f"{self.show(exponent)}", node.exponent)
        if self.scalar(base):
            return base
        vector = self.find(base[0]) == 1 or self.find(base[1]) == 1
        if vector:
            raise self.error(f'"{self.quote(node.base)}" is {self.show(base)}: a vector has no '
                             "powers; for its squared length write xᵀx or ‖x‖²", node)
        self.square(node.base, base, "only square matrices have powers")
        if not _whole_number(node.exponent):
            raise self.error("a matrix power needs a whole-number exponent", node.exponent)
        return base

    def call(self, node: Call) -> tuple[object, object]:
        arg = node.args[0]
        shape = self.shape(arg)
        func = node.func
        if func in ("tr", "det", "logdet"):
            if not self.scalar(shape):
                self.square(arg, shape, f"{func} needs a square matrix")
            return (1, 1)
        if func in ("norm", "sum"):
            return (1, 1)
        if func == "bars":
            if self.scalar(shape):
                return (1, 1)
            if self.find(shape[0]) == 1 or self.find(shape[1]) == 1:
                raise self.error(f'"{self.quote(arg)}" is a vector: write ‖{self.quote(arg)}‖ '
                                 f"(or norm({self.quote(arg)})) for its length", node)
            self.square(arg, shape, "|A| (the determinant) needs a square matrix")
            return (1, 1)
        if func == "diag":
            if self.scalar(shape):
                raise self.error("diag needs a vector (or a square matrix)", node)
            if self.find(shape[1]) == 1:
                return (shape[0], shape[0])
            if self.find(shape[0]) == 1:
                return (shape[1], shape[1])
            self.square(arg, shape, "diag needs a vector or a square matrix")
            return (shape[0], 1)
        if func == "softmax" and not (self.find(shape[1]) == 1 or self.find(shape[0]) == 1):
            raise self.error(f'softmax needs a vector; "{self.quote(arg)}" is '
                             f"{self.show(shape)}", node)
        return shape  # elementwise

    # -- sizes of I and 1
    def fill(self, node: MNode) -> MNode:
        if isinstance(node, Num) and id(node) in self.ones:
            return Ones(self.declared[ONES][0], node.span)
        if isinstance(node, (Identity, Ones)) and id(node) in self.unknowns:
            size = self.find(self.unknowns[id(node)])
            if isinstance(size, _Unknown):
                name = "I" if isinstance(node, Identity) else "1"
                raise self.error(f"the size of {name} cannot be told here; write {name}_n with "
                                 "its size", node)
            return type(node)(size, node.span)
        if isinstance(node, (Neg, Transpose, Inverse)):
            return type(node)(self.fill(node.arg), node.span)
        if isinstance(node, Sum):
            return Sum(node.op, self.fill(node.left), self.fill(node.right), node.span)
        if isinstance(node, Product):
            op = "⊙" if id(node) in self.hadamard else node.op
            return Product(op, self.fill(node.left), self.fill(node.right), node.implicit,
                           node.span)
        if isinstance(node, Power):
            return Power(self.fill(node.base), node.exponent, node.span)
        if isinstance(node, Call):
            return Call(node.func, (self.fill(node.args[0]),), node.span)
        return node


def _whole_number(node: MNode) -> bool:
    if isinstance(node, Neg):
        return _whole_number(node.arg)
    return isinstance(node, Num) and node.value.denominator == 1 and abs(node.value) <= 64
