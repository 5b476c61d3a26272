"""Bank templates: a small, closed language for showing values in prompts and solutions.

A bank's ``prompt``, ``solution`` steps and mistake ``feedback`` are written with Jinja's
syntax, but they are never run by Jinja.  Each is parsed once (``Environment.parse``)
and its syntax tree checked against a whitelist; what passes is turned into the few
node types below and interpreted here.  A template can only

* show a value: ``{{ f }}`` (LaTeX), ``{{ f|latex }}``, ``{{ f|text }}`` (as typed),
  ``{{ f|decimal(3) }}`` (rounded to 3 significant digits);
* choose text: ``{% if f|text == "0" %}...{% elif n|text > 2 %}...{% else %}...{% endif %}``,
  with ``==  !=  <  >  <=  >=`` against a quoted text or a number, and ``and``, ``or``,
  ``not``.

Everything else (attribute and item access, calls, loops, macros, ``set``, includes,
arithmetic, other filters and tests) is refused when the bank is read, so a bank file
cannot reach Python objects, run code, or loop: rendering takes time proportional to
the template's length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any, Callable, Mapping

import jinja2
from jinja2 import nodes

__all__ = ["ALLOWED", "MAX_OUTPUT", "Compiled", "TemplateRuleError", "compile_template",
           "render_template", "value_names_message"]

#: What a template may do, for messages.
ALLOWED = ('a template may show a value ({{ f }}, {{ f|text }}, {{ f|latex }}, '
           '{{ f|decimal(3) }}) and test one ({% if f|text == "0" %}...{% else %}...'
           '{% endif %})')
#: Longest text one template may produce.
MAX_OUTPUT = 200_000
_FILTERS = ("text", "latex", "decimal")
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b, "lteq": lambda a, b: a <= b, "gteq": lambda a, b: a >= b,
}
_SYMBOLS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "lteq": "<=", "gteq": ">="}


class TemplateRuleError(ValueError):
    """A template that is not valid or uses something not allowed.

    Attributes:
        reason: the message, starting with ``template``.
        lineno: 1-based line inside the template.
    """

    def __init__(self, reason: str, lineno: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.lineno = lineno


# -- the checked tree ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Show:
    name: str
    filter: str  # "latex", "text" or "decimal"
    digits: int = 4


@dataclass(frozen=True)
class _Compare:
    left: _Show
    op: str
    right: str | float


@dataclass(frozen=True)
class _Logic:
    op: str  # "and", "or", "not"
    args: tuple


@dataclass(frozen=True)
class _If:
    branches: tuple  # ((condition, body), ...)
    otherwise: tuple


@dataclass(frozen=True)
class Compiled:
    """A checked template: its body and the value names it uses."""

    body: tuple
    names: frozenset[str]


_DESCRIPTIONS: dict[type, str] = {
    nodes.Getattr: "attribute access (f.name)", nodes.Getitem: "item access (f[0])",
    nodes.Call: "calling a function or method", nodes.For: "a loop ({% for %})",
    nodes.Macro: "a macro", nodes.CallBlock: "a call block",
    nodes.Assign: "setting a variable ({% set %})",
    nodes.AssignBlock: "setting a variable ({% set %})",
    nodes.Include: "including another template", nodes.Import: "importing a template",
    nodes.FromImport: "importing a template", nodes.Extends: "extending a template",
    nodes.Block: "a block", nodes.With: "{% with %}", nodes.FilterBlock: "a filter block",
    nodes.Concat: "joining text with ~", nodes.CondExpr: "an inline if (a if b else c)",
    nodes.Test: "a test (is ...)", nodes.List: "a list", nodes.Tuple: "a tuple",
    nodes.Dict: "a dict", nodes.Slice: "a slice",
}


def _describe(node: nodes.Node) -> str:
    for kind, text in _DESCRIPTIONS.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, (nodes.BinExpr, nodes.UnaryExpr)):
        return "arithmetic"
    return f"this construct ({type(node).__name__})"


def _refuse(node: nodes.Node, what: str | None = None) -> TemplateRuleError:
    return TemplateRuleError(f"template: {what or _describe(node)} is not allowed; {ALLOWED}",
                             getattr(node, "lineno", 1) or 1)


_PARSER = jinja2.Environment(autoescape=False)


def compile_template(source: str) -> Compiled:
    """Check a template against the whitelist and return its interpretable form.

    Raises:
        TemplateRuleError: for a syntax error or anything outside the whitelist.
    """
    # Templates are compiled once per bank read and once per instance: cache the usual
    # short ones, not the odd huge one.
    return _compile_cached(source) if len(source) < 20_000 else _compile(source)


@lru_cache(maxsize=1024)
def _compile_cached(source: str) -> Compiled:
    return _compile(source)


def _compile(source: str) -> Compiled:
    try:
        tree = _PARSER.parse(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateRuleError(f"template: {err.message}", err.lineno or 1) from None
    except (RecursionError, MemoryError):
        raise TemplateRuleError("template: nested too deeply") from None
    except ValueError as err:  # e.g. a number literal with too many digits
        raise TemplateRuleError(f"template: {err}") from None
    names: set[str] = set()
    try:
        body = _statements(tree.body, names)
    except RecursionError:
        raise TemplateRuleError("template: nested too deeply") from None
    return Compiled(body, frozenset(names))


def _statements(body: list, names: set[str]) -> tuple:
    out = []
    for node in body:
        if isinstance(node, nodes.Output):
            for item in node.nodes:
                if isinstance(item, nodes.TemplateData):
                    out.append(_Text(item.data))
                elif isinstance(item, nodes.Const) and isinstance(item.value, str):
                    out.append(_Text(item.value))
                else:
                    out.append(_show(item, names))
        elif isinstance(node, nodes.If):
            branches = [(_condition(node.test, names), _statements(node.body, names))]
            for other in node.elif_:
                branches.append((_condition(other.test, names), _statements(other.body, names)))
            out.append(_If(tuple(branches), _statements(node.else_, names)))
        else:
            raise _refuse(node)
    return tuple(out)


def _show(node: nodes.Node, names: set[str]) -> _Show:
    if isinstance(node, nodes.Name):
        names.add(node.name)
        return _Show(node.name, "latex")
    if isinstance(node, nodes.Filter):
        if node.name not in _FILTERS:
            raise _refuse(node, f"the filter |{node.name}")
        if node.node is None or not isinstance(node.node, nodes.Name):
            what = "a filter of something other than a value name" if node.node is None or \
                not isinstance(node.node, nodes.Filter) else "a filter of a filter"
            raise _refuse(node, what)
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise _refuse(node, "a filter with named or unpacked arguments")
        names.add(node.node.name)
        if node.name != "decimal":
            if node.args:
                raise _refuse(node, f"an argument to |{node.name}")
            return _Show(node.node.name, node.name)
        digits = 4
        if len(node.args) > 1:
            raise _refuse(node, "more than one argument to |decimal")
        if node.args:
            arg = node.args[0]
            if not (isinstance(arg, nodes.Const) and type(arg.value) is int):
                raise _refuse(arg, "an argument to |decimal other than a whole number")
            digits = arg.value
            if not 1 <= digits <= 15:
                raise TemplateRuleError(f"template: |decimal({digits}) asks for {digits} "
                                        "digits; from 1 to 15 are allowed", node.lineno or 1)
        return _Show(node.node.name, "decimal", digits)
    raise _refuse(node)


def _condition(node: nodes.Node, names: set[str]):
    if isinstance(node, (nodes.And, nodes.Or)):
        op = "and" if isinstance(node, nodes.And) else "or"
        return _Logic(op, (_condition(node.left, names), _condition(node.right, names)))
    if isinstance(node, nodes.Not):
        return _Logic("not", (_condition(node.node, names),))
    if isinstance(node, nodes.Compare):
        if len(node.ops) != 1:
            raise _refuse(node, "a chained comparison (a < b < c)")
        operand = node.ops[0]
        if operand.op not in _OPERATORS:
            raise _refuse(node, f"the comparison {operand.op!r}")
        right = operand.expr
        if not (isinstance(right, nodes.Const) and type(right.value) in (str, int, float)):
            raise _refuse(right, "comparing with something other than a quoted text or "
                          "a number")
        if isinstance(right.value, float) and not math.isfinite(right.value):
            raise _refuse(right, "comparing with an infinite number")
        if isinstance(right.value, int) and abs(right.value) > 10**15:
            raise _refuse(right, "comparing with a number over 10^15")
        if isinstance(right.value, str) and operand.op not in ("eq", "ne"):
            raise _refuse(node, f"ordering texts ({_SYMBOLS[operand.op]} with a quoted text)")
        return _Compare(_show(node.expr, names), operand.op, right.value)
    raise _refuse(node, None if not isinstance(node, (nodes.Name, nodes.Filter))
                  else "a test that is not a comparison")


# -- rendering -----------------------------------------------------------------------------

def render_template(compiled: Compiled, show: Callable[[str, str, int], str]) -> str:
    """The text of a checked template.

    Parameters:
        compiled: from :func:`compile_template`.
        show: ``show(name, filter, digits)``, the text of a value for one filter.

    Raises:
        TemplateRuleError: when the text would be longer than :data:`MAX_OUTPUT`, or a
            value cannot be compared with a number.
    """
    parts: list[str] = []
    _run(compiled.body, show, parts, [0])
    return "".join(parts)


def _run(body: tuple, show, parts: list[str], size: list[int]) -> None:
    for item in body:
        if isinstance(item, _Text):
            text = item.text
        elif isinstance(item, _Show):
            text = show(item.name, item.filter, item.digits)
        else:
            for condition, branch in item.branches:
                if _test(condition, show):
                    _run(branch, show, parts, size)
                    break
            else:
                _run(item.otherwise, show, parts, size)
            continue
        size[0] += len(text)
        if size[0] > MAX_OUTPUT:
            raise TemplateRuleError(f"template: the text would be over {MAX_OUTPUT} "
                                    "characters long")
        parts.append(text)


def _test(condition, show) -> bool:
    if isinstance(condition, _Logic):
        if condition.op == "not":
            return not _test(condition.args[0], show)
        if condition.op == "and":
            return _test(condition.args[0], show) and _test(condition.args[1], show)
        return _test(condition.args[0], show) or _test(condition.args[1], show)
    left = show(condition.left.name, condition.left.filter, condition.left.digits)
    right = condition.right
    if isinstance(right, str):
        return _OPERATORS[condition.op](left, right)
    try:
        number = Fraction(left.strip())
    except (ValueError, ZeroDivisionError):
        raise TemplateRuleError(f"template: {condition.left.name} is {left!r}, which cannot "
                                f"be compared with the number {right}") from None
    return _OPERATORS[condition.op](number, Fraction(str(right)))


def value_names_message(name: str, known: Mapping[str, Any] | list[str]) -> str:
    """The message for a template naming something that is not a value."""
    return (f"template uses {name!r}, which is not a value; values are: "
            f"{', '.join(known) or 'none'}")
