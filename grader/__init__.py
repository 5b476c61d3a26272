"""calcdrill's grader: read student mathematics safely and decide equivalence.

>>> from grader import check
>>> check("2*x*exp(x^2)", "2x e^(x^2)", variables=["x"]).status
'correct'
"""

from grader.check import KINDS, Mistake, Verdict, check
from grader.equivalence import Comparison, Domain, compare
from grader.errors import AmbiguousReading, CalcdrillError, ReadError, Span
from grader.latex import to_latex
from grader.parse import parse
from grader.reading import Reading, read_answer

__all__ = [
    "AmbiguousReading", "CalcdrillError", "Comparison", "Domain", "KINDS", "Mistake",
    "ReadError", "Reading", "Span", "Verdict", "check", "compare", "parse", "read_answer",
    "to_latex",
]
