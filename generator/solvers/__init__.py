"""Named procedures a bank can call for answers that need more than one CAS operation.

A family writes ``{solver: {name: backprop, args: {...}}}``; the name must be in
:data:`SOLVERS`.  A solver takes SymPy values (numbers, matrices, expressions, and the
variables it is told to use as ``wrt``) and returns one SymPy value, a list or a label.
Solvers are grouped by topic: :mod:`.calculus`, :mod:`.multivariable`, :mod:`.optimization`.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["SOLVERS", "register"]

SOLVERS: dict[str, Callable[..., Any]] = {}


def register(function: Callable[..., Any]) -> Callable[..., Any]:
    """Make ``function`` callable from banks under its own name.

    Raises:
        ValueError: when another solver already has the name.
    """
    if function.__name__ in SOLVERS:
        raise ValueError(f"two solvers are named {function.__name__!r}")
    SOLVERS[function.__name__] = function
    return function


# Importing the topic modules registers their solvers.
from generator.solvers import calculus, multivariable, optimization  # noqa: E402,F401
