"""The typing hints and examples: one per kind, and every example reads as its kind."""

import pytest

from grader import KINDS, read_answer
from grader.hints import EXAMPLES, HINTS


def test_every_kind_has_a_hint_and_an_example():
    assert set(HINTS) == set(EXAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_example_reads_as_its_kind(kind):
    """An example that the grader could not read would teach students the wrong syntax."""
    shapes = {"X": "n×d", "w": "d", "y": "n"} if kind == "matrix-expression" else None
    reading = read_answer(EXAMPLES[kind], kind=kind, variables=["x"], shapes=shapes)
    assert reading.readable, reading.reason
