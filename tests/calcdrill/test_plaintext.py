"""How an answer was read, echoed as plain text a student can read."""

import pytest

from calcdrill.plaintext import plain_text

CASES = {
    r"2 \ln x": "2 ln x",
    r"\ln x + 1": "ln x + 1",
    r"2 x e^{x^{2}}": "2x·e^(x²)",
    r"3 \cos{\left(2 x \right)}": "3 cos(2x)",
    r"\sigma\left(x\right) \left(1 - \sigma\left(x\right)\right)": "σ(x)·(1 - σ(x))",
    r"\left\{1, 2\right\}": "{1, 2}",
    r"\begin{bmatrix} 2 & 0 \\ 2 x & x^{2} \end{bmatrix}": "[[2, 0], [2x, x²]]",
    r"\frac{x^{2}}{2 \sqrt{y}}": "x²/(2√y)",
}


@pytest.mark.parametrize("latex, text", CASES.items())
def test_plain_text_reads_as_a_person_writes(latex, text):
    """Functions read as words, braces only group, products of factors get a dot."""
    assert plain_text(latex) == text
