"""A normal form of a scalar tree, up to rewrites that change nothing at any point.

Two answers with the same normal form are the same function, with the same domain,
the same values at every point and the same steps through the reals: ``2x e^(x^2)``
and ``2*x*exp(x^2)``, ``3 + 2 x`` and ``2*x+3``.  :func:`grader.equivalence.compare`
accepts those at once, without sampling; every other pair goes through the full
comparison, so the normal form only needs to be *sound*, never complete.

The rewrites, each exact:

* ``a - b`` is ``a + (-1)·b``; ``-a`` is ``(-1)·a``; ``a / b`` is ``a · b^(-1)`` (undefined
  exactly where ``b = 0``, as the quotient is).
* sums and products are flattened and their operands put in a fixed order (addition
  and multiplication of complex numbers are associative and commutative).
* the numbers of a sum or a product are combined exactly (``0.5·2 = 1``), and a
  product's numeric factor is kept apart from the rest (a factor 0 is kept, not
  simplified away: ``0·ln x`` is undefined where ``ln x`` is).
* a number to a small integer power is worked out (``2^-1 = 1/2``; ``0^-1`` is not).
* ``e^u`` is ``exp(u)``; implicit and explicit products are the same.

Nothing else: no powers are combined (``x·x^(-1)`` is not 1 at x = 0) and no terms are
collected.  The form is a nested tuple, compared for equality only.

>>> from grader.parse import parse
>>> canonical(parse("3 + 2 x", variables="x")) == canonical(parse("2*x+3", variables="x"))
True
>>> canonical(parse("x - y", variables="xy")) == canonical(parse("y - x", variables="xy"))
False
"""

from __future__ import annotations

from fractions import Fraction

from grader.tree import BinOp, Call, Const, Neg, Node, Num, Var

__all__ = ["canonical"]

#: Largest numerator or denominator (in bits) kept when numbers are combined: beyond it
#: the numbers are left apart, so hostile products of huge numbers cost nothing.
MAX_NUMBER_BITS = 256

_ONE = Fraction(1)
_MINUS_ONE = Fraction(-1)


def canonical(node: Node) -> tuple | None:
    """The normal form of a scalar tree, or None for anything else (lists, sets, ±).

    Recursion is bounded by the parser's bound on tree depth.
    """
    try:
        return _form(node)
    except _NotScalar:
        return None


class _NotScalar(Exception):
    """A node with no single value (a list, an equation, ±): no normal form."""


def _form(node: Node) -> tuple:
    kind = type(node)
    if kind is Num:
        return ("num", node.value)
    if kind is Var:
        return ("var", node.name)
    if kind is Const:
        return ("const", node.name)
    if kind is Neg:
        return _product([("num", _MINUS_ONE), _form(node.arg)])
    if kind is Call:
        return ("call", node.func) + tuple(_form(a) for a in node.args)
    if kind is BinOp:
        op = node.op
        if op == "+":
            return _sum([_form(node.left), _form(node.right)])
        if op == "-":
            return _sum([_form(node.left),
                         _product([("num", _MINUS_ONE), _form(node.right)])])
        if op == "*":
            return _product([_form(node.left), _form(node.right)])
        if op == "/":
            return _product([_form(node.left), _power(_form(node.right), ("num", _MINUS_ONE))])
        if isinstance(node.left, Const) and node.left.name == "e":
            return ("call", "exp", _form(node.right))
        return _power(_form(node.left), _form(node.right))
    raise _NotScalar


def _power(base: tuple, exponent: tuple) -> tuple:
    """``base^exponent``, worked out when both are numbers and the exponent a small
    integer (``2^-1`` is 1/2; ``0^-1`` stays, as it has no value)."""
    if base[0] == "num" and exponent[0] == "num" and exponent[1].denominator == 1 \
            and abs(exponent[1]) <= 64 and (base[1] or exponent[1] > 0):
        value = base[1] ** int(exponent[1])
        if _small(value):
            return ("num", value)
    return ("pow", base, exponent)


def _small(value: Fraction) -> bool:
    return value.numerator.bit_length() <= MAX_NUMBER_BITS and \
        value.denominator.bit_length() <= MAX_NUMBER_BITS


def _sum(terms: list[tuple]) -> tuple:
    """A flat sum: nested sums opened, numbers added, the rest in a fixed order."""
    flat: list[tuple] = []
    for term in terms:
        flat.extend(term[1:] if term[0] == "add" else (term,))
    number, rest = Fraction(0), []
    for term in flat:
        if term[0] == "num" and _small(number + term[1]):
            number += term[1]
        else:
            rest.append(term)
    if number or not rest:
        rest.append(("num", number))
    if len(rest) == 1:
        return rest[0]
    # Order by hash: both sides are put in normal form in the same process, and a tie
    # can only make equal forms look different (then the full comparison decides).
    return ("add",) + tuple(sorted(rest, key=hash))


def _product(factors: list[tuple]) -> tuple:
    """A flat product: (numeric factor, the other factors in a fixed order)."""
    flat: list[tuple] = []
    for factor in factors:
        if factor[0] == "mul":
            flat.append(("num", factor[1]))
            flat.extend(factor[2])
        else:
            flat.append(factor)
    number, rest = _ONE, []
    for factor in flat:
        if factor[0] == "num" and _small(number * factor[1]):
            number *= factor[1]
        else:
            rest.append(factor)
    if not rest:
        return ("num", number)
    if number == 1 and len(rest) == 1:
        return rest[0]
    return ("mul", number, tuple(sorted(rest, key=hash)))
