"""Decide whether two expressions are equal on the domain of the problem.

The method, and why each step is there:

1. **Sample** points where the variables live (``positive`` variables on (0, ∞), real
   ones on both signs; more widely when kinks such as ``|x|`` or ReLU appear) and keep
   the points where the *expected* answer is defined and real: that is the domain of
   the question.  ``ln(x^2)`` against ``2 ln x`` then differs at negative ``x`` unless
   ``x`` is declared positive.
2. **Screen** in float64 with NumPy at every point at once (microseconds).
3. **Confirm** in arbitrary precision with mpmath: a "different" needs a point where
   the high-precision values differ; an "equal" needs agreement at several points to
   a precision chosen from the magnitudes seen (so ``1 + e^(-100)`` is not 1).

A verdict is never taken from floats alone, so rounding cannot mark a right answer
wrong or a wrong answer right.  "undecided" remains for answers whose values cannot be
computed within the bounds (values beyond 10^9000, or a deadline), and is rare.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import mpmath
import numpy as np

from grader.functions import NON_ANALYTIC
from grader.numeric import MpTracker, TimeUp, Undefined, evaluate_mp, evaluate_np_real
from grader.powers import positive_bases
from grader.tree import Node, has_calls

__all__ = ["ASSUMPTIONS", "Comparison", "Domain", "compare"]

ASSUMPTIONS = ("real", "positive", "nonnegative", "nonzero")
#: Points evaluated in the float screen, per sampling round.
SAMPLES = 24
_SIGNS = np.array([-1.0, 1.0])
#: Simple values (halves and small integers, never 0 or ±1) for the simple points.
_SIMPLE = np.array([0.5, 1.5, 2.0, 2.5, 3.0])
#: Fewest usable points (expected defined and real) before we look elsewhere.
MIN_POINTS = 6
#: Points where an "equal" is confirmed in high precision (more with kinks).
CONFIRM_POINTS = 2
#: Most float disagreements re-checked in high precision for one comparison.
MAX_RECHECKS = 16
#: Highest working precision for the confirmation, in bits (about 3000 digits).
MAX_PRECISION_BITS = 10_000


@dataclass(frozen=True)
class Domain:
    """The problem's variables and what is assumed of each (``real`` by default)."""

    variables: tuple[str, ...]
    assume: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, variables, assume: dict[str, str] | None = None) -> "Domain":
        """Build a domain; ``assume`` maps variable names to one of :data:`ASSUMPTIONS`."""
        assume = dict(assume or {})
        for name, what in assume.items():
            if what not in ASSUMPTIONS:
                raise ValueError(f"unknown assumption {what!r} for {name}; "
                                 f"use one of {', '.join(ASSUMPTIONS)}")
        return cls(tuple(variables), tuple(sorted(assume.items())))

    def assumption(self, name: str) -> str:
        return dict(self.assume).get(name, "real")


@dataclass(frozen=True)
class Comparison:
    """Outcome of comparing an answer with the expected expression.

    Attributes:
        status: ``equal``, ``different`` or ``undecided``.
        witness: a point where they differ (variable -> value), when known.
        hint: what kind of difference it looks like, for feedback: ``sign``,
            ``factor:2``, ``constant``, ``region:x>0``, ``undefined``, or "".
    """

    status: Literal["equal", "different", "undecided"]
    witness: dict[str, float] | None = None
    hint: str = ""


@lru_cache(maxsize=256)
def _points(domain: Domain, wide: bool) -> dict[str, np.ndarray]:
    """Fixed pseudo-random sample points for a domain: same domain, same points.

    Points are drawn away from 0 and from small integers, where special values hide
    differences (``x^2`` and ``x`` agree at 0 and 1).
    """
    rng = np.random.default_rng(zlib.crc32(repr((domain, wide)).encode()))
    points = {}
    for index, name in enumerate(domain.variables):
        what = domain.assumption(name)
        if wide:
            magnitude = np.exp(rng.uniform(np.log(0.01), np.log(1000.0), SAMPLES))
        else:
            magnitude = rng.uniform(0.15, 3.2, SAMPLES)
        if what in ("positive", "nonnegative"):
            values = magnitude
        else:
            # Same draws as rng.choice([-1.0, 1.0], n), at half the cost.
            values = magnitude * _SIGNS[rng.integers(0, 2, len(magnitude))]
        if not wide:
            values = np.concatenate([values, _simple_points(index, what,
                                                            len(domain.variables))])
        points[name] = values
    return points


