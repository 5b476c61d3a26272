"""The table of solvers a bank may call by name, and the decorator that fills it."""

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
