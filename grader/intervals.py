"""The ``interval`` kind: inequalities and unions of intervals, read and compared as sets.

Students describe the same set of reals in many ways: ``x < -1 or x > 2``,
``(-∞, -1) ∪ (2, ∞)``, ``x ∈ (-inf, -1) U (2, inf)``, ``{x : x > 2}``.  Each is read into
a list of pieces (an interval with its two ends, each open or closed), then normalised:
empty pieces dropped, the rest sorted and overlapping or touching pieces merged.  Two
answers are equal when their normal forms are, end by end, so equivalent descriptions
are equal and an open end is never taken for a closed one.

Endpoints are exact expressions (``√2``, ``-1/3``, ``ln 2``), read with
:func:`grader.parse.parse` (constants only) and compared in high precision.

>>> grade_interval("(-oo, -1) U (2, oo)", "x < -1 or x > 2", ("x",)).status
'correct'
>>> grade_interval("[0, 1)", "0 < x < 1", ("x",)).feedback
'Your set should include x = 0 (a closed end: [ or ≥).'
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import mpmath

from grader import feedback
from grader.errors import ReadError, Span
from grader.latex import to_latex
from grader.numeric import MpTracker, TimeUp, Undefined, evaluate_mp
from grader.parse import MAX_LENGTH, parse
from grader.tree import Node

__all__ = ["End", "Graded", "Piece", "grade_interval", "intervals_latex", "normalise", "read_intervals"]

#: Working precision for endpoints, in bits: ends closer than this are the same end.
PRECISION = 256
#: Most pieces an answer may have.
MAX_PIECES = 20

_INFINITY = {"∞", "inf", "infty", "infinity", "oo", "\\infty", "+∞", "+inf", "+infty",
             "+infinity", "+oo", "+\\infty"}
_MINUS_INFINITY = {"-" + w.lstrip("+") for w in _INFINITY} | \
    {"−" + w.lstrip("+") for w in _INFINITY}
_EVERYTHING = {"r", "ℝ", "\\mathbb{r}", "all real numbers", "all reals", "all x", "everywhere",
               "(-∞, ∞)", "every real number"}
_NOTHING = {"∅", "{}", "\\emptyset", "\\varnothing", "no solution", "none", "empty",
            "empty set", "the empty set", "no x", "ø"}
# Comparison signs in every spelling, longest first so "<=" is not read as "<" then "=".
_COMPARISONS = [("\\leq", "<="), ("\\geq", ">="), ("\\le", "<="), ("\\ge", ">="),
                ("\\lt", "<"), ("\\gt", ">"), ("\\neq", "!="), ("\\ne", "!="),
                ("<=", "<="), (">=", ">="), ("=<", "<="), ("=>", ">="), ("!=", "!="),
                ("≤", "<="), ("≥", ">="), ("⩽", "<="), ("⩾", ">="), ("≠", "!="), ("<", "<"),
                (">", ">"), ("=", "=")]
_UNION = re.compile(r"∪|\\cup|\bU\b|\bor\b|\|\||或")
_COMMA = re.compile(",")
_INTERSECTION = re.compile(r"∩|\\cap|\band\b|&&|且")
_MEMBER = re.compile(r"^\s*([A-Za-z]\w*)\s*(?:∈|\\in\b|\bin\b|=(?![<>=]))\s*")
_BUILDER = re.compile(r"^\s*\{\s*([A-Za-z]\w*)\s*(?:∈\s*(?:ℝ|R|\\mathbb\{R\}))?\s*[:|]\s*(.*)\}\s*$",
                      re.S)


@dataclass(frozen=True)
class End:
    """One end of a piece: its value (±inf for an unbounded side), as typed, and whether
    it belongs to the set."""

    value: mpmath.mpf
    node: Node | None
    closed: bool
    text: str = ""

    @property
    def infinite(self) -> bool:
        return mpmath.isinf(self.value)


@dataclass(frozen=True)
class Piece:
    """An interval from ``lo`` to ``hi`` (a single point when both are the same, closed)."""

    lo: End
    hi: End


@dataclass(frozen=True)
class Graded:
    """Verdict of one interval answer before it is dressed as a :class:`grader.Verdict`."""

    status: str
    score: float
    feedback: str
    interpreted: str = ""


# -- reading ------------------------------------------------------------------------------

def read_intervals(text: str, variables: tuple[str, ...] = ("x",), *,
                   deadline: float | None = None) -> tuple[Piece, ...]:
    """Read an inequality, an interval or a union of them into normalised pieces.

    Parameters:
        text: the answer as typed.
        variables: the problem's variables; the inequality is in the first (``x`` when
            there is none).
        deadline: ``time.monotonic()`` after which evaluating an endpoint gives up.

    Returns:
        The pieces, sorted, disjoint and not touching (an empty tuple for the empty set).

    Raises:
        ReadError: with the span of the problem.

    >>> [(float(p.lo.value), float(p.hi.value), p.lo.closed, p.hi.closed)
    ...  for p in read_intervals("x >= 1 and x < 3 or x = 5")]
    [(1.0, 3.0, True, False), (5.0, 5.0, True, True)]
    """
    if len(text) > MAX_LENGTH:
        raise ReadError(f"answer too long ({len(text)} characters; at most {MAX_LENGTH})",
                        None, text)
    if not text.strip():
        raise ReadError("empty answer", None, text)
    name = variables[0] if variables else "x"
    reader = _Reader(text, name, time.monotonic() + 1.0 if deadline is None else deadline)
    try:
        return normalise(reader.read())
    except ReadError as err:
        raise err.with_text(text) from None


class _Reader:
    def __init__(self, text: str, name: str, deadline: float) -> None:
        self.text = text
        self.name = name
        self.deadline = deadline

    def read(self) -> list[Piece]:
        start, end = 0, len(self.text)
        member = _MEMBER.match(self.text)
        builder = _BUILDER.match(self.text)
        if builder:
            start, end = builder.start(2), builder.end(2)
            self.check_name(builder.group(1), builder.start(1))
        elif member and member.group(1) == self.name:
            start = member.end()
        pieces: list[Piece] = []
        for lo, hi in self.listed(_split(self.text, start, end, _UNION)):
            part = self.intersected(lo, hi)
            pieces += part
            if len(pieces) > MAX_PIECES:
                raise ReadError(f"too many pieces (at most {MAX_PIECES})", Span(lo, hi))
        return pieces

    def listed(self, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Commas at the top level list intervals (``(-∞, -1), (2, ∞)``: a union); between
        inequalities a comma could mean "or" or "and", so it is refused."""
        out = []
        for start, end in parts:
            items = _split(self.text, start, end, _COMMA)
            if len(items) > 1 and not all(self.text[a:b].strip()[:1] in ("(", "[", "{")
                                          for a, b in items):
                comma = items[0][1]
                raise ReadError('a comma between inequalities could mean "or" or "and"; '
                                'write "or" for either, "and" for both', Span(comma, comma + 1))
            out += items
        return out

    def check_name(self, name: str, at: int) -> None:
        if name != self.name:
            raise ReadError(f'"{name}" is not the variable of this problem; use {self.name}',
                            Span(at, at + len(name)))

    def intersected(self, start: int, end: int) -> list[Piece]:
        parts = [self.part(lo, hi) for lo, hi in _split(self.text, start, end, _INTERSECTION)]
        result = parts[0]
        for other in parts[1:]:
            result = [p for a in result for b in other
                      for p in [_intersect(a, b)] if p is not None]
        return result

    def part(self, start: int, end: int) -> list[Piece]:
        raw = self.text[start:end]
        lead = len(raw) - len(raw.lstrip())
        start, raw = start + lead, raw.strip()
        end = start + len(raw)
        if not raw:
            raise ReadError("an empty part (two separators in a row?)", Span(start, end))
        low = raw.lower()
        if low in _NOTHING:
            return []
        if low in _EVERYTHING or low.replace(" ", "") in ("(-∞,∞)", "(-inf,inf)", "(-oo,oo)",
                                                          "(-∞,+∞)", "(-inf,+inf)"):
            return [Piece(_infinite(-1), _infinite(1))]
        if raw[0] in "([" and raw[-1] in ")]" and len(_inner_commas(raw)) == 1:
            return [self.interval(start, end)]
        if raw[0] == "{" and raw[-1] == "}":
            return self.points(start + 1, end - 1)
        return self.inequality(start, end)

    def interval(self, start: int, end: int) -> Piece:
        raw = self.text[start:end]
        comma = start + _inner_commas(raw)[0]  # read() saw exactly one
        lo = self.endpoint(start + 1, comma)
        hi = self.endpoint(comma + 1, end - 1)
        left_closed, right_closed = raw[0] == "[", raw[-1] == "]"
        for e, closed, at in ((lo, left_closed, start), (hi, right_closed, end - 1)):
            if e[0] is not None and mpmath.isinf(e[0]) and closed:
                raise ReadError("an infinite end is always open: use ( or )", Span(at, at + 1))
        if lo[0] is not None and hi[0] is not None and lo[0] > hi[0]:
            raise ReadError("the left end is larger than the right end", Span(start, end))
        return Piece(End(lo[0], lo[1], left_closed, self.text[start + 1:comma]),
                     End(hi[0], hi[1], right_closed, self.text[comma + 1:end - 1]))

    def points(self, start: int, end: int) -> list[Piece]:
        pieces = []
        for lo, hi in _split(self.text, start, end, _COMMA):
            value, node = self.endpoint(lo, hi)
            if mpmath.isinf(value):
                raise ReadError("infinity is not a number in a set", Span(lo, hi))
            point = End(value, node, True, self.text[lo:hi])
            pieces.append(Piece(point, point))
        return pieces

    def inequality(self, start: int, end: int) -> list[Piece]:
        signs = _comparisons(self.text, start, end)
        if not signs:
            value, node = self.endpoint(start, end)  # a lone number: the point {a}
            point = End(value, node, True, self.text[start:end])
            return [Piece(point, point)]
        if len(signs) > 2:
            raise ReadError("at most two comparisons in a row, as in -1 < x <= 2",
                            Span(signs[2][0], signs[2][1]))
        bounds = [start] + [k for s in signs for k in s[:2]] + [end]
        sides = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
        ops = [s[2] for s in signs]
        names = [k for k, (lo, hi) in enumerate(sides) if self.text[lo:hi].strip() == self.name]
        if len(names) != 1:
            where = Span(start, end)
            raise ReadError(f"an inequality needs {self.name} alone on one side, as in "
                            f"{self.name} > 2 or -1 < {self.name} <= 2", where)
        k = names[0]
        if len(sides) == 3 and k != 1:
            raise ReadError(f"put {self.name} in the middle, as in -1 < {self.name} <= 2",
                            Span(start, end))
        pieces = [Piece(_infinite(-1), _infinite(1))]
        for index, op in enumerate(ops):
            other = sides[index] if index < k else sides[index + 1]
            value, node = self.endpoint(*other)
            if mpmath.isinf(value):
                raise ReadError("compare with a number, not with infinity", Span(*other))
            # Put the variable on the left: "3 > x" is "x < 3".
            if index < k:
                op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
            typed = self.text[other[0]:other[1]]
            bound = End(value, node, op in ("<=", ">=", "="), typed)
            if op in ("<", "<="):
                cut = [Piece(_infinite(-1), bound)]
            elif op in (">", ">="):
                cut = [Piece(bound, _infinite(1))]
            elif op == "=":
                cut = [Piece(bound, bound)]
            else:  # x != a
                cut = [Piece(_infinite(-1), End(value, node, False, typed)),
                       Piece(End(value, node, False, typed), _infinite(1))]
            pieces = [p for a in pieces for b in cut for p in [_intersect(a, b)] if p is not None]
        return pieces

    def endpoint(self, start: int, end: int) -> tuple[mpmath.mpf, Node | None]:
        raw = self.text[start:end]
        word = raw.strip().replace(" ", "").lower()
        if word in _INFINITY:
            return mpmath.inf, None
        if word in _MINUS_INFINITY:
            return -mpmath.inf, None
        if not word:
            raise ReadError("an end is missing", Span(start, max(end, start + 1)))
        try:
            node = parse(raw, variables=())
        except ReadError as err:
            span = None if err.span is None else \
                Span(start + err.span.start, start + err.span.end)
            if self.name in raw:
                raise ReadError(f"an end of an interval is a number, not an expression in "
                                f"{self.name}", Span(start, end)) from None
            raise ReadError(err.reason, span) from None
        with mpmath.workprec(PRECISION):
            try:
                value = evaluate_mp(node, {}, MpTracker(self.deadline))
            except Undefined:
                raise ReadError("this end has no value (or is too large)",
                                Span(start, end)) from None
            if isinstance(value, mpmath.mpc):
                raise ReadError("an end must be a real number", Span(start, end))
        return value, node


