"""Turn typed mathematics into tokens, each carrying the span it was read from.

This is the only place that looks at raw characters.  Unicode (``²``, ``·``, ``−``,
``√``, ``π``, full-width punctuation), the LaTeX subset (``\\frac``, ``\\sqrt``,
``\\cdot``, ``\\left(``, ``\\begin{pmatrix}``...) and ASCII (``**``) all become the same
small set of tokens, so the parser never sees three spellings of one thing and every
error can still point at the characters the student typed.

>>> [t.text for t in tokenize("2x·e^{x²}")][:-1]
['2', 'x', '*', 'e', '^', '{', 'x', '^', '{', '2', '}', '}']
>>> [t.text for t in tokenize(r"\\frac{1}{2}\\sqrt{y}")][:-1]
['\\\\frac', '{', '1', '}', '{', '2', '}', 'sqrt', '{', 'y', '}']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from grader.errors import Choice, ReadError, Span

__all__ = ["GREEK_LETTERS", "MAX_EXPONENT", "MAX_NUMBER_LENGTH", "Token", "TokenKind", "latex_command",
           "tokenize"]

#: Digits a single number may have: longer literals are refused, not silently rounded.
MAX_NUMBER_LENGTH = 40
#: Largest power of ten in scientific notation (``1e300``); ``1e999999999`` is refused
#: before an exact value with a billion digits is built.
MAX_EXPONENT = 300
MAX_EXPONENT_DIGITS = 3

TokenKind = Literal["num", "name", "op", "frac", "texsqrt", "mbegin", "mend", "end"]


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit: its kind, its normalised text and where it was typed.

    ``op`` tokens have the ASCII spelling of their operator as text (``"*"`` for ``·``,
    ``"^"`` for ``**``); ``name`` tokens hold ASCII names (``"pi"`` for ``π``); ``num``
    tokens hold the digits as typed.  ``mbegin`` carries the matrix environment's name.
    """

    kind: TokenKind
    text: str
    span: Span


_DIGITS = frozenset("0123456789")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]*")
_SUPERSCRIPTS = {
    "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7",
    "⁸": "8", "⁹": "9", "⁻": "-", "⁺": "+", "ᵀ": "T",
}
_SUBSCRIPTS = {
    "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "₆": "6", "₇": "7",
    "₈": "8", "₉": "9",
}
_VULGAR = {"½": ("1", "2"), "⅓": ("1", "3"), "⅔": ("2", "3"), "¼": ("1", "4"),
           "¾": ("3", "4"), "⅕": ("1", "5"), "⅙": ("1", "6"), "⅛": ("1", "8")}
#: Greek letters as students type them, and the names they stand for (matrix answers
#: add the capitals, :mod:`grader.matexpr.read`).
GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega",
}
_GREEK = {**GREEK_LETTERS, "ℯ": "e"}
# One character that stands for an operator or punctuation, in every spelling seen in
# student answers: ASCII, typographic Unicode, and the full-width forms of Chinese IMEs.
_OPERATOR_CHARS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "(": "(", ")": ")", "[": "[",
    "]": "]", "{": "{", "}": "}", ",": ",", ";": ";", "|": "|", "=": "=", "'": "'",
    "&": "&", "!": "!", "·": "*", "⋅": "*", "×": "*", "∗": "*", "∙": "*", "•": "*", "−": "-",
    "–": "-", "—": "-", "÷": "/", "±": "±", "（": "(", "）": ")", "，": ",", "；": ";",
    "＝": "=", "＋": "+", "－": "-", "［": "[", "］": "]", "｛": "{", "｝": "}",
    "｜": "|", "′": "'", "∈": "=", "≈": "=", "⟨": "[", "⟩": "]", "∇": "∇", "∂": "∂", "√": "sqrt", "∛": "cbrt",
    "∅": "∅", "Ø": "∅", "⌀": "∅",
}
_SPACES = " \t\r\n\u00a0\u2009\u200a\u2002\u2003\u202f\u3000$"

