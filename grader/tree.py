"""The tree an answer is read into: our own small, checked vocabulary of mathematics.

The parser builds these nodes and nothing else; evaluation, LaTeX and the SymPy bridge
all walk them.  Keeping our own tree (rather than SymPy objects) means reading an answer
never evaluates anything: ``9^9^9^9`` is four numbers and three powers, not a hang.
Every node keeps the span it was read from, for messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Union

from grader.errors import Span

__all__ = [
    "BinOp", "Call", "Const", "Eq", "Matrix", "Neg", "Node", "Num", "PlusMinus",
    "SetOf", "Tuple", "Var", "Vector", "children", "depth", "expand_plus_minus", "free_names",
    "has_calls", "has_plus_minus", "is_scalar", "misplaced", "size", "walk",
]

_NOWHERE = Span(0, 0)


@dataclass(frozen=True, slots=True)
class Num:
    """A number as typed; ``value`` is exact (``0.1`` is 1/10, not a float)."""

    value: Fraction
    text: str
    span: Span = field(default=_NOWHERE, compare=False, repr=False)

    @property
    def is_decimal(self) -> bool:
        """Typed with a decimal point or in scientific notation (``0.5``, ``5e-2``)."""
        return "." in self.text or "e" in self.text


@dataclass(frozen=True, slots=True)
class Const:
    """``pi``, ``e`` or the imaginary unit ``i``."""

    name: str
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Var:
    """A declared variable of the problem."""

    name: str
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    arg: "Node"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BinOp:
    """``left op right`` with op one of ``+ - * / ^``.

    ``implicit`` records a multiplication the student wrote by juxtaposition (``2x``),
    so the LaTeX of how the answer was read looks like what they typed.
    """

    op: str
    left: "Node"
    right: "Node"
    implicit: bool = False
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Call:
    """A function from the allow-list of :mod:`grader.functions`, by canonical name."""

    func: str
    args: tuple["Node", ...]
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class PlusMinus:
    """``a ± b`` (``left`` is None for a leading ``±b``): two answers at once."""

    left: "Node | None"
    right: "Node"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Eq:
    """``lhs = rhs``: in answers such as ``x = -1, x = 2`` or ``f'(x) = 2x``."""

    lhs: "Node"
    rhs: "Node"
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Tuple:
    """Comma-separated items, in parentheses or none: a point, a vector or a list."""

    items: tuple["Node", ...]
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Vector:
    """``[a, b, c]``."""

    items: tuple["Node", ...]
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Matrix:
    """``[[a, b], [c, d]]``, ``[a, b; c, d]`` or a LaTeX matrix environment."""

    rows: tuple[tuple["Node", ...], ...]
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SetOf:
    """``{a, b, c}``."""

    items: tuple["Node", ...]
    span: Span = field(default=_NOWHERE, compare=False, repr=False)


Node = Union[Num, Const, Var, Neg, BinOp, Call, PlusMinus, Eq, Tuple, Vector, Matrix, SetOf]


def is_scalar(node: Node) -> bool:
    """True for a single expression (not a list, vector, matrix, set or equation)."""
    return isinstance(node, (Num, Const, Var, Neg, BinOp, Call))


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of ``node``."""
    kind = type(node)  # the node classes are final: identity tests, commonest first
    if kind is BinOp:
        return (node.left, node.right)
    if kind is Var or kind is Num or kind is Const:
        return ()
    if kind is Call:
        return node.args
    if kind is Neg:
        return (node.arg,)
    if isinstance(node, Eq):
        return (node.lhs, node.rhs)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, PlusMinus):
        return (node.right,) if node.left is None else (node.left, node.right)
    if isinstance(node, Matrix):
        return tuple(item for row in node.rows for item in row)
    return node.items


def walk(node: Node):
    """Every node of the tree, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def free_names(node: Node) -> frozenset[str]:
    """Names of the variables that occur in ``node``."""
    return frozenset(n.name for n in walk(node) if isinstance(n, Var))


