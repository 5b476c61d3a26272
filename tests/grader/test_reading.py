"""read_answer: how an answer is read for a preview, kind by kind, never graded."""

import pytest

import grader
from grader import Reading, read_answer

SHAPES = {"X": "n×d", "w": "d", "y": "n"}


class TestReadAnswer:
    @pytest.mark.parametrize("kind, answer, options, latex", [
        ("expression", "2x e^(x^2)", {"variables": ["x"]}, "2 x e^{x^{2}}"),
        ("set", "x = -1; x = 2", {"variables": ["x"]}, r"\left(x = -1, x = 2\right)"),
        ("interval", "x > 4", {"variables": ["x"]}, r"\left(4, \infty\right)"),
        ("label", "local min; saddle", {}, "local min, saddle"),
        ("matrix-expression", "Xᵀ(X w − y)", {"shapes": SHAPES},
         r"\mathbf{X}^{\top} \left(\mathbf{X} \mathbf{w} - \mathbf{y}\right)"),
    ])
    def test_every_kind_reads_as_check_would(self, kind, answer, options, latex):
        """The preview shows the reading the grader will grade."""
        assert read_answer(answer, kind=kind, **options).latex == latex

    @pytest.mark.parametrize("kind, answer, options, reason, column", [
        ("expression", "2x + ", {"variables": ["x"]},
         "the answer ends too early; expected a number, a variable or a bracket", 6),
        ("matrix-expression", "X(Xw - y)", {"shapes": SHAPES},
         'the shapes do not match in the product "X(Xw - y)": n×d times n×1 (the inner '
         "sizes d and n differ)", 1),
    ])
    def test_unreadable_says_why_and_where(self, kind, answer, options, reason, column):
        """Reason and column, no LaTeX, no exception."""
        reading = read_answer(answer, kind=kind, **options)
        assert (reading.readable, reading.latex, reading.reason, reading.column) == \
            (False, "", reason, column)

    def test_empty_is_neither_read_nor_unreadable(self):
        assert read_answer("   ") == Reading("")

    def test_matrix_expression_needs_shapes(self):
        """A caller's mistake raises; a student's text never does."""
        with pytest.raises(ValueError, match="needs shapes"):
            read_answer("X", kind="matrix-expression")

    def test_in_all(self):
        assert {"Reading", "read_answer"} <= set(grader.__all__)
