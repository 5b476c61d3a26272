"""Read a typed matrix expression into a :mod:`grader.matexpr.tree`, saying where it fails.

A tokenizer of its own (the scalar one refuses ``ᵀ`` on purpose, and here ``A'`` is a
transpose, not a derivative) and a small recursive-descent parser.  Nothing is ever
evaluated while reading, and nothing typed reaches ``eval`` or ``sympify``.

Precedence, loosest first::

    sum        A + B   A - B
    hadamard   a ⊙ b   a .* b   a ∘ b
    product    A B   A*B   A@B   A·B   A / c     (left to right)
    unary      -A
    postfix    Aᵀ  A^T  A'  A^{\\top}  A^{-1}  A⁻ᵀ  A^2  x²
    atom       X  w  λ  2  I  I_n  1_n  (…)  ‖x‖  |A|  tr(A)  tr A  diag(p)  σ(z)

A function written without parentheses takes the run of juxtaposed factors after it, so
``tr AX`` is tr(AX) and ``log det X`` is log(det(X)).  Names split as in the scalar
reader: ``Xw`` is X·w when X and w are declared.

>>> from grader.matexpr.latex import to_latex
>>> to_latex(read("Xᵀ(Xw − y)", symbols={"X", "w", "y"}).tree, {"X", "w", "y"})
'\\\\mathbf{X}^{\\\\top} \\\\left(\\\\mathbf{X} \\\\mathbf{w} - \\\\mathbf{y}\\\\right)'
>>> read("X q", symbols={"X"}).tree
Traceback (most recent call last):
...
grader.errors.ReadError: "q" is not a symbol of this problem; use X at column 3
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Iterable

from grader.errors import ReadError, Span
from grader.tokens import GREEK_LETTERS, latex_command
from grader.matexpr.tree import (
    Call, Const, Identity, Inverse, MNode, Neg, Num, Ones, Power, Product, Sum, Sym, Transpose,
    depth,
)

__all__ = ["FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "MAX_TREE_DEPTH", "ONES", "Reading",
           "display_name", "normalize_name", "read"]

#: Longest answer read, in characters (as for the other kinds).
MAX_LENGTH = 2000
#: Deepest nesting of brackets and operators accepted.
MAX_DEPTH = 60
#: Deepest tree accepted (chains such as A+A+A+... nest without brackets).
MAX_TREE_DEPTH = 150
#: Longest number literal, in characters.
MAX_NUMBER_LENGTH = 40

#: Functions, by every accepted spelling, with their canonical name.
FUNCTIONS = {
    "tr": "tr", "trace": "tr", "Tr": "tr", "det": "det", "diag": "diag", "inv": "inv",
    "transpose": "transpose", "norm": "norm", "exp": "exp", "log": "log", "ln": "log",
    "sigmoid": "sigmoid", "sigma": "sigmoid", "sigmoid'": "sigmoid'", "sigma'": "sigmoid'",
    "tanh": "tanh", "tanh'": "tanh'", "relu": "relu", "ReLU": "relu", "relu'": "step",
    "ReLU'": "step", "step": "step", "heaviside": "step", "sqrt": "sqrt", "abs": "abs",
    "sin": "sin", "cos": "cos", "softmax": "softmax", "sum": "sum", "softplus": "softplus",
    "logdet": "logdet",
}
_CONSTANTS = {"e": "e", "pi": "pi"}

# Capitals too: matrices are often named Σ, Λ or Δ.
_GREEK = {
    **GREEK_LETTERS, "Σ": "Sigma", "Λ": "Lambda", "Δ": "Delta", "Θ": "Theta", "Φ": "Phi",
    "Ω": "Omega", "Γ": "Gamma", "Ψ": "Psi",
}
_GREEK_SHOWN = {v: k for k, v in _GREEK.items() if k != "ϕ"}
GREEK_NAMES = frozenset(_GREEK.values()) | {"varepsilon", "varphi"}
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                 "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "ᵀ": "ᵀ"}
_SUBSCRIPTS = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6",
               "₇": "7", "₈": "8", "₉": "9", "ₙ": "_n", "ₘ": "_m", "ₖ": "_k",
               "ᵢ": "_i", "ⱼ": "_j", "ₓ": "_x"}
_OPERATORS = {
    "+": "+", "-": "-", "−": "-", "–": "-", "*": "*", "·": "*", "⋅": "*", "∙": "*",
    "×": "*", "@": "*", "/": "/", "(": "(", ")": ")", "[": "[", "]": "]", "{": "{", "}": "}",
    ",": ",", "^": "^", "⊙": "⊙", "∘": "⊙", "⊤": "ᵀ", "ᵀ": "ᵀ", "'": "'", "′": "'",
    "’": "'",
    "‖": "‖", "∥": "‖", "|": "|", "（": "(", "）": ")", "，": ",",
}
_VULGAR = {"½": ("1", "2"), "⅓": ("1", "3"), "¼": ("1", "4"), "¾": ("3", "4")}
_SPACES = " \t\r\n\u00a0\u2009\u200a\u2002\u2003\u202f\u3000$"
_ONES = ONES = "𝟏"
_LATEX_OPS = {
    "cdot": "*", "times": "*", "ast": "*", "odot": "⊙", "circ": "⊙", "top": "ᵀ",
    "intercal": "ᵀ", "|": "‖", "Vert": "‖", "lVert": "‖", "rVert": "‖", "vert": "|",
    "lvert": "|", "rvert": "|", "mid": "|", "prime": "'", "{": "{", "}": "}",
}
_LATEX_IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
    "biggr", ",", ";", ":", "!", " ", "quad", "qquad", "displaystyle",
}
_LATEX_WRAPPERS = {
    "mathbf", "boldsymbol", "bm", "mathbfit", "vec", "mathrm", "mathit", "text", "textrm",
    "textbf", "operatorname", "mathsf", "mathbb", "pmb", "boldsymbol", "symbf",
}
_LATEX_NAMES = {"det", "log", "ln", "exp", "tanh", "sin", "cos", "tr", "sqrt", "sigma"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # num, name, op, frac, end; after resolving: sym, func, const, ident, ones
    text: str
    span: Span


@dataclass(frozen=True)
class Reading:
    """What :func:`read` found: the tree, and the scalar names it met."""

    tree: MNode
    scalars: frozenset[str]


def display_name(name: str) -> str:
    """A canonical name as a student would type it: ``delta'`` is ``δ'``.

    >>> display_name("Sigma"), display_name("delta'"), display_name("W1")
    ('Σ', "δ'", 'W1')
    """
    prime = "'" if name.endswith("'") else ""
    base = name.rstrip("'")
    return _GREEK_SHOWN.get(base, base) + prime


def normalize_name(name: str) -> str:
    """The canonical spelling of a symbol name: ``δ`` and ``\\delta`` are ``delta``,
    ``W_1`` and ``W₁`` are ``W1``, ``x_i`` stays ``x_i``.

    Raises:
        ValueError: when ``name`` is not a single name.

    >>> normalize_name("δ'"), normalize_name("W_1"), normalize_name(r"\\mathbf{X}")
    ("delta'", 'W1', 'X')
    """
    try:
        tokens = _tokenize(name)[:-1]
    except ReadError as err:
        raise ValueError(f"{name!r} is not a symbol name: {err.reason}") from None
    if len(tokens) == 2 and tokens[0].kind == "name" and tokens[1].text == "'":
        return tokens[0].text + "'"
    if len(tokens) != 1 or tokens[0].kind != "name":
        raise ValueError(f"{name!r} is not a symbol name (use letters, digits, a subscript)")
    return tokens[0].text


def read(text: str, *, symbols: Iterable[str], scalars: Iterable[str] = (),
         lenient: bool = False) -> Reading:
    """Read ``text`` as a matrix expression.

    Parameters:
        text: the expression as typed.
        symbols: the declared matrix and vector names (canonical, see
            :func:`normalize_name`).
        scalars: the scalar names a student may use.
        lenient: for the instructor's text: any other letter or Greek name is a scalar.

    Returns:
        A :class:`Reading`.

    Raises:
        ReadError: with the span of the problem, for anything that cannot be read.
    """
    try:
        return _read(text, frozenset(symbols), frozenset(scalars), lenient)
    except ReadError as err:
        raise err.with_text(text) from None
    except RecursionError:
        raise ReadError(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                        None, text) from None


def _read(text: str, symbols: frozenset[str], scalars: frozenset[str], lenient: bool
          ) -> Reading:
    if len(text) > MAX_LENGTH:
        raise ReadError(f"answer too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip():
        raise ReadError("empty answer")
    text = _drop_label(text)
    found: set[str] = set()
    tokens = _resolve(_tokenize(text), symbols, scalars, lenient, found)
    parser = _Parser(tokens)
    tree = parser.parse_top()
    if depth(tree) > MAX_TREE_DEPTH:
        raise ReadError(f"answer too long: more than {MAX_TREE_DEPTH} operations in a chain")
    return Reading(tree, frozenset(found))


def _drop_label(text: str) -> str:
    """``∇f = …`` or ``∂L/∂W = …``: keep what follows the one ``=``, blanking the label
    so that columns in messages still point at what was typed."""
    if text.count("=") != 1:
        return text
    at = text.index("=")
    return " " * (at + 1) + text[at + 1:]


# -- characters -> tokens -------------------------------------------------------------------

def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACES:
            i += 1
        elif ch.isdigit() and ch.isascii() or (ch == "." and text[i + 1:i + 2].isdigit()):
            i = _read_number(text, i, tokens)
        elif ch.isascii() and ch.isalpha():
            j = i
            while j < n and text[j].isascii() and text[j].isalnum():
                j += 1
            tokens.append(_Tok("name", text[i:j], Span(i, j)))
            i = j
        elif ch in _GREEK:
            tokens.append(_Tok("name", _GREEK[ch], Span(i, i + 1)))
            i += 1
        elif ch in _VULGAR:
            # ½ is (1/2): one group, so ½‖x‖² is (1/2)·‖x‖²
            span, (top, bottom) = Span(i, i + 1), _VULGAR[ch]
            tokens += [_Tok("op", "(", span), _Tok("num", top, span), _Tok("op", "/", span),
                       _Tok("num", bottom, span), _Tok("op", ")", span)]
            i += 1
        elif ch in "𝟏𝟙":
            tokens.append(_Tok("name", _ONES, Span(i, i + 1)))
            i += 1
        elif ch == "_":
            i = _read_subscript(text, i, tokens)
        elif ch in _SUBSCRIPTS:
            if not tokens or tokens[-1].kind != "name" or tokens[-1].span.end != i:
                raise ReadError("a subscript must follow a name, as in W₁", Span(i, i + 1))
            _extend(tokens, _SUBSCRIPTS[ch], i + 1)
            i += 1
        elif ch in _SUPERSCRIPTS:
            j = i
            while j < n and text[j] in _SUPERSCRIPTS:
                j += 1
            _push_superscript(text[i:j], i, tokens)
            i = j
        elif ch == "*" and text.startswith("**", i):
            tokens.append(_Tok("op", "^", Span(i, i + 2)))
            i += 2
        elif ch == "." and text.startswith(".*", i):
            tokens.append(_Tok("op", "⊙", Span(i, i + 2)))
            i += 2
        elif ch == "|" and text.startswith("||", i):
            tokens.append(_Tok("op", "‖", Span(i, i + 2)))
            i += 2
        elif ch == "." and not text[i + 1:].strip():
            i = n  # the full stop ending a sentence
        elif ch == "\\":
            i = _read_latex(text, i, tokens)
        elif ch in _OPERATORS:
            tokens.append(_Tok("op", _OPERATORS[ch], Span(i, i + 1)))
            i += 1
        else:
            shown = ch if ch.isprintable() else repr(ch)
            raise ReadError(f'unexpected character "{shown}"', Span(i, i + 1))
    tokens.append(_Tok("end", "", Span(n, n)))
    return tokens


def _read_number(text: str, i: int, tokens: list[_Tok]) -> int:
    j, n, point = i, len(text), False
    while j < n and (text[j].isascii() and text[j].isdigit()
                     or text[j] == "." and not point and text[j + 1:j + 2].isdigit()):
        point = point or text[j] == "."
        j += 1
    if j - i > MAX_NUMBER_LENGTH:
        raise ReadError(f"number too long ({j - i} characters; at most {MAX_NUMBER_LENGTH})",
                        Span(i, j))
    if text[i:j] == "1" and text[j:j + 1] == "_":
        tokens.append(_Tok("name", _ONES, Span(i, j)))  # 1_n: the all-ones vector
    else:
        tokens.append(_Tok("num", text[i:j], Span(i, j)))
    return j


def _extend(tokens: list[_Tok], suffix: str, end: int) -> None:
    last = tokens[-1]
    tokens[-1] = _Tok("name", last.text + suffix, Span(last.span.start, end))


def _read_subscript(text: str, i: int, tokens: list[_Tok]) -> int:
    """``W_1`` is W1; ``I_n``, ``x_i``, ``x_{ij}`` keep the underscore; ``‖x‖_2`` drops it."""
    n = len(text)
    j = i + 1
    if j < n and text[j] == "{":
        close = text.find("}", j)
        if close == -1:
            raise ReadError('unbalanced "{" in a subscript', Span(j, j + 1))
        body, end = text[j + 1:close].strip(), close + 1
    else:
        k = j
        while k < n and text[k].isascii() and text[k].isdigit():
            k += 1
        if k == j and j < n and text[j].isascii() and text[j].isalpha():
            k = j + 1
        body, end = text[j:k], k
    if tokens and tokens[-1].text == "‖" and body in ("2", "F"):
        return end  # the 2-norm (Frobenius for a matrix) is the norm read anyway
    if not tokens or tokens[-1].kind != "name" or tokens[-1].span.end != i:
        raise ReadError('"_" (a subscript) must follow a name, as in I_n', Span(i, i + 1))
    if not body or not (body.isascii() and body.isalnum()):
        raise ReadError("a subscript must be digits or letters, as in W_1 or I_n",
                        Span(i, max(end, i + 1)))
    _extend(tokens, body if body.isdigit() else "_" + body, end)
    return end


def _push_superscript(chars: str, start: int, tokens: list[_Tok]) -> None:
    """``Aᵀ`` is a transpose; ``A⁻¹``, ``A⁻ᵀ`` and ``x²`` become a braced exponent."""
    if chars == "ᵀ":
        tokens.append(_Tok("op", "ᵀ", Span(start, start + 1)))
        return
    tokens.append(_Tok("op", "^", Span(start, start)))
    tokens.append(_Tok("op", "{", Span(start, start)))
    for k, c in enumerate(chars):
        at = Span(start + k, start + k + 1)
        value = _SUPERSCRIPTS[c]
        if value.isdigit() and tokens[-1].kind == "num":
            tokens[-1] = _Tok("num", tokens[-1].text + value, tokens[-1].span + at)
        else:
            tokens.append(_Tok("num" if value.isdigit() else "op", value, at))
    tokens.append(_Tok("op", "}", Span(start + len(chars), start + len(chars))))


def _read_latex(text: str, i: int, tokens: list[_Tok]) -> int:
    n = len(text)
    command, span = latex_command(text, i)
    j = span.end
    if command in _LATEX_IGNORED:
        return j
    if command in _LATEX_OPS:
        tokens.append(_Tok("op", _LATEX_OPS[command], span))
        return j
    if command in ("frac", "dfrac", "tfrac"):
        tokens.append(_Tok("frac", "frac", span))
        return j
    if command in _LATEX_WRAPPERS:
        return _read_wrapper(text, j, command, tokens)
    if command in GREEK_NAMES or command in _LATEX_NAMES:
        name = {"varepsilon": "epsilon", "varphi": "phi"}.get(command, command)
        tokens.append(_Tok("name", name, span))
        return j
    raise ReadError(f'unknown LaTeX command "\\{command}"', span)


def _read_wrapper(text: str, j: int, command: str, tokens: list[_Tok]) -> int:
    """``\\mathbf{X}``, ``\\boldsymbol{\\delta}``, ``\\operatorname{tr}``, ``\\mathbf{1}``:
    the braces hold one name; anything else is left to be read as a group."""
    k = j
    while k < len(text) and text[k] == " ":
        k += 1
    if k >= len(text) or text[k] != "{":
        return j
    close = text.find("}", k)
    if close == -1:
        raise ReadError(f'unbalanced "{{" after \\{command}', Span(k, k + 1))
    inner = text[k + 1:close].strip()
    span = Span(j - len(command) - 1, close + 1)  # the whole \\mathbf{X}, so δ' stays one name
    if inner == "1":
        tokens.append(_Tok("name", _ONES, span))
    elif inner.isascii() and inner.isalnum() and inner[0].isalpha():
        tokens.append(_Tok("name", inner, span))
    elif inner.startswith("\\") and inner[1:] in GREEK_NAMES:
        tokens.append(_Tok("name", inner[1:], span))
    elif len(inner) == 1 and inner in _GREEK:
        tokens.append(_Tok("name", _GREEK[inner], span))
    else:
        return k  # the braces are read as a group
    return close + 1


# -- names -> symbols, functions, constants ---------------------------------------------------

_IDENTITY = re.compile(r"I(?:_?([0-9]+)|_([A-Za-z][A-Za-z0-9]*))?")
_ONES_NAME = re.compile(_ONES + r"(?:_?([0-9]+)|_([A-Za-z][A-Za-z0-9]*))?")


def _sized(match: re.Match[str]) -> str | int | None:
    if match.group(1):
        return int(match.group(1))
    return match.group(2)


def _resolve(tokens: list[_Tok], symbols: frozenset[str], scalars: frozenset[str],
             lenient: bool, found: set[str]) -> list[_Tok]:
    """Split names into symbols, functions, constants, ``I`` and ``1_n``; ``^T`` is a
    transpose; ``δ'`` is one name when ``δ'`` is declared (else a transpose)."""
    vocab: dict[str, str] = {}
    for word in FUNCTIONS:
        vocab[word] = "func"
    for word in _CONSTANTS:
        vocab[word] = "const"
    for word in (scalars | symbols) - {_ONES}:  # a declared name wins over a function
        vocab[word] = "sym"
    longest = max(len(w) for w in vocab)
    out: list[_Tok] = []
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        k += 1
        if tok.kind == "num" and tok.text == "1" and _ONES in symbols and _transposed(tokens, k):
            out.append(_Tok("ones", _ONES, tok.span))  # 1ᵀy with "1" declared: the ones vector
            continue
        if tok.kind != "name":
            out.append(tok)
            continue
        word = tok.text
        after = tokens[k]
        if after.text == "'" and after.kind == "op" and after.span.start == tok.span.end \
                and word + "'" in vocab:
            word, tok = word + "'", _Tok("name", word + "'", tok.span + after.span)
            k += 1
        if _after_caret(out) and word.startswith("T") and "T" not in vocab:
            out.append(_Tok("op", "ᵀ", Span(tok.span.start, tok.span.start + 1)))
            if word == "T":
                continue
            word = word[1:]
            tok = _Tok("name", word, Span(tok.span.start + 1, tok.span.end))
        followed_by_paren = tokens[k].text == "("
        out.extend(_split(tok, vocab, longest, lenient, found, followed_by_paren,
                          sorted((symbols | scalars) - {_ONES})))
    return out


def _transposed(tokens: list[_Tok], k: int) -> bool:
    """True when the token at ``k`` starts a transpose: ``ᵀ``, ``'``, ``^T``, ``^{\\top}``."""
    texts = [t.text for t in tokens[k:k + 3]]
    if texts[:1] in (["ᵀ"], ["'"]):
        return True
    if texts[:1] != ["^"]:
        return False
    after = texts[1:2] if texts[1:2] != ["{"] else texts[2:3]
    return bool(after) and (after[0] == "ᵀ" or after[0].startswith("T"))

