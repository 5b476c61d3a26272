"""Labels and their synonyms."""

import pytest

from grader.labels import canonical_label, suggestion


@pytest.mark.parametrize("text, label", [
    ("min", "local minimum"), ("Local Max", "local maximum"), ("saddle", "saddle point"),
    ("鞍点", "saddle point"), ("↑", "increasing"), ("2 by 3", "2x3"), ("3×1", "3x1"),
    ("The column vector", "column vector"), ("my own label", "my own label"),
    ("convex function", "convex"), ("凹函数", "concave"), ("PSD", "positive semidefinite"),
])
def test_canonical(text, label):
    assert canonical_label(text) == label


def test_suggestion():
    assert suggestion("minmum") == "minimum"
    assert suggestion("banana") is None
