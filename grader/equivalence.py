"""Decide whether two expressions are equal on the domain of the problem.

The method, and why each step is there:

0. **Same form**: the expected answer re-typed (same tree up to order, grouping,
   spelling and exact number arithmetic, :mod:`grader.canonical`) is the same function
   everywhere, and is accepted without sampling: the commonest right answer in a class.
1. **Sample** points where the variables live (``positive`` variables on (0, ∞), real
   ones on both signs; more widely when kinks such as ``|x|`` or ReLU appear) and keep
   the points where the *expected* answer is defined and real: that is the domain of
   the question.  ``ln(x^2)`` against ``2 ln x`` then differs at negative ``x`` unless
   ``x`` is declared positive.
2. **Screen** in float64 with NumPy at every point at once (microseconds).
3. **Confirm** in arbitrary precision with mpmath: a "different" needs a point where
   the high-precision values differ; an "equal" needs agreement at several points to
   a precision chosen from the magnitudes seen (so ``1 + e^(-100)`` is not 1).  When
   both sides are rational expressions, each point is settled exactly instead, in
   integers (:mod:`grader.exact`): no rounding, so no second precision is needed.

A verdict is never taken from floats alone, so rounding cannot mark a right answer
wrong or a wrong answer right.  "undecided" remains for answers whose values cannot be
computed within the bounds (values beyond 10^9000, or a deadline), and is rare.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Literal

import mpmath
import numpy as np

from grader import exact
from grader.canonical import canonical
from grader.functions import NON_ANALYTIC
from grader.numeric import (
    MpTracker, OutOfRange, TimeUp, Undefined, evaluate_mp, evaluate_np, evaluate_np_real,
)
from grader.powers import positive_bases
from grader.tree import BinOp, Call, Node, has_calls, walk

__all__ = ["ASSUMPTIONS", "Comparison", "Domain", "compare", "ruled_out", "surely_different"]

ASSUMPTIONS = ("real", "positive", "nonnegative", "nonzero")
#: Points evaluated in the float screen, per sampling round.
SAMPLES = 24
#: Simple values (halves and small integers, never 0 or ±1) for the simple points.
_SIMPLE = np.array([0.5, 1.5, 2.0, 2.5, 3.0])
_LARGEST = np.finfo(float).max
_SIMPLE_BOTH_SIGNS = np.concatenate([_SIMPLE, -_SIMPLE])
# The runs of the orthogonal array of simple points (see _simple_points): row, column,
# and the signs, which depend on the variable's number only through its parity.
_RUNS = np.arange(len(_SIMPLE) ** 2)
_RUN_ROW, _RUN_COLUMN = _RUNS // len(_SIMPLE), _RUNS % len(_SIMPLE)
_RUN_SIGNS = tuple(np.where((_RUN_ROW + _RUNS + parity) % 2 == 0, -1.0, 1.0)
                   for parity in (0, 1))
#: Fewest usable points (expected defined and real) before we look elsewhere.
MIN_POINTS = 6
#: Points where an "equal" is confirmed in high precision (more with kinks).
CONFIRM_POINTS = 2
#: Most float disagreements re-checked in high precision for one comparison.
MAX_RECHECKS = 16
#: Highest working precision for the confirmation, in bits (about 3000 digits).
MAX_PRECISION_BITS = 10_000
#: Arguments of kinked functions searched for breakpoints, per comparison.
MAX_KINK_ARGUMENTS = 12
#: Breakpoints kept per argument and variable (sin(x) inside |...| has infinitely many).
MAX_ROOTS = 6
#: Points beside breakpoints confirmed in high precision, per comparison.
MAX_KINK_CHECKS = 16
#: Where breakpoints are looked for: 4 values per decade from 10^-6 to 10^40.
_AXIS = np.logspace(-6, 40, 185)
# Functions with one breakpoint, where their argument is 0.
_KINK_AT_ZERO = frozenset({"abs", "relu", "heaviside", "sign"})


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


#: Pseudo-random draws in [0, 1), made once at import.  Each domain reads its own window
#: of them, placed by a hash of the domain: the same domain always gets the same points,
#: and a first answer pays for a slice, not for seeding a generator (which costs up to
#: 0.1 ms when the process's caches are cold).
_DRAWS = np.random.default_rng(20_261_130).random(1 << 16)
#: Draws per variable: magnitudes and signs, and in the wide round far magnitudes too.
_NARROW_DRAWS = 2 * SAMPLES
_WIDE_DRAWS = 2 * SAMPLES + 2 * 20
_LOG_WIDE = (math.log(0.01), math.log(1000.0))
_LOG_FAR = (math.log(1e3), math.log(1e16))
_LOG_NEAR = (math.log(1e-7), math.log(1e-2))
#: Variables whose signs follow the bits of the point's number (2^5 > SAMPLES).
_SIGN_BITS = 5
_SIGN_PATTERNS = ((np.arange(SAMPLES)[None, :] >> np.arange(_SIGN_BITS)[:, None]) & 1
                  ).astype(bool)


def _window(domain: Domain, wide: bool) -> np.ndarray:
    """The domain's own run of :data:`_DRAWS`, enough for all its variables."""
    count = (_WIDE_DRAWS if wide else _NARROW_DRAWS) * len(domain.variables)
    seed = _fnv1a(f"{domain.variables}{domain.assume}{wide}".encode())
    if count > len(_DRAWS):  # hundreds of variables: no problem has them, but be total
        return np.random.default_rng(seed).random(count)
    start = seed % (len(_DRAWS) - count + 1)
    return _DRAWS[start:start + count]


