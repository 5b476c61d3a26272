"""Bounds on what a bank may make the generator compute.

A bank file is untrusted: a derivative of order 10^8, ``expand((x+a+1)^5000)`` or a
14x14 symbolic determinant would each keep a CPU busy for hours.  Two kinds of bound
apply, and every one of them ends in a :class:`~generator.errors.DeriveError` that the
caller turns into ``file:line: reason``:

* static limits, checked before SymPy is called (orders, exponents, matrix sizes,
  expression sizes, digits), which hold everywhere;
* a deadline per instance (:func:`deadline`), enforced with ``SIGALRM`` where that is
  possible (the main thread of a process: the CLI and the ``generate`` pool workers).
"""

from __future__ import annotations

import math
import signal
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import sympy

from generator.errors import DeriveError

__all__ = ["ALARM_REPEAT_SECONDS", "DEADLINE_SECONDS", "MAX_DIFF_ORDER", "MAX_DIGITS",
           "MAX_EXPRESSION_NODES", "MAX_MATRIX_SIDE", "MAX_NUMBER_DIGITS", "MAX_POWER",
           "MAX_SQUARE_SIDE", "MAX_YAML_DEPTH", "MAX_YAML_NODES",
           "DeadlineExceeded", "OverBudget", "alarm", "can_alarm", "check_size",
           "check_square", "deadline", "time_budget"]

#: Seconds one instance (all its values, constraints and templates) may take.
DEADLINE_SECONDS = 20.0
#: Highest order of a derivative.
MAX_DIFF_ORDER = 10
#: Deepest nesting of YAML collections in a bank file.
MAX_YAML_DEPTH = 50
#: Most YAML nodes in a bank file, counting each alias (``*name``) as a copy of what it names.
MAX_YAML_NODES = 200_000
#: Largest exponent of a power of a symbolic expression, (x + a)^100.
MAX_POWER = 100
#: Largest side of a matrix given to det, inverse, eigenvalues or classify.
MAX_SQUARE_SIDE = 6
#: Largest side of any matrix a bank builds.
MAX_MATRIX_SIDE = 20
#: Largest expression (SymPy tree nodes) a value may have.
MAX_EXPRESSION_NODES = 20_000
#: Most decimal digits of an exact integer or rational in a value.
MAX_NUMBER_DIGITS = 1_000
#: Most digits a decimal rounding may ask for.
MAX_DIGITS = 15


class DeadlineExceeded(BaseException):
    """Raised from the alarm handler inside a computation that ran past its deadline.

    A ``BaseException`` so that SymPy's internal ``except Exception`` clauses cannot
    swallow it; :func:`deadline` turns it into a :class:`DeriveError`.
    """


_active: list[float] = []

#: Seconds between rings once a time limit has passed.  An alarm is raised wherever the
#: program is when it rings, and there it can be lost: in a garbage-collector callback or
#: an object's finaliser (whose exceptions Python only prints) or under a library's bare
#: ``except:``.  So it rings again, and again, until it gets out.
ALARM_REPEAT_SECONDS = 0.05


def can_alarm() -> bool:
    """Whether :func:`alarm` can interrupt here (a POSIX process's main thread)."""
    return (hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")
            and threading.current_thread() is threading.main_thread())


@contextmanager
def alarm(seconds: float, error: Callable[[], BaseException]) -> Iterator[None]:
    """Raise ``error()`` in the body once it has run ``seconds``, and again every
    :data:`ALARM_REPEAT_SECONDS` until the body stops.

    The one mechanism behind every time limit (:func:`deadline`, :func:`time_budget`,
    a ``generate`` worker's limit for a job).  A ring still on its way when the body has
    ended is ignored, and a timer that was running before (an outer limit) is given back
    the time it had left.  Only where :func:`can_alarm`.
    """
    outer, started = signal.getitimer(signal.ITIMER_REAL), time.monotonic()
    armed = True

    def ring(signum, frame) -> None:
        if armed:
            raise error()

    previous = signal.signal(signal.SIGALRM, ring)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT_SECONDS)
            yield
        finally:
            # A plain store first: no ring can be handled before it.
            armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
        if outer[0]:
            signal.setitimer(signal.ITIMER_REAL,
                             max(outer[0] - (time.monotonic() - started), 1e-3), outer[1])


@contextmanager
def deadline(seconds: float | None = None, what: str = "this instance") -> Iterator[None]:
    """Run the body under a time limit; past it, raise :class:`DeriveError`.

    Nested deadlines keep the outer one (a family's budget is not reset by each value).
    A timer that was already running (a worker's limit for its whole job) is given back
    the time it had left.  Outside the main thread no alarm can be set; the static limits
    still hold there.

    Raises:
        DeriveError: "... took longer than N s", when the time runs out.
    """
    seconds = DEADLINE_SECONDS if seconds is None else seconds
    if _active or not can_alarm():
        yield
        return
    _active.append(seconds)
    try:
        with alarm(seconds, DeadlineExceeded):
            yield
    except DeadlineExceeded:
        raise DeriveError(f"computing {what} took longer than {seconds:g} s; "
                          "make the expressions smaller") from None
    finally:
        _active.pop()


class OverBudget(Exception):
    """A :func:`time_budget` ran out: the caller falls back to something cheaper."""


class _BudgetAlarm(BaseException):
    """The alarm of a :func:`time_budget` (a ``BaseException``, as :class:`DeadlineExceeded`)."""