# LaTeX commands that are just another spelling of a token we already have.
_LATEX_AS_OP = {
    "cdot": "*", "times": "*", "ast": "*", "div": "/", "pm": "±", "lvert": "|",
    "rvert": "|", "vert": "|", "mid": "|", "lbrace": "{", "rbrace": "}", "{": "{",
    "emptyset": "∅", "varnothing": "∅",
    "}": "}", "lbrack": "[", "rbrack": "]", "nabla": "∇", "partial": "∂", "|": "|",
}
_LATEX_AS_NAME = {
    "ln", "log", "exp", "sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh",
    "tanh", "coth", "arcsin", "arccos", "arctan", "max", "min", "pi", "alpha", "beta",
    "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "kappa", "lambda",
    "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "varphi", "chi", "psi", "omega",
    "sgn", "operatorname",
}
# Spacing and sizing commands: they change how LaTeX looks, never what it means.
_LATEX_IGNORED = {
    "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
    "biggl", "biggr", ",", ";", ":", "!", " ", "quad", "qquad", "displaystyle",
    "limits", "mathrm", "mathit", "text", "textrm",
}
_LATEX_WRAPPERS = {"mathrm", "mathit", "text", "textrm", "operatorname"}
_MATRIX_ENVIRONMENTS = {"pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"}