def _fnv1a(data: bytes) -> int:
    """32-bit FNV-1a hash: the same in every process (unlike hash()), and without the
    lookup tables of zlib.crc32, which cost more than the hash when not in cache."""
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def _log_uniform(draws: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    low, high = bounds
    return np.exp(low + (high - low) * draws)


@lru_cache(maxsize=256)
def _points(domain: Domain, wide: bool) -> dict[str, np.ndarray]:
    """Fixed pseudo-random sample points for a domain: same domain, same points.

    Points are drawn away from 0 and from small integers, where special values hide
    differences (``x^2`` and ``x`` agree at 0 and 1).
    """
    window = _window(domain, wide)
    per = _WIDE_DRAWS if wide else _NARROW_DRAWS
    points = {}
    for index, name in enumerate(domain.variables):
        draws = window[index * per:(index + 1) * per]
        magnitude = _log_uniform(draws[:SAMPLES], _LOG_WIDE) if wide else \
            0.15 + 3.05 * draws[:SAMPLES]
        if index < _SIGN_BITS:
            # Sign patterns by the bits of the point's number (flipped at random per
            # domain): every pattern of up to four variables occurs, so log(xy) and
            # ln x + ln y meet a point with x < 0 and y < 0 (random signs missed every
            # such point for about one domain in a thousand).
            negative = _SIGN_PATTERNS[index] ^ (draws[SAMPLES] < 0.5)
        else:
            negative = draws[SAMPLES:2 * SAMPLES] < 0.5
        if wide:
            # Far and near magnitudes, many orders apart: a kink placed at x = 2000 or
            # 10^12 (relu(x - 2000)) is on neither side of the usual points.
            magnitude = np.concatenate([magnitude,
                                        _log_uniform(draws[2 * SAMPLES:2 * SAMPLES + 16],
                                                     _LOG_FAR),
                                        _log_uniform(draws[2 * SAMPLES + 16:2 * SAMPLES + 20],
                                                     _LOG_NEAR)])
            negative = np.concatenate([negative, draws[2 * SAMPLES + 20:] < 0.5])
        what = domain.assumption(name)
        if what in ("positive", "nonnegative"):
            values = magnitude
        else:
            values = np.where(negative, -magnitude, magnitude)
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
    if count == 1:  # one variable: each value, with each sign
        return _SIMPLE if what in ("positive", "nonnegative") else _SIMPLE_BOTH_SIGNS
    values = _SIMPLE[(_RUN_ROW + index * _RUN_COLUMN) % len(_SIMPLE)]
    if what in ("positive", "nonnegative"):
        return values
    return values * _RUN_SIGNS[index % 2]


@lru_cache(maxsize=1024)
def _kinked(expected: Node) -> bool:
    return has_calls(expected, NON_ANALYTIC)


@lru_cache(maxsize=256)
def _complex_points(domain: Domain, wide: bool) -> dict[str, np.ndarray]:
    """:func:`_points` as complex numbers, as the float screen evaluates them (read-only:
    an answer that is just ``x`` evaluates to the array itself)."""
    env = {k: v.astype(complex) for k, v in _points(domain, wide).items()}
    for values in env.values():
        values.flags.writeable = False
    return env


@lru_cache(maxsize=1024)
def _expected_values(expected: Node, domain: Domain, wide: bool) -> tuple[np.ndarray, np.ndarray]:
    values, left = evaluate_np_real(expected, _complex_points(domain, wide))
    real = np.isfinite(values) & ~left
    if values.imag.any():  # not the usual all-real values: which are real enough
        real &= np.abs(values.imag) <= 1e-9 * (1 + np.abs(values.real))
    return values, real


def compare(expected: Node, answer: Node, domain: Domain, *, deadline: float | None = None,
            explain: bool = True) -> Comparison:
    """Compare two scalar trees on ``domain``.

    Parameters:
        expected: the correct answer.
        answer: the student's answer.
        domain: variables and assumptions.
        deadline: ``time.monotonic()`` value after which the answer is "undecided".
        explain: work out the ``hint`` of a difference (for feedback); without it the
            status is the same, and ``hint`` is "" for a confirmed difference.

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
    if time.monotonic() <= deadline and _same_form(expected, answer):
        # The same tree up to order, grouping and spelling (grader.canonical) is the
        # same function everywhere: nothing to sample.  A class types the expected
        # form again and again, so this is the commonest right answer.
        return Comparison("equal")
    domain = _real_powers(domain, positive_bases(expected))
    try:
        return _compare(expected, answer, domain, deadline, explain)
    except TimeUp:
        return Comparison("undecided", hint="time")


def _same_form(expected: Node, answer: Node) -> bool:
    form = canonical(answer)
    return form is not None and form == _expected_form(expected)


@lru_cache(maxsize=1024)
def _expected_form(expected: Node) -> tuple | None:
    return canonical(expected)


def _real_powers(domain: Domain, bases: frozenset[str]) -> Domain:
    """The domain with each base of a variable power drawn from (0, ∞) (see
    :mod:`grader.powers`)."""
    narrowed = {name: "positive" for name in bases
                if name in domain.variables and domain.assumption(name) in ("real", "nonzero")}
    if not narrowed:
        return domain
    return Domain.of(domain.variables, {**dict(domain.assume), **narrowed})


def _compare(expected: Node, answer: Node, domain: Domain, deadline: float,
             explain: bool = True) -> Comparison:
    kinked = _kinked(expected) or has_calls(answer, NON_ANALYTIC)
    # A constant has one value: one usable point is all there is to have.
    needed = MIN_POINTS if domain.variables else 1
    e_parts, a_parts, usable_parts, env_parts, left_parts = [], [], [], [], []
    for wide in (False, True):
        e_vals, real = _expected_values(expected, domain, wide)
        a_vals, a_left = evaluate_np_real(answer, _complex_points(domain, wide))
        e_parts.append(e_vals)
        a_parts.append(a_vals)
        left_parts.append(a_left)
        usable_parts.append(real)
        env_parts.append(_points(domain, wide))
        if not kinked and real.sum() >= needed:
            break
    if len(e_parts) == 1:  # the usual case: one round was enough
        e_vals, a_vals, usable, answer_left = e_parts[0], a_parts[0], usable_parts[0], \
            left_parts[0]
        points = env_parts[0]
    else:
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
            badness = diff[suspects] / (scale[suspects] + 1e-300)
            # As np.nan_to_num(badness, nan=np.inf), without its overhead: infinities
            # become the largest float, so that NaN alone ranks first.
            badness[badness == np.inf] = _LARGEST
            badness[np.isnan(badness)] = np.inf
        suspects = suspects[np.argsort(-badness, kind="stable")]
    confirmed = 0
    for k in suspects[:MAX_RECHECKS]:
        verdict = _mp_equal(expected, answer, point(k), deadline, real_mode)
        if verdict is False:
            if not explain:
                return Comparison("different", point(k))
            with np.errstate(all="ignore"):  # huge values overflow; they name no shape
                hint = _hint(e_vals, a_vals, usable, close, points, domain, answer_left)
            return Comparison("different", point(k), hint)
        confirmed += verdict is True
    if kinked and domain.variables:
        # Only now, as most wrong answers are found above: both sides of every breakpoint.
        found, beside_confirmed = _check_breakpoints(expected, answer, domain, env_parts[0],
                                                     usable_parts[0], deadline, real_mode)
        if found is not None:
            return found
        confirmed += beside_confirmed
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


def _check_breakpoints(expected: Node, answer: Node, domain: Domain,
                       first: dict[str, np.ndarray], usable: np.ndarray, deadline: float,
                       real_mode: bool) -> tuple[Comparison | None, int]:
    """Compare beside every breakpoint of ``|.|``, relu, step, sign, max and min.

    relu(x - 2000) is zero at every usual point, but not beyond 2000; and there the
    difference may be far below float resolution (x^2 against x^2 + step(x - 10^30)), so
    each point is confirmed in high precision, including where floats overflow (10^x at
    x = 2600) and mpmath does not.  The other variables are held at usable points with
    different signs: log(x y) has no value beyond x = 10^30 while y < 0.

    Returns a verdict when one is reached ("different", or "undecided" when values beside
    an isolated breakpoint are out of range), and the number of agreements seen.
    """
    bases, signs = [], set()
    for at in np.flatnonzero(usable):
        sign = tuple(bool(first[k][at] > 0) for k in domain.variables)
        if sign not in signs:
            signs.add(sign)
            bases.append({k: float(v[at]) for k, v in first.items()})
        if len(bases) == (3 if len(domain.variables) > 1 else 1):
            break
    bases = bases or [{k: float(v[0]) for k, v in first.items()}]
    found = _beside_breakpoints(_kink_arguments(expected, answer), domain, bases)
    if found is None:
        return None, 0
    points, strict = found
    env = {k: v.astype(complex) for k, v in points.items()}
    e_vals, _ = evaluate_np_real(expected, env)
    a_vals, _ = evaluate_np_real(answer, env)
    with np.errstate(all="ignore"):
        close = np.abs(a_vals - e_vals) <= 1e-9 * np.maximum(np.abs(a_vals), np.abs(e_vals))
    # Where floats already disagree first; then the rest, in the order found.
    order = np.argsort(close, kind="stable")[:MAX_KINK_CHECKS]
    confirmed, open_point = 0, False
    for k in order:
        at = {name: float(points[name][k]) for name in domain.variables}
        try:
            verdict = _mp_equal(expected, answer, at, deadline, real_mode, strict=bool(strict[k]))
        except TimeUp:
            if time.monotonic() > deadline:
                raise
            # Beyond reach here: look at the other points.  Only an isolated breakpoint
            # keeps the verdict open; |sin x| has zeros at 10^20 that mean nothing.
            open_point |= bool(strict[k])
            continue
        if verdict is False:
            return Comparison("different", at, ""), confirmed
        confirmed += verdict is True
    if open_point:
        return Comparison("undecided", hint="unconfirmed"), confirmed
    return None, confirmed


def _mp_equal(expected: Node, answer: Node, point: dict[str, float], deadline: float,
              real_mode: bool = True, strict: bool = False) -> bool | None:
    """Whether the two trees agree at ``point`` in high precision.

    None when the expected answer itself is undefined there (the point is unusable).
    Raises TimeUp when the comparison would need more precision than allowed, and, when
    ``strict``, when both values exist but are out of range (nothing is known there).

    The working precision must exceed what tiny terms demand (see
    :class:`~grader.numeric.MpTracker`) by a safe margin; most answers need no more than
    the first try's 192 bits.
    """
    key = tuple(point.items())
    settled = _exact_equal(expected, answer, key, deadline)
    if settled is not None:
        return settled
    precision, previous = 192, None
    while True:
        e = _evaluate_cached(expected, key, precision, deadline)
        if e is None or e is OUT_OF_RANGE and not strict:
            return None
        a = _evaluate(answer, key, precision, deadline)
        if e is OUT_OF_RANGE:
            if a is OUT_OF_RANGE:
                raise TimeUp()
            return False  # a value beyond every bound is not one within them
        if a is OUT_OF_RANGE:
            return False
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
                if not isinstance(e2, tuple) or not isinstance(a2, tuple):
                    return None if not isinstance(e2, tuple) else False
                # A cancelled sum can land on exactly 0 at one precision and not at the
                # other: its error is at least a last bit of the largest term it summed.
                error = abs(e_value - e2[0]) + abs(a_value - a2[0]) + \
                    mpmath.ldexp(1, max(e_max, a_max) - precision)
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


def _exact_equal(expected: Node, answer: Node, key: tuple, deadline: float) -> bool | None:
    """Whether two rational expressions are equal at ``key``, exactly (grader.exact).

    None when either is not a rational expression, or is undefined there: then the
    high-precision evaluation decides, with its rules for isolated points.  Raises
    TimeUp past the deadline, as every evaluation does.
    """
    if time.monotonic() > deadline:
        raise TimeUp()
    point = {name: _rational(value) for name, value in key if type(value) is float}
    if len(point) != len(key):
        return None
    try:
        e_num, e_den = exact.value(expected, point)
        a_num, a_den = exact.value(answer, point)
    except (exact.Inexact, ZeroDivisionError):
        return None
    return e_num * a_den == a_num * e_den


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
    if not isinstance(e4, tuple) or not isinstance(a4, tuple):
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
        if not isinstance(_evaluate_cached(expected, nearby, precision, deadline), tuple):
            return False
        a = _evaluate(answer, nearby, precision, deadline)
        if not isinstance(a, tuple) or real_mode and a[5]:
            return False
    return True


_MP_CACHE: dict[tuple, tuple[Node, tuple | str | None]] = {}
#: What :func:`_evaluate` returns for a value that exists but is out of range.
OUT_OF_RANGE = "out of range"


def _evaluate_cached(node: Node, point: tuple, precision: int, deadline: float):
    """(value, largest magnitude, bits demanded, truncated?) of ``node`` at ``point``, or None.

    Cached, because a class answers the same problem: the expected answer is evaluated
    at the same points again and again.
    """
    # Keyed by the tree's identity, not its value: hashing a whole tree at every lookup
    # cost more than the lookup saved.  The entry holds the tree, so while it is cached
    # no other tree can have its id; a class's expected tree is one object (it is read
    # once, by grader.check's cache).
    key = (id(node), point, precision)
    entry = _MP_CACHE.get(key)
    if entry is None or entry[0] is not node:
        if len(_MP_CACHE) > 4096:
            _MP_CACHE.clear()
        entry = _MP_CACHE[key] = (node, _evaluate(node, point, precision, deadline))
    return entry[1]


def _evaluate(node: Node, point: tuple, precision: int, deadline: float):
    """(value, largest magnitude, bits demanded, truncated?) of ``node`` at ``point``, or None."""
    with mpmath.workprec(precision):
        tracker = MpTracker(deadline)
        try:
            value = evaluate_mp(node, _mp_point(point, precision), tracker)
            result = (value, tracker.max_mag, tracker.demand, tracker.truncated,
                      tracker.cancelled, tracker.left_reals)
        except OutOfRange:
            result = OUT_OF_RANGE
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
    agreeing = int(agree.sum())
    for name in domain.variables:
        values = points[name][idx]
        for side, label in ((values > 0, ">"), (values < 0, "<")):
            # Right on every point of the side and on none of the rest, counted rather
            # than indexed (the same test, in fewer steps).
            size, right = int(side.sum()), int((agree & side).sum())
            if 0 < size < len(values) and right == size and agreeing == right:
                return f"region:{name}{label}0"
    return ""


@lru_cache(maxsize=8192)
def _rational(value: float) -> tuple[int, int]:
    """``value`` as a fraction whose denominator is a power of 3, within its last bit.

    Every float is a dyadic rational, and so is 2^55 x for a float x near 1: then
    sin(2^55 π x) is exactly 0 and ``x^2 + sin(2^55 π x)`` would pass for ``x^2``.  At a
    point with denominator 3^k, 2^k' x is an integer for no k'.  The simple points
    (halves and small integers) stay exact: they are there for their exact values.
    """
    if not math.isfinite(value):
        return 0, 1
    numerator, denominator = value.as_integer_ratio()  # exact, in lowest terms
    if value == 0 or (2 * value).is_integer() and abs(value) <= 64:
        return numerator, denominator
    power = max(10, math.ceil((64 - math.log2(abs(value))) / math.log2(3)))
    # round(value * 3^power), ties to even, in integers (as Fraction's round, faster).
    quotient, remainder = divmod(numerator * 3 ** power, denominator)
    if 2 * remainder > denominator or 2 * remainder == denominator and quotient % 2:
        quotient += 1
    return quotient, 3 ** power


@lru_cache(maxsize=1024)
def _mp_point(point: tuple, precision: int) -> dict:
    """The coordinates of ``point`` at ``precision`` (read-only: the expected answer and
    the answer are evaluated at the same points, and converting costs a division)."""
    with mpmath.workprec(precision):
        return {k: _to_mp(v) for k, v in point}


def _to_mp(value):
    """The point coordinate ``value`` at the current precision (see :func:`_rational`).

    A coordinate that is already an mpf was placed on purpose (just beside a singular
    point, :func:`_isolated`) and is kept as it is.
    """
    if isinstance(value, mpmath.mpf):
        return +value
    numerator, denominator = _rational(value)
    return mpmath.mpf(numerator) / denominator


def _kink_arguments(*trees: Node) -> list[Node]:
    """What must change sign for a kinked function to change its formula.

    ``|g|``, ``relu(g)``, ``step(g)`` and ``sign(g)`` break where g = 0; ``max(a, b)``
    and ``min(a, b)`` where a - b = 0.
    """
    found: dict[Node, None] = {}
    for tree in trees:
        for node in walk(tree):
            if isinstance(node, Call) and node.func in _KINK_AT_ZERO:
                found.setdefault(node.args[0])
            elif isinstance(node, Call) and node.func in ("max", "min"):
                for k, left in enumerate(node.args):
                    for right in node.args[k + 1:]:
                        found.setdefault(BinOp("-", left, right))
    return list(found)[:MAX_KINK_ARGUMENTS]


def _beside_breakpoints(arguments: list[Node], domain: Domain, bases: list[dict[str, float]]
                        ) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
    """Points on both sides of each breakpoint, along each variable's axis through each base.

    Breakpoints are found where an argument changes sign between neighbouring values of
    a grid spanning 10^-6 to 10^40 (both signs where the assumption allows), then located
    by bisection.  Points lie beyond the outermost breakpoints (by 30% of their size),
    halfway between neighbouring ones, and 0.1% away on each side of each, in that order:
    the first ones are checked in high precision when there are many.

    Returns the points and, per point, whether it is *strict*: beside an isolated
    breakpoint (relu(x - 2000)), where values too large to compute leave the comparison
    open, rather than one of the many zeros of an oscillating argument (|sin x|).
    """
    far, near = [], []
    for base_index, base in enumerate(bases):
        _beside_one_base(arguments, domain, base, base_index, far, near)
    chosen = far + near
    if not chosen:
        return None
    points = {k: np.array([bases[b][k] for b, _, _, _ in chosen]) for k in domain.variables}
    for k, (_, name, value, _) in enumerate(chosen):
        points[name][k] = value
    return points, np.array([strict for _, _, _, strict in chosen])


def _beside_one_base(arguments: list[Node], domain: Domain, base: dict[str, float],
                     base_index: int, far: list, near: list) -> None:
    """Add (base, variable, value, strict) for the points of :func:`_beside_breakpoints`."""
    for name in domain.variables:
        what = domain.assumption(name)
        if what == "positive":
            axis = _AXIS
        elif what == "nonnegative":
            axis = np.concatenate([[0.0], _AXIS])
        else:
            axis = np.concatenate([-_AXIS[::-1], [0.0], _AXIS])
        roots: dict[float, bool] = {}
        for argument in arguments:
            found, isolated = _roots(argument, name, axis, base)
            for root in found:
                roots[root] = roots.get(root, False) or isolated
        ordered = sorted(roots)
        # Beyond the outermost breakpoints, between each pair (step(x - 2000) against
        # step(x - 2001) differ only there), then just beside each one.
        wide = [(ordered[0] - 0.3 * max(abs(ordered[0]), 1e-3), roots[ordered[0]])] \
            if ordered else []
        wide += [((a + b) / 2, roots[a] and roots[b]) for a, b in zip(ordered, ordered[1:])]
        wide += [(ordered[-1] + 0.3 * max(abs(ordered[-1]), 1e-3), roots[ordered[-1]])] \
            if ordered else []
        close = [(r + sign * 1e-3 * max(abs(r), 1e-3), roots[r])
                 for r in ordered for sign in (-1, 1)]
        for values, out in ((wide, far), (close, near)):
            for value, strict in values:
                if what in ("positive", "nonnegative") and value <= 0 or \
                        what == "nonzero" and value == 0:
                    continue
                out.append((base_index, name, value, strict))


def _roots(argument: Node, name: str, axis: np.ndarray, base: dict[str, float]
           ) -> tuple[list[float], bool]:
    """Where ``argument`` changes sign as ``name`` runs along ``axis`` (others at ``base``),
    and whether those places are few (at most 2) rather than a sample of many."""
    def signs(values: np.ndarray) -> np.ndarray:
        env = {k: np.full(len(values), v, dtype=complex) for k, v in base.items()}
        env[name] = values.astype(complex)
        g = evaluate_np(argument, env)
        real = np.isfinite(g) & (np.abs(g.imag) <= 1e-9 * (1 + np.abs(g.real)))
        return np.where(real, np.sign(g.real), np.nan)

    s = signs(axis)
    with np.errstate(invalid="ignore"):
        change = np.flatnonzero(s[:-1] * s[1:] < 0)
    zeros = np.flatnonzero(s == 0)
    isolated = len(change) + len(zeros) <= 2
    if len(change) > MAX_ROOTS:  # the nearest to 0 and the farthest
        by_size = change[np.argsort(np.abs(axis[change]), kind="stable")]
        change = np.concatenate([by_size[:MAX_ROOTS // 2], by_size[-(MAX_ROOTS // 2):]])
    lo, hi, s_lo = axis[change], axis[change + 1], s[change]
    for _ in range(30):  # grid steps are 78% apart: 30 halvings leave 10^-9 of the root
        if not len(lo):
            break
        mid = (lo + hi) / 2
        left = signs(mid) == s_lo
        lo, hi = np.where(left, mid, lo), np.where(left, hi, mid)
    found = np.concatenate([axis[zeros][:MAX_ROOTS], (lo + hi) / 2])
    return [float(r) for r in found], isolated


_PROBES: dict[tuple[Node, Domain], object] = {}


def _probe(node: Node, domain: Domain, deadline: float):
    """``node``'s value at the domain's first sample point, to 2^-100 of itself, or None.

    Evaluated at 128 and at 256 bits: when the two agree to 100 bits the first is that
    accurate, however ill-conditioned the steps (tan(atan(10^30))); when they do not, or
    some step was undefined, cancelled or left the reals, there is no probe value.
    """
    key = (node, domain)
    if key in _PROBES:
        return _PROBES[key]
    point = tuple((k, float(v[0])) for k, v in _points(domain, False).items())
    values = []
    for precision in (128, 256):
        try:
            result = _evaluate(node, point, precision, deadline)
        except TimeUp:
            return None  # not cached: with more time it may have a value
        if not isinstance(result, tuple) or result[4] or result[5] or result[3]:
            values = []
            break
        values.append(result[0])
    value = None
    if values and mpmath.isfinite(values[0]) and \
            abs(values[0] - values[1]) <= abs(values[1]) * mpmath.ldexp(1, -100):
        value = values[1]
    if len(_PROBES) > 4096:
        _PROBES.clear()
    _PROBES[key] = value
    return value


#: A known mistake is ruled out for an answer when they differ by more than this
#: (relative) at most of the points where both are real: far beyond rounding, so that
#: a mistake equal to the answer is never ruled out by float noise.
_RULED_OUT_GAP = 1e-6


def ruled_out(mistakes: list[Node], answer: Node, domain: Domain) -> list[bool]:
    """For each known mistake, whether the answer's values at the sample points already
    show that the answer is not that mistake.

    The answer is evaluated once for all of them, each mistake's values come from the
    cache of expected values: a screen before :func:`compare` confirms the mistakes
    left (it decides; this only spares it the mistakes that are plainly something else).
    False ("may be it") wherever the points say too little.

    >>> from grader.parse import parse
    >>> d = Domain.of(["x"])
    >>> read = lambda text: parse(text, variables=("x",))
    >>> ruled_out([read("exp(x^2)"), read("2x exp(x^2)"), read("sqrt(-1 - x^2)")],
    ...           read("2*x*e^(x^2)"), d)
    [True, False, False]
    """
    points = _complex_points(domain, False)
    answer_values, answer_left = evaluate_np_real(answer, points)
    verdicts = []
    for mistake in mistakes:
        values, real = _expected_values(mistake, domain, False)
        with np.errstate(all="ignore"):
            both = real & ~answer_left & np.isfinite(answer_values) & np.isfinite(values)
            if both.sum() < MIN_POINTS:
                verdicts.append(False)
                continue
            a, m = answer_values[both], values[both]
            far = np.abs(a - m) > _RULED_OUT_GAP * np.maximum(np.abs(a), np.abs(m)) + 1e-12
        verdicts.append(bool(far.mean() > 0.5))
    return verdicts


def surely_different(expected: Node, answer: Node, domain: Domain, *,
                     deadline: float | None = None) -> bool:
    """True when one point, evaluated twice in high precision, already tells them apart.

    A cheap first pass for comparing many pairs (the elements of two sets): False means
    only "not known to differ", and :func:`compare` must decide.

    >>> from grader.parse import parse
    >>> d = Domain.of(["x"])
    >>> surely_different(parse("2"), parse("sin(1)^2 + cos(1)^2 + 1"), d)
    False
    >>> surely_different(parse("2"), parse("3"), d)
    True
    """
    deadline = time.monotonic() + 1.5 if deadline is None else deadline
    e = _probe(expected, domain, deadline)
    if e is None:
        return False
    a = _probe(answer, domain, deadline)
    if a is None:
        return False
    with mpmath.workprec(256):
        return bool(abs(e - a) > max(abs(e), abs(a)) * mpmath.ldexp(1, -64))
