"""Evaluate trees at points: fast with NumPy, exactly enough with mpmath.

Two evaluators walk the same tree:

* :func:`evaluate_np` works on whole arrays of sample points in complex128.  It is the
  cheap screen: one pass decides almost every wrong answer.
* :func:`evaluate_mp` works at one point in arbitrary precision and refuses work that
  could not finish in time (a power whose result would have millions of digits, the
  sine of a number with thousands of digits).  It confirms every verdict, because
  float64 alone cannot tell ``exp(x^2)*(1 + exp(-100))`` from ``exp(x^2)``.

Both use principal branches of the complex functions, so ``x^x`` at ``x = -0.9`` is
``-1.05 - 0.34i`` and ``ln(x^2) = 2 ln x`` fails for negative ``x``, as it should.
"""

from __future__ import annotations

import time
from time import monotonic as _monotonic
from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
import numpy as np

from grader.functions import FUNCTIONS, NotReal
from grader.tree import BinOp, Call, Const, Neg, Node, Num, Var

__all__ = ["MpTracker", "OutOfRange", "Undefined", "evaluate_mp", "evaluate_np", "evaluate_np_real"]

#: Largest binary exponent an intermediate value may have (about 10^9864).  Beyond it a
#: value counts as undefined (overflow), which keeps every operation's cost bounded.
MAX_MAGNITUDE_BITS = 1 << 15
#: Largest binary exponent of a trigonometric argument: reducing sin(10^1000) modulo
#: 2π needs thousands of digits of π.
MAX_TRIG_ARGUMENT_BITS = 64
_GROWING = {"exp", "sinh", "cosh", "softplus", "sech", "csch"}
_PERIODIC = {"sin", "cos", "tan", "sec", "csc", "cot"}
# Functions that are about their argument near 0: no information is lost there.
_ODD = {"sin", "tan", "asin", "atan", "sinh", "tanh", "asinh", "atanh", "relu", "sign",
        "heaviside", "abs", "sqrt", "cbrt", "max", "min", "atan2"}
# Functions that can give a non-real value for a real argument.
_BRANCHING = {"sqrt", "ln", "log2", "log10", "asin", "acos", "acosh", "atanh"}
# Even functions: f(ε) - f(0) is of order ε².
_EVEN = {"cos", "cosh", "sec", "sech"}
# Functions with zeros away from 0, whose result can be a cancelled zero.
_CANCELLING = {"sin", "cos", "tan", "cot", "ln", "log2", "log10", "acos"}


class Undefined(ArithmeticError):
    """The tree has no (finite, computable) value at this point."""


class OutOfRange(Undefined):
    """The value exists but is too large (or too small) to compute within bounds."""


class TimeUp(Exception):
    """The evaluation ran past its deadline."""