def _simple_points(index: int, what: str, count: int) -> np.ndarray:
    """Values of variable number ``index`` at the simple points, appended last.

    a^(b c) and (a^b)^c agree at every random point where both are real, but not at
    a = -2, b = 2, c = 1/2.  The simple points (halves and small integers, never 0 or ±1)
    form an orthogonal array: every pair of variables takes every pair of values, with
    signs mixed.  Extra points can only reveal differences, never hide them.
    """
    levels = len(_SIMPLE)
    if count == 1:  # one variable: each value, with each sign
        return _SIMPLE if what in ("positive", "nonnegative") else \
            np.concatenate([_SIMPLE, -_SIMPLE])
    runs = np.arange(levels * levels)
    values = _SIMPLE[(runs // levels + index * (runs % levels)) % levels]
    if what in ("positive", "nonnegative"):
        return values
    return values * np.where((runs // levels + runs + index) % 2 == 0, -1.0, 1.0)


@lru_cache(maxsize=1024)
def _kinked(expected: Node) -> bool:
    return has_calls(expected, NON_ANALYTIC)


@lru_cache(maxsize=1024)
def _expected_values(expected: Node, domain: Domain, wide: bool) -> tuple[np.ndarray, np.ndarray]:
    env = {k: v.astype(complex) for k, v in _points(domain, wide).items()}
    values, left = evaluate_np_real(expected, env)
    real = np.isfinite(values) & ~left & \
        (np.abs(values.imag) <= 1e-9 * (1 + np.abs(values.real)))
    return values, real


def compare(expected: Node, answer: Node, domain: Domain, *, deadline: float | None = None
            ) -> Comparison:
    """Compare two scalar trees on ``domain``.

    Parameters:
        expected: the correct answer.
        answer: the student's answer.
        domain: variables and assumptions.
        deadline: ``time.monotonic()`` value after which the answer is "undecided".

    >>> from grader.parse import parse
    >>> d = Domain.of(["x"])
    >>> compare(parse("2*x*exp(x^2)", variables="x"), parse("2x e^(x^2)", variables="x"), d).status
    'equal'
    >>> compare(parse("ln(x^2)", variables="x"), parse("2 ln x", variables="x"), d).hint
    'region:x>0'
    """
    if expected == answer:  # the same tree (spans aside) is the same function
        return Comparison("equal")
    deadline = time.monotonic() + 1.5 if deadline is None else deadline
    domain = _real_powers(domain, positive_bases(expected))
    try:
        return _compare(expected, answer, domain, deadline)
    except TimeUp:
        return Comparison("undecided", hint="time")


def _real_powers(domain: Domain, bases: frozenset[str]) -> Domain:
    """The domain with each base of a variable power drawn from (0, ∞) (see
    :mod:`grader.powers`)."""
    narrowed = {name: "positive" for name in bases
                if name in domain.variables and domain.assumption(name) in ("real", "nonzero")}
    if not narrowed:
        return domain
    return Domain.of(domain.variables, {**dict(domain.assume), **narrowed})


def _compare(expected: Node, answer: Node, domain: Domain, deadline: float) -> Comparison:
    kinked = _kinked(expected) or has_calls(answer, NON_ANALYTIC)
    # A constant has one value: one usable point is all there is to have.
    needed = MIN_POINTS if domain.variables else 1
    e_parts, a_parts, usable_parts, env_parts, left_parts = [], [], [], [], []
    for wide in (False, True):
        e_vals, real = _expected_values(expected, domain, wide)
        points = _points(domain, wide)
        a_vals, a_left = evaluate_np_real(answer,
                                          {k: v.astype(complex) for k, v in points.items()})
        e_parts.append(e_vals)
        a_parts.append(a_vals)
        left_parts.append(a_left)
        usable_parts.append(real)
        env_parts.append(points)
        if not kinked and real.sum() >= needed:
            break
    e_vals, a_vals = np.concatenate(e_parts), np.concatenate(a_parts)
    usable = np.concatenate(usable_parts)
    answer_left = np.concatenate(left_parts)
    points = {k: np.concatenate([p[k] for p in env_parts]) for k in domain.variables}
    real_mode = usable.sum() >= needed
    if not real_mode:
        # The expected answer is real almost nowhere we looked: compare as complex
        # functions where it is at least finite (analytic continuation agrees too).
        usable = np.isfinite(e_vals)
        if usable.sum() < min(needed, 2):
            return Comparison("undecided", hint="no-domain")

    with np.errstate(all="ignore"):
        diff = np.abs(a_vals - e_vals)
        scale = np.maximum(np.abs(a_vals), np.abs(e_vals))
        close = np.isfinite(a_vals) & (diff <= 1e-9 * scale + 1e-12)
        if real_mode:
            # Where the expected answer is real, every step of the answer must be too.
            close &= ~answer_left
    index = np.flatnonzero(usable)

    def point(k: int) -> dict[str, float]:
        return {name: float(points[name][k]) for name in domain.variables}

    # Every float disagreement is re-checked in high precision before it counts; when
    # floats disagree everywhere (cancellation, as in (x + 10^30) - 10^30), a run of
    # high-precision agreements shows the float screen, not the answer, is at fault.
    suspects = index[~close[index]]
    if len(suspects):
        with np.errstate(all="ignore"):
            # Largest relative disagreements first (NaN ranks first): a real difference
            # stands out from rounding noise.
            badness = np.nan_to_num(diff[suspects] / (scale[suspects] + 1e-300), nan=np.inf)
        suspects = suspects[np.argsort(-badness, kind="stable")]
    confirmed = 0
    for k in suspects[:MAX_RECHECKS]:
        verdict = _mp_equal(expected, answer, point(k), deadline, real_mode)
        if verdict is False:
            hint = _hint(e_vals, a_vals, usable, close, points, domain, answer_left)
            return Comparison("different", point(k), hint)
        confirmed += verdict is True
    wanted = 1 if not domain.variables else 2 * CONFIRM_POINTS if kinked else CONFIRM_POINTS
    for k in index[close[index]][:wanted + 2]:
        if confirmed >= wanted:
            break
        verdict = _mp_equal(expected, answer, point(k), deadline, real_mode)
        if verdict is False:
            return Comparison("different", point(k), "tiny")
        if verdict is True:
            confirmed += 1
    if confirmed >= wanted:
        return Comparison("equal")
    return Comparison("undecided", hint="unconfirmed")


def _mp_equal(expected: Node, answer: Node, point: dict[str, float], deadline: float,
              real_mode: bool = True) -> bool | None:
    """Whether the two trees agree at ``point`` in high precision.

    None when the expected answer itself is undefined there (the point is unusable).
    Raises TimeUp when the comparison would need more precision than allowed.

    The working precision must exceed what tiny terms demand (see
    :class:`~grader.numeric.MpTracker`) by a safe margin; most answers need no more than
    the first try's 192 bits.
    """
    key = tuple(point.items())
    precision, previous = 192, None
    while True:
        e = _evaluate_cached(expected, key, precision, deadline)
        if e is None:
            return None
        a = _evaluate(answer, key, precision, deadline)
        if a is None:
            # Undefined here: a difference only on a region, never at an isolated point
            # (2x²/x at 0, the jump of (2-x)/|2-x| at 2).
            return None if _isolated(expected, answer, key, precision, deadline,
                                     real_mode) else False
        e_value, e_max, e_demand, e_cut, e_cancel, e_left = e
        a_value, a_max, a_demand, a_cut, a_cancel, a_left = a
        if real_mode and e_left:
            return None  # not a point of the expected answer's real domain
        if real_mode and a_left:
            # The answer is not defined here as a real number: e^(ln x) for x < 0.
            return None if _isolated(expected, answer, key, precision, deadline,
                                     real_mode) else False
        demand = max(e_demand, a_demand)
        with mpmath.workprec(2 * precision):
            scale = max(abs(e_value), abs(a_value))
            # Without cancellation every rounding error stays relative to the value.
            agree = abs(e_value - a_value) <= scale * mpmath.ldexp(1, 32 - precision)
            if e_cancel or a_cancel or not agree:
                # Sums that cancel (sharply, or gradually as in an expanded polynomial)
                # leave absolute errors that depend on the path: measure them, evaluating
                # again at twice the precision, before trusting either verdict.
                e2 = _evaluate_cached(expected, key, 2 * precision, deadline)
                a2 = _evaluate(answer, key, 2 * precision, deadline)
                if e2 is None or a2 is None:
                    return None  # defined at one precision only: at a pole or branch point
                error = abs(e_value - e2[0]) + abs(a_value - a2[0])
                tolerance = error * mpmath.ldexp(1, 24 - precision) + \
                    scale * mpmath.ldexp(1, 32 - 2 * precision)
                if abs(e2[0] - a2[0]) > tolerance:
                    # Beyond rounding, if the difference is a quantity: it must come out
                    # the same again at a higher precision.  At a pole (cot 2π) or after a
                    # lucky exact cancellation it does not, and the point is no evidence.
                    return _differs_again(expected, answer, key, precision,
                                          (e_value - a_value, e2[0] - a2[0]), deadline)
        needed = 128 + demand
        # Tiny values that shrink as precision grows are rounding noise (sin(pi)^2),
        # not quantities: once they do, the current precision already resolves every
        # genuine tiny term seen at the lower one.
        noise = previous is not None and demand > previous[1] + (precision - previous[0]) // 2
        if needed <= precision or noise:
            if e_cut or a_cut:
                raise TimeUp()  # equal as far as representable values go: undecided
            return True
        if needed > MAX_PRECISION_BITS:
            raise TimeUp()
        previous = (precision, demand)
        precision = needed


def _differs_again(expected: Node, answer: Node, key: tuple, precision: int,
                   differences: tuple, deadline: float) -> bool | None:
    """False (they differ) when the difference reproduces; None when it is noise.

    A genuine difference d computed at precision p and 2p agrees to about p bits; a
    difference made of rounding noise (a cancelled zero, a value at a pole that grows as
    2^p) does not.  When p and 2p disagree, 4p decides: stable from 2p to 4p is real.
    """
    low, high = differences
    if _stable(low, high):
        return False
    if 4 * precision > MAX_PRECISION_BITS:
        return None
    e4 = _evaluate_cached(expected, key, 4 * precision, deadline)
    a4 = _evaluate(answer, key, 4 * precision, deadline)
    if e4 is None or a4 is None:
        return None
    return False if _stable(high, e4[0] - a4[0]) else None


def _stable(low, high) -> bool:
    """Whether two evaluations of a difference agree to 20 bits (and are not both 0)."""
    with mpmath.workprec(64):
        size = max(abs(low), abs(high))
        return bool(size) and abs(low - high) <= size * mpmath.ldexp(1, -20)


def _isolated(expected: Node, answer: Node, key: tuple, precision: int, deadline: float,
              real_mode: bool) -> bool:
    """Whether the answer is defined (and real) at nearby points on both sides of ``key``.

    Then where it is undefined is an isolated point (a removable singularity, a jump),
    which by the grader's rule is no evidence; undefined on a region (ln x for x < 0),
    it is.  Each variable moves by a different relative step, so a singular line such as
    x = y is left too.
    """
    for sign in (1, -1):
        nearby = tuple((name, mpmath.mpf(value) * (1 + sign * mpmath.ldexp(k + 1, -24))
                        + sign * mpmath.ldexp(k + 1, -30))
                       for k, (name, value) in enumerate(key))
        if _evaluate_cached(expected, nearby, precision, deadline) is None:
            return False
        a = _evaluate(answer, nearby, precision, deadline)
        if a is None or real_mode and a[5]:
            return False
    return True


_MP_CACHE: dict[tuple, tuple | None] = {}


def _evaluate_cached(node: Node, point: tuple, precision: int, deadline: float):
    """(value, largest magnitude, bits demanded, truncated?) of ``node`` at ``point``, or None.

    Cached, because a class answers the same problem: the expected answer is evaluated
    at the same points again and again.
    """
    key = (node, point, precision)
    if key not in _MP_CACHE:
        if len(_MP_CACHE) > 4096:
            _MP_CACHE.clear()
        _MP_CACHE[key] = _evaluate(node, point, precision, deadline)
    return _MP_CACHE[key]


def _evaluate(node: Node, point: tuple, precision: int, deadline: float):
    """(value, largest magnitude, bits demanded, truncated?) of ``node`` at ``point``, or None."""
    with mpmath.workprec(precision):
        tracker = MpTracker(deadline)
        try:
            value = evaluate_mp(node, {k: mpmath.mpf(v) for k, v in point}, tracker)
            result = (value, tracker.max_mag, tracker.demand, tracker.truncated,
                      tracker.cancelled, tracker.left_reals)
        except Undefined:
            result = None
    return result


def _hint(e_vals, a_vals, usable, close, points, domain: Domain, answer_left) -> str:
    """Name the shape of a difference the float screen saw, for feedback."""
    idx = np.flatnonzero(usable)
    if answer_left[idx].any():
        # Right values, but through the square root or logarithm of a negative number.
        return _region(idx, close, points, domain) or "not-real"
    e, a = e_vals[idx], a_vals[idx]
    if not np.isfinite(a).all():
        return "undefined"
    scale = np.maximum(np.abs(e), np.abs(a)) + 1e-12
    if (np.abs(a + e) <= 1e-9 * scale).all():
        return "sign"
    nonzero = np.abs(e) > 1e-9
    if nonzero.sum() >= 3:
        ratio = a[nonzero] / e[nonzero]
        if (np.abs(ratio - ratio[0]) <= 1e-9 * np.abs(ratio[0])).all() and abs(ratio[0].imag) < 1e-9:
            factor = Fraction(float(ratio[0].real)).limit_denominator(24)
            if abs(float(factor) - ratio[0].real) < 1e-9 and factor != 0:
                return f"factor:{factor}"
            return "factor:?"
    delta = a - e
    if (np.abs(delta - delta[0]) <= 1e-9 * scale).all():
        return "constant"
    return _region(idx, close, points, domain)


def _region(idx, close, points, domain: Domain) -> str:
    """``region:x>0`` when the answer is right exactly where x > 0 (or x < 0)."""
    agree = close[idx]
    for name in domain.variables:
        values = points[name][idx]
        for sign, label in ((1, ">"), (-1, "<")):
            side = sign * values > 0
            if side.any() and (~side).any() and agree[side].all() and not agree[~side].any():
                return f"region:{name}{label}0"
    return ""