def _split(text: str, start: int, end: int, separator: re.Pattern) -> list[tuple[int, int]]:
    """Top-level pieces of ``text[start:end]`` between matches of ``separator``.

    Brackets of intervals need not match in type (``[0, 1)``), so depth counts any
    opening and any closing bracket.
    """
    parts, depth, k, last = [], 0, start, start
    while k < end:
        ch = text[k]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            match = separator.match(text, k, end)
            if match and match.end() > k:
                parts.append((last, k))
                last = k = match.end()
                continue
        k += 1
    parts.append((last, end))
    return parts


def _inner_commas(raw: str) -> list[int]:
    """Where the commas directly inside the outermost bracket of ``raw`` are."""
    depth, found = 0, []
    for k, ch in enumerate(raw):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 1:
            found.append(k)
    return found


def _comparisons(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, normalised sign) of each comparison at top level."""
    found, depth, k = [], 0, start
    while k < end:
        ch = text[k]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            for spelling, sign in _COMPARISONS:
                if text.startswith(spelling, k) and k + len(spelling) <= end:
                    found.append((k, k + len(spelling), sign))
                    k += len(spelling)
                    break
            else:
                k += 1
            continue
        k += 1
    return found


def _infinite(sign: int) -> End:
    return End(mpmath.inf if sign > 0 else -mpmath.inf, None, False)


def _same(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    if mpmath.isinf(a) or mpmath.isinf(b):
        return a == b
    with mpmath.workprec(PRECISION):
        return abs(a - b) <= mpmath.ldexp(1, 32 - PRECISION) * (1 + max(abs(a), abs(b)))


def _empty(p: Piece) -> bool:
    if _same(p.lo.value, p.hi.value):
        return not (p.lo.closed and p.hi.closed) or p.lo.infinite
    return p.lo.value > p.hi.value


def _intersect(a: Piece, b: Piece) -> Piece | None:
    lo = _pick(a.lo, b.lo, larger=True)
    hi = _pick(a.hi, b.hi, larger=False)
    piece = Piece(lo, hi)
    return None if _empty(piece) else piece


def _pick(a: End, b: End, *, larger: bool) -> End:
    """The tighter of two ends on the same side; at a tie, open wins (intersection)."""
    if _same(a.value, b.value):
        return a if not a.closed else b
    if (a.value > b.value) == larger:
        return a
    return b


def normalise(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Drop empty pieces, sort, and merge pieces that overlap or touch.

    ``[0, 1) ∪ [1, 2]`` is ``[0, 2]``; ``(0, 1) ∪ (1, 2)`` stays two pieces (1 is out).
    """
    kept = [p for p in pieces if not _empty(p)]
    kept.sort(key=lambda p: (p.lo.value, not p.lo.closed))
    merged: list[Piece] = []
    for p in kept:
        if merged:
            last = merged[-1]
            touching = _same(p.lo.value, last.hi.value) and (p.lo.closed or last.hi.closed)
            if touching or p.lo.value < last.hi.value and not _same(p.lo.value, last.hi.value):
                if _same(p.hi.value, last.hi.value):
                    hi = last.hi if last.hi.closed else p.hi
                else:
                    hi = p.hi if p.hi.value > last.hi.value else last.hi
                merged[-1] = Piece(last.lo, hi)
                continue
        merged.append(p)
    return tuple(merged)


