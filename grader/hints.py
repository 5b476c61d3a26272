"""How to type an answer of each kind: a sentence for a page, an example for a worksheet.

One table for every place that tells students how to type (the web page under the answer
box, the worksheet's self-check line), so they cannot drift apart; a test checks that
every example reads as its kind.
"""

from __future__ import annotations

__all__ = ["EXAMPLES", "HINTS"]

#: A sentence on how to type an answer of each kind.
HINTS: dict[str, str] = {
    "expression": "Type it as you would write it: 2x e^(x^2), x^x(ln x + 1), sqrt(y)/2.",
    "vector": "A vector: its components in brackets, separated by commas: [a, b, c].",
    "matrix": "A matrix, row by row: [[a, b], [c, d]] or [a, b; c, d].",
    "set": "A set: {-1, 0, 2}, or x = -1, x = 0, x = 2.",
    "point": "A point: (1, 2), or x = 1, y = 2.",
    "number": "A number: exact (3/4, sqrt(2)/2) unless the problem asks for decimals; "
              "complex as -1.05 - 0.34i.",
    "label": "Words, such as local minimum, saddle point, increasing; several separated "
             "by commas, in order.",
    "interval": "Inequalities or intervals: x > 4, x < -1 or x > 2, (-inf, -1) U (0, 2].",
    "matrix-expression": "Matrices and vectors by their letters: X^T (X w - y), (A + A^T) x, "
                         "diag(p) - p p^T; transpose as ^T or ', inverse as ^-1.",
}

#: A short answer of each kind, typed as a student would type it.
EXAMPLES: dict[str, str] = {
    "expression": "2x e^(x^2)",
    "vector": "[2x, -1]",
    "matrix": "[[2, 0], [1, x]]",
    "set": "{-1, 0, 2}",
    "point": "(1, -2)",
    "number": "-3/4",
    "label": "local minimum",
    "interval": "(-inf, -1) U (0, 2]",
    "matrix-expression": "X^T (X w - y)",
}
