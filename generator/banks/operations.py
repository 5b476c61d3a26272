"""Compute a family's values from its YAML: expressions and a whitelist of CAS operations.

Each entry of a family's ``values`` is either an expression (read with the grader's safe
reader, so a bank cannot run code) or a one-key mapping naming an operation::

    f: exp(a*x^2)                  # an expression in variables, parameters, earlier values
    df: {diff: [f, x]}             # d f / d x
    H: {hessian: [f, [x, y]]}

The operations are the entries of :data:`OPERATIONS`; ``solver`` calls a named Python
procedure from :mod:`generator.banks.solvers` for answers that need one (backpropagation,
Lagrange systems, gradient steps).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable

import math

import sympy

from generator.banks import memo
from generator.banks.limits import (MAX_DIFF_ORDER, MAX_DIGITS, MAX_MATRIX_SIDE,
                                    MAX_NUMBER_DIGITS, check_size, check_square)
from generator.banks.matrices import matrix_expression_op
from generator.banks.solvers import SOLVERS
from generator.banks.solvers.multivariable import classify_by_signs
from generator.errors import DeriveError
from grader.errors import ReadError
from grader.parse import parse
from grader.symbolic import to_sympy
from grader.tree import BinOp, Num, Var

__all__ = ["DeriveError", "MAX_LABEL", "OPERATIONS", "Scope", "Text", "compute",
           "constraint_holds", "read_expression"]

#: Longest text a ``label`` may hold.
MAX_LABEL = 1_000


class Text(str):
    """A text value of a bank (a label): printed as it is, never read as mathematics.

    SymPy turns plain strings into expressions by *evaluating* them (``sympify``), so a
    bank's text must never reach it as a ``str``.  ``__sympy__ = False`` makes
    ``sympify`` hand a Text back untouched (and ``_sympify`` refuse it) instead of
    parsing it; :func:`read_expression` and the operations refuse text anyway.
    """

    __slots__ = ()
    __sympy__ = False


def _has_text(value: Any) -> bool:
    if isinstance(value, str):
        return True
    if isinstance(value, (list, tuple)):
        return any(_has_text(v) for v in value)
    return False


def _as_text_values(value: Any) -> Any:
    """Every ``str`` inside ``value`` (a solver's result) made a :class:`Text`."""
    if isinstance(value, str):
        return value if isinstance(value, Text) else Text(value)
    if isinstance(value, list):
        return [_as_text_values(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_as_text_values(v) for v in value)
    return value


def _tree_names(node: Any, found: set[str], depth: int = 0) -> set[str]:
    """The variable names a reader tree uses."""
    if isinstance(node, Var):
        found.add(node.name)
    elif isinstance(node, tuple):
        for item in node:
            _tree_names(item, found, depth + 1)
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            if f.name != "span":
                _tree_names(getattr(node, f.name), found, depth + 1)
    return found


def _huge_power(node: Any) -> str | None:
    """A power ``expr ^ N`` with a literal exponent too large, before SymPy builds it."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, BinOp) and item.op == "^" and isinstance(item.right, Num) \
                and not isinstance(item.left, Num) \
                and abs(item.right.value) > MAX_NUMBER_DIGITS:
            return item.right.text
        if isinstance(item, tuple):
            stack.extend(item)
        elif dataclasses.is_dataclass(item):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item)
                         if f.name != "span")
    return None


@dataclass
class Scope:
    """Names visible to a family's expressions: variables, parameters, computed values."""

    symbols: dict[str, sympy.Symbol]
    values: dict[str, Any]
    #: Declared matrix shapes, for ``matrix_expression`` values (see :mod:`.matrices`).
    shapes: dict[str, str] = field(default_factory=dict)

    def names(self) -> list[str]:
        return list(self.symbols) + list(self.values)

    def lookup(self) -> dict[str, Any]:
        return {**self.symbols, **self.values}


def make_symbols(variables, assume: dict[str, str]) -> dict[str, sympy.Symbol]:
    """SymPy symbols for a family's variables, carrying their assumptions."""
    flags = {"positive": {"positive": True}, "nonnegative": {"nonnegative": True},
             "nonzero": {"nonzero": True, "real": True}, "real": {"real": True}}
    return {v: sympy.Symbol(v, **flags[assume.get(v, "real")]) for v in variables}


def read_expression(text: Any, scope: Scope, *, text_ok: bool = False) -> Any:
    """Read an expression of the bank with the grader's reader and build it in SymPy.

    A name of a text value (a label) is accepted alone, and only where ``text_ok``
    (passing it on, as to ``pick`` or a solver); text is never part of an expression.

    Raises:
        DeriveError: unreadable text, a text value misused, or a value over the limits.
    """
    if isinstance(text, bool):
        raise DeriveError(f"{text!r} is not an expression")
    if isinstance(text, int):
        if abs(text) >= 10 ** MAX_NUMBER_DIGITS:
            raise DeriveError(f"a number with over {MAX_NUMBER_DIGITS} digits")
        return sympy.Integer(text)
    if isinstance(text, float):
        if not math.isfinite(text):
            raise DeriveError(f"{text!r} is not a finite number")
        return sympy.Rational(str(text))
    if not isinstance(text, str):
        raise DeriveError(f"expected an expression, not {text!r}")
    tree, names = _read_tree(text, tuple(scope.names()))
    lookup = scope.lookup()
    texts = sorted(n for n in names if _has_text(lookup.get(n)))
    if texts:
        if isinstance(tree, Var) and text_ok:
            return lookup[tree.name]
        raise DeriveError(f"{texts[0]} is text (a label); text can be passed on by name "
                          "(to pick, list or a solver) but not used in an expression or "
                          "an operation")
    return check_size(to_sympy(tree, lookup), repr(text))


@lru_cache(maxsize=4096)
def _read_tree(text: str, names: tuple[str, ...]) -> tuple[Any, frozenset[str]]:
    """The reader tree of a bank's ``text`` with ``names`` in scope, and the names it uses.

    A family reads the same text with the same names in scope for every instance (most
    often a bare value name such as ``f``), so the tree is read once per process.  The
    tree depends on nothing else: the values behind the names enter only in
    :func:`~grader.symbolic.to_sympy`.  Errors are raised, never cached.

    Raises:
        DeriveError: unreadable text, or a power with a literal exponent too large.
    """
    try:
        tree = parse(text, variables=names, drop_label=False)
    except ReadError as err:
        raise DeriveError(f"cannot read {text!r}: {err.message}") from None
    huge = _huge_power(tree)
    if huge is not None:
        raise DeriveError(f"{text!r} has a power with exponent {huge}; at most "
                          f"{MAX_NUMBER_DIGITS}")
    return tree, frozenset(_tree_names(tree, set()))


def _value(arg: Any, scope: Scope, text_ok: bool = False) -> Any:
    """An operation argument: a nested operation, a list, a name or an expression.

    Text (labels) is refused unless ``text_ok``: every other operation hands its
    arguments to SymPy.
    """
    if isinstance(arg, dict):
        value = compute(arg, scope)
    elif isinstance(arg, list):
        if len(arg) > MAX_MATRIX_SIDE * MAX_MATRIX_SIDE:
            raise DeriveError(f"a list of {len(arg)} items; at most "
                              f"{MAX_MATRIX_SIDE * MAX_MATRIX_SIDE}")
        value = [_value(a, scope, text_ok) for a in arg]
    else:
        value = read_expression(arg, scope, text_ok=text_ok)
    if not text_ok and _has_text(value):
        raise DeriveError("a text value (a label) cannot be used in an operation other "
                          "than pick, list or solver")
    return value


def _symbol(arg: Any, scope: Scope) -> sympy.Symbol:
    if not isinstance(arg, str) or arg not in scope.symbols:
        raise DeriveError(f"{arg!r} is not a variable of this family "
                          f"(variables: {', '.join(scope.symbols) or 'none'})")
    return scope.symbols[arg]


def _symbols(arg: Any, scope: Scope) -> list[sympy.Symbol]:
    if not isinstance(arg, list):
        raise DeriveError(f"expected a list of variables such as [x, y], not {arg!r}")
    if len(arg) > MAX_MATRIX_SIDE:
        raise DeriveError(f"{len(arg)} variables; at most {MAX_MATRIX_SIDE}")
    return [_symbol(a, scope) for a in arg]


def _args(args: Any, count: tuple[int, ...], name: str) -> list:
    args = args if isinstance(args, list) else [args]
    if len(args) not in count:
        want = " or ".join(str(c) for c in count)
        raise DeriveError(f"{name} takes {want} argument(s), not {len(args)}")
    return args


def _column(items) -> sympy.Matrix:
    if isinstance(items, sympy.MatrixBase):
        return items
    return sympy.Matrix(list(items))


def _op_diff(args, scope):
    args = _args(args, (2, 3), "diff")
    expr, var = _value(args[0], scope), _symbol(args[1], scope)
    order = args[2] if len(args) == 3 else 1
    if type(order) is not int or not 0 <= order <= MAX_DIFF_ORDER:
        raise DeriveError(f"diff: the order must be a whole number from 0 to "
                          f"{MAX_DIFF_ORDER}, not {order!r}")
    if isinstance(expr, sympy.MatrixBase):
        return expr.applyfunc(lambda e: memo.diff(e, var, order))
    return memo.diff(expr, var, order)


def _op_gradient(args, scope):
    expr, wrt = _args(args, (2,), "gradient")
    f = _value(expr, scope)
    return sympy.Matrix([memo.diff(f, v) for v in _symbols(wrt, scope)])


def _op_jacobian(args, scope):
    exprs, wrt = _args(args, (2,), "jacobian")
    return _column(_value(exprs, scope)).jacobian(_symbols(wrt, scope))


def _op_hessian(args, scope):
    expr, wrt = _args(args, (2,), "hessian")
    return sympy.hessian(_value(expr, scope), _symbols(wrt, scope))


def _op_solve(args, scope):
    """Real solutions, sorted: the answer to "where is f'(x) = 0"."""
    expr, var = _args(args, (2,), "solve")
    symbol = _symbol(var, scope)
    solutions = sympy.solveset(_value(expr, scope), symbol, domain=sympy.S.Reals)
    if not isinstance(solutions, sympy.FiniteSet):
        raise DeriveError(f"solve: the solutions are not a finite set ({solutions})")
    return sorted(solutions, key=lambda s: float(s))


def _op_subs(args, scope):
    expr, mapping = _args(args, (2,), "subs")
    if not isinstance(mapping, dict):
        raise DeriveError("subs takes [expression, {variable: value, ...}]")
    value = _value(expr, scope)
    substitutions = {_symbol(k, scope): _value(v, scope) for k, v in mapping.items()}
    return value.subs(substitutions)


def _op_classify(args, scope):
    """local minimum / local maximum / saddle point, from a Hessian's eigenvalues."""
    matrix = sympy.Matrix(_value(_args(args, (1,), "classify")[0], scope))
    check_square(matrix, "classify")
    eigenvalues = [sympy.nsimplify(e) for e in matrix.eigenvals(multiple=True)]
    if any(not e.is_real for e in eigenvalues):
        raise DeriveError("classify: the matrix must be symmetric and numeric")
    return classify_by_signs(eigenvalues)



def _op_solver(args, scope):
    if not isinstance(args, dict) or "name" not in args:
        raise DeriveError("solver takes {name: NAME, args: {...}}")
    name = args["name"]
    if name not in SOLVERS:
        raise DeriveError(f"unknown solver {name!r}; there are {', '.join(sorted(SOLVERS))}")
    raw = args.get("args") or {}
    if not isinstance(raw, dict):
        raise DeriveError("a solver's args are a mapping of name: value")
    values = {key: (_symbols(v, scope) if key == "wrt" else _value(v, scope, text_ok=True))
              for key, v in raw.items()}
    try:
        return SOLVERS[name](**values)
    except TypeError as exc:
        raise DeriveError(f"solver {name}: {exc}") from None


def _square(value: Any, operation: str) -> sympy.Matrix:
    matrix = sympy.Matrix(value)
    check_square(matrix, operation)
    return matrix


def _unary(function: Callable, name: str) -> Callable:
    def op(args, scope):
        return function(_value(_args(args, (1,), name)[0], scope))
    return op


def _pick(args, scope):
    """Item ``index`` (0-based; a number or an expression of the parameters)."""
    items, index = _args(args, (2,), "pick")
    values = list(_value(items, scope, text_ok=True))
    position = _value(index, scope)
    if not (position.is_Integer and 0 <= int(position) < len(values)):
        raise DeriveError(f"pick: index {position} is not between 0 and {len(values) - 1}")
    return values[int(position)]


def _op_label(args, scope):
    text = _args(args, (1,), "label")[0]
    if not isinstance(text, str):
        raise DeriveError("label takes a text")
    if len(text) > MAX_LABEL:
        raise DeriveError(f"a label of {len(text)} characters; at most {MAX_LABEL}")
    return Text(text)


def _op_decimal(args, scope):
    """A value rounded to some decimals, as an exact rational (0.1234 -> 617/5000)."""
    expr, digits = _args(args, (2,), "decimal")
    if type(digits) is not int or not 0 <= digits <= MAX_DIGITS:
        raise DeriveError(f"decimal: the digits must be a whole number from 0 to "
                          f"{MAX_DIGITS}, not {digits!r}")
    value = sympy.N(_value(expr, scope), 30)
    return sympy.Rational(str(round(Fraction(str(value)), int(digits))))


OPERATIONS: dict[str, Callable[[Any, Scope], Any]] = {
    "diff": _op_diff,
    "gradient": _op_gradient,
    "jacobian": _op_jacobian,
    "hessian": _op_hessian,
    "solve": _op_solve,
    "subs": _op_subs,
    "simplify": _unary(sympy.simplify, "simplify"),
    "expand": _unary(sympy.expand, "expand"),
    "factor": _unary(sympy.factor, "factor"),
    "cancel": _unary(sympy.cancel, "cancel"),
    "together": _unary(sympy.together, "together"),
    "matrix": lambda args, scope: sympy.Matrix(check_size(_value(args, scope))),
    "vector": lambda args, scope: sympy.Matrix(check_size(_value(args, scope))),
    "list": lambda args, scope: list(_value(args, scope, text_ok=True)),
    "transpose": _unary(lambda m: sympy.Matrix(m).T, "transpose"),
    "det": _unary(lambda m: _square(m, "det").det(), "det"),
    "inverse": _unary(lambda m: _square(m, "inverse").inv(), "inverse"),
    "norm": _unary(lambda v: sympy.sqrt(sum(e**2 for e in _column(v))), "norm"),
    "dot": lambda args, scope: (lambda u, v: sum(a * b for a, b in zip(_column(u), _column(v))))(
        *[_value(a, scope) for a in _args(args, (2,), "dot")]),
    "eigenvalues": _unary(lambda m: sorted(_square(m, "eigenvalues").eigenvals(multiple=True),
                                           key=lambda e: float(sympy.re(e))), "eigenvalues"),
    "classify": _op_classify,
    "limit": lambda args, scope: (lambda e, v, p: sympy.limit(e, v, p))(
        _value(_args(args, (3,), "limit")[0], scope), _symbol(args[1], scope),
        _value(args[2], scope)),
    "pick": _pick,
    "label": _op_label,
    "decimal": _op_decimal,
    "solver": _op_solver,
    "matrix_expression": matrix_expression_op,
}


def compute(spec: Any, scope: Scope) -> Any:
    """The value of one ``values`` entry (or a nested operation)."""
    if isinstance(spec, dict):
        if len(spec) != 1:
            raise DeriveError(f"an operation is a mapping with one key, such as {{diff: [f, x]}}; "
                              f"got keys {', '.join(map(str, spec))}")
        (name, args), = spec.items()
        if name not in OPERATIONS:
            raise DeriveError(f"unknown operation {name!r}; the operations are "
                              f"{', '.join(sorted(OPERATIONS))}")
        value = _as_text_values(OPERATIONS[name](args, scope))
        return check_size(value, f"the result of {name}")
    if isinstance(spec, list):
        return _value(spec, scope, text_ok=True)
    return read_expression(spec, scope, text_ok=True)


_RELATIONS = (("==", sympy.Eq), ("!=", sympy.Ne), ("<=", sympy.Le), (">=", sympy.Ge),
              ("<", sympy.Lt), (">", sympy.Gt))


def constraint_holds(text: str, scope: Scope) -> bool:
    """Whether ``a != b``-style constraint ``text`` holds in ``scope``."""
    for symbol, relation in _RELATIONS:
        if symbol in text:
            left, right = text.split(symbol, 1)
            if any(s in right for s, _ in _RELATIONS):
                raise DeriveError(f"constraint {text!r}: one comparison per constraint")
            result = relation(read_expression(left.strip(), scope),
                              read_expression(right.strip(), scope))
            if result not in (sympy.true, sympy.false):
                raise DeriveError(f"constraint {text!r} does not reduce to true or false "
                                  "(it must not depend on the variables)")
            return bool(result)
    raise DeriveError(f"constraint {text!r} needs a comparison: == != < <= > >=")
