"""Read typed mathematics into a :mod:`grader.tree`, with messages that say where.

The reader is a hand-written recursive-descent parser over the tokens of
:mod:`grader.tokens`.  It knows the problem's variables, which is what makes student
shorthand readable: ``xy`` is ``x*y`` when both are variables, ``xsinx`` is
``x*sin(x)``, and ``t`` is an error that names the variables to use instead.

Precedence, loosest first::

    items      a, b          (a list, a point, a set without braces)
    equation   x = a
    sum        a + b   a - b   a ± b
    product    a*b   a/b   a b          (implicit multiplication binds like * and /)
    unary      -a   +a
    power      a^b   a**b   a²          (right associative: e^-x^2 is e^(-(x^2)))
    atom       2  x  pi  f(a)  f a  (a)  [a, b]  {a, b}  |a|  \\frac{a}{b}

Functions may be applied without parentheses to a run of numbers and variables:
``sin 2x`` is sin(2x), ``ln x + 1`` is ln(x) + 1, ``x sin x cos x`` is x sin(x) cos(x).
``sin^2 x`` is (sin x)^2 and ``sin^-1 x`` is arcsin x, as textbooks print them.

>>> from grader.latex import to_latex
>>> to_latex(parse("2x e^(x^2)", variables=["x"]))
'2 x e^{x^{2}}'
>>> to_latex(parse("x^x(ln x + 1)", variables=["x"]))
'x^{x} \\\\left(\\\\ln x + 1\\\\right)'
>>> parse("sine(x)", variables=["x"])
Traceback (most recent call last):
...
grader.errors.ReadError: unknown function "sine"; did you mean "sin"? at column 1
"""

from __future__ import annotations

import difflib
import time
from fractions import Fraction
from functools import lru_cache
from typing import Iterable

import mpmath

from grader import functions
from grader.errors import AmbiguousReading, Choice, ReadError, Span
from grader.numeric import MpTracker, TimeUp, Undefined, evaluate_mp
from grader.tokens import MAX_NUMBER_LENGTH, Token, tokenize
from grader.tree import (
    BinOp, Call, Const, Eq, Matrix, Neg, Node, Num, PlusMinus, SetOf, Tuple, Var, Vector, depth,
    free_names, is_scalar,
)

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "parse"]

#: Longest answer read, in characters.  Real answers are far shorter; the bound keeps
#: every later stage's work bounded too.
MAX_LENGTH = 2000
#: Deepest nesting of brackets and operators accepted.
MAX_DEPTH = 60
#: Deepest tree accepted (a chain a+b+c+... is as deep as it is long).
MAX_TREE_DEPTH = 150

_CONSTANTS = {"pi": "pi", "e": "e"}
_SEPARATOR_WORDS = {"or", "and", "und", "et", "或"}
_ATOM_STARTS = {"num", "var", "const", "func", "frac", "mbegin"}


def parse(
    text: str,
    *,
    variables: Iterable[str] = (),
    allow_complex: bool = False,
    drop_label: bool = True,
) -> Node:
    """Read ``text`` into a tree, using ``variables`` to resolve names.

    Parameters:
        text: the answer as typed.
        variables: the problem's variable names; any other name is an error, except the
            constants ``pi`` and ``e`` (and ``i`` with ``allow_complex``).
        allow_complex: read ``i`` (and ``j``) as the imaginary unit.
        drop_label: drop a leading label such as ``f'(x) =``, ``dy/dx =`` or ``∇f =``,
            so that students may write the whole line they would on paper.

    Returns:
        The tree: a scalar node, or a :class:`~grader.tree.Tuple`, ``Vector``,
        ``Matrix``, ``SetOf`` or ``Eq`` for structured answers.

    Raises:
        ReadError: with the span of the problem, for anything that cannot be read.

    >>> parse("xy", variables=["x", "y"])
    BinOp(op='*', left=Var(name='x'), right=Var(name='y'), implicit=True)
    >>> parse("t^2", variables=["x"])
    Traceback (most recent call last):
    ...
    grader.errors.ReadError: "t" is not a variable of this problem; use x at column 1
    """
    try:
        return _read_every_way(text, tuple(variables), allow_complex, drop_label)
    except ReadError as err:
        raise err.with_text(text) from None
    except RecursionError:
        raise ReadError(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                        None, text) from None


