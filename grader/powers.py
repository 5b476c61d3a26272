"""Where a power with a variable exponent is real: the base must be positive.

``a^b`` for real ``b`` is defined (as a real number, continuously in ``b``) only for
``a > 0``, as ``x^x`` is.  At a negative base it is real only at special exponents, and
an identity such as ``a^b·a^c = a^(b+c)`` can then fail through a non-real step even
though both sides are right wherever they are real functions.  So the sampler draws a
variable that is the base of such a power in the *expected* answer from (0, ∞) only.
The answer's own powers never narrow the domain: that would let ``(√x)²`` pass for x.
"""

from __future__ import annotations

from functools import lru_cache

from grader.tree import BinOp, Neg, Node, Num, Var, walk

__all__ = ["positive_bases"]


@lru_cache(maxsize=1024)
def positive_bases(expected: Node) -> frozenset[str]:
    """Variables that are the base of a power whose exponent is not an integer constant.

    >>> from grader.parse import parse
    >>> sorted(positive_bases(parse("a^b * a^c + x^2 + y^(-1) + z^(1/2)", variables="abcxyz")))
    ['a', 'z']
    >>> sorted(positive_bases(parse("e^x", variables="x")))
    []
    """
    names = set()
    for node in walk(expected):
        if isinstance(node, BinOp) and node.op == "^" and isinstance(node.left, Var) \
                and not _integer_constant(node.right):
            names.add(node.left.name)
    return frozenset(names)


def _integer_constant(node: Node) -> bool:
    while isinstance(node, Neg):
        node = node.arg
    return isinstance(node, Num) and node.value.denominator == 1