def has_calls(node: Node, funcs: frozenset[str]) -> bool:
    """True when one of ``funcs`` is called somewhere in ``node``."""
    stack = [node]  # as walk(), in any order, without a generator: asked of every answer
    while stack:
        current = stack.pop()
        if type(current) is Call and current.func in funcs:
            return True
        stack.extend(children(current))
    return False


def depth(node: Node) -> int:
    """Length of the longest path from ``node`` to a leaf (computed without recursion)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest


def size(node: Node) -> int:
    """Number of nodes in the tree."""
    return sum(1 for _ in walk(node))


def expand_plus_minus(node: Node, limit: int = 8) -> list[Node]:
    """Every reading of ``node`` with each ``±`` taken as + and as -.

    >>> from grader.parse import parse
    >>> len(expand_plus_minus(parse("(4 ± sqrt(8))/2")))
    2
    """
    if not any(isinstance(n, PlusMinus) for n in walk(node)):
        return [node]
    if isinstance(node, PlusMinus):
        lefts = [None] if node.left is None else expand_plus_minus(node.left, limit)
        out = []
        for base in lefts:
            for right in expand_plus_minus(node.right, limit):
                for term in (right, Neg(right)):
                    out.append(term if base is None else BinOp("+", base, term))
        return out[:limit]
    if isinstance(node, Neg):
        return [Neg(n) for n in expand_plus_minus(node.arg, limit)]
    if isinstance(node, BinOp):
        return [BinOp(node.op, a, b, node.implicit, node.span)
                for a in expand_plus_minus(node.left, limit)
                for b in expand_plus_minus(node.right, limit)][:limit]
    if isinstance(node, Call):
        options = [expand_plus_minus(a, limit) for a in node.args]
        out = [[]]
        for choices in options:
            out = [prefix + [c] for prefix in out for c in choices][:limit]
        return [Call(node.func, tuple(args), node.span) for args in out]
    if isinstance(node, Eq):
        return [Eq(node.lhs, r, node.span) for r in expand_plus_minus(node.rhs, limit)]
    return [node]


def has_plus_minus(node: Node) -> bool:
    """True when ``±`` occurs somewhere in ``node``."""
    stack = [node]  # as walk(), without a generator: asked of every answer
    while stack:
        current = stack.pop()
        if type(current) is PlusMinus:
            return True
        stack.extend(children(current))
    return False


def misplaced(node: Node) -> Node | None:
    """The first list, vector, matrix, set or equation used as an operand, or None.

    ``(1, 2)^2``, ``sin([1, 2])`` and ``{1, 2} + 1`` read, but have no value: a
    calculation takes single expressions.  (``2[1, 2]`` is not one of them: the parser
    has already multiplied every entry by 2.)

    >>> from grader.parse import parse
    >>> misplaced(parse("(1, 2)^2"))
    Tuple(items=(Num(value=Fraction(1, 1), text='1'), Num(value=Fraction(2, 1), text='2')))
    >>> misplaced(parse("[x^2, 1]", variables=["x"])) is None
    True
    """
    # A ± in front of a whole point is a pair of points (±(1, 2)), not a calculation: it
    # is allowed where a point may stand, as the answer or an element of a list or set.
    stack: list[tuple[Node, bool]] = [(node, True)]
    while stack:
        current, may_hold_point = stack.pop()
        inside = children(current)
        if isinstance(current, PlusMinus) and may_hold_point and \
                all(isinstance(child, (Tuple, Vector)) for child in inside):
            stack.extend((child, False) for child in reversed(inside))
            continue
        if isinstance(current, (Neg, BinOp, Call, PlusMinus)):
            for child in inside:
                if not is_scalar(child) and not isinstance(child, PlusMinus):
                    return child
        holds_points = isinstance(current, (SetOf, Tuple, Vector))
        stack.extend((child, holds_points) for child in reversed(inside))
    return None
