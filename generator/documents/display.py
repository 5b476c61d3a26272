"""How a computed value is written for people: with σ, and factored.

A family may ask (``display:`` in its bank) for its values to be shown as a person
writes them rather than as the CAS leaves them.  Only the *form* changes: every function
here returns an expression equal to the one it was given, and the grader still compares
answers with the computed key, never with what is printed.

* :func:`sigmoid_form` writes ``e^{-u}`` and ``1/(1 + e^{-u})`` through ``σ(u)`` when the
  whole value is then a polynomial in ``σ(u)``: ``e^{-x}/(1 + e^{-x})^2`` is
  ``σ(x)(1 - σ(x))``.
* :func:`factored_form` takes common factors out and collects terms, and keeps the result
  only when it is not longer on the page than what it replaces.

Both are bounded: a value larger than :data:`MAX_DISPLAY_NODES` is left as it is, and the
rewriting of one value stops after :data:`DISPLAY_SECONDS`, and none is started in the
last :data:`DISPLAY_RESERVE` seconds of an instance's deadline (the value is then printed
as computed).  Banks are untrusted, and printing must never be what makes an instance fail.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> sigmoid_form(sympy.exp(-x) / (1 + sympy.exp(-x))**2)
(1 - sigma(x))*sigma(x)
>>> factored_form(sympy.exp(x) * x + sympy.exp(x))
(x + 1)*exp(x)
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import sympy
from generator.banks.limits import OverBudget, time_budget

__all__ = ["DISPLAY_RESERVE", "DISPLAY_SECONDS", "MAX_DISPLAY_NODES", "SIGMA", "display_form",
           "factored_form", "printed_length", "sigmoid_form"]

#: The logistic function as documents write it, ``σ(u)``: a name only, never evaluated
#: (the grader reads ``sigma(u)`` as the sigmoid, so a printed σ form can be typed back).
SIGMA = sympy.Function("sigma")
#: Largest value (SymPy tree nodes) that is rewritten for display at all.
MAX_DISPLAY_NODES = 600
#: Seconds the rewriting of one value may take before it is printed as computed.
DISPLAY_SECONDS = 1.0
#: Seconds of an instance's deadline that rewriting never uses (left for its templates,
#: mistakes and checks): a family that displays many values prints the last ones as
#: computed rather than fail.
DISPLAY_RESERVE = 10.0
#: Largest power of e^{-u} turned into a power of (1 - σ(u))/σ(u).
_MAX_SIGMA_POWER = 4
#: Functions whose powers are written ``k - f`` rather than ``-(f - k)``: the textbook
#: forms σ' = σ(1 - σ) and tanh' = 1 - tanh².
_ONE_MINUS = (SIGMA, sympy.tanh)
#: Failures of SymPy's own algebra on an odd value: the value is then printed as computed.
_ALGEBRA_ERRORS = (sympy.PolynomialError, sympy.CoercionFailed, ValueError,
                   TypeError, ArithmeticError, RecursionError, NotImplementedError)


def _small(expr: sympy.Basic) -> bool:
    for count, _ in enumerate(sympy.preorder_traversal(expr)):
        if count >= MAX_DISPLAY_NODES:
            return False
    return True


def printed_length(expr: sympy.Basic) -> int:
    """Characters a reader sees when ``expr`` is printed, brackets and spaces not counted.

    The measure of "not longer" for :func:`factored_form`: ``6x(x^2+1)^2`` is shorter
    than ``6x^5+12x^3+6x`` though it has more brackets.

    >>> x = sympy.Symbol("x")
    >>> printed_length(6*x**5 + 12*x**3 + 6*x), printed_length(6*x*(x**2 + 1)**2)
    (13, 9)
    """
    # SymPy's own LaTeX: the documents' printer differs only in names (step, ln), and
    # using it here would make the two modules import each other.
    text = re.sub(r"\\(left|right)\b", "", sympy.latex(expr, ln_notation=True))
    text = re.sub(r"\\[A-Za-z]+", "#", text)  # one command, one symbol on the page
    return len(re.sub(r"[\s{}()\[\]]", "", text))


# -- σ --------------------------------------------------------------------------------------

def _sigmoid_arguments(expr: sympy.Basic) -> list[sympy.Expr]:
    """Candidate ``u`` for σ(u): the negated exponents of the value's e^(...), in order."""
    found: list[sympy.Expr] = []
    for power in sorted(expr.atoms(sympy.exp), key=sympy.default_sort_key):
        u = -power.args[0]
        if u.free_symbols and u not in found:
            found.append(u)
    return found[:4]


