"""Tokenizer: every spelling becomes one token, and spans point at what was typed."""

import pytest

from grader.errors import ReadError
from grader.tokens import tokenize

TEXTS = {
    "x**2": ["x", "^", "2"],
    "x^2": ["x", "^", "2"],
    "x²": ["x", "^", "{", "2", "}"],
    "x⁻¹": ["x", "^", "{", "-", "1", "}"],
    "2·x × 3": ["2", "*", "x", "*", "3"],
    "a − b": ["a", "-", "b"],
    "√y": ["sqrt", "y"],
    "π": ["pi"],
    "σ(z)": ["sigma", "(", "z", ")"],
    "x₁ + x_2 + x_{12}": ["x1", "+", "x2", "+", "x12"],
    "（x，y）": ["(", "x", ",", "y", ")"],
    r"\frac{1}{2}": ["\\frac", "{", "1", "}", "{", "2", "}"],
    r"\left( x \right)": ["(", "x", ")"],
    r"a \cdot b": ["a", "*", "b"],
    r"\sin x": ["sin", "x"],
    r"\mathrm{e}^{x}": ["e", "^", "{", "x", "}"],
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}":
        ["pmatrix", "a", "&", "b", ";", "c", "&", "d", "pmatrix"],
    "$x$": ["x"],
    "0.5x": ["0.5", "x"],
    ".5": [".5"],
    "x ± 1": ["x", "±", "1"],
}


@pytest.mark.parametrize("text, expected", TEXTS.items())
def test_spellings(text, expected):
    """Unicode, LaTeX and ASCII spellings give the same tokens."""
    assert [t.text for t in tokenize(text)][:-1] == expected


def test_spans_point_at_the_original_text():
    """A token's span covers the characters typed, even for LaTeX commands."""
    tokens = tokenize(r"2 \cdot x")
    assert [(t.text, t.span.start, t.span.end) for t in tokens[:-1]] == [
        ("2", 0, 1), ("*", 2, 7), ("x", 8, 9)]


ERRORS = {
    "x # 2": ('unexpected character "#"', 2),
    r"\foo x": ('unknown LaTeX command "\\foo"', 0),
    "1" * 41: ("number too long (41 characters; at most 40)", 0),
    r"\begin{vmatrix} a \end{vmatrix}": ('unsupported LaTeX environment "vmatrix"; use '
                                        "pmatrix or bmatrix", 0),
    "x\u202e": ('unexpected character "\'\\u202e\'"', 1),
}


@pytest.mark.parametrize("text, expected", ERRORS.items())
def test_errors_say_what_and_where(text, expected):
    """Unreadable characters are named with their position."""
    with pytest.raises(ReadError) as info:
        tokenize(text)
    assert (info.value.reason, info.value.span.start) == expected
