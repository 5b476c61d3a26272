"""Named procedures a bank can call for answers that need more than one CAS operation.

A family writes ``{solver: {name: backprop, args: {...}}}``; the name must be in
:data:`SOLVERS`.  A solver takes SymPy values (numbers, matrices, expressions, and the
variables it is told to use as ``wrt``) and returns one SymPy value, a list or a label.
Solvers are grouped by topic: :mod:`.calculus`, :mod:`.multivariable`, :mod:`.optimization`,
:mod:`.matrix_calculus`, :mod:`.optimality`.
"""

from __future__ import annotations

# Importing the topic modules registers their solvers.
from generator.banks.solvers import (calculus, matrix_calculus, multivariable,  # noqa: F401
                                     optimality, optimization)
from generator.banks.solvers.registry import SOLVERS, register

__all__ = ["SOLVERS", "register"]