# -- grading ------------------------------------------------------------------------------

def grade_interval(expected: str, answer: str, variables: tuple[str, ...] = (), *,
                   deadline: float | None = None) -> Graded:
    """Grade an interval answer: equal as sets of reals, ends open or closed alike.

    Raises:
        ReadError: when ``expected`` cannot be read (an instructor error).

    >>> grade_interval("(0, 2]", "x ∈ (0, 2)", ("x",)).feedback
    'Your set should include x = 2 (a closed end: ] or ≤).'
    """
    try:
        want = read_intervals(expected, variables, deadline=deadline)
    except ReadError as err:
        raise ReadError(f"the expected answer {expected!r} cannot be read: {err.message}",
                        err.span, expected) from None
    except TimeUp:
        return Graded("undecided", 0.0, feedback.UNDECIDED)
    try:
        got = read_intervals(answer, variables, deadline=deadline)
    except ReadError as err:
        return Graded("invalid", 0.0, feedback.invalid(err))
    except TimeUp:
        # Out of time is not unreadable: a person decides.
        return Graded("undecided", 0.0, feedback.UNDECIDED)
    shown = intervals_latex(got)
    name = variables[0] if variables else "x"
    if len(want) == len(got) and all(_same_end(a.lo, b.lo) and _same_end(a.hi, b.hi)
                                     for a, b in zip(want, got)):
        return Graded("correct", 1.0, feedback.CORRECT, shown)
    return Graded("incorrect", _score(want, got), _difference(want, got, name), shown)


