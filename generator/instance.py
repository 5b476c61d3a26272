"""Problem instances: a family plus a seed gives one problem, its answer, key and code.

Everything about an instance is determined by (bank, family, bank version, seed): the
parameters are drawn from ``random.Random`` seeded with those four, so a printed code is
enough to regenerate the problem anywhere.  Seed 0 is the family's pinned ``example``:
the exercise exactly as the source documents state it.
"""

from __future__ import annotations

import itertools
import math
import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

import sympy

from generator.banks.limits import deadline
from generator.banks.load import Bank, Display, Family, check_unique_ids
from generator.banks.templates import TemplateRuleError, compile_template, render_template
from generator.codes import MAX_SEED, CodeError, bank_tag, decode_code, encode_code, verify_code
from generator.banks.operations import DeriveError, Scope, compute, constraint_holds, make_symbols, \
    read_expression
from generator.errors import BankError
# The same printers as generator.documents.mathtext, which also print matrix expressions.
from generator.banks.matrices import KIND as MATRIX_KIND, shapes_text
from generator.banks.matrices import value_latex as latex, value_text as answer_text
from generator.documents.mathtext import answer_latex
from grader import Mistake, check

__all__ = ["Instance", "distinct_count", "example_instance", "instance_from_code",
           "make_instance", "seed_for"]

#: Draws tried before a family's constraints are declared impossible to meet.
MAX_ATTEMPTS = 200
#: Largest parameter space enumerated exactly when counting distinct instances.
MAX_ENUMERATED = 20_000


@dataclass(frozen=True)
class Instance:
    """One generated problem: what to print, what to accept, and how to explain it.

    ``answer`` and each mistake's answer are in the grader's input syntax; ``prompt`` and
    ``solution`` steps are text with inline LaTeX between ``$`` signs.
    """

    code: str
    bank: str
    bank_title: str
    version: int
    family: str
    family_title: str
    seed: int
    covers: tuple[str, ...]
    difficulty: int
    prompt: str
    kind: str
    answer: str
    answer_latex: str
    variables: tuple[str, ...]
    assume: dict[str, str]
    tolerance: float | None
    solution: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    params: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: Mistakes left out because they give the right answer for these parameters.
    same_as_answer: tuple[str, ...] = field(default=(), compare=False, repr=False)
    #: For matrix-expression answers: the declared shapes, ``{"X": "n×d", "w": "d"}``.
    shapes: dict[str, str] = field(default_factory=dict)

    def grade(self, answer: str):
        """Grade a student's answer to this instance (see :func:`grader.check`)."""
        return check(self.answer, answer, kind=self.kind, variables=self.variables,
                     assume=self.assume, tolerance=self.tolerance, mistakes=self.mistakes,
                     shapes=self.shapes or None)


def seed_for(*parts: object) -> int:
    """A seed in 1..MAX_SEED derived from ``parts`` (class seed, student, problem number)."""
    return random.Random(":".join(map(str, parts))).randint(1, MAX_SEED)


# -- parameters ---------------------------------------------------------------------------

def _domain(name: str, spec: dict, family: Family) -> list:
    scope = Scope(make_symbols(family.variables, family.assume), {})
    if "range" in spec:
        numbers = [*spec["range"], spec.get("step", 1)]
        if not all((isinstance(v, int) or math.isfinite(v)) and abs(v) < 1e15 for v in numbers):
            raise DeriveError(f"parameter {name}: the range and step must be finite "
                              "numbers below 10^15")
        # str() first: 0.1 is meant, not the binary fraction nearest to it.
        low, high, step = (sympy.Rational(str(v)) for v in numbers)
        if high < low:
            raise DeriveError(f"parameter {name}: the range is empty ({low} > {high})")
        count = int((high - low) / step) + 1
        if count > 10_000:
            raise DeriveError(f"parameter {name}: {count} values; at most 10000")
        values = [low + k * step for k in range(count)]
    else:
        if len(spec["choice"]) > 10_000:
            raise DeriveError(f"parameter {name}: {len(spec['choice'])} choices; at most 10000")
        values = [read_expression(v, scope) for v in spec["choice"]]
    excluded = [read_expression(v, scope) for v in spec.get("not", [])]
    def same(a, b) -> bool:
        # Numbers compare exactly; only expressions need SymPy to decide.
        return a == b if a.is_Number and b.is_Number else sympy.simplify(a - b) == 0

    values = [v for v in values if not any(same(v, e) for e in excluded)]
    if not values:
        raise DeriveError(f"parameter {name}: every value is excluded")
    return values