def _after_caret(out: list[_Tok]) -> bool:
    """True right after ``^``, ``^{``, ``^-`` or ``^{-``: where T means a transpose."""
    texts = [t.text for t in out[-3:] if t.kind == "op"][::-1]
    for k, text in enumerate(texts):
        if text == "^":
            return all(t in ("{", "-") for t in texts[:k])
    return False


def _whole(word: str, vocab: dict[str, str], lenient: bool) -> tuple[str, str] | None:
    """How ``word`` reads as one piece: (kind, text), or None."""
    if word in vocab:
        return vocab[word], word
    if word.lower() in FUNCTIONS and word.lower() not in vocab:
        return "func", word.lower()
    if "I" not in vocab and _IDENTITY.fullmatch(word):
        return "ident", word
    if _ONES_NAME.fullmatch(word):
        return "ones", word
    if lenient and word in GREEK_NAMES:
        return "sym", word
    return None


def _split(tok: _Tok, vocab: dict[str, str], longest: int, lenient: bool, found: set[str],
           followed_by_paren: bool, known: list[str]) -> list[_Tok]:
    word, start = tok.text, tok.span.start
    exact = tok.span.end - tok.span.start == len(word)
    whole = _whole(word, vocab, lenient)
    if whole is not None or not exact or "_" in word or "'" in word:
        if whole is None:
            if lenient and "_" in word or lenient and "'" in word:
                whole = ("sym", word)
            else:
                raise _unknown(word, tok.span, known, followed_by_paren)
        if whole[0] == "sym" and word not in vocab:
            found.add(word)
        return [_Tok(whole[0], whole[1], tok.span)]
    if followed_by_paren and len(word) > 2 and any(word.startswith(f) for f in FUNCTIONS) \
            and difflib.get_close_matches(word, list(FUNCTIONS), n=1, cutoff=0.75):
        raise _unknown(word, tok.span, known, True)  # sine(x) is a misspelt sin, not sin(e x)
    out: list[_Tok] = []
    pos = 0
    while pos < len(word):
        at = start + pos
        if word[pos].isdigit():
            end = pos
            while end < len(word) and word[end].isdigit():
                end += 1
            if out:
                whole_text = out[-1].text + word[pos:end]
                raise ReadError(f'"{whole_text}" is not a symbol of this problem; write '
                                f'{out[-1].text}*{word[pos:end]} or {out[-1].text}^{word[pos:end]}',
                                Span(out[-1].span.start, start + end))
            out.append(_Tok("num", word[pos:end], Span(at, start + end)))
            pos = end
            continue
        piece = next((word[pos:pos + m] for m in range(min(longest, len(word) - pos), 0, -1)
                      if _whole(word[pos:pos + m], vocab, False) is not None), None)
        if piece is None and lenient:
            piece = word[pos]
            found.add(piece)
            kind, text = "sym", piece
        elif piece is None:
            if followed_by_paren or not pos:
                raise _unknown(word, tok.span, known, followed_by_paren)
            raise _unknown(word[pos:], Span(at, tok.span.end), known, False)
        else:
            kind, text = _whole(piece, vocab, False)  # type: ignore[misc]
        out.append(_Tok(kind, text, Span(at, at + len(piece))))
        pos += len(piece)
    return out


