"""Which variables are bases of powers with a variable exponent (grader/powers.py)."""

import pytest

from grader.parse import parse
from grader.powers import positive_bases


@pytest.mark.parametrize("text, bases", [
    ("a^b", {"a"}),
    ("a^b * a^c", {"a"}),
    ("x^x", {"x"}),
    ("x^(1/2)", {"x"}),
    ("x^(b+1)", {"x"}),
    ("x^2 + x^-1 + x^(-3)", set()),
    ("e^x", set()),
    ("2^x", set()),
    ("(a*b)^c", set()),
    ("sqrt(x)", set()),
])
def test_positive_bases(text, bases):
    """Only a variable under a power whose exponent is not an integer constant counts."""
    assert positive_bases(parse(text, variables="abcx")) == frozenset(bases)