_DOMAINS: dict[tuple, dict[str, list]] = {}


def _domains(family: Family) -> dict[str, list]:
    # Keyed by content, not id(): a bank read again (validate, another file) must never
    # see the parameter values of a family that happened to live at the same address.
    key = (family.id, repr(family.params), family.variables, repr(sorted(family.assume.items())))
    if key not in _DOMAINS:
        domains = {}
        for name, spec in family.params.items():
            _WHERE_STATE.now = [f"params.{name}", f"parameter {name}: "]
            try:
                domains[name] = _domain(name, spec, family)
            except DeriveError as err:
                reason = str(err)
                if not reason.startswith(f"parameter {name}:"):
                    reason = f"parameter {name}: {reason}"
                raise _bank_error(family, f"params.{name}", reason) from None
        _DOMAINS[key] = domains
    return _DOMAINS[key]


def _names(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _split_constraints(family: Family) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """Constraints on parameters alone are tested before any value is computed."""
    on_params, on_values = [], []
    for k, text in enumerate(family.require):
        (on_values if _names(text) & set(family.values) else on_params).append((k, text))
    return on_params, on_values


# -- generation ---------------------------------------------------------------------------

def _bank_error(family: Family, key: str, reason: str) -> BankError:
    line = family.lines.get(key, family.line)
    return BankError(f"family {family.id}: {reason}", family.path, line)


def _example_params(family: Family) -> dict[str, Any]:
    scope = Scope(make_symbols(family.variables, family.assume), {})
    unknown = set(family.example or {}) - set(family.params)
    if unknown:
        raise _bank_error(family, "example", f"example sets {', '.join(sorted(unknown))}, "
                          "which are not parameters")
    missing = set(family.params) - set(family.example or {})
    if missing:
        raise _bank_error(family, "example", f"example must set {', '.join(sorted(missing))}")
    try:
        return {k: read_expression(v, scope) for k, v in family.example.items()}
    except DeriveError as err:
        raise _bank_error(family, "example", str(err)) from None


def _draw(family: Family, rng: random.Random) -> dict[str, Any]:
    return {name: rng.choice(values) for name, values in _domains(family).items()}


class _Where(threading.local):
    """What an instance is computing (key for the line, message prefix), for the deadline.

    Per thread: the web app may generate in several threads at once.
    """

    now: list[str] = ["values", ""]


_WHERE_STATE = _Where()


def _expression(family: Family, text: Any) -> Any:
    """An answer or mistake written in place: a matrix expression for that kind."""
    return {"matrix_expression": text} if family.answer_kind == MATRIX_KIND else text


def _compute_values(family: Family, params: dict[str, Any]) -> Scope:
    scope = Scope(make_symbols(family.variables, family.assume), dict(params),
                  shapes=dict(family.shapes))
    for name, spec in family.values.items():
        _WHERE_STATE.now = [f"values.{name}", f"value {name}: "]
        try:
            scope.values[name] = compute(spec, scope)
        except DeriveError as err:
            raise _bank_error(family, f"values.{name}", f"value {name}: {err}") from None
        except RecursionError:
            raise _bank_error(family, f"values.{name}",
                              f"value {name} is nested too deeply") from None
        except Exception as err:  # SymPy's own errors (AttributeError...) on a bad value
            raise _bank_error(family, f"values.{name}",
                              f"value {name} cannot be computed: {err}") from None
    return scope


def _holds(family: Family, constraints, scope: Scope) -> bool:
    for k, text in constraints:
        _WHERE_STATE.now = [f"require.{k}", f"constraint {text!r}: "]
        try:
            if not constraint_holds(text, scope):
                return False
        except DeriveError as err:
            raise _bank_error(family, f"require.{k}", str(err)) from None
        except Exception as err:  # e.g. comparing a matrix with a number
            raise _bank_error(family, f"require.{k}",
                              f"constraint {text!r} cannot be tested: {err}") from None
    return True


def _answer_value(family: Family, scope: Scope) -> Any:
    if family.answer_value in scope.values:
        return scope.values[family.answer_value]
    try:
        return compute(_expression(family, family.answer_value), scope)
    except DeriveError as err:
        raise _bank_error(family, "answer", f"answer: {err}") from None
    except Exception as err:
        raise _bank_error(family, "answer", f"answer cannot be computed: {err}") from None


def _degenerate(value: Any) -> bool:
    """An answer that is undefined (division by zero, infinity) is not a problem to set."""
    if isinstance(value, str):
        return False
    items = list(value) if isinstance(value, (list, tuple, sympy.MatrixBase)) else [value]
    for item in items:
        if isinstance(item, (list, tuple, sympy.MatrixBase)):
            if _degenerate(item):
                return True
        elif isinstance(item, sympy.Basic) and item.has(sympy.zoo, sympy.nan, sympy.oo,
                                                        -sympy.oo):
            return True
    return False


def make_instance(bank: Bank, family: Family, seed: int, *,
                  version: int | None = None) -> Instance:
    """The instance of ``family`` for ``seed`` (0 is the pinned example).

    Runs under the per-instance deadline (:data:`generator.banks.limits.DEADLINE_SECONDS`).

    Parameters:
        version: the bank version whose random stream draws the parameters (and that the
            code records); by default the bank's current one.  Remaking a problem printed
            from an earlier version passes that version, so the same parameters come back
            when the family still draws them the same way.

    Raises:
        BankError: when the family cannot produce a problem (bad expression, a
            constraint no draw meets, an undefined answer, a limit exceeded), with its
            file and line.
    """
    _WHERE_STATE.now = ["values", ""]
    try:
        with deadline(what=f"an instance of family {family.id}"):
            return _make_instance(bank, family, seed,
                                  bank.version if version is None else version)
    except BankError:
        raise
    except DeriveError as err:  # the deadline: report what was being computed
        key, prefix = _WHERE_STATE.now
        raise _bank_error(family, key, f"{prefix}{err}") from None
    except RecursionError:
        raise _bank_error(family, "values", "an expression is nested too deeply") from None
    except Exception as err:  # SymPy failing on a value the checks let through
        raise _bank_error(family, "values", f"cannot generate: {err}") from None


def _make_instance(bank: Bank, family: Family, seed: int, version: int) -> Instance:
    use_example = seed == 0 and family.example is not None
    rng = random.Random(f"{bank.id}:{family.id}:{version}:{seed}")
    on_params, on_values = _split_constraints(family)
    for _ in range(1 if use_example else MAX_ATTEMPTS):
        params = _example_params(family) if use_example else _draw(family, rng)
        scope = Scope(make_symbols(family.variables, family.assume), dict(params))
        if not _holds(family, on_params, scope):
            continue
        scope = _compute_values(family, params)
        if not _holds(family, on_values, scope):
            continue
        value = _answer_value(family, scope)
        if _degenerate(value):
            continue
        return _build(bank, family, seed, params, scope, value, version)
    if use_example:
        raise _bank_error(family, "example", "the example does not meet the family's "
                          "constraints, or its answer is undefined")
    raise _bank_error(family, "require", f"no parameters meeting the constraints were found "
                      f"in {MAX_ATTEMPTS} draws; widen the ranges or relax the constraints")


def example_instance(bank: Bank, family: Family) -> Instance:
    """The family's pinned example: the seed document's own exercise."""
    if family.example is None:
        raise _bank_error(family, "example", "this family has no pinned example")
    return make_instance(bank, family, 0)


def _as_text(value: Any) -> str:
    if isinstance(value, sympy.MatrixBase):
        return answer_text(value, "vector" if 1 in value.shape else "matrix")
    if isinstance(value, (list, tuple)):
        return answer_text(value, "set")
    return answer_text(value, "label" if isinstance(value, str) else "expression")


def _as_decimal(value: Any, digits: int) -> str:
    if isinstance(value, str) or not isinstance(value, sympy.Basic) or not value.is_number:
        raise ValueError("|decimal needs a number")
    return format(float(sympy.N(value, 30)), f".{int(digits)}g")


class _Shower:
    """What templates print: strings made from the values, never the values themselves."""

    def __init__(self, values: dict[str, Any], display: Display = Display()) -> None:
        self.values = values
        self.display = display
        self.cache: dict[tuple[str, str, int], str] = {}

    def __call__(self, name: str, how: str, digits: int) -> str:
        # Digits matter to |decimal only: {{ f }} and {{ f|latex }} are one LaTeX.
        key = (name, how, digits if how == "decimal" else 0)
        if key not in self.cache:
            value = self.values[name]
            try:
                if how == "text":
                    self.cache[key] = str(_as_text(value))
                elif how == "decimal":
                    self.cache[key] = _as_decimal(value, digits)
                else:
                    self.cache[key] = str(latex(value, **self.display.options(name)))
            except (ValueError, TypeError, ArithmeticError) as err:
                raise TemplateRuleError(f"template: cannot show {name} with |{how}: "
                                        f"{err}") from None
        return self.cache[key]


def _render(family: Family, key: str, source: str, show: _Shower) -> str:
    _WHERE_STATE.now = [key, "template: "]
    try:
        compiled = compile_template(source)
        unknown = sorted(compiled.names - set(show.values))
        if unknown:
            raise TemplateRuleError(f"template uses {unknown[0]!r}, which is not a value; "
                                    f"values are: {', '.join(show.values)}")
        return render_template(compiled, show).strip()
    except TemplateRuleError as err:
        raise _bank_error(family, key, err.reason) from None


def _answer_latex(family: Family, value: Any, shown: _Shower) -> str:
    """The key as documents print it: as its kind is written (a set in braces, a point
    in parentheses), in the forms the family's ``display:`` asks for."""
    name = family.answer_value if family.answer_value in family.values else None
    if family.answer_kind in ("set", "point"):
        return answer_latex(value, family.answer_kind, **family.display.options(name))
    # A named answer is often shown by the solution already: the same LaTeX, printed once.
    printed = shown.cache.get((name, "latex", 0))
    if name is not None and printed is not None:
        return printed
    return latex(value, **family.display.options(name))


def _build(bank: Bank, family: Family, seed: int, params: dict[str, Any], scope: Scope,
           value: Any, version: int) -> Instance:
    context = _Shower(dict(scope.values), family.display)
    prompt = _render(family, "prompt", family.prompt, context)
    solution = tuple(_render(family, f"solution.{k}", step, context)
                     for k, step in enumerate(family.solution))
    variables = family.answer_variables if family.answer_variables is not None \
        else family.variables
    try:
        answer = str(answer_text(value, family.answer_kind))
    except ValueError as err:
        raise _bank_error(family, "answer", f"answer: {err}") from None
    mistakes, same_as_answer = [], []
    for k, spec in enumerate(family.mistakes):
        try:
            wrong = scope.values[spec.answer] if spec.answer in scope.values \
                else compute(_expression(family, spec.answer), scope)
            wrong_text = str(answer_text(wrong, family.answer_kind))
        except Exception as err:  # DeriveError, or SymPy failing on a bad expression
            raise _bank_error(family, f"mistakes.{k}", f"mistake {spec.name}: {err}") from None
        feedback = _render(family, f"mistakes.{k}", spec.feedback, context)
        # A mistake that gives the right answer for these parameters (a transposed
        # symmetric matrix) cannot be told apart from it, so it is not listed...
        # ...nor is one that gives the same answer as a mistake already listed.
        # Only the verdict is needed, not the feedback a student would read: explain=False.
        def same(other: str) -> bool:
            return check(other, wrong_text, kind=family.answer_kind, variables=variables,
                         assume=family.assume, tolerance=family.tolerance,
                         shapes=family.shapes or None, explain=False).status == "correct"

        if same(answer):
            same_as_answer.append(spec.name)
        elif not any(same(m.answer) for m in mistakes):
            mistakes.append(Mistake(wrong_text, feedback, spec.name))
    code = encode_code(bank_id=bank.id, family_id=family.id, family_index=family.index,
                       version=version, seed=seed)
    return Instance(
        code=code, bank=bank.id, bank_title=bank.title, version=version,
        family=family.id, family_title=family.title, seed=seed, covers=family.covers,
        difficulty=family.difficulty, prompt=prompt, kind=family.answer_kind, answer=answer,
        answer_latex=_answer_latex(family, value, context), variables=tuple(variables),
        assume=dict(family.assume),
        tolerance=family.tolerance, solution=solution, mistakes=tuple(mistakes),
        params={k: answer_text(v, "expression") for k, v in params.items()},
        values=dict(scope.values), same_as_answer=tuple(same_as_answer),
        shapes=shapes_text(family.shapes))


def _fast_constraint(text: str, names: list[str]):
    """A checker for a constraint on rational parameters, in exact Fractions.

    Counting instances tests a constraint on every parameter combination; SymPy would
    take minutes for that.  Returns None when the constraint needs more than + - * / ^
    of numbers (the caller then uses SymPy).
    """
    from fractions import Fraction

    from grader.parse import parse
    from grader.tree import BinOp, Neg, Num, Var

    for symbol, test in (("==", lambda a, b: a == b), ("!=", lambda a, b: a != b),
                         ("<=", lambda a, b: a <= b), (">=", lambda a, b: a >= b),
                         ("<", lambda a, b: a < b), (">", lambda a, b: a > b)):
        if symbol in text:
            left, right = text.split(symbol, 1)
            break
    else:
        return None
    try:
        trees = [parse(side.strip(), variables=names, drop_label=False) for side in (left, right)]
    except ValueError:
        return None

    def value(node, env):
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Var):
            return env[node.name]
        if isinstance(node, Neg):
            return -value(node.arg, env)
        if isinstance(node, BinOp):
            a, b = value(node.left, env), value(node.right, env)
            if node.op == "^":
                if b.denominator != 1 or abs(b) > 64:
                    raise TypeError
                return a ** int(b)
            return {"+": a + b, "-": a - b, "*": a * b}.get(node.op) if node.op != "/" else a / b
        raise TypeError

    def check(env) -> bool:
        return test(value(trees[0], env), value(trees[1], env))

    try:
        check({n: Fraction(1, 3) for n in names})
    except (TypeError, ZeroDivisionError, KeyError):
        return None
    return check