def _same_end(a: End, b: End) -> bool:
    return _same(a.value, b.value) and a.closed == b.closed


def _ends(pieces: tuple[Piece, ...]) -> list[tuple[str, End]]:
    return [(side, end) for p in pieces for side, end in (("lo", p.lo), ("hi", p.hi))]


def _score(want: tuple[Piece, ...], got: tuple[Piece, ...]) -> float:
    """Share of ends right: the right value on the right side counts half, and the
    right open or closed kind the other half."""
    want_ends, got_ends = _ends(want), _ends(got)
    if not want_ends or not got_ends:
        return 0.0
    credit, used = 0.0, set()
    for side, end in want_ends:
        for k, (other_side, other) in enumerate(got_ends):
            if k not in used and other_side == side and _same(end.value, other.value):
                used.add(k)
                credit += 1.0 if end.closed == other.closed or end.infinite else 0.5
                break
    return credit / max(len(want_ends), len(got_ends))


def _contains(pieces: tuple[Piece, ...], x: mpmath.mpf) -> bool:
    for p in pieces:
        if _same(x, p.lo.value):
            if p.lo.closed:
                return True
        elif _same(x, p.hi.value):
            if p.hi.closed:
                return True
        elif p.lo.value < x < p.hi.value:
            return True
    return False