def _read_every_way(text: str, variables: tuple[str, ...], allow_complex: bool,
                    drop_label: bool) -> Node:
    """Read ``text``; where it has two plausible readings, read it both ways.

    The reader never guesses: at ``5.1e-2`` or ``[x -1]`` it raises a
    :class:`~grader.errors.Choice`, and the text is read again with the choice taken and
    not taken.  One decision covers every place the same choice arises, so there are at
    most four readings.  Readings that fail are dropped; when the remaining ones differ,
    :class:`~grader.errors.AmbiguousReading` carries them all.
    """
    pending: list[dict[str, bool]] = [{}]
    readings: list[tuple[dict[str, bool], Node]] = []
    choices: list[Choice] = []
    first_error: ReadError | None = None
    while pending:
        decided = pending.pop(0)
        try:
            readings.append((decided, _parse(text, variables, allow_complex, drop_label,
                                             decided)))
        except Choice as choice:
            if choice.name in decided:  # cannot happen: a decided choice is not asked
                raise
            if not any(c.name == choice.name for c in choices):
                choices.append(choice)
            pending += [{**decided, choice.name: True}, {**decided, choice.name: False}]
        except ReadError as err:
            first_error = first_error or err
    if not readings:
        assert first_error is not None
        raise first_error
    distinct: list[tuple[dict[str, bool], Node]] = []
    for decided, tree in readings:
        if all(tree != other for _, other in distinct):
            distinct.append((decided, tree))
    if len(distinct) == 1:
        return distinct[0][1]
    described = tuple(("; ".join(c.readings[0 if decided.get(c.name) else 1] for c in choices
                                 if c.name in decided), tree) for decided, tree in distinct)
    shown = " or as ".join(d for d, _ in described)
    raise AmbiguousReading(
        f"ambiguous: it can be read as {shown}; {'; '.join(c.advice for c in choices)}",
        choices[0].span, text, described, "; ".join(c.advice for c in choices))


