"""Numeric evaluation: principal branches, undefined values, bounded work."""

import mpmath
import numpy as np
import pytest

from grader.numeric import MpTracker, Undefined, evaluate_mp, evaluate_np
from grader.parse import parse


def test_numpy_is_vectorised_and_complex():
    values = evaluate_np(parse("x^x", variables=["x"]), {"x": np.array([2.0, -0.9]) + 0j})
    assert values[0] == pytest.approx(4)
    assert values[1] == pytest.approx(-1.0457 - 0.3398j, abs=1e-3)


def test_numpy_undefined_is_nan_not_an_exception():
    values = evaluate_np(parse("1/(x-x)", variables=["x"]), {"x": np.array([1.0]) + 0j})
    assert not np.isfinite(values).any()


@pytest.mark.parametrize("text", ["9^9^9^9", "exp(10^6)", "sin(10^100)", "1/0", "relu(sqrt(-1))"])
def test_mpmath_refuses_what_cannot_be_computed(text):
    """Astronomical or undefined values raise Undefined instead of running for ever."""
    with pytest.raises(Undefined):
        evaluate_mp(parse(text, variables=["x"]), {}, MpTracker())


def test_tracker_measures_what_tiny_terms_need():
    """1 + e^-100 needs about 145 bits; a big power alone needs none extra."""
    tracker = MpTracker()
    with mpmath.workprec(64):
        evaluate_mp(parse("1 + exp(-100)"), {}, tracker)
    assert tracker.demand >= 140 and not tracker.cancelled
    tracker = MpTracker()
    with mpmath.workprec(64):
        evaluate_mp(parse("(x - 2)^600", variables=["x"]), {"x": mpmath.mpf(0.5)}, tracker)
    assert tracker.demand < 8


def test_tracker_notices_cancellation():
    tracker = MpTracker()
    with mpmath.workprec(64):
        evaluate_mp(parse("(x + 10^30) - 10^30", variables=["x"]), {"x": mpmath.mpf(1)}, tracker)
    assert tracker.cancelled
