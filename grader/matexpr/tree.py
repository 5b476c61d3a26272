"""The tree a matrix expression is read into.

Separate from :mod:`grader.tree` on purpose: here products never commute and every node
has a shape, so the scalar tree's rewrites (and its evaluators) must never see these
nodes.  Every node keeps the span it was read from, so a shape error can say where.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, Union

from grader.errors import Span

__all__ = [
    "Call", "Const", "Identity", "Inverse", "MNode", "Neg", "Num", "Ones", "Power", "Product",
    "Sum", "Sym", "Transpose", "children", "depth", "walk",
]

_NOWHERE = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Num:
    """A number as typed; ``value`` is exact."""

    value: Fraction
    text: str
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Const:
    """``e`` or ``pi``."""

    name: str
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Sym:
    """A symbol: a declared matrix or vector, or a scalar (any other name)."""

    name: str
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Identity:
    """``I`` or ``I_n``; ``dim`` is None until the size is inferred from the context."""

    dim: "str | int | None" = None
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Ones:
    """The all-ones column ``1_n`` (``𝟏``, ``\\mathbf{1}``); sized like :class:`Identity`."""

    dim: "str | int | None" = None
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    arg: "MNode"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Sum:
    """``left + right`` or ``left - right`` (``op`` is ``+`` or ``-``)."""

    op: str
    left: "MNode"
    right: "MNode"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Product:
    """``left right``: ``op`` is ``*`` (matrix product, or scaling when a side is a
    scalar), ``⊙`` (elementwise) or ``/`` (division by a scalar).

    ``implicit`` records juxtaposition, so the LaTeX shows what was typed.
    """

    op: str
    left: "MNode"
    right: "MNode"
    implicit: bool = field(default=False, compare=False)
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Power:
    """``base^exponent``: any scalar power of a scalar, an integer power of a square matrix."""

    base: "MNode"
    exponent: "MNode"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Transpose:
    """``Aᵀ``, ``A^T``, ``A'``, ``transpose(A)``."""

    arg: "MNode"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Inverse:
    """``A^{-1}``, ``inv(A)``; ``A⁻ᵀ`` is the transpose of an inverse."""

    arg: "MNode"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A function of :data:`grader.matexpr.read.FUNCTIONS`, by canonical name."""

    func: str
    args: tuple["MNode", ...]
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


MNode = Union[Num, Const, Sym, Identity, Ones, Neg, Sum, Product, Power, Transpose, Inverse,
              Call]


def children(node: MNode) -> tuple[MNode, ...]:
    """The direct subtrees of ``node``."""
    if isinstance(node, (Neg, Transpose, Inverse)):
        return (node.arg,)
    if isinstance(node, (Sum, Product)):
        return (node.left, node.right)
    if isinstance(node, Power):
        return (node.base, node.exponent)
    if isinstance(node, Call):
        return node.args
    return ()


def walk(node: MNode) -> Iterator[MNode]:
    """Every node of the tree, parents first (iterative: trees may be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def depth(node: MNode) -> int:
    """The height of the tree (a leaf has depth 1), computed without recursion."""
    best, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        best = max(best, level)
        stack.extend((child, level + 1) for child in children(current))
    return best
