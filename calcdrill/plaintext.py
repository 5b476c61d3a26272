"""How the grader read an answer, as plain text a student can read in a spreadsheet.

The grader reports how it read an answer as LaTeX (:attr:`grader.Verdict.interpreted`),
for the typeset form on a page.  GRADED.csv and the class report echo it beside the
feedback, where raw LaTeX (``\\left(4 x - 3\\right) e^{2 x^{2} - 3 x}``) is unreadable;
:func:`plain_text` turns the LaTeX the grader writes into ``(4x - 3)·e^(2x² - 3x)``.

>>> plain_text(r"\\left(4 x - 3\\right) e^{2 x^{2} - 3 x}")
'(4x - 3)·e^(2x² - 3x)'
>>> plain_text(r"\\frac{x^{2}}{2 \\sqrt{y}}")
'x²/(2√y)'
"""

from __future__ import annotations

import re

__all__ = ["plain_text"]

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
    "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "pi": "π", "pm": "±", "cdot": "·", "infty": "∞", "arcsin": "arcsin", "arccos": "arccos",
    "arctan": "arctan",
}
_TOKEN = re.compile(r"\\[A-Za-z]+|\\[{}|\\,;! ]|\s+|.", re.S)
MAX_LENGTH = 4000  # an echo longer than this is cut: it is for reading, not re-grading


def plain_text(latex: str) -> str:
    """Plain text of the LaTeX the grader writes for how it read an answer."""
    if len(latex) > MAX_LENGTH:
        latex = latex[:MAX_LENGTH]
    tokens = _TOKEN.findall(latex)
    text, _ = _sequence(tokens, 0, stop=None)
    return re.sub(r"\s+", " ", text).strip()


def _group(tokens: list[str], k: int) -> tuple[str, int]:
    """The text of ``{...}`` (or of one token) starting at ``tokens[k]``."""
    while k < len(tokens) and tokens[k].isspace():
        k += 1
    if k < len(tokens) and tokens[k] == "{":
        return _sequence(tokens, k + 1, stop="}")
    if k < len(tokens):
        return _sequence([tokens[k]], 0, stop=None)[0], k + 1
    return "", k


def _atomic(text: str) -> bool:
    if re.fullmatch(r"[\w.]+[²³⁰¹⁴-⁹⁻]*", text):
        return True
    return text[:1] in "([" and _balanced_outer(text)


def _balanced_outer(text: str) -> bool:
    depth = 0
    for k, c in enumerate(text):
        depth += c in "(["
        depth -= c in ")]"
        if depth == 0 and k < len(text) - 1:
            return False
    return True


def _wrap(text: str) -> str:
    return text if _atomic(text) else f"({text})"


def _sequence(tokens: list[str], k: int, stop: str | None) -> tuple[str, int]:
    out: list[str] = []
    pending_space = False
    while k < len(tokens):
        tok = tokens[k]
        if stop is not None and tok == stop:
            return _join(out), k + 1
        k += 1
        if tok.isspace():
            pending_space = True
            continue
        piece = None
        if tok in ("\\left", "\\right"):
            continue
        if tok == "\\frac":
            top, k = _group(tokens, k)
            bottom, k = _group(tokens, k)
            piece = f"{_wrap(top)}/{_wrap(bottom)}"
        elif tok == "\\sqrt":
            root = ""
            if k < len(tokens) and tokens[k] == "[":
                end = tokens.index("]", k)
                root, k = "".join(tokens[k + 1:end]), end + 1
            arg, k = _group(tokens, k)
            piece = ("∛" if root == "3" else "√") + _wrap(arg)
        elif tok == "^":
            power, k = _group(tokens, k)
            # A plain exponent becomes a superscript (x²); any other is bracketed, so that
            # e^(x²) never reads as (e^x)².
            piece = power.translate(_SUPERSCRIPT) if re.fullmatch(r"-?\d+", power) \
                else "^" + (power if re.fullmatch(r"[A-Za-z0-9.]+", power) else f"({power})")
            out.append(("", piece))
            pending_space = False
            continue
        elif tok == "_":
            sub, k = _group(tokens, k)
            piece = sub.translate(_SUBSCRIPT) if sub.isdigit() else "_" + sub
            out.append(("", piece))
            pending_space = False
            continue
        elif tok in ("\\mathit", "\\operatorname", "\\mathrm"):
            piece, k = _group(tokens, k)
            piece = {"step": "step", "sgn": "sign"}.get(piece, piece)
        elif tok == "\\begin":
            _, k = _group(tokens, k)
            body, k = _until_end(tokens, k)
            piece = body
        elif tok in ("{", "}"):
            continue  # a bare brace only groups (\cos{\left(x\right)})
        elif tok in ("\\{", "\\}", "\\|"):
            piece = tok[1]
        elif tok == "\\\\":
            piece = "], ["
        elif tok == "&":
            piece = ", "
        elif tok.startswith("\\"):
            name = tok[1:]
            piece = _GREEK.get(name, name)
            if name == "cdot":
                out.append(("", "·"))
                pending_space = False
                continue
        else:
            piece = tok
        out.append((" " if pending_space else "", piece))
        pending_space = False
    return _join(out), k


def _until_end(tokens: list[str], k: int) -> tuple[str, int]:
    """The rows of a ``bmatrix`` as ``[[a, b], [c, d]]``."""
    depth, start = 0, k
    while k < len(tokens):
        if tokens[k] == "\\end" and depth == 0:
            body, _ = _sequence(tokens[start:k], 0, stop=None)
            _, k = _group(tokens, k + 1)
            return f"[[{body}]]", k
        depth += tokens[k] == "\\begin"
        depth -= tokens[k] == "\\end"
        k += 1
    return _sequence(tokens[start:], 0, stop=None)[0], k


_FUNCTIONS = {"sin", "cos", "tan", "sec", "csc", "cot", "sinh", "cosh", "tanh", "coth", "ln",
              "log", "arcsin", "arccos", "arctan", "max", "min", "exp"}


def _join(parts: list[tuple[str, str]]) -> str:
    """Glue pieces: a space between factors is a product, shown as ``·`` unless a number
    is followed by a letter (``4x``), a function by its argument, or an operator came first."""
    text = ""
    for space, piece in parts:
        p = piece.strip()
        if p in (",", "], ["):
            text = text.rstrip() + p + ("" if p == "], [" else " ")
        elif p in ("+", "-", "=", "±"):
            if not text.strip() or re.search(r"(?:[-+=±(\[{,]|\], \[)\s*$", text):
                text += p  # a sign, not an operation
            else:
                text = text.rstrip() + f" {p} "
        elif not text or text.endswith((" ", "(", "[", "{", "·")) or not space:
            text += piece
        elif re.search(r"(?:^|[^A-Za-z])(?:" + "|".join(_FUNCTIONS) + r")[₀-₉]*$", text):
            text += " " + piece
        elif p in _FUNCTIONS:
            text += " " + piece  # 2 ln x, x sin x: a function reads as a word
        elif p[:1] in ")]}":
            text = text.rstrip() + piece
        elif re.search(r"[\d.]$", text) and re.match(r"[A-Za-zα-ω√∛(]", piece):
            text += piece
        else:
            text += "·" + piece
    return text
