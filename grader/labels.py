"""Labels: the words students answer with (``min``, ``saddle``, ``increasing``, ``2x3``).

Each canonical label lists the spellings that mean it, in English and Chinese (the
course material is bilingual).  A label the table does not know is compared as
normalised text, so an instructor may use labels of their own.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["NUMBER", "SYNONYMS", "canonical_label", "known_labels", "shape_label", "suggestion"]

SYNONYMS: dict[str, tuple[str, ...]] = {
    "local minimum": ("min", "minimum", "local min", "relative minimum", "relative min",
                      "minima", "local minima", "min point", "local minimum value", "loc min",
                      "rel min", "minimum point", "local minimum point", "minimizer",
                      "local minimizer", "极小值", "极小", "极小值点", "局部最小值"),
    "local maximum": ("max", "maximum", "local max", "relative maximum", "relative max",
                      "maxima", "local maxima", "max point", "local maximum value", "loc max",
                      "rel max", "maximum point", "local maximum point", "maximizer",
                      "local maximizer", "极大值", "极大", "极大值点", "局部最大值"),
    "global minimum": ("global min", "absolute minimum", "absolute min", "最小值"),
    "global maximum": ("global max", "absolute maximum", "absolute max", "最大值"),
    "saddle point": ("saddle", "saddle pt", "saddlepoint", "saddle points", "鞍点"),
    "neither": ("none", "no extremum", "not an extremum", "neither min nor max",
                "inconclusive", "非极值",
                # A stationary point that is neither is a (horizontal) inflection point.
                "inflection point", "inflection", "point of inflection", "inflexion point",
                "stationary inflection point", "horizontal inflection point", "拐点"),
    "increasing": ("increase", "inc", "up", "rising", "↑", "↗", "+", "递增", "增", "单调递增",
                   "strictly increasing", "monotonically increasing", "monotone increasing"),
    "decreasing": ("decrease", "dec", "down", "falling", "↓", "↘", "-", "递减", "减",
                   "单调递减", "strictly decreasing", "monotonically decreasing",
                   "monotone decreasing"),
    "scalar": ("number", "a number", "real number", "标量"),
    "vector": ("向量",),
    "matrix": ("矩阵",),
    "row vector": ("row", "行向量"),
    "column vector": ("column", "col vector", "col", "列向量"),
    "positive definite": ("pos def", "positive-definite", "正定"),
    "negative definite": ("neg def", "negative-definite", "负定"),
    "indefinite": ("不定",),
    "positive semidefinite": ("psd", "pos semidef", "positive semi-definite", "半正定"),
    "negative semidefinite": ("nsd", "neg semidef", "negative semi-definite", "半负定"),
    "convex": ("convex function", "凸", "凸函数"),
    "concave": ("concave function", "凹", "凹函数"),
    "neither convex nor concave": ("neither convex nor concave function",
                                   "not convex or concave", "非凸非凹"),
}

_LOOKUP = {canonical: canonical for canonical in SYNONYMS}
_LOOKUP.update({s: c for c, spellings in SYNONYMS.items() for s in spellings})
# "2x3", "2 by 3", NumPy's "(2, 3)", optionally followed or preceded by what it is the
# shape of ("2x3 matrix", "matrix 2x3", "shape (2, 3)").
_SHAPE = re.compile(r"^(?:(?:shape|matrix|size)\s*(?:of\s*)?)?[(\[]?\s*(\d+)\s*(?:x|×|\*|by|,)"
                    r"\s*(\d+)\s*[)\]]?(?:\s*(?:matrix|array|shape))?$")
#: An answer that is a plain number: wrong where a label is expected, not unreadable.
NUMBER = re.compile(r"^[-+−]?\d+(?:[.,]\d+)?$")


def _normalise(text: str) -> str:
    text = text.strip().lower().replace("_", " ").replace("-", " ") if len(text.strip()) > 1 \
        else text.strip()
    text = re.sub(r"\s+", " ", text).replace("’", "'")
    previous = None
    while previous != text:  # "it's a local minimum": peel "it's", then "a"
        previous = text
        text = re.sub(r"^(a|an|the|it is|it's|its|this is|this is a) ", "", text)
    return text.strip(" .!")


def canonical_label(text: str) -> str:
    """The canonical label for ``text``, or its normalised text when unknown.

    >>> canonical_label("Local Min")
    'local minimum'
    >>> canonical_label("2 by 3")
    '2x3'
    """
    norm = _normalise(text)
    shape = _SHAPE.match(norm)
    if shape:
        return f"{shape.group(1)}x{shape.group(2)}"
    if norm in _LOOKUP:
        return _LOOKUP[norm]
    return _LOOKUP.get(norm.replace(" ", ""), norm)


def known_labels() -> list[str]:
    """Every spelling the table knows."""
    return sorted(_LOOKUP)


def suggestion(text: str) -> str | None:
    """A known label close to an unknown one (``minmum`` -> ``minimum``), or None."""
    close = difflib.get_close_matches(_normalise(text), known_labels(), n=1, cutoff=0.75)
    return close[0] if close else None


def shape_label(shape: tuple[int, int]) -> str:
    """``scalar``, ``row vector``, ``column vector`` or ``matrix`` for (rows, columns).

    >>> shape_label((3, 1))
    'column vector'
    """
    rows, cols = shape
    if rows == 1 and cols == 1:
        return "scalar"
    if rows == 1:
        return "row vector"
    if cols == 1:
        return "column vector"
    return "matrix"