def distinct_count(family: Family) -> tuple[int, str]:
    """How many different parameter sets the family can draw, and how that is known.

    Returns (count, how): ``"exact"``; ``"estimate"`` when the space is too large to
    enumerate and the parameter constraints were tested on a sample; ``"at most"`` when
    constraints on computed values also apply (they are not tested here).
    """
    try:
        with deadline(what=f"the instances of family {family.id}"):
            return _distinct_count(family)
    except DeriveError as err:
        raise _bank_error(family, "params", str(err)) from None


def _distinct_count(family: Family) -> tuple[int, str]:
    from fractions import Fraction

    domains = _domains(family)
    on_params, on_values = _split_constraints(family)
    bound = "at most" if on_values else "exact"
    total = 1
    for values in domains.values():
        total *= len(values)
    if not on_params:
        return total, bound
    names = list(domains)
    numeric = all(v.is_Rational for values in domains.values() for v in values)
    checkers = [_fast_constraint(text, names) for _, text in on_params] if numeric else [None]
    symbols = make_symbols(family.variables, family.assume)

    def holds(combination) -> bool:
        if None not in checkers:
            env = {n: Fraction(int(v.p), int(v.q)) for n, v in zip(names, combination)}
            try:
                return all(check(env) for check in checkers)
            except ZeroDivisionError:
                return False
        return _holds(family, on_params, Scope(symbols, dict(zip(names, combination))))

    if total <= (MAX_ENUMERATED if None not in checkers else 2_000):
        return sum(holds(c) for c in itertools.product(*domains.values())), bound
    rng = random.Random(f"count:{family.id}")
    sample = 2_000
    hits = sum(holds([rng.choice(values) for values in domains.values()]) for _ in range(sample))
    return round(total * hits / sample), "at most" if on_values else "estimate"


def instance_from_code(code: str, banks: list[Bank]) -> Instance:
    """Regenerate the instance a printed code stands for, from ``banks`` alone.

    Raises:
        CodeError: for a mistyped code (wrong length, bad character, checksum) or one
            that belongs to no bank given, with a message saying which.
        BankError: when two of ``banks`` (different files) have one id.
    """
    banks = check_unique_ids(banks)
    parts = decode_code(code)
    candidates = [b for b in banks if bank_tag(b.id) == parts.bank_tag]
    if not candidates:
        raise CodeError(f"{code} belongs to no known bank; check the code, or name the "
                        "bank file with --bank")
    for bank in candidates:
        if parts.family_index < len(bank.families):
            family = bank.families[parts.family_index]
            if verify_code(parts, bank.id, family.id):
                if parts.version != bank.version:
                    raise CodeError(f"{code} was printed from version {parts.version} of bank "
                                    f"{bank.id!r}, which is now at version {bank.version}")
                return make_instance(bank, family, parts.seed)
    raise CodeError(f"{code} is not a valid code (its check characters do not match); "
                    "check it for a typo")