@contextmanager
def time_budget(seconds: float, *, reserve: float = 0.0) -> Iterator[None]:
    """Run the body for at most ``seconds``, inside the instance's :func:`deadline` if any.

    For optional work (printing a key factored): past its budget the body is stopped with
    :class:`OverBudget` and the caller does without it, while the instance's deadline
    keeps running for the time it had left.  When the deadline ends first, it is the
    deadline that stops the body.  Outside the main thread no alarm can be set: the
    caller's static size limits are then the only bound.

    Parameters:
        reserve: seconds of the running deadline that optional work may not use: with
            less than ``seconds + reserve`` left, the body is not run at all, so that the
            work the instance needs still has that time.

    Raises:
        OverBudget: when the body ran out of its ``seconds``, or was not started.
    """
    if not can_alarm():
        yield
        return
    # Any timer already running (the deadline's, or a test runner's) is given back what
    # it had left by alarm().
    left = signal.getitimer(signal.ITIMER_REAL)[0]
    if left and left < seconds + reserve:
        raise OverBudget(f"not started: {left:.1f} s left, {reserve:g} s kept for the rest")
    over = False
    try:
        with alarm(seconds, _BudgetAlarm):
            yield
    except _BudgetAlarm:
        over = True
    if over:
        raise OverBudget(f"took longer than {seconds:g} s")


def check_square(matrix: Any, operation: str) -> None:
    """Refuse a matrix too large for ``operation`` (det, inverse, eigenvalues)."""
    rows, cols = getattr(matrix, "shape", (0, 0))
    if max(rows, cols) > MAX_SQUARE_SIDE:
        raise DeriveError(f"{operation}: the matrix is {rows}x{cols}; at most "
                          f"{MAX_SQUARE_SIDE}x{MAX_SQUARE_SIDE}")


def check_size(value: Any, what: str = "the value") -> Any:
    """Return ``value`` if it is within the size limits, else raise :class:`DeriveError`.

    Checks matrix sides, the number of nodes, the exponents of symbolic powers and the
    size of exact numbers, of a SymPy value or a (nested) list of them.
    """
    budget = [MAX_EXPRESSION_NODES]
    _check(value, what, budget, 0)
    return value


#: Values that passed every check but the node budget, with their node counts.  A family's
#: values are checked again each time an expression or operation takes them by name; a
#: value's verdict depends on nothing but the value (equal SymPy values are the same tree),
#: so its nodes are looked at once per process.  Only small values are kept, and the
#: table is cleared when full, so what it holds stays small.
_COUNTED: dict[sympy.Basic, int] = {}
_MAX_COUNTED = 256
_MAX_COUNTED_NODES = 1_000


def _check(value: Any, what: str, budget: list[int], depth: int) -> None:
    if depth > 50:
        raise DeriveError(f"{what} is nested too deeply")
    if isinstance(value, (list, tuple)):
        if len(value) > MAX_MATRIX_SIDE * MAX_MATRIX_SIDE:
            raise DeriveError(f"{what} has {len(value)} items; at most "
                              f"{MAX_MATRIX_SIDE * MAX_MATRIX_SIDE}")
        for item in value:
            _check(item, what, budget, depth + 1)
        return
    if isinstance(value, sympy.MatrixBase):
        if max(value.shape) > MAX_MATRIX_SIDE:
            raise DeriveError(f"{what} is a {value.shape[0]}x{value.shape[1]} matrix; at most "
                              f"{MAX_MATRIX_SIDE}x{MAX_MATRIX_SIDE}")
        for item in value:
            _check(item, what, budget, depth + 1)
        return
    if not isinstance(value, sympy.Basic):
        return
    counted = _COUNTED.get(value)
    if counted is not None:
        # Only the budget can fail now, and the walk below fails on it exactly when its
        # nodes take the budget below zero.
        budget[0] -= counted
        if budget[0] < 0:
            raise DeriveError(f"{what} is too large (over {MAX_EXPRESSION_NODES} terms "
                              "and factors)")
        return
    start = budget[0]
    for node in sympy.preorder_traversal(value):
        budget[0] -= 1
        if budget[0] < 0:
            raise DeriveError(f"{what} is too large (over {MAX_EXPRESSION_NODES} terms "
                              "and factors)")
        if isinstance(node, sympy.Integer):
            if node.p.bit_length() > MAX_NUMBER_DIGITS * 3.33:
                raise DeriveError(f"{what} holds a number with over {MAX_NUMBER_DIGITS} digits")
        elif isinstance(node, sympy.Rational):
            if max(abs(node.p), node.q).bit_length() > MAX_NUMBER_DIGITS * 3.33:
                raise DeriveError(f"{what} holds a number with over {MAX_NUMBER_DIGITS} digits")
        elif isinstance(node, sympy.Pow):
            _check_power(node, what)
    if start - budget[0] <= _MAX_COUNTED_NODES:
        if len(_COUNTED) >= _MAX_COUNTED:
            _COUNTED.clear()
        _COUNTED[value] = start - budget[0]


def _check_power(node: sympy.Pow, what: str) -> None:
    base, exponent = node.args
    if not exponent.is_Number:
        return
    size = abs(exponent)
    if not math.isfinite(float(size)):
        return
    if base.is_Number:
        # 9^(9^9) is kept unevaluated by the reader; simplify or N would compute it.
        if size > MAX_NUMBER_DIGITS and abs(base) != 1:
            raise DeriveError(f"{what} holds a power of a number with exponent {exponent}; "
                              f"at most {MAX_NUMBER_DIGITS}")
    elif size > MAX_POWER:
        raise DeriveError(f"{what} holds a power with exponent {exponent}; powers of "
                          f"expressions may have exponents up to {MAX_POWER}")