def _parse(text: str, variables: tuple[str, ...], allow_complex: bool,
           drop_label: bool, decided: dict[str, bool] | None = None) -> Node:
    decided = {} if decided is None else decided
    if len(text) > MAX_LENGTH:
        raise ReadError(f"answer too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip():
        raise ReadError("empty answer")
    stripped = text.strip()
    if stripped.startswith("<") and stripped.endswith(">"):
        # <a, b>: the angle-bracket vector of physics and many textbooks.
        first, last = text.index("<"), text.rindex(">")
        text = f"{text[:first]}[{text[first + 1:last]}]{text[last + 1:]}"
    tokens = tokenize(text, scientific=decided.get("scientific"))
    if drop_label:
        tokens = _drop_label(tokens, variables)
    tokens = _resolve_names(tokens, variables, allow_complex)
    tree = _Parser(tokens, variables, text, decided).parse_top()
    # Each token adds at most two levels to the tree (an operator and the implicit
    # product or Neg beside it), so short answers cannot be too deep: skip the walk.
    if 2 * len(tokens) + 2 > MAX_TREE_DEPTH and depth(tree) > MAX_TREE_DEPTH:
        # Long chains such as 1+1+1+... nest without brackets; every later stage
        # recurses over the tree, so its depth is bounded here, once.
        raise ReadError(f"answer too long: more than {MAX_TREE_DEPTH} operations in a chain")
    return tree


def _drop_label(tokens: list[Token], variables: tuple[str, ...]) -> list[Token]:
    """Drop ``f'(x) =``, ``dz/dt =``, ``∇f =``, ``y =`` in front of a single answer.

    Only a left-hand side that names the thing being computed is dropped: one that
    starts with a name that is not a variable, or holds a prime, ∇ or ∂.  ``x = 2`` is
    kept, since in a set or point answer it means something.
    """
    depth, equals = 0, []
    for k, tok in enumerate(tokens):
        if tok.kind == "op" and tok.text in "([{":
            depth += 1
        elif tok.kind == "op" and tok.text in ")]}":
            depth -= 1
        elif tok.kind == "op" and tok.text == "=" and depth == 0:
            equals.append(k)
    if equals and equals[0] == 0 and len(equals) == 1:
        return tokens[1:]  # "= 2x" or "≈ 0.09": the value after the sign
    if len(equals) != 1:
        return tokens
    lhs = tokens[:equals[0]]
    marked = any(t.kind == "op" and t.text in ("'", "∇", "∂") or t.kind == "frac" for t in lhs)
    first = lhs[0]
    names_thing = first.kind == "name" and first.text not in variables and (
        functions.lookup(first.text) is None or len(lhs) > 1 and lhs[1].text == "(")
    # \frac{d}{dx} e^{x^2} = ...: a left side naming what is differentiated.
    unknown = any(t.kind == "name" and t.text not in variables and t.text not in _CONSTANTS
                  and functions.lookup(t.text) is None for t in lhs)
    if marked or names_thing or unknown:
        return tokens[equals[0] + 1:]
    return tokens


def _base_vocabulary() -> dict[str, str]:
    """Function and constant names in every accepted capitalisation."""
    vocab: dict[str, str] = {}
    for name in list(functions.FUNCTIONS) + list(functions.ALIASES):
        vocab[name.upper()] = vocab[name.capitalize()] = vocab[name] = "func"
    for name in _CONSTANTS:
        vocab[name] = "const"
    return vocab


# Built once at import: the same for every problem, so a first answer does not pay for it.
_BASE_VOCABULARY = _base_vocabulary()
_BASE_LONGEST = max(len(w) for w in _BASE_VOCABULARY)


@lru_cache(maxsize=256)
def _vocabulary(variables: tuple[str, ...], allow_complex: bool) -> dict[str, str]:
    """Every whole name that means something, with what it means (do not mutate)."""
    vocab = dict(_BASE_VOCABULARY)
    if allow_complex:
        vocab["i"] = vocab["j"] = "const"
    for name in variables:  # a variable wins over a function or constant of its name
        vocab[name] = "var"
    return vocab


@lru_cache(maxsize=256)
def _longest(variables: tuple[str, ...], allow_complex: bool) -> int:
    return max([_BASE_LONGEST] + [len(v) for v in variables])


def _resolve_names(tokens: list[Token], variables: tuple[str, ...],
                   allow_complex: bool) -> list[Token]:
    """Split each name token into variables, functions, constants and numbers.

    ``xsinx`` becomes ``x``, ``sin``, ``x``; ``w1x1`` becomes ``w1``, ``x1`` when those are
    the variables.  The longest known word wins at each position.
    """
    vocab = _vocabulary(variables, allow_complex)
    longest = _longest(variables, allow_complex)
    out: list[Token] = []
    for k, tok in enumerate(tokens):
        if tok.kind != "name":
            out.append(tok)
            continue
        if tok.text in _SEPARATOR_WORDS and tok.text not in vocab:
            out.append(Token("op", ",", tok.span))
            continue
        followed_by_paren = tokens[k + 1].kind == "op" and tokens[k + 1].text == "("
        word, start, pos = tok.text, tok.span.start, 0
        # A token from \mathrm{...} or √ may be shorter than its span: no splitting then.
        exact_span = tok.span.end - tok.span.start == len(word)
        if word in vocab or not exact_span:
            if word not in vocab:
                raise _unknown_name(word, tok.span, variables, followed_by_paren)
            out.append(_resolved(vocab[word], word, tok.span))
            continue
        if followed_by_paren and _looks_like_misspelt_function(word, vocab):
            raise _unknown_name(word, tok.span, variables, called=True)
        if out and out[-1].kind == "num" and out[-1].span.end == start \
                and word[0] in "eE" and word[1:].isdigit():
            raise ReadError(f'"{out[-1].text}{word}" looks like scientific notation; '
                            f"write {out[-1].text}*10^{word[1:]}", out[-1].span + tok.span)
        while pos < len(word):
            at = start + pos
            if word[pos].isdigit():
                end = pos
                while end < len(word) and word[end].isdigit():
                    end += 1
                if out and out[-1].kind in ("var", "const") and out[-1].span.end == at:
                    whole = out[-1].text + word[pos:end]
                    raise ReadError(
                        f'"{whole}" is not a variable of this problem; '
                        f"write {out[-1].text}*{word[pos:end]} or {out[-1].text}^{word[pos:end]}",
                        Span(out[-1].span.start, start + end))
                if end - pos > MAX_NUMBER_LENGTH:  # step999...: digits inside a name
                    raise ReadError(f"number too long ({end - pos} characters; at most "
                                    f"{MAX_NUMBER_LENGTH})", Span(at, start + end))
                out.append(Token("num", word[pos:end], Span(at, start + end)))
                pos = end
                continue
            match = next((word[pos:pos + m] for m in range(min(longest, len(word) - pos), 0, -1)
                          if word[pos:pos + m] in vocab), None)
            if match is None:
                if followed_by_paren or not pos:
                    raise _unknown_name(word, tok.span, variables, followed_by_paren)
                raise _unknown_name(word[pos:], Span(at, tok.span.end), variables, False)
            out.append(_resolved(vocab[match], match, Span(at, at + len(match))))
            pos += len(match)
    return out


def _looks_like_misspelt_function(word: str, vocab: dict[str, str]) -> bool:
    """``sine(x)`` is a misspelt sin, not sin(e)·x: a word right before "(" that starts
    with a function name and is close to one is taken as a function name."""
    starts_with_function = any(word.startswith(f) for f, kind in vocab.items()
                               if kind == "func" and len(f) > 1)
    return starts_with_function and bool(difflib.get_close_matches(
        word, [f for f, kind in vocab.items() if kind == "func"], n=1, cutoff=0.75))


def _resolved(kind: str, word: str, span: Span) -> Token:
    if kind == "func" and functions.lookup(word) is None:
        word = word.lower()  # SIN, Sech: phones and calculators capitalise
    if kind == "func":
        word = functions.lookup(word).name
    elif kind == "const":
        word = {"j": "i"}.get(word, word)
    return Token(kind, word, span)  # type: ignore[arg-type]


def _unknown_name(word: str, span: Span, variables: tuple[str, ...],
                  called: bool) -> ReadError:
    names = sorted(set(functions.FUNCTIONS) | set(functions.ALIASES))
    if called:
        close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
        hint = f'; did you mean "{close[0]}"?' if close else ""
        return ReadError(f'unknown function "{word}"{hint}', span)
    if word.startswith("__") or "." in word:
        return ReadError(f'"{word}" is not mathematics', span)
    if not variables:
        return ReadError(f'"{word}" cannot appear here: the answer is a number', span)
    use = ", ".join(variables)
    if len(word) == 1 or word.isalpha() and len(word) <= 3 and not called:
        return ReadError(f'"{word}" is not a variable of this problem; use {use}', span)
    close = difflib.get_close_matches(word, names + list(variables), n=1, cutoff=0.7)
    hint = f'; did you mean "{close[0]}"?' if close else f"; the variables are {use}"
    return ReadError(f'unknown name "{word}"{hint}', span)


class _Parser:
    """Recursive descent over resolved tokens; one method per precedence level."""

    def __init__(self, tokens: list[Token], variables: tuple[str, ...], text: str = "",
                 decided: dict[str, bool] | None = None) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.abs_depth = 0
        self.variables = variables
        self.text = text
        self.decided = {} if decided is None else decided

    # -- helpers ---------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def at_op(self, *ops: str) -> bool:
        tok = self.tokens[self.pos]  # not self.tok: this runs at every step of the descent
        return tok.kind == "op" and tok.text in ops

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expect(self, op: str, opened: Token | None = None) -> Token:
        if self.at_op(op):
            return self.take()
        if opened is not None:
            raise ReadError(f'unbalanced "{opened.text}" opened at column {opened.span.start + 1}'
                            f'; a "{op}" is missing', opened.span)
        raise self.unexpected(f'"{op}"')

    def unexpected(self, wanted: str) -> ReadError:
        tok = self.tok
        if tok.kind == "end":
            return ReadError(f"the answer ends too early; expected {wanted}", tok.span)
        if tok.kind == "op" and tok.text in ")]}":
            return ReadError(f'unbalanced "{tok.text}" (nothing opened it)', tok.span)
        shown = "\\frac" if tok.kind == "frac" else tok.text
        return ReadError(f'unexpected "{shown}"; expected {wanted}', tok.span)

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ReadError(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                            self.tok.span)

    # -- grammar ---------------------------------------------------------------
    def parse_top(self) -> Node:
        start = self.tok.span
        items = self.flat(self.item())
        while self.at_op(","):
            self.take()
            items += self.flat(self.item())
        if self.tok.kind != "end":
            if self.at_op(";"):
                raise ReadError('";" separates matrix rows; put the matrix in brackets: '
                                "[a, b; c, d]", self.tok.span)
            raise self.unexpected('an operator or the end of the answer')
        if len(items) == 1:
            return items[0]
        return Tuple(tuple(items), start + self.tok.span)

    @staticmethod
    def flat(item: Node) -> list[Node]:
        """A chained ``x = y = v`` stands for two items."""
        if isinstance(item, Tuple) and item.items and all(isinstance(i, Eq) for i in item.items):
            return list(item.items)
        return [item]

    def item(self) -> Node:
        lhs = self.expr()
        if self.at_op("="):
            eq = self.take()
            rhs = self.expr()
            if self.at_op("="):
                # x = y = √2/2: each variable named gets the last value.
                names, value = [lhs, rhs], None
                while self.at_op("="):
                    self.take()
                    names.append(self.expr())
                value = names.pop()
                if not all(isinstance(n, Var) for n in names):
                    raise ReadError('only one "=" per item (or x = y = value)', eq.span)
                return Tuple(tuple(Eq(n, value, eq.span) for n in names), eq.span)
            return Eq(lhs, rhs, eq.span)
        return lhs

    def expr(self) -> Node:
        self.nest()
        if self.at_op("±"):
            pm = self.take()
            node: Node = PlusMinus(None, self.term(), pm.span)
        else:
            node = self.term()
        while self.at_op("+", "-", "±"):
            op = self.take()
            right = self.term()
            node = (PlusMinus(node, right, op.span) if op.text == "±"
                    else BinOp(op.text, node, right, False, op.span))
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while True:
            if self.at_op("*", "/"):
                op = self.take()
                if self.at_op("*", "/", "^"):
                    raise ReadError(f'"{op.text}" followed by "{self.tok.text}"', self.tok.span)
                node = _scale(op.text, node, self.unary(), False, op.span)
            elif self.at_op("[") and self.follows_operand() or self.starts_implicit_factor():
                before = self.tokens[self.pos - 1]
                if self.tok.kind == "num" and before.kind == "num":
                    raise ReadError(
                        f'two numbers side by side ("{before.text} {self.tok.text}"); '
                        f"write {before.text}*{self.tok.text} or {before.text}{self.tok.text}",
                        before.span + self.tok.span)
                at = self.tok.span
                node = _scale("*", node, self.power(), True, at)
            else:
                return node

    def follows_operand(self) -> bool:
        """Whether the previous token ends an operand: ``2[1, 2]``, ``e^(xy)[[...]]``."""
        before = self.tokens[self.pos - 1]
        return before.kind in ("num", "var", "const") or \
            before.kind == "op" and before.text in (")", "}")

    def starts_implicit_factor(self) -> bool:
        tok = self.tok
        if tok.kind in _ATOM_STARTS:
            return True
        if tok.kind == "op":
            if tok.text == "|":
                return self.abs_depth == 0
            return tok.text in ("(", "{")
        return False

    def unary(self) -> Node:
        if self.at_op("-"):
            op = self.take()
            self.nest()
            node = _negate(self.unary(), op.span)
            self.depth -= 1
            return node
        if self.at_op("+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.at_op("!"):
            bang = self.take()
            if self.at_op("!"):
                raise ReadError("double factorials (n!!) are not accepted; write the product "
                                "out", bang.span + self.tok.span)
            base = _factorial(base, bang.span)
        if self.at_op("^"):
            op = self.take()
            self.nest()
            exponent = self.unary()
            self.depth -= 1
            return BinOp("^", base, exponent, False, op.span)
        return base

    def atom(self) -> Node:
        tok = self.tok
        kind = tok.kind
        if kind == "num":
            self.take()
            # Whole numbers without the string parsing of Fraction(str) (same value).
            value = Fraction(int(tok.text)) if tok.text.isascii() and tok.text.isdigit() \
                else Fraction(tok.text)
            return Num(value, tok.text, tok.span)
        if kind == "var":
            self.take()
            return Var(tok.text, tok.span)
        if kind == "const":
            self.take()
            return Const(tok.text, tok.span)
        if kind == "func":
            return self.call()
        if kind == "frac":
            return self.frac()
        if kind == "mbegin":
            return self.environment()
        if kind == "op":
            if tok.text == "(":
                return self.parenthesised()
            if tok.text == "[":
                return self.bracketed()
            if tok.text == "{":
                return self.braced()
            if tok.text == "|":
                return self.absolute()
            if tok.text == "∅":
                return SetOf((), self.take().span)
            if tok.text in ("∇", "∂", "'"):
                raise ReadError(f'"{tok.text}" belongs in the name of the derivative; '
                                "give only the result, e.g. 2x", tok.span)
        raise self.unexpected("a number, a variable or a bracket")

    def group_items(self, opened: Token, close: str, rows_allowed: bool = False
                    ) -> tuple[list[list[Node]], bool]:
        """Items up to ``close``, split by ``,`` (and ``;`` into rows when allowed)."""
        self.nest()
        saved_abs, self.abs_depth = self.abs_depth, 0
        rows: list[list[Node]] = [[]]
        saw_comma = False
        if self.at_op(close):
            raise ReadError(f'empty "{opened.text}{close}"', opened.span + self.tok.span)
        while True:
            rows[-1].append(self.item())
            if self.at_op(","):
                self.take()
                saw_comma = True
            elif rows_allowed and self.at_op(";") or self.at_op("&"):
                if not rows_allowed:
                    raise self.unexpected(f'"," or "{close}"')
                sep = self.take()
                if sep.text == ";":
                    rows.append([])
                else:
                    saw_comma = True
                if self.at_op(close) and sep.text == ";":
                    rows.pop()  # a trailing row break, as LaTeX allows
                    break
            else:
                break
        self.expect(close, opened)
        self.abs_depth = saved_abs
        self.depth -= 1
        return rows, saw_comma

    def parenthesised(self) -> Node:
        opened = self.take()
        rows, _ = self.group_items(opened, ")")
        items = rows[0]
        if len(items) == 1:
            return items[0]
        return Tuple(tuple(items), opened.span + self.tokens[self.pos - 1].span)

    def bracketed(self) -> Node:
        opened = self.take()
        self.separate_by_spaces()
        rows, _ = self.group_items(opened, "]", rows_allowed=True)
        span = opened.span + self.tokens[self.pos - 1].span
        if len(rows) > 1:
            return self.matrix(rows, opened, span)
        items = rows[0]
        if all(isinstance(item, (Vector, Tuple)) for item in items) and len(items) > 0:
            return self.matrix([list(item.items) for item in items], opened, span)
        return Vector(tuple(items), span)

    def separate_by_spaces(self) -> None:
        """Inside ``[...]`` without commas, spaces separate entries, as in MATLAB and NumPy.

        ``[2 0 -1; 1 3 4]`` is a 2×3 matrix and ``[6x 2y; 2y 2x]`` a 2×2 one: a space
        between the end of one operand and the start of another becomes a comma.  A sign
        with a space before it and none after (``[x -1]``) is two entries in MATLAB but
        one (x − 1) to many students: that is asked as the ``spaced-sign`` choice, unless
        spaces already separate other entries of the same bracket (``[2 0 -1]``).
        Brackets with a comma at their top level are read as before (``[2 x, y]`` is
        [2x, y]).
        """
        tokens, start = self.tokens, self.pos
        level, k, top = 0, start, []
        while k < len(tokens):
            tok = tokens[k]
            if tok.kind == "end":
                return
            if tok.kind == "mbegin" or tok.kind == "op" and tok.text in "([{":
                level += 1
            elif tok.kind == "mend" or tok.kind == "op" and tok.text in ")]}":
                if level == 0:
                    break
                level -= 1
            elif level == 0 and tok.kind == "op" and tok.text in (",", "&"):
                return
            if level == 0 or tok.kind == "op" and tok.text in "([{" and level == 1:
                top.append(k)
            k += 1
        breaks, signs = [], []
        for left, right in zip(top, top[1:]):
            if right != left + 1 or not self.spaced(tokens[left], tokens[right]) \
                    or not _ends_operand(tokens[left]):
                continue
            tok = tokens[right]
            if _starts_operand(tok):
                breaks.append(right)
            elif tok.kind == "op" and tok.text in ("+", "-") and right + 1 < len(tokens) \
                    and _starts_operand(tokens[right + 1]) \
                    and not self.spaced(tok, tokens[right + 1]):
                signs.append((left, right))
        if signs and not breaks:
            # Only a spaced sign could separate entries here ([x -1]): ask.  Where spaces
            # already separate entries ([2 0 -1], NumPy's [ 1  2 -3]), so does this one.
            left, right = signs[0]
            choice = self.decided.get("spaced-sign")
            if choice is None:
                sign, operand = tokens[right], tokens[right + 1]
                before = self.text[tokens[left].span.start:tokens[left].span.end]
                after = self.text[sign.span.start:operand.span.end]
                joined = f"{before} {sign.text} {after[1:].strip()}"
                raise Choice("spaced-sign", tokens[left].span + operand.span,
                             (f"two entries {before} and {after}", f"one entry {joined}"),
                             f'write "{before}, {after}" for two entries or '
                             f'"{joined}" for one')
            if not choice:
                signs = []
        breaks = sorted(breaks + [right for _, right in signs])
        for k in reversed(breaks):
            at = Span(tokens[k].span.start, tokens[k].span.start)
            tokens.insert(k, Token("op", ",", at))

    def spaced(self, left: Token, right: Token) -> bool:
        """Whether only white space (at least one character) separates two tokens."""
        gap = self.text[left.span.end:right.span.start]
        return bool(gap) and not gap.strip(" \t\r\n\u00a0\u2009\u200a\u2002\u2003\u202f\u3000")

    def matrix(self, rows: list[list[Node]], opened: Token, span: Span) -> Matrix:
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            raise ReadError("matrix rows have different lengths "
                            f"({', '.join(str(len(r)) for r in rows)})", span)
        return Matrix(tuple(tuple(row) for row in rows), span)

    def braced(self) -> Node:
        opened = self.take()
        if self.at_op("}"):  # {}: the empty set
            return SetOf((), opened.span + self.take().span)
        rows, saw_comma = self.group_items(opened, "}")
        items = rows[0]
        if not saw_comma:
            return items[0]  # a LaTeX group such as e^{x^2}
        return SetOf(tuple(items), opened.span + self.tokens[self.pos - 1].span)

    def absolute(self) -> Node:
        opened = self.take()
        self.abs_depth += 1
        inner = self.expr()
        self.abs_depth -= 1
        if not self.at_op("|"):
            raise ReadError(f'unbalanced "|" opened at column {opened.span.start + 1}; '
                            'a closing "|" is missing', opened.span)
        closed = self.take()
        return Call("abs", (inner,), opened.span + closed.span)

    def frac(self) -> Node:
        opened = self.take()
        parts = []
        for _ in range(2):
            if self.tok.kind == "num" and len(self.tok.text) == 2 and self.tok.text.isdigit() \
                    and not parts:
                # \frac12: LaTeX reads the two digits as numerator and denominator.
                num = self.take()
                digits = [Num(Fraction(d), d, num.span) for d in num.text]
                return BinOp("/", digits[0], digits[1], False, opened.span)
            if not self.at_op("{"):
                raise ReadError("\\frac needs {numerator}{denominator}", opened.span)
            brace = self.take()
            rows, comma = self.group_items(brace, "}")
            if comma:
                raise ReadError("a fraction's part cannot be a list", brace.span)
            parts.append(rows[0][0])
        return BinOp("/", parts[0], parts[1], False, opened.span)

    def environment(self) -> Node:
        opened = self.take()
        self.nest()
        rows: list[list[Node]] = [[]]
        while True:
            if self.tok.kind == "mend":
                break
            rows[-1].append(self.expr())
            if self.at_op("&"):
                self.take()
            elif self.at_op(";"):
                self.take()
                if self.tok.kind == "mend":
                    break
                rows.append([])
            elif self.tok.kind != "mend":
                raise self.unexpected('"&", "\\\\" or \\end{' + opened.text + "}")
        if rows == [[]]:
            raise ReadError("empty matrix", opened.span)
        closed = self.take()
        self.depth -= 1
        return self.matrix(rows, opened, opened.span + closed.span)

    def call(self) -> Node:
        name_tok = self.take()
        func = functions.FUNCTIONS[name_tok.text]
        power: Node | None = None
        if self.at_op("^"):
            hat = self.take()
            power = self.unary()
            if _is_minus_one(power) and func.name in functions.INVERSES:
                func = functions.FUNCTIONS[functions.INVERSES[func.name]]
                power = None
            elif not func.power_prefix:
                raise ReadError(f"write a power of {func.name} as ({func.name}(x))^n",
                                hat.span)
        if func.name == "sqrt" and self.at_op("["):
            return self.nth_root(name_tok)
        args = self.arguments(name_tok, func)
        if len(args) not in func.arity:
            want = " or ".join(str(a) for a in func.arity)
            raise ReadError(f"{func.name} takes {want} argument{'s' if want != '1' else ''}, "
                            f"not {len(args)}", name_tok.span)
        node: Node = Call(func.name, tuple(args), name_tok.span)
        if func.name == "factorial":
            node = _factorial(args[0], name_tok.span)
        if power is not None:
            node = BinOp("^", node, power, False, name_tok.span)
        return node

    def arguments(self, name_tok: Token, func: functions.Function) -> list[Node]:
        if self.at_op("("):
            opened = self.take()
            rows, _ = self.group_items(opened, ")")
            return rows[0]
        if self.at_op("{"):
            opened = self.take()
            rows, _ = self.group_items(opened, "}")
            return rows[0]
        if self.at_op("|"):
            return [self.absolute()]
        # No parentheses: a run of numbers, variables and constants (sin 2x, ln x).
        negate = self.at_op("-")
        if negate:
            self.take()
        if self.tok.kind == "func":
            inner = self.call()  # sin atan x is sin(atan(x))
            return [Neg(inner) if negate else inner]
        if self.tok.kind not in ("num", "var", "const"):
            raise ReadError(f"{name_tok.text} needs an argument, as in {name_tok.text}(x)",
                            name_tok.span)
        arg = self.power()
        while self.tok.kind in ("num", "var", "const") and not self.ends_bare_argument():
            if self.tok.kind == "num" and self.tokens[self.pos - 1].kind == "num":
                break
            at = self.tok.span
            arg = BinOp("*", arg, self.power(), True, at)
        return [Neg(arg) if negate else arg]

    def ends_bare_argument(self) -> bool:
        """``cos x e^(sin x)`` is cos(x)·e^(sin x) and ``√3i`` is √3·i, as printed."""
        tok, following = self.tok, self.tokens[self.pos + 1]
        if tok.kind == "const" and tok.text == "i":
            return True
        return tok.kind == "const" and tok.text == "e" and following.kind == "op" \
            and following.text == "^"

    def nth_root(self, name_tok: Token) -> Node:
        opened = self.take()
        rows, _ = self.group_items(opened, "]")
        index = rows[0][0]
        arg = self.arguments(name_tok, functions.FUNCTIONS["sqrt"])[0]
        if isinstance(index, Num) and index.value == 2:
            return Call("sqrt", (arg,), name_tok.span)
        if isinstance(index, Num) and index.value == 3:
            return Call("cbrt", (arg,), name_tok.span)
        return BinOp("^", arg, BinOp("/", Num(Fraction(1), "1"), index), False, name_tok.span)


def _scale(op: str, left: Node, right: Node, implicit: bool, span: Span) -> Node:
    """``2[1, 2]`` and ``e^x[sin y, cos y]``: a number times a vector or matrix is that
    vector or matrix with every entry multiplied (also ``[a, b]/2``)."""
    def times(entry: Node, scalar: Node, scalar_first: bool) -> Node:
        pair = (scalar, entry) if scalar_first else (entry, scalar)
        return BinOp(op, *pair, implicit, span)

    for structured, scalar, scalar_first in ((right, left, True), (left, right, False)):
        if op == "/" and scalar_first:
            continue  # 2/[a, b] means nothing here
        if isinstance(structured, Tuple) and is_scalar(scalar) and \
                all(is_scalar(i) for i in structured.items):
            # -(1, 2)/√5, 2(x, y): a scalar times a point or vector written in parentheses.
            return Tuple(tuple(times(i, scalar, scalar_first) for i in structured.items),
                         structured.span)
        if isinstance(structured, (Vector, Matrix)) and is_scalar(scalar):
            if isinstance(structured, Vector):
                return Vector(tuple(times(i, scalar, scalar_first) for i in structured.items),
                              structured.span)
            return Matrix(tuple(tuple(times(i, scalar, scalar_first) for i in row)
                                for row in structured.rows), structured.span)
    return BinOp(op, left, right, implicit, span)


def _negate(node: Node, span: Span) -> Node:
    """``-x``; the minus of a vector, point or matrix of scalars is taken entry by entry."""
    if isinstance(node, (Vector, Tuple)) and node.items and all(is_scalar(i) for i in node.items):
        return type(node)(tuple(Neg(i, span) for i in node.items), node.span)
    if isinstance(node, Matrix):
        return Matrix(tuple(tuple(Neg(i, span) for i in row) for row in node.rows), node.span)
    return Neg(node, span)


def _ends_operand(tok: Token) -> bool:
    return tok.kind in ("num", "var", "const", "mend") or \
        tok.kind == "op" and tok.text in (")", "]", "}", "!")


def _starts_operand(tok: Token) -> bool:
    return tok.kind in _ATOM_STARTS or tok.kind == "op" and tok.text in ("(", "[", "{")


def _factorial(arg: Node, span: Span) -> Node:
    """``n!`` or ``factorial(n)``, refused at once when its value is out of bounds.

    A factorial of a number must be of a whole number from 0 to
    :data:`~grader.functions.MAX_FACTORIAL`: ``(10^10)!`` would take ages and ``2.5!`` is
    not what a student means.  With variables in it, it is read as Γ(n + 1), which agrees
    with n! wherever n is a whole number.
    """
    node = Call("factorial", (arg,), span)
    if free_names(arg):
        return node
    limit = functions.MAX_FACTORIAL
    with mpmath.workprec(64):
        try:
            value = evaluate_mp(arg, {}, MpTracker(time.monotonic() + 0.1))
        except (Undefined, TimeUp):
            raise ReadError(f"factorial too large (at most {limit}!)", span) from None
        if isinstance(value, mpmath.mpc) or abs(value - mpmath.nint(value)) > 1e-12 * (
                1 + abs(value)):
            raise ReadError("factorial of a number that is not a whole number "
                            f"(only 0!, 1!, ..., {limit}! are read)", span)
        if value > limit:
            raise ReadError(f"factorial too large (at most {limit}!)", span)
        if value < 0:
            raise ReadError("factorial of a negative number", span)
    return node


def _is_minus_one(node: Node) -> bool:
    return isinstance(node, Neg) and isinstance(node.arg, Num) and node.arg.value == 1
