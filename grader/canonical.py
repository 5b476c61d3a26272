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

import math
from fractions import Fraction

from grader.tree import BinOp, Call, Const, Neg, Node, Num, Var

__all__ = ["canonical"]

#: Largest numerator or denominator (in bits) kept when numbers are combined: beyond it
#: the numbers are left apart, so hostile products of huge numbers cost nothing.
MAX_NUMBER_BITS = 256


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
        return _number(node.value)
    if kind is Var:
        return ("var", node.name)
    if kind is Const:
        return ("const", node.name)
    if kind is Neg:
        return _product([_MINUS_ONE, _form(node.arg)])
    if kind is Call:
        return ("call", node.func) + tuple(_form(a) for a in node.args)
    if kind is BinOp:
        op = node.op
        if op == "+":
            return _sum([_form(node.left), _form(node.right)])
        if op == "-":
            return _sum([_form(node.left), _product([_MINUS_ONE, _form(node.right)])])
        if op == "*":
            return _product([_form(node.left), _form(node.right)])
        if op == "/":
            return _product([_form(node.left), _power(_form(node.right), _MINUS_ONE)])
        if isinstance(node.left, Const) and node.left.name == "e":
            return ("call", "exp", _form(node.right))
        return _power(_form(node.left), _form(node.right))
    raise _NotScalar


# Numbers are ("num", numerator, denominator) in lowest terms: integers hash and compare
# faster than Fractions, and the forms are hashed to be put in order.
def _number(value: Fraction) -> tuple:
    return ("num", value.numerator, value.denominator)


def _value(form: tuple) -> Fraction:
    return Fraction(form[1], form[2])


_ONE = ("num", 1, 1)
_MINUS_ONE = ("num", -1, 1)


def _small(value: Fraction) -> bool:
    return value.numerator.bit_length() <= MAX_NUMBER_BITS and \
        value.denominator.bit_length() <= MAX_NUMBER_BITS


def _power(base: tuple, exponent: tuple) -> tuple:
    """``base^exponent``, worked out when both are numbers and the exponent a small
    integer (``2^-1`` is 1/2; ``0^-1`` stays, as it has no value)."""
    if base[0] == "num" and exponent[0] == "num" and exponent[2] == 1 \
            and abs(exponent[1]) <= 64 and (base[1] or exponent[1] > 0):
        value = _value(base) ** exponent[1]
        if _small(value):
            return _number(value)
    return ("pow", base, exponent)


def _combine(numbers: list[tuple], add: bool) -> tuple[tuple | None, list[tuple]]:
    """The sum (or product) of ``numbers`` as a number form, or None and the numbers
    left apart when it would be too large.  In integers (gcd in C), not Fractions."""
    num, den = (0, 1) if add else (1, 1)
    for _, n, d in numbers:  # every denominator is positive
        num, den = (num * d + n * den, den * d) if add else (num * n, den * d)
        common = math.gcd(num, den)
        num, den = num // common, den // common
        if num.bit_length() > MAX_NUMBER_BITS or den.bit_length() > MAX_NUMBER_BITS:
            return None, numbers
    return ("num", num, den), []


def _sum(terms: list[tuple]) -> tuple:
    """A flat sum: nested sums opened, numbers added, the rest in a fixed order."""
    flat: list[tuple] = []
    for term in terms:
        flat.extend(term[1:] if term[0] == "add" else (term,))
    numbers = [t for t in flat if t[0] == "num"]
    rest = [t for t in flat if t[0] != "num"]
    if len(numbers) > 1:
        total, numbers = _combine(numbers, add=True)
        if total is not None:
            numbers = [total] if total[1] or not rest else []
    elif numbers and numbers[0][1] == 0 and rest:
        numbers = []
    rest += numbers
    if len(rest) == 1:
        return rest[0]
    # Order by hash: both sides are put in normal form in the same process, and a tie
    # can only make equal forms look different (then the full comparison decides).
    return ("add",) + tuple(sorted(rest, key=hash))


def _product(factors: list[tuple]) -> tuple:
    """A flat product: ("mul", numeric factor, the other factors in a fixed order)."""
    flat: list[tuple] = []
    for factor in factors:
        if factor[0] == "mul":
            flat.append(factor[1])
            flat.extend(factor[2])
        else:
            flat.append(factor)
    numbers = [f for f in flat if f[0] == "num"]
    rest = [f for f in flat if f[0] != "num"]
    coefficient = _ONE
    if len(numbers) == 1:
        coefficient, numbers = numbers[0], []
    elif numbers:
        total, numbers = _combine(numbers, add=False)
        if total is not None:
            coefficient = total
    rest += numbers
    if not rest:
        return coefficient
    if coefficient == _ONE and len(rest) == 1:
        return rest[0]
    return ("mul", coefficient, tuple(sorted(rest, key=hash)))
