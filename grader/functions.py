"""The allow-list of functions a student (or a bank) may call, and every spelling of each.

One table says, per function, how many arguments it takes, how to evaluate it with NumPy
(fast screening) and with mpmath (high-precision confirmation), how to print it in LaTeX
and how to build it in SymPy.  A name that is not here cannot be called: that, not a
deny-list, is what keeps ``__import__`` or ``factorial(10^10)`` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import math

import mpmath
import numpy as np
import sympy

__all__ = ["ALIASES", "FUNCTIONS", "MAX_FACTORIAL", "NON_ANALYTIC", "Function", "lookup"]


@dataclass(frozen=True)
class Function:
    """One allowed function.

    Attributes:
        name: canonical name used in trees.
        arity: allowed numbers of arguments.
        numpy: vectorised implementation on complex128 arrays.
        mp: implementation on mpmath numbers (mpf or mpc).
        latex: LaTeX command or operator name used to print a call.
        sympy: builds the SymPy expression from SymPy arguments.
        power_prefix: whether ``sin^2 x`` (a power written on the name) makes sense.
    """

    name: str
    arity: tuple[int, ...]
    numpy: Callable
    mp: Callable
    latex: str
    sympy: Callable
    power_prefix: bool = False


def _real_only(f: Callable) -> Callable:
    """Lift a function of real arrays to complex arrays: NaN where the input is not real."""

    def wrapped(*zs: np.ndarray) -> np.ndarray:
        ok = np.ones(zs[0].shape, dtype=bool)
        for z in zs:
            ok &= np.abs(z.imag) <= 1e-12 * (1 + np.abs(z.real))
        out = f(*(z.real for z in zs)).astype(complex)
        return np.where(ok, out, np.nan)

    return wrapped


class NotReal(ArithmeticError):
    """A function of real numbers met a complex value (mpmath side)."""


def _mp_real_only(f: Callable) -> Callable:
    def wrapped(*zs):
        real = []
        for z in zs:
            if isinstance(z, mpmath.mpc):
                if abs(z.imag) > abs(z) * mpmath.mpf(2) ** (-mpmath.mp.prec + 8):
                    raise NotReal(f.__name__)
                z = z.real
            real.append(z)
        return f(*real)

    return wrapped


def _mp_heaviside(x):
    return mpmath.mpf(1) if x > 0 else mpmath.mpf(0) if x < 0 else mpmath.mpf(0.5)


def _mp_sign(x):
    return mpmath.mpf(1) if x > 0 else mpmath.mpf(-1) if x < 0 else mpmath.mpf(0)


def _real_domain(np_f: Callable, mp_f: Callable, inside: Callable) -> tuple[Callable, Callable]:
    """asin(2) is undefined for real calculus (and NumPy and mpmath put it on different
    sides of the branch cut): a real argument outside ``inside`` has no value."""

    def numpy_version(z):
        real = np.abs(z.imag) <= 1e-12 * (1 + np.abs(z.real))
        with np.errstate(all="ignore"):
            out = np_f(z)
        return np.where(real & ~inside(z.real), np.nan, out)

    def mp_version(z):
        if not isinstance(z, mpmath.mpc) and not inside(z):
            raise NotReal(np_f.__name__)
        return mp_f(z)

    return numpy_version, mp_version


def _np_reciprocal(f: Callable) -> Callable:
    def of_reciprocal(z):
        with np.errstate(all="ignore"):
            return f(1 / z)
    of_reciprocal.__name__ = f"{f.__name__}_of_reciprocal"
    return of_reciprocal


#: Largest whole number whose factorial is accepted: 170! is the largest float64.
MAX_FACTORIAL = 170


def _np_factorial(z):
    """Γ(x + 1) for real x, NaN at the poles, beyond the bound, or off the reals."""
    def one(x: complex) -> complex:
        if abs(x.imag) > 1e-12 * (1 + abs(x.real)) or not math.isfinite(x.real) \
                or x.real > MAX_FACTORIAL:
            return complex("nan")
        try:
            return complex(math.gamma(x.real + 1))
        except (ValueError, OverflowError):
            return complex("nan")
    return np.array([one(complex(x)) for x in np.ravel(z)], dtype=complex).reshape(np.shape(z))


def _mp_factorial(x):
    if isinstance(x, mpmath.mpc):
        raise NotReal("factorial")
    if x > MAX_FACTORIAL:
        raise ValueError("factorial of a number too large")
    if x < 0 and x == mpmath.floor(x):
        raise ValueError("factorial of a negative whole number")
    return mpmath.factorial(x)


_ASIN = _real_domain(np.arcsin, mpmath.asin, lambda x: abs(x) <= 1)
# The inverse reciprocal functions, on their real domains (asec x = acos(1/x)).
_ASEC = _real_domain(_np_reciprocal(np.arccos), mpmath.asec, lambda x: abs(x) >= 1)
_ACSC = _real_domain(_np_reciprocal(np.arcsin), mpmath.acsc, lambda x: abs(x) >= 1)
_ACOTH = _real_domain(_np_reciprocal(np.arctanh), mpmath.acoth, lambda x: abs(x) > 1)
_ASECH = _real_domain(_np_reciprocal(np.arccosh), mpmath.asech, lambda x: (x > 0) & (x <= 1) if isinstance(x, np.ndarray)
                      else 0 < x <= 1)
_ACOS = _real_domain(np.arccos, mpmath.acos, lambda x: abs(x) <= 1)
_ATANH = _real_domain(np.arctanh, mpmath.atanh, lambda x: abs(x) < 1)
_ACOSH = _real_domain(np.arccosh, mpmath.acosh, lambda x: x >= 1)


def _np_sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _mp_sigmoid(z):
    return 1 / (1 + mpmath.exp(-z))


def _mp_cbrt(x):
    return mpmath.cbrt(x) if x >= 0 else -mpmath.cbrt(-x)


def _sympy_log(x, base=None):
    return sympy.log(x) if base is None else sympy.log(x, base)


def _np_log(z, base=None):
    return np.log(z) if base is None else np.log(z) / np.log(base)


def _mp_log(z, base=None):
    return mpmath.log(z) if base is None else mpmath.log(z) / mpmath.log(base)


_F = Function
FUNCTIONS: dict[str, Function] = {f.name: f for f in [
    _F("exp", (1,), np.exp, mpmath.exp, "exp", sympy.exp),
    _F("ln", (1, 2), _np_log, _mp_log, "ln", _sympy_log, power_prefix=True),
    _F("log2", (1,), lambda z: np.log(z) / np.log(2), lambda z: mpmath.log(z, 2),
       "log_2", lambda x: sympy.log(x, 2)),
    _F("log10", (1,), lambda z: np.log(z) / np.log(10), lambda z: mpmath.log(z, 10),
       "log_{10}", lambda x: sympy.log(x, 10)),
    _F("sqrt", (1,), np.sqrt, mpmath.sqrt, "sqrt", sympy.sqrt),
    _F("cbrt", (1,), _real_only(np.cbrt), _mp_real_only(_mp_cbrt), "cbrt",
       lambda x: sympy.real_root(x, 3)),
    _F("abs", (1,), lambda z: np.abs(z).astype(complex), mpmath.fabs, "abs", sympy.Abs),
    _F("sin", (1,), np.sin, mpmath.sin, "sin", sympy.sin, power_prefix=True),
    _F("cos", (1,), np.cos, mpmath.cos, "cos", sympy.cos, power_prefix=True),
    _F("tan", (1,), np.tan, mpmath.tan, "tan", sympy.tan, power_prefix=True),
    _F("sec", (1,), lambda z: 1 / np.cos(z), mpmath.sec, "sec", sympy.sec, power_prefix=True),
    _F("csc", (1,), lambda z: 1 / np.sin(z), mpmath.csc, "csc", sympy.csc, power_prefix=True),
    _F("cot", (1,), lambda z: 1 / np.tan(z), mpmath.cot, "cot", sympy.cot, power_prefix=True),
    _F("asin", (1,), *_ASIN, "arcsin", sympy.asin),
    _F("acos", (1,), *_ACOS, "arccos", sympy.acos),
    _F("atan", (1,), np.arctan, mpmath.atan, "arctan", sympy.atan),
    _F("acot", (1,), lambda z: np.arctan(1 / z), mpmath.acot, "arccot", sympy.acot),
    _F("sinh", (1,), np.sinh, mpmath.sinh, "sinh", sympy.sinh, power_prefix=True),
    _F("cosh", (1,), np.cosh, mpmath.cosh, "cosh", sympy.cosh, power_prefix=True),
    _F("tanh", (1,), np.tanh, mpmath.tanh, "tanh", sympy.tanh, power_prefix=True),
    _F("sech", (1,), lambda z: 1 / np.cosh(z), mpmath.sech, "sech", sympy.sech,
       power_prefix=True),
    _F("csch", (1,), lambda z: 1 / np.sinh(z), mpmath.csch, "csch", sympy.csch,
       power_prefix=True),
    _F("coth", (1,), lambda z: 1 / np.tanh(z), mpmath.coth, "coth", sympy.coth,
       power_prefix=True),
    _F("asec", (1,), *_ASEC, "arcsec", sympy.asec),
    _F("acsc", (1,), *_ACSC, "arccsc", sympy.acsc),
    _F("asinh", (1,), np.arcsinh, mpmath.asinh, "arsinh", sympy.asinh),
    _F("acoth", (1,), *_ACOTH, "arcoth", sympy.acoth),
    _F("asech", (1,), *_ASECH, "arsech", sympy.asech),
    _F("acsch", (1,), _np_reciprocal(np.arcsinh), mpmath.acsch, "arcsch", sympy.acsch),
    _F("factorial", (1,), _np_factorial, _mp_factorial, "factorial", sympy.factorial),
    _F("acosh", (1,), *_ACOSH, "arcosh", sympy.acosh),
    _F("atanh", (1,), *_ATANH, "artanh", sympy.atanh),
    _F("sigmoid", (1,), _np_sigmoid, _mp_sigmoid, "sigma",
       lambda x: 1 / (1 + sympy.exp(-x)), power_prefix=True),
    _F("softplus", (1,), lambda z: np.log1p(np.exp(z)), lambda z: mpmath.log(1 + mpmath.exp(z)),
       "softplus", lambda x: sympy.log(1 + sympy.exp(x))),
    _F("relu", (1,), _real_only(lambda x: np.maximum(x, 0.0)),
       _mp_real_only(lambda x: x if x > 0 else mpmath.mpf(0)), "ReLU",
       lambda x: sympy.Max(x, 0)),
    _F("heaviside", (1,), _real_only(lambda x: np.heaviside(x, 0.5)),
       _mp_real_only(_mp_heaviside), "H", sympy.Heaviside),
    _F("sign", (1,), _real_only(np.sign), _mp_real_only(_mp_sign), "sgn", sympy.sign),
    _F("max", (1, 2, 3, 4, 5, 6), _real_only(lambda *xs: np.maximum.reduce(xs)),
       _mp_real_only(lambda *xs: max(xs)), "max", sympy.Max),
    _F("min", (1, 2, 3, 4, 5, 6), _real_only(lambda *xs: np.minimum.reduce(xs)),
       _mp_real_only(lambda *xs: min(xs)), "min", sympy.Min),
    _F("atan2", (2,), _real_only(np.arctan2), _mp_real_only(mpmath.atan2), "atan2",
       sympy.atan2),
]}

#: Every other accepted spelling of a function name.
ALIASES: dict[str, str] = {
    "log": "ln", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arccot": "acot",
    "arsinh": "asinh", "arcsinh": "asinh", "arcosh": "acosh", "arccosh": "acosh",
    "artanh": "atanh", "arctanh": "atanh", "sgn": "sign", "step": "heaviside", "H": "heaviside",
    "Heaviside": "heaviside", "ReLU": "relu", "Relu": "relu",
    "sigma": "sigmoid", "sigm": "sigmoid", "Sigmoid": "sigmoid", "logistic": "sigmoid",
    "Abs": "abs", "Exp": "exp", "Ln": "ln", "Log": "ln", "Sin": "sin", "Cos": "cos",
    "Tan": "tan", "root": "sqrt", "arctan2": "atan2", "Max": "max", "Min": "min",
    # Reciprocal and inverse spellings of British, European and calculator keyboards.
    "cosec": "csc", "cosech": "csch", "ctg": "cot", "cotan": "cot", "cotg": "cot",
    "arcsec": "asec", "arccsc": "acsc", "arccosec": "acsc", "acosec": "acsc",
    "arcsech": "asech", "arsech": "asech", "arccsch": "acsch", "arcsch": "acsch",
    "arccosech": "acsch", "arcoth": "acoth", "arccoth": "acoth",
    "arcctg": "acot", "fact": "factorial",
}

#: Functions whose graphs have kinks or jumps: equality at random points proves less,
#: so the equivalence engine samples more widely where they appear.
NON_ANALYTIC = frozenset({"abs", "relu", "heaviside", "sign", "max", "min", "atan2"})

#: ``sin^-1 x`` means arcsin, as printed in textbooks; these are the inverses.
INVERSES = {"sin": "asin", "cos": "acos", "tan": "atan", "cot": "acot", "sec": "asec",
            "csc": "acsc", "sinh": "asinh", "cosh": "acosh", "tanh": "atanh", "coth": "acoth",
            "sech": "asech", "csch": "acsch"}


def lookup(name: str) -> Function | None:
    """The function called ``name`` in any accepted spelling, or None.

    >>> lookup("arctan").name
    'atan'
    >>> lookup("eval") is None
    True
    """
    return FUNCTIONS.get(ALIASES.get(name, name))