def evaluate_np_real(node: Node, env: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Values of ``node`` and, per point, whether some step left the real numbers.

    e^(ln x) is x where ln x is defined, but for real x <= 0 it is not defined at all,
    whatever its complex value: real calculus needs every step real, not just the end.
    """
    n = len(next(iter(env.values()))) if env else 1
    unreal = np.zeros(n, dtype=bool)
    with np.errstate(all="ignore"):
        values = _spread(_np(node, env, n, unreal), n)
    return values, unreal


def _spread(value, n: int) -> np.ndarray:
    """``value`` as an array of ``n`` values (a constant repeated); cheaper than
    np.broadcast_to for the usual case of an array already of that shape."""
    if isinstance(value, np.ndarray) and value.shape == (n,):
        return value
    return np.broadcast_to(value, (n,))


def evaluate_np(node: Node, env: dict[str, np.ndarray]) -> np.ndarray:
    """Values of ``node`` at every sample point, as a complex128 array.

    ``env`` maps each variable to an array of its values (all arrays the same length),
    used as given: made from real values, so no imaginary part is -0.0.  Undefined
    values come back as NaN or inf, never as an exception.

    >>> from grader.parse import parse
    >>> evaluate_np(parse("x^2 + 1", variables=["x"]), {"x": np.array([1.0, 2.0])}).real
    array([2., 5.])
    """
    n = len(next(iter(env.values()))) if env else 1
    with np.errstate(all="ignore"):
        return np.broadcast_to(_np(node, env, n), (n,))


def _not_real(value) -> np.ndarray:
    return np.abs(np.imag(value)) > 1e-9 * (1 + np.abs(np.real(value)))


def _np(node: Node, env: dict[str, np.ndarray], n: int, unreal: np.ndarray | None = None):
    # Only powers and the _BRANCHING functions can leave the reals from real arguments
    # (+ - * / of real numbers stay real, and a complex argument was flagged where it
    # arose): those record in ``unreal`` where they did.
    kind = type(node)  # the node classes are final: identity tests are the cheapest
    if kind is Var:
        return env[node.name]
    if kind is Num:
        return complex(node.value)
    if kind is BinOp:
        op = node.op
        if op == "^":
            if isinstance(node.left, Const) and node.left.name == "e":
                value = np.exp(_operand(node.right, env, n, unreal))
            else:
                base = _operand(node.left, env, n, unreal)
                if isinstance(node.right, Num) and node.right.value.denominator == 1 \
                        and abs(node.right.value) <= 64:
                    # Integer powers by repeated multiplication keep (-2)^3 exactly real.
                    value = np.power(base, int(node.right.value))
                else:
                    value = np.power(base, _np(node.right, env, n, unreal))
            # A real result (the usual case) is told by one reduction, not five.
            if unreal is not None and np.imag(value).any():
                unreal |= _not_real(value)
            return value
        left, right = _np(node.left, env, n, unreal), _np(node.right, env, n, unreal)
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        return np.divide(left, right)
    if kind is Call:
        args = [_operand(a, env, n, unreal) for a in node.args]
        value = FUNCTIONS[node.func].numpy(*args)
        if unreal is not None and node.func in _BRANCHING and np.imag(value).any():
            unreal |= _not_real(value)
        return value
    if kind is Neg:
        return -_np(node.arg, env, n, unreal)
    if kind is Const:
        return {"pi": complex(np.pi), "e": complex(np.e), "i": 1j}[node.name]
    raise Undefined(f"{type(node).__name__} has no single value")


def _operand(node: Node, env: dict[str, np.ndarray], n: int, unreal: np.ndarray | None
             ) -> np.ndarray:
    """The value of a function's argument or a power's base, as :func:`_as_array` makes
    it; a variable's array is passed as it is (made from real values, its imaginary
    zeros are already +0.0), one array operation fewer for each ``sin x`` or ``x^2``."""
    if type(node) is Var:
        return env[node.name]
    return _as_array(_np(node, env, n, unreal), n)


def _as_array(value, n: int) -> np.ndarray:
    """``value`` as a complex array, with -0.0 imaginary parts made +0.0.

    A real -0.645 computed as (1.46+0j)/(-2.27+0j) carries a negative-zero imaginary part,
    and NumPy's sqrt and log then take the other side of their branch cut; mpmath has no
    signed zeros.  Adding +0.0 (-0.0 + 0.0 is +0.0) keeps both evaluators on the
    principal branch.
    """
    if isinstance(value, np.ndarray):
        return value + 0.0
    return np.full(n, value, dtype=complex)


@dataclass
class MpTracker:
    """Watches an mpmath evaluation: the magnitudes seen, and the deadline.

    What says how many bits a trustworthy comparison needs is the largest gap between
    the magnitudes of two numbers added or subtracted: 1 + e^-100 loses e^-100 below
    145 bits.  A function of a tiny argument counts as such a sum (cos(10^-30) and
    e^(10^-30) differ from 1 only far down).  Large or small values alone need no extra
    precision: (x - a)^6000 keeps its relative accuracy.
    """

    deadline: float = field(default_factory=lambda: time.monotonic() + 1.0)
    max_mag: int = -(1 << 62)
    #: Largest magnitude gap between the two operands of an addition or subtraction.
    max_gap: int = 0
    #: Some addition cancelled (its result far below its operands): rounding errors are
    #: then absolute, not relative, and must be measured (see grader.equivalence).
    cancelled: bool = False
    #: Some step gave a non-real value (the square root or logarithm of a negative).
    left_reals: bool = False
    #: A term too small to represent was dropped: equality can no longer be confirmed.
    truncated: bool = False

    def see(self, value):
        """Record ``value``: refuse it out of range, and stop at the deadline."""
        if value:
            parts = getattr(value, "_mpf_", None)
            if parts is not None and parts[1]:
                # A finite nonzero real: its magnitude is exponent + bit count, which is
                # what mpmath.mag computes, without the generic dispatch (every node
                # of every confirmation passes here).
                mag = parts[2] + parts[3]
            else:
                if isinstance(value, mpmath.mpc) and \
                        abs(value.imag) > abs(value) * mpmath.ldexp(1, 16 - mpmath.mp.prec):
                    self.left_reals = True
                mag = mpmath.mag(value)
            if mag > MAX_MAGNITUDE_BITS or mag < -MAX_MAGNITUDE_BITS:
                raise OutOfRange("a value out of range")
            if mag > self.max_mag:
                self.max_mag = mag
        if _monotonic() > self.deadline:
            raise TimeUp()
        return value

    def add_gap(self, left, right) -> None:
        if left and right:
            gap = abs(_mag(left) - _mag(right))
            if gap > self.max_gap:
                self.max_gap = gap

    @property
    def demand(self) -> int:
        """Bits that tiny terms may need beyond the working margin."""
        return self.max_gap


def evaluate_mp(node: Node, env: dict[str, mpmath.mpf], tracker: MpTracker):
    """Value of ``node`` at one point, at the current mpmath precision.

    Raises:
        Undefined: division by zero, a complex value where a real one is required.
        OutOfRange: (an Undefined) a value too large or too small to compute within
            bounds, which exists all the same.
        TimeUp: the tracker's deadline passed.
    """
    try:
        return _mp(node, env, tracker)
    except (ZeroDivisionError, ValueError, NotReal, OverflowError) as exc:
        raise Undefined(str(exc)) from exc


def _mp(node: Node, env, tracker: MpTracker):
    see = tracker.see
    kind = type(node)  # the node classes are final: identity tests are the cheapest
    if kind is Var:
        return see(env[node.name])
    if kind is Num:
        value = node.value
        return see(_mp_number(value.numerator, value.denominator, mpmath.mp.prec))
    if kind is BinOp:
        op = node.op
        if op == "^":
            return see(_mp_power(node, env, tracker))
        left, right = _mp(node.left, env, tracker), _mp(node.right, env, tracker)
        if op == "*":
            return see(left * right)
        if op == "/":
            if not right:
                raise Undefined("division by zero")
            return see(left / right)
        left_mag, right_mag = _mag(left), _mag(right)
        if left and right and abs(left_mag - right_mag) > tracker.max_gap:
            tracker.max_gap = abs(left_mag - right_mag)  # as add_gap, magnitudes known
        result = left + right if op == "+" else left - right
        if (left or right) and _mag(result) < max(left_mag, right_mag) - 16:
            tracker.cancelled = True
        return see(result)
    if kind is Neg:
        return see(-_mp(node.arg, env, tracker))
    if kind is Const:
        return see({"pi": mpmath.pi, "e": mpmath.e, "i": mpmath.j}[node.name] + 0)
    if isinstance(node, Call):
        args = [_mp(a, env, tracker) for a in node.args]
        func = node.func
        if args[0] and func not in _ODD and _mag(args[0]) < 0:
            # f(ε) = f(0) + O(ε) (or O(ε²) for even functions): a sum in disguise.
            tracker.add_gap(1, args[0] ** 2 if func in _EVEN else args[0])
        if func in _GROWING and abs(mpmath.re(args[0])) > MAX_MAGNITUDE_BITS // 2:
            raise OutOfRange(f"{func} of a number too large")
        if func in _PERIODIC and args[0] and _mag(args[0]) > MAX_TRIG_ARGUMENT_BITS:
            raise Undefined(f"{func} of a number too large")
        if func == "sigmoid":
            # Written out so the tracker sees e^-|z|: sigmoid(1000) is not 1.
            z = args[0]
            if abs(mpmath.re(z)) > MAX_MAGNITUDE_BITS * 0.69:
                # e^-|z| is below 2^-MAX: drop it, and remember that something was dropped.
                tracker.truncated = True
                return see(mpmath.mpf(1) if mpmath.re(z) > 0 else mpmath.mpf(0))
            t = see(mpmath.exp(-z) if mpmath.re(z) >= 0 else mpmath.exp(z))
            tracker.add_gap(1, t)  # 1 + e^-|z| is an addition too
            return see(1 / (1 + t) if mpmath.re(z) >= 0 else t / (1 + t))
        if func in _CANCELLING:
            result = FUNCTIONS[func].mp(*args)
            if _mag(result) < max(_mag(args[0]), 1) - 16:
                tracker.cancelled = True  # sin(10^10 π): a zero reached by cancellation
            return see(result)
        return see(FUNCTIONS[func].mp(*args))
    raise Undefined(f"{type(node).__name__} has no single value")


@lru_cache(maxsize=4096)
def _mp_number(numerator: int, denominator: int, precision: int):
    """A typed number at the working precision (the same numbers recur at every point).

    Keyed by integers, not by the Fraction: hashing a Fraction costs a modular inverse.
    """
    with mpmath.workprec(precision):
        if denominator == 1:
            return mpmath.mpf(numerator)
        return mpmath.mpf(numerator) / denominator


def _mag(value) -> int:
    """mpmath.mag(value), and a huge negative number for 0."""
    if not value:
        return -(1 << 62)
    parts = getattr(value, "_mpf_", None)
    if parts is not None and parts[1]:
        return parts[2] + parts[3]  # finite nonzero real: exponent + bit count
    return mpmath.mag(value)


def _mp_power(node: BinOp, env, tracker: MpTracker):
    if isinstance(node.left, Const) and node.left.name == "e":
        exponent = _mp(node.right, env, tracker)
        if abs(mpmath.re(exponent)) > MAX_MAGNITUDE_BITS // 2:
            raise OutOfRange("a power too large")
        return mpmath.exp(exponent)
    if isinstance(node.right, Num) and node.right.value.denominator == 1:
        # x^3: an integer power by repeated multiplication, bounded before it is computed.
        base, power = _mp(node.left, env, tracker), int(node.right.value)
        if not base:
            if power > 0:
                return mpmath.mpf(0)
            raise Undefined("0 to a power that is not positive")
        if abs(power) * (abs(mpmath.mag(base)) + 1) > MAX_MAGNITUDE_BITS:
            raise Undefined("a power too large")
        return base ** power
    base, exponent = _mp(node.left, env, tracker), _mp(node.right, env, tracker)
    if not base:
        if mpmath.re(exponent) > 0:
            return mpmath.mpf(0)
        raise Undefined("0 to a power that is not positive")
    # |base^exponent| is about 2^(exponent * log2|base|): refuse before computing it.
    log2_base = abs(mpmath.mag(base)) + 1
    if abs(exponent) * log2_base > MAX_MAGNITUDE_BITS:
        raise OutOfRange("a power too large")
    if isinstance(node.right, Num) and node.right.value.denominator == 1:
        return base ** int(node.right.value)
    return mpmath.power(base, exponent)
