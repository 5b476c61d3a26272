"""The ``matrix-expression`` answer kind: symbolic matrices and vectors with declared shapes.

``read`` (text -> tree) -> ``shapes`` (the shape of every part, or an error naming it) ->
``evaluate`` (values at random matrices) -> ``grade`` (the verdict and its feedback);
``latex`` shows how the answer was read.

>>> import time
>>> from grader.matexpr import grade_matrix_expression
>>> shapes = {"X": "n×d", "w": "d", "y": "n"}
>>> grade_matrix_expression("X^T(Xw - y)", "Xᵀ(X w − y)", shapes=shapes,
...                         deadline=time.monotonic() + 2).status
'correct'
"""

from grader.matexpr.grade import Outcome, grade_matrix_expression

__all__ = ["Outcome", "grade_matrix_expression"]