def _through_sigma(expr: sympy.Expr, u: sympy.Expr) -> sympy.Expr | None:
    """``expr`` as a polynomial in σ(u), or None when it is not one."""
    s = sympy.Dummy("s")

    def multiple(power: sympy.Basic) -> int | None:
        if not isinstance(power, sympy.exp):
            return None
        n = sympy.cancel(power.args[0] / -u)
        if n.is_Integer and 0 < abs(n) <= _MAX_SIGMA_POWER:
            return int(n)
        return None

    # e^{-u} = (1 - σ)/σ, so 1 + e^{-u} = 1/σ.
    replaced = expr.replace(lambda e: multiple(e) is not None,
                            lambda e: ((1 - s) / s) ** multiple(e))
    if any(e.args[0].free_symbols & u.free_symbols for e in replaced.atoms(sympy.exp)):
        return None
    numerator, denominator = sympy.fraction(sympy.cancel(sympy.together(replaced)))
    if denominator.has(s) or not numerator.has(s):
        return None
    return sympy.factor(numerator / denominator).subs(s, SIGMA(u))


def _direct_sigma(expr: sympy.Basic) -> sympy.Basic:
    """Each ``1/(1 + e^{-u})`` written as σ(u), whatever surrounds it."""
    def argument(e: sympy.Basic) -> sympy.Basic | None:
        if not (isinstance(e, sympy.Pow) and e.exp == -1 and isinstance(e.base, sympy.Add)):
            return None
        terms = e.base.args
        if len(terms) != 2 or sympy.S.One not in terms:
            return None
        other = terms[0] if terms[1] == 1 else terms[1]
        if not (isinstance(other, sympy.exp) and other.args[0].free_symbols):
            return None  # σ(2) is a number, printed as one
        return -other.args[0]

    return expr.replace(lambda e: argument(e) is not None, lambda e: SIGMA(argument(e)))


def sigmoid_form(expr: Any) -> Any:
    """``expr`` written with σ(u) = 1/(1 + e^{-u}) where that is how a person writes it.

    When the whole value is a polynomial in σ(u) for one ``u`` (the derivative of a
    sigmoid, a neuron's cost), it is written so, factored, with ``1 - σ(u)`` rather than
    ``-(σ(u) - 1)``.  Otherwise each ``1/(1 + e^{-u})`` inside it is written as σ(u), and
    the rest is left as it is.  Constants (σ(2)) stay numbers.

    >>> w = sympy.Symbol("w")
    >>> z = 2*w + 1
    >>> cost = (1/(1 + sympy.exp(-z)) - 1)**2
    >>> sigmoid_form(sympy.diff(cost, w))
    -4*(1 - sigma(2*w + 1))**2*sigma(2*w + 1)
    >>> sigmoid_form(1 / (2 + sympy.exp(-w)))  # not a sigmoid of anything
    1/(2 + exp(-w))
    """
    if not isinstance(expr, sympy.Expr) or not expr.has(sympy.exp) or not _small(expr):
        return expr
    try:
        with time_budget(DISPLAY_SECONDS, reserve=DISPLAY_RESERVE):
            for u in _sigmoid_arguments(expr):
                written = _through_sigma(expr, u)
                if written is not None:
                    return _one_minus(written)
            return _direct_sigma(expr)
    except (OverBudget, *_ALGEBRA_ERRORS):
        return expr


# -- factored --------------------------------------------------------------------------------

def _one_minus_factor(factor: sympy.Expr) -> sympy.Expr | None:
    """``k - f`` for a factor ``f - k`` (k a positive number, f a power of σ or tanh)."""
    if not isinstance(factor, sympy.Add) or len(factor.args) != 2:
        return None
    constant, rest = sorted(factor.args, key=lambda t: not t.is_Number)
    if not (constant.is_Number and constant < 0):
        return None
    base = rest.base if isinstance(rest, sympy.Pow) and rest.exp.is_Integer else rest
    if not (isinstance(base, sympy.Function) and base.func in _ONE_MINUS):
        return None
    return sympy.Add(-constant, -rest)