def _unknown(word: str, span: Span, known: list[str], called: bool) -> ReadError:
    if called:
        return ReadError(f'unknown function "{word}"; the functions are tr, det, diag, inv, '
                         "norm, exp, log, σ, tanh, relu, softmax", span)
    shown = [display_name(n) for n in known]
    names = ", ".join(shown[:-1]) + " or " + shown[-1] if len(shown) > 1 else "".join(shown)
    use = f"; use {names}" if names else ""
    return ReadError(f'"{display_name(word)}" is not a symbol of this problem{use}', span)


# -- tokens -> tree ----------------------------------------------------------------------------

_ATOM_KINDS = {"num", "sym", "func", "const", "ident", "ones", "frac"}
_OPENERS = {"(": ")", "[": "]", "{": "}"}


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.level = 0
        self.bars: list[str] = []

    # -- helpers
    def peek(self) -> _Tok:
        return self.tokens[self.pos]

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def at_op(self, *texts: str) -> bool:
        tok = self.peek()
        return tok.kind == "op" and tok.text in texts

    def expect(self, text: str, opener: _Tok) -> _Tok:
        if not self.at_op(text):
            tok = self.peek()
            shown = "the end" if tok.kind == "end" else f'"{tok.text}"'
            raise ReadError(f'"{opener.text}" is not closed: expected "{text}" before {shown}',
                            opener.span + tok.span if tok.kind != "end" else opener.span)
        return self.take()

    def enter(self, tok: _Tok) -> None:
        self.level += 1
        if self.level > MAX_DEPTH:
            raise ReadError(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                            tok.span)

    # -- grammar
    def parse_top(self) -> MNode:
        tree = self.parse_sum()
        tok = self.peek()
        if tok.kind != "end":
            if tok.text == ",":
                raise ReadError("a single matrix expression is expected, not a list", tok.span)
            raise ReadError(f'unexpected "{tok.text}"', tok.span)
        return tree

    def parse_sum(self) -> MNode:
        left = self.parse_hadamard()
        while self.at_op("+", "-"):
            op = self.take().text
            right = self.parse_hadamard()
            left = Sum(op, left, right, left.span + right.span)
        return left

    def parse_hadamard(self) -> MNode:
        """``a ⊙ B c`` is a ⊙ (Bc): the entry-by-entry product binds looser than products."""
        left = self.parse_product()
        while self.at_op("⊙"):
            self.take()
            right = self.parse_product()
            left = Product("⊙", left, right, False, left.span + right.span)
        return left

    def starts_factor(self) -> bool:
        tok = self.peek()
        if tok.kind in _ATOM_KINDS:
            return True
        if tok.kind != "op":
            return False
        if tok.text in ("‖", "|"):
            return not (self.bars and self.bars[-1] == tok.text)
        return tok.text in _OPENERS

    def parse_product(self) -> MNode:
        left = self.parse_unary()
        while True:
            if self.at_op("*", "/"):
                op = self.take().text
                right = self.parse_unary()
                left = Product(op, left, right, False, left.span + right.span)
            elif self.starts_factor():
                right = self.parse_postfix()
                left = Product("*", left, right, True, left.span + right.span)
            else:
                return left

    def parse_unary(self) -> MNode:
        tok = self.peek()
        if self.at_op("-", "+"):
            self.take()
            self.enter(tok)
            arg = self.parse_unary()
            self.level -= 1
            return arg if tok.text == "+" else Neg(arg, tok.span + arg.span)
        return self.parse_postfix()

    def parse_postfix(self) -> MNode:
        node = self.parse_atom()
        while True:
            tok = self.peek()
            if self.at_op("ᵀ", "'"):
                self.take()
                node = Transpose(node, node.span + tok.span)
            elif self.at_op("^"):
                self.take()
                node = self.parse_exponent(node, tok)
            else:
                return node

    def parse_exponent(self, base: MNode, caret: _Tok) -> MNode:
        """After ``^``: ``T``/``⊤``, ``-1``, ``-T``, or a scalar exponent."""
        tok = self.peek()
        close = _OPENERS.get(tok.text) if tok.kind == "op" else None
        at = self.pos + 1 if close else self.pos
        inner = self.tokens[at:at + 3]
        texts = [t.text for t in inner]
        skip = 1 if close else 0
        if texts[:1] == ["ᵀ"] and (not close or texts[1:2] == [close]):
            end = self.tokens[self.pos + skip + skip]
            self.pos += 1 + 2 * skip
            return Transpose(base, base.span + end.span)
        if texts[:2] == ["-", "ᵀ"] and (not close or texts[2:3] == [close]):
            end = self.tokens[self.pos + 1 + 2 * skip]
            self.pos += 2 + 2 * skip
            return Transpose(Inverse(base, base.span + end.span), base.span + end.span)
        if texts[:2] == ["-", "1"] and (not close or texts[2:3] == [close]):
            end = self.tokens[self.pos + 1 + 2 * skip]
            self.pos += 2 + 2 * skip
            return Inverse(base, base.span + end.span)
        if close:
            opener = self.take()
            self.enter(opener)
            exponent = self.parse_sum()
            end = self.expect(close, opener)
            self.level -= 1
            return _power(base, exponent, base.span + end.span)
        if self.at_op("-"):
            minus = self.take()
            atom = self.parse_atom()
            return _power(base, Neg(atom, minus.span + atom.span), base.span + atom.span)
        if self.peek().kind == "end":
            raise ReadError('"^" needs an exponent after it', caret.span)
        exponent = self.parse_atom()
        return _power(base, exponent, base.span + exponent.span)

    def parse_atom(self) -> MNode:
        tok = self.peek()
        self.enter(tok)
        try:
            return self._atom(tok)
        finally:
            self.level -= 1

    def _atom(self, tok: _Tok) -> MNode:
        kind = tok.kind
        if kind == "num":
            self.take()
            return Num(Fraction(tok.text), tok.text, tok.span)
        if kind == "const":
            self.take()
            return Const(tok.text, tok.span)
        if kind == "sym":
            self.take()
            return Sym(tok.text, tok.span)
        if kind == "ident":
            self.take()
            match = _IDENTITY.fullmatch(tok.text)
            return Identity(_sized(match) if match else None, tok.span)
        if kind == "ones":
            self.take()
            match = _ONES_NAME.fullmatch(tok.text)
            return Ones(_sized(match) if match else None, tok.span)
        if kind == "func":
            return self.parse_call()
        if kind == "frac":
            self.take()
            top = self.parse_braced(tok)
            bottom = self.parse_braced(tok)
            return Product("/", top, bottom, False, tok.span + bottom.span)
        if kind == "op" and tok.text in _OPENERS:
            self.take()
            inner = self.parse_sum()
            end = self.expect(_OPENERS[tok.text], tok)
            # the brackets belong to what they hold, so messages quote "(Xw - y)" whole
            return replace(inner, span=tok.span + end.span)
        if kind == "op" and tok.text in ("‖", "|"):
            self.take()
            self.bars.append(tok.text)
            inner = self.parse_sum()
            self.bars.pop()
            end = self.expect(tok.text, tok)
            # |a| is the absolute value of a scalar, the determinant of a square matrix
            return Call("norm" if tok.text == "‖" else "bars", (inner,), tok.span + end.span)
        if kind == "end":
            raise ReadError("the expression ends too early", tok.span)
        raise ReadError(f'unexpected "{tok.text}"', tok.span)

    def parse_braced(self, frac: _Tok) -> MNode:
        if not self.at_op("{"):
            raise ReadError("\\frac needs two groups in braces, as in \\frac{a}{b}",
                            frac.span)
        opener = self.take()
        inner = self.parse_sum()
        self.expect("}", opener)
        return inner

    def parse_call(self) -> MNode:
        tok = self.take()
        func = FUNCTIONS[tok.text]
        if self.at_op("("):
            opener = self.take()
            args = [self.parse_sum()]
            while self.at_op(","):
                self.take()
                args.append(self.parse_sum())
            end = self.expect(")", opener)
            span = tok.span + end.span
        else:
            if not self.starts_factor():
                raise ReadError(f'"{tok.text}" needs an argument, as in {tok.text}(A)', tok.span)
            arg = self.parse_postfix()
            while self.starts_factor():
                right = self.parse_postfix()
                arg = Product("*", arg, right, True, arg.span + right.span)
            args, span = [arg], tok.span + arg.span
        if len(args) != 1:
            raise ReadError(f'"{tok.text}" takes one argument; you gave {len(args)}', span)
        if func == "inv":
            return Inverse(args[0], span)
        if func == "transpose":
            return Transpose(args[0], span)
        return Call(func, (args[0],), span)


def _power(base: MNode, exponent: MNode, span: Span) -> MNode:
    """``e^{z}`` is exp(z), entry by entry when z is a vector, as students mean it."""
    if isinstance(base, Const) and base.name == "e":
        return Call("exp", (exponent,), span)
    return Power(base, exponent, span)