def _difference(want: tuple[Piece, ...], got: tuple[Piece, ...], name: str) -> str:
    """Name one number the two sets disagree on, preferring an end (open vs closed)."""
    ends = sorted({e.value for pieces in (want, got) for p in pieces
                   for e in (p.lo, p.hi) if not e.infinite}, key=float)
    shown = {float(e.value): _show(e) for pieces in (want, got) for p in pieces
             for e in (p.lo, p.hi) if not e.infinite}
    # First an end both sets have on the same side, open in one and closed in the other.
    for x in ends:
        side = _side(want, x)
        if side is not None and side == _side(got, x) and \
                _contains(want, x) != _contains(got, x):
            what = _show_value(x, shown)
            if _contains(want, x):
                how = "[ or ≥" if side == "lo" else "] or ≤"
                return f"Your set should include {name} = {what} (a closed end: {how})."
            how = "( or >" if side == "lo" else ") or <"
            return f"Your set should not include {name} = {what} (an open end: {how})."
    # Then any number in one set and not the other: inside a piece, then at an end.
    probes = [e - 1 for e in ends[:1]] + [(a + b) / 2 for a, b in zip(ends, ends[1:])] + \
        [e + 1 for e in ends[-1:]] or [mpmath.mpf(0)]
    for x in probes + ends:
        inside, given = _contains(want, x), _contains(got, x)
        if inside != given:
            where = _show_value(x, shown) if x in ends else _number(x)
            return f"Your set leaves out {name} = {where}." if inside else \
                f"Your set includes {name} = {where}, which is not in the solution."
    return "Your set is not the solution set."


def _side(pieces: tuple[Piece, ...], x: mpmath.mpf) -> str | None:
    """Whether ``x`` is a left end (``lo``), a right end (``hi``) of a piece, or neither.

    An isolated point counts as neither: it is in or out, not an end to open or close.
    """
    for p in pieces:
        lo, hi = _same(p.lo.value, x), _same(p.hi.value, x)
        if lo != hi:
            return "lo" if lo else "hi"
    return None


def _show(end: End) -> str:
    return " ".join(end.text.split())


def _show_value(x: mpmath.mpf, shown: dict[float, str]) -> str:
    return shown.get(float(x)) or _number(x)


def _number(x: mpmath.mpf) -> str:
    """4 significant digits, without a trailing ".0" (-2, 2.5, 1.414)."""
    text = mpmath.nstr(x, 4)
    return text[:-2] if text.endswith(".0") else text


def intervals_latex(pieces: tuple[Piece, ...]) -> str:
    """LaTeX of normalised pieces: ``\\left(-\\infty, -1\\right) \\cup \\left[0, 2\\right)``.

    >>> intervals_latex(read_intervals("x > 2"))
    '\\\\left(2, \\\\infty\\\\right)'
    """
    if not pieces:
        return "\\emptyset"
    out = []
    for p in pieces:
        if _same(p.lo.value, p.hi.value):
            out.append(f"\\left\\{{{_end_latex(p.lo)}\\right\\}}")
            continue
        left = "\\left[" if p.lo.closed else "\\left("
        right = "\\right]" if p.hi.closed else "\\right)"
        out.append(f"{left}{_end_latex(p.lo)}, {_end_latex(p.hi)}{right}")
    return " \\cup ".join(out)


def _end_latex(end: End) -> str:
    if end.infinite:
        return "\\infty" if end.value > 0 else "-\\infty"
    return to_latex(end.node) if end.node is not None else mpmath.nstr(end.value, 6)