def _one_minus(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with each factor ``σ - 1`` or ``tanh² - 1`` written ``1 - σ``, ``1 - tanh²``."""
    if isinstance(expr, sympy.Add):
        flipped = _one_minus_factor(expr)
        return sympy.Mul(-1, flipped, evaluate=False) if flipped is not None else expr
    if not isinstance(expr, sympy.Mul):
        return expr
    coefficient, factors = expr.as_coeff_mul()
    kept = []
    for factor in factors:
        base, exponent = factor.as_base_exp()
        flipped = _one_minus_factor(base) if exponent.is_Integer else None
        if flipped is None:
            kept.append(factor)
            continue
        kept.append(flipped ** exponent if exponent != 1 else flipped)
        if exponent % 2:
            coefficient = -coefficient
    if kept == list(factors):
        return expr
    if coefficient != 1:
        kept.insert(0, coefficient)
    return sympy.Mul(*kept, evaluate=False) if len(kept) > 1 else kept[0]


def _collected(expr: sympy.Expr) -> sympy.Expr:
    """Terms collected by their functions (e^x, sin x...), each coefficient factored:
    ``x e^x + e^x`` is ``(x + 1) e^x``."""
    expanded = sympy.expand(expr)
    functions = sorted((f for f in expanded.atoms(sympy.Function, sympy.Dummy)
                        if f.free_symbols), key=sympy.default_sort_key)
    if not functions:
        return sympy.factor_terms(expanded, clear=True)
    collected = sympy.collect(expanded, functions, evaluate=False)
    terms = [sympy.factor(coefficient) * key for key, coefficient in collected.items()]
    return sympy.Add(*terms)


def _outside_functions(way, expr: sympy.Expr) -> sympy.Expr:
    """``way(expr)`` with the arguments of functions left alone: tanh(3x - 3) is not
    rewritten tanh(3(x - 1)), nor tan(πu - π/2) as a cotangent."""
    masks = {f: sympy.Dummy() for f in expr.atoms(sympy.Function)}
    back = {d: f for f, d in masks.items()}

    def unmask(e: sympy.Basic) -> sympy.Basic:
        # Rebuilt unevaluated: evaluating would multiply 8*(t^2 - 1) back out.
        if e in back:
            return back[e]
        if e.is_Atom:
            return e
        args = [unmask(a) for a in e.args]
        if isinstance(e, (sympy.Add, sympy.Mul, sympy.Pow)):
            return e.func(*args, evaluate=False)
        return e.func(*args)

    return unmask(way(expr.xreplace(masks)))


def factored_form(expr: Any) -> Any:
    """``expr`` factored where that is how a person writes it, and not longer.

    Tries common factors taken out (:func:`sympy.factor_terms`, before and after
    expanding), terms collected by their functions, and, for a rational function, its
    factorisation; keeps the shortest by :func:`printed_length` when it is not longer
    than ``expr``.  A factor ``tanh² - 1`` or ``σ - 1`` is written ``1 - tanh²``, ``1 - σ``.

    >>> x = sympy.Symbol("x")
    >>> factored_form(sympy.diff((x**2 + 1)**3, x).expand())
    6*x*(x**2 + 1)**2
    >>> factored_form(8*sympy.tanh(4*x)**2 - 8)
    -8*(1 - tanh(4*x)**2)
    >>> factored_form(6*x + 1)  # nothing to take out
    6*x + 1
    """
    if not isinstance(expr, sympy.Expr) or expr.is_number or not _small(expr):
        return expr
    best, best_length = expr, printed_length(expr)
    # clear=True: 2(-3b + 11w + 3)/3, never 2(-b + 11w/3 + 1).
    ways = [lambda e: sympy.factor_terms(e, clear=True),
            lambda e: sympy.factor_terms(sympy.expand(e), clear=True), _collected]
    if expr.is_rational_function():
        ways.append(sympy.factor)
    try:
        with time_budget(DISPLAY_SECONDS, reserve=DISPLAY_RESERVE):
            for way in ways:
                try:
                    candidate = _outside_functions(way, expr)
                    length = printed_length(candidate)
                except _ALGEBRA_ERRORS:
                    continue
                # "Not longer": on a tie the factored form wins, as a person writes it.
                if length < best_length or (length == best_length and best is expr):
                    best, best_length = candidate, length
    except OverBudget:
        return expr
    # The sign taken out to write 1 - tanh² is not counted: that is the textbook form.
    return _one_minus(best) if best is not expr else expr


def display_form(value: Any, *, sigmoid: bool = False, factor: bool = False) -> Any:
    """``value`` (an expression) in the forms asked for: σ first, then factored."""
    if not (sigmoid or factor) or not isinstance(value, sympy.Basic):
        return value
    return _display_form(value, sigmoid, factor)


# A key is printed twice (answer key and last solution step): rewrite it once.
@lru_cache(maxsize=512)
def _display_form(value: sympy.Basic, sigmoid: bool, factor: bool) -> sympy.Basic:
    if sigmoid:
        value = sigmoid_form(value)
    if factor:
        value = factored_form(value)
    return value
