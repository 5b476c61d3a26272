"""Exact values of rational expressions at rational points, in integers.

Most answers in a calculus class are polynomials and quotients of polynomials
(``-2(2 - x)``, ``(28w - 46)/3``, ``18x + 12y``).  At a rational point such an
expression has an exact rational value, computed here with Python integers: there is
no rounding, so two values are equal or not, and that settles the comparison at that
point more firmly than any precision could.  :mod:`grader.equivalence` uses it in place
of the high-precision evaluation whenever both sides are rational expressions.

Anything else (a function, ``π``, a power that is not a small integer constant, numbers
grown beyond :data:`MAX_BITS`) raises :class:`Inexact`, and the caller evaluates in
high precision as before.

>>> from fractions import Fraction
>>> from grader.parse import parse
>>> Fraction(*value(parse("(x + 1)/3 - 2x^-1", variables="x"), {"x": (3, 2)}))
Fraction(-1, 2)
>>> value(parse("sin(x)", variables="x"), {"x": (1, 1)})
Traceback (most recent call last):
...
grader.exact.Inexact: not a rational expression
"""

from __future__ import annotations

from grader.tree import BinOp, Neg, Node, Num, Var

__all__ = ["Inexact", "MAX_BITS", "MAX_EXPONENT", "value"]

#: Largest numerator or denominator, in bits, before giving up (x^64 at a point with a
#: 64-bit numerator has 4096 bits; nested powers would grow without end).
MAX_BITS = 1 << 14
#: Largest integer exponent worked out exactly.
MAX_EXPONENT = 64


class Inexact(Exception):
    """Not a rational expression, or one whose exact value would be too large."""


def value(node: Node, point: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """The exact value of ``node`` at ``point``, as (numerator, denominator).

    ``point`` maps each variable to (numerator, denominator).  The fraction is not
    reduced (no gcd is taken); the denominator is never 0 but may be negative.

    Raises:
        Inexact: the tree is not a rational expression, or its numbers grow too large.
        ZeroDivisionError: a division by zero (or 0 to a power that is not positive)
            at this point.
    """
    return _value(node, point)


def _value(node: Node, point: dict[str, tuple[int, int]]) -> tuple[int, int]:
    kind = type(node)
    if kind is Var:
        return point[node.name]
    if kind is Num:
        return node.value.numerator, node.value.denominator
    if kind is Neg:
        n, d = _value(node.arg, point)
        return -n, d
    if kind is not BinOp:
        raise Inexact("not a rational expression")
    op = node.op
    if op == "^":
        power = _integer_exponent(node.right)
        n, d = _value(node.left, point)
        if power < 0:
            if n == 0:
                raise ZeroDivisionError("0 to a negative power")
            n, d, power = d, n, -power
        elif power == 0 and n == 0:
            raise ZeroDivisionError("0 to the power 0")
        if max(n.bit_length(), d.bit_length()) * power > MAX_BITS:
            raise Inexact("numbers too large")  # refused before the work, not after
        return n ** power, d ** power
    a, b = _value(node.left, point)
    c, d = _value(node.right, point)
    if op == "+":
        return _bounded(a * d + c * b, b * d)
    if op == "-":
        return _bounded(a * d - c * b, b * d)
    if op == "*":
        return _bounded(a * c, b * d)
    if c == 0:
        raise ZeroDivisionError("division by zero")
    return _bounded(a * d, b * c)


def _integer_exponent(node: Node) -> int:
    """A constant integer exponent (``2``, ``-1``, ``(-3)``), or Inexact."""
    sign = 1
    while type(node) is Neg:
        sign, node = -sign, node.arg
    if type(node) is not Num or node.value.denominator != 1 or \
            abs(node.value.numerator) > MAX_EXPONENT:
        raise Inexact("not an integer power")
    return sign * node.value.numerator


def _bounded(n: int, d: int) -> tuple[int, int]:
    if n.bit_length() > MAX_BITS or d.bit_length() > MAX_BITS:
        raise Inexact("numbers too large")
    return n, d