def tokenize(text: str, *, scientific: bool | None = None) -> list[Token]:
    """Split ``text`` into tokens, normalising Unicode and the LaTeX subset.

    Parameters:
        text: the answer exactly as typed.
        scientific: how to read a signed ``5.1e-2``: True as 5.1·10^-2, False as
            5.1·e - 2, None to raise :class:`~grader.errors.Choice` there (see
            :func:`_read_number` for the rule).

    Returns:
        The tokens, each with the span of ``text`` it came from, ending with an ``end``
        token whose span is the end of the text.

    Raises:
        ReadError: for a character or LaTeX command that has no meaning here, or a
            number longer than :data:`MAX_NUMBER_LENGTH` digits.

    >>> [t.text for t in tokenize("x³ − 3x₁ ** 2")][:-1]
    ['x', '^', '{', '3', '}', '-', '3', 'x1', '^', '2']
    >>> tokenize("x # 2")
    Traceback (most recent call last):
    ...
    grader.errors.ReadError: unexpected character "#" at column 3
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SPACES:
            i += 1
        elif ch in _DIGITS or (ch == "." and i + 1 < n and text[i + 1] in _DIGITS):
            i = _read_number(text, i, tokens, scientific)
        elif ch.isascii() and ch.isalpha():
            j = _ASCII_WORD.match(text, i).end()  # letters and digits, as isalnum in ASCII
            _push_name(tokens, text[i:j], Span(i, j))
            i = j
        elif ch in _OPERATOR_CHARS and not (ch == "*" and text.startswith("**", i)):
            # Early, as most characters are operators; no other branch below takes an
            # operator character but "**".
            value = _OPERATOR_CHARS[ch]
            kind = "name" if value in ("sqrt", "cbrt") else "op"
            tokens.append(Token(kind, value, Span(i, i + 1)))
            i += 1
        elif ch == "_":
            i = _read_subscript(text, i, tokens)
        elif ch in _SUBSCRIPTS:
            j = i
            while j < n and text[j] in _SUBSCRIPTS:
                j += 1
            digits = "".join(_SUBSCRIPTS[c] for c in text[i:j])
            if not tokens or tokens[-1].kind != "name" or tokens[-1].span.end != i:
                raise ReadError("a subscript must follow a name, as in x₁", Span(i, j))
            _extend_name(tokens, digits, j)
            i = j
        elif ch in _SUPERSCRIPTS:
            j = i
            while j < n and text[j] in _SUPERSCRIPTS:
                j += 1
            exponent = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
            _push_superscript(tokens, exponent, Span(i, j))
            i = j
        elif ch in _VULGAR:
            # ½ is (1/2): one group, so 3½ would read as 3·(1/2) - refused as two numbers
            numerator, denominator = _VULGAR[ch]
            span = Span(i, i + 1)
            tokens += [Token("op", "(", span), Token("num", numerator, span),
                       Token("op", "/", span), Token("num", denominator, span),
                       Token("op", ")", span)]
            i += 1
        elif ch in _GREEK:
            # μ0, λ1: digits right after a Greek letter belong to its name, as in x₁.
            j = i + 1
            while j < n and text[j] in _DIGITS:
                j += 1
            _push_name(tokens, _GREEK[ch] + text[i + 1:j], Span(i, j))
            i = j
        elif ch == "*" and text.startswith("**", i):
            tokens.append(Token("op", "^", Span(i, i + 2)))
            i += 2
        elif ch == "\\":
            i = _read_latex(text, i, tokens)
        elif ch == "." and not text[i + 1:].strip():
            i = n  # the full stop at the end of a sentence
        else:
            shown = ch if ch.isprintable() else repr(ch)
            raise ReadError(f'unexpected character "{shown}"', Span(i, i + 1))
    tokens.append(Token("end", "", Span(n, n)))
    return tokens


def _read_number(text: str, i: int, tokens: list[Token], scientific: bool | None) -> int:
    """Read digits with at most one decimal point, and a scientific exponent by this rule.

    ``NeM`` (or ``NEM``) written without spaces, with N a number and M whole digits:

    - no sign (``2e3``, ``1E5``): always 2·10^3.  Nobody writes 2·e·3 so.
    - a minus, or a plus after a decimal mantissa (``5.1e-2``, ``2e-3``, ``1.5e+3``): both
      5.1·10^-2 and 5.1·e - 2 are plausible, so the tokenizer asks (``scientific``);
      :func:`grader.check` grades both readings and calls the answer ambiguous only when
      their verdicts differ.
    - a mantissa of 1 (``1e-3``, ``1.0e+5``): always 10^M, as nobody writes 1e for e.
    - a plus after a whole number (``2e+3``): 2·e + 3.  Calculators print ``2000`` or
      ``2.0e+03``, students type ``2e+3`` for 2e + 3.
    - with spaces (``2 e - 1``) or a caret (``2e^3``), ``e`` is the constant.
    """
    j, n, seen_point = i, len(text), False
    while j < n and (text[j] in _DIGITS or (text[j] == "." and not seen_point)):
        if text[j] == ".":
            if not (j + 1 < n and text[j + 1] in _DIGITS):
                break
            seen_point = True
        j += 1
    if j - i > MAX_NUMBER_LENGTH:
        raise ReadError(
            f"number too long ({j - i} characters; at most {MAX_NUMBER_LENGTH})", Span(i, j)
        )
    end = _exponent_end(text, i, j, scientific)
    if end > j:
        power = text[j + 1:end].replace("−", "-")
        if end - j > MAX_EXPONENT_DIGITS + 2 or abs(int(power)) > MAX_EXPONENT:
            raise ReadError(f"exponent too large in {text[i:end]} (at most 10^{MAX_EXPONENT})",
                            Span(i, end))
        tokens.append(Token("num", f"{text[i:j]}e{power}", Span(i, end)))
        return end
    tokens.append(Token("num", text[i:j], Span(i, j)))
    return j


def _exponent_end(text: str, i: int, j: int, scientific: bool | None) -> int:
    """Where a scientific exponent starting at ``j`` ends (``j`` when there is none)."""
    n = len(text)
    if j >= n or text[j] not in "eE":
        return j
    k = j + 1
    signed = k < n and text[k] in "+-−"
    k += signed
    start = k
    while k < n and text[k] in _DIGITS:
        k += 1
    if k == start or k < n and (text[k] == "." or text[k].isascii() and text[k].isalpha()
                                and text[k] in "eE"):
        return j  # 2e-x, 2e, 2e3.5: not an exponent
    if not signed or scientific or text[i:j] in ("1", "1.0"):
        return k  # 1e-3: nobody writes 1e for e
    if text[j + 1] == "+" and "." not in text[i:j]:
        return j
    if scientific is None:
        digits = text[i:j]
        sign, power = text[j + 1].replace("−", "-"), text[start:k]
        raise Choice("scientific", Span(i, k),
                     (f"{digits}·10^{'-' if sign != '+' else ''}{power}",
                      f"{digits}·e {sign} {power}"),
                     f"write {digits}*10^{'-' if sign != '+' else ''}{power} for the first, "
                     f"or put spaces around the sign ({digits}e {sign} {power}) for the second")
    return j


def _push_name(tokens: list[Token], name: str, span: Span) -> None:
    tokens.append(Token("name", name, span))


def _extend_name(tokens: list[Token], suffix: str, end: int) -> None:
    last = tokens[-1]
    tokens[-1] = Token("name", last.text + suffix, Span(last.span.start, end))


def _push_superscript(tokens: list[Token], exponent: str, span: Span) -> None:
    """``x⁻¹`` becomes ``x ^ { - 1 }``: one group, so ``x²³`` means x^23 as printed."""
    if exponent == "T":
        raise ReadError("transposes (ᵀ) cannot be used in an answer; write the entries out",
                        span)
    tokens.append(Token("op", "^", span))
    tokens.append(Token("op", "{", Span(span.start, span.start)))
    for k, c in enumerate(exponent):
        at = Span(span.start + k, span.start + k + 1)
        if c in _DIGITS:
            if tokens[-1].kind == "num":
                tokens[-1] = Token("num", tokens[-1].text + c, tokens[-1].span + at)
            else:
                tokens.append(Token("num", c, at))
        else:
            tokens.append(Token("op", c, at))
    tokens.append(Token("op", "}", Span(span.end, span.end)))


def _read_subscript(text: str, i: int, tokens: list[Token]) -> int:
    """``x_1``, ``x_{12}``, ``w_{ij}``: the subscript joins the name before it."""
    n = len(text)
    if not tokens or tokens[-1].kind != "name" or tokens[-1].span.end != i:
        raise ReadError('"_" (a subscript) must follow a name, as in x_1', Span(i, i + 1))
    j = i + 1
    if j < n and text[j] == "{":
        close = text.find("}", j)
        if close == -1:
            raise ReadError('unbalanced "{" in a subscript', Span(j, j + 1))
        body, end = text[j + 1:close].strip(), close + 1
    else:
        k = j
        while k < n and text[k] in _DIGITS:
            k += 1
        if k == j and j < n and text[j].isascii() and text[j].isalpha():
            k = j + 1
        body, end = text[j:k], k
    if not body or not (body.isascii() and body.isalnum()):
        raise ReadError("a subscript must be digits or letters, as in x_1", Span(i, max(end, i + 1)))
    _extend_name(tokens, body if body.isdigit() else "_" + body, end)
    return end


def latex_command(text: str, i: int) -> tuple[str, Span]:
    """The LaTeX command whose backslash is at ``i``: its name (``frac``, or one symbol
    such as a row break) and where it stands.

    >>> command, span = latex_command("2" + chr(92) + "frac{1}{x}", 1)
    >>> command, span.start, span.end
    ('frac', 1, 6)
    """
    n = len(text)
    j = i + 1
    if j < n and text[j].isascii() and text[j].isalpha():
        while j < n and text[j].isascii() and text[j].isalpha():
            j += 1
    elif j < n:
        j += 1
    return text[i + 1:j], Span(i, j)


def _read_latex(text: str, i: int, tokens: list[Token]) -> int:
    """Read one LaTeX command starting at the backslash at ``i``."""
    n = len(text)
    command, span = latex_command(text, i)
    j = span.end
    if command == "\\":
        tokens.append(Token("op", ";", span))  # a matrix row break
        return j
    if command in _LATEX_WRAPPERS:
        # \mathrm{e}, \operatorname{ReLU}, \text{min}: the braces hold a plain name.
        k = j
        while k < n and text[k] == " ":
            k += 1
        if k < n and text[k] == "{":
            close = text.find("}", k)
            if close == -1:
                raise ReadError('unbalanced "{" after \\' + command, Span(k, k + 1))
            inner = text[k + 1:close].strip()
            if inner.isascii() and inner.replace(" ", "").isalpha():
                for word in inner.split():
                    _push_name(tokens, word, Span(k + 1, close))
                return close + 1
            return k  # leave the braces to be read as a group
        return j
    if command in _LATEX_IGNORED:
        return j
    if command in _LATEX_AS_OP:
        tokens.append(Token("op", _LATEX_AS_OP[command], span))
        return j
    if command in ("frac", "dfrac", "tfrac", "cfrac"):
        tokens.append(Token("frac", "\\frac", span))
        return j
    if command == "sqrt":
        tokens.append(Token("name", "sqrt", span))
        return j
    if command in ("begin", "end"):
        return _read_environment(text, i, j, command, tokens)
    if command in _LATEX_AS_NAME:
        name = {"varepsilon": "epsilon", "varphi": "phi"}.get(command, command)
        _push_name(tokens, name, span)
        return j
    if command == "infty":
        raise ReadError("infinity cannot be part of an answer here", span)
    raise ReadError(f'unknown LaTeX command "\\{command}"', span)


def _read_environment(text: str, i: int, j: int, command: str, tokens: list[Token]) -> int:
    """``\\begin{pmatrix}`` and ``\\end{pmatrix}`` (and bmatrix, matrix...)."""
    k = j
    while k < len(text) and text[k] == " ":
        k += 1
    close = text.find("}", k)
    if k >= len(text) or text[k] != "{" or close == -1:
        raise ReadError(f"\\{command} needs an environment name such as {{pmatrix}}",
                        Span(i, j))
    name = text[k + 1:close].strip()
    span = Span(i, close + 1)
    if name not in _MATRIX_ENVIRONMENTS:
        raise ReadError(f'unsupported LaTeX environment "{name}"; use pmatrix or bmatrix', span)
    tokens.append(Token("mbegin" if command == "begin" else "mend", name, span))
    return close + 1
