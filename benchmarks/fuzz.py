"""Fuzz the grader: generated, mutated and crafted answers for every kind, with a watchdog.

Every answer goes through :func:`grader.check`.  The run reports

* **exceptions**: anything ``check`` raised on student input (it must never raise);
* **hangs**: an answer still running after the watchdog's limit (10 s per answer);
* **slow**: answers that took longer than the 2-second bound (wall clock and CPU);
* **false accepts**: answers *built to differ* from the expected one (the expected answer
  plus ``relu(x - K)``, ``step(x - K)``, ``sin(2^k π x)``, ``10^-20``...) graded correct;
* peak memory (the largest resident set of a worker).

Inputs are a deterministic function of ``--seed`` and their index, so any reported input
can be replayed with ``--replay INDEX``.  Not part of the default test run; a bounded
version runs in ``tests/grader/test_fuzz.py``.

    nice python benchmarks/fuzz.py --count 100000 --processes 2 [--seed 0] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import signal
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from fractions import Fraction
from pathlib import Path

import mpmath
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from grader import KINDS as GRADER_KINDS, check  # noqa: E402
from grader.numeric import MpTracker, TimeUp, Undefined, evaluate_mp  # noqa: E402
from grader.parse import parse  # noqa: E402
from grader.errors import ReadError  # noqa: E402

#: The grader's promise: no answer takes longer than this, in seconds.
BOUND = 2.0
#: An answer still running after this many seconds is a hang (the watchdog stops it).
WATCHDOG = 10.0
KINDS = GRADER_KINDS


@dataclass(frozen=True)
class Problem:
    """An expected answer and its setting, as a bank would give it."""

    kind: str
    expected: str
    variables: tuple[str, ...] = ()
    assume: tuple[tuple[str, str], ...] = ()
    tolerance: float | None = None
    shapes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Case:
    """One fuzzed answer to a problem; ``crafted`` says it was built to differ."""

    index: int
    problem: Problem
    answer: str
    family: str
    crafted: bool = False


@dataclass
class Outcome:
    """What grading one case did."""

    index: int
    kind: str
    family: str
    status: str = ""
    wall: float = 0.0
    cpu: float = 0.0
    error: str = ""
    crafted: bool = False


# -- problems ---------------------------------------------------------------------------

# Expected answers beyond the corpus: kinks, many variables, wide domains.
_EXTRA = [
    Problem("expression", "x^2", ("x",)),
    Problem("expression", "relu(x)", ("x",)),
    Problem("expression", "heaviside(x)", ("x",)),
    Problem("expression", "abs(x) + y", ("x", "y")),
    Problem("expression", "max(x, y)", ("x", "y")),
    Problem("expression", "sigmoid(x)*(1 - sigmoid(x))", ("x",)),
    Problem("expression", "x^x*(ln(x) + 1)", ("x",), (("x", "positive"),)),
    Problem("expression", "w1*x1 + w2*x2 + b", ("w1", "x1", "w2", "x2", "b")),
    Problem("expression", "sqrt(1 - x^2)", ("x",)),
    Problem("expression", "2*x*exp(x^2)", ("x",)),
    Problem("expression", "1/x", ("x",), (("x", "nonzero"),)),
    Problem("expression", "sin(x)*cos(y)", ("x", "y")),
    Problem("vector", "[2*x, 3*y^2, 1]", ("x", "y")),
    Problem("matrix", "[[x, 1], [0, y]]", ("x", "y")),
    Problem("set", "{-1, 0, 2}", ("x",)),
    Problem("set", "{(0, 0), (1, 1)}", ("x", "y")),
    Problem("point", "(x, 2)", ("x",)),
    Problem("number", "pi/4"),
    Problem("number", "(-0.9)^(-0.9)"),
    Problem("label", "local minimum, saddle point"),
    Problem("interval", "(-oo, -1) U (0, 2]", ("x",)),
    Problem("interval", "x > 4", ("x",)),
    Problem("matrix-expression", "X^T(X w - y)", shapes=(("X", "n×d"), ("w", "d"), ("y", "n"))),
    Problem("matrix-expression", "(A + A^T) x", shapes=(("A", "n×n"), ("x", "n"))),
]


def problems() -> list[Problem]:
    """The corpus's expected answers (one per setting) and :data:`_EXTRA`."""
    cases = yaml.safe_load((ROOT / "tests/grader/data/corpus.yaml").read_text("utf-8"))
    seen: dict[Problem, None] = {}
    for c in cases:
        problem = Problem(c["kind"], str(c["expected"]), tuple(c.get("variables") or ()),
                          tuple(sorted((c.get("assume") or {}).items())), c.get("tolerance"),
                          tuple(sorted((c.get("shapes") or {}).items())))
        seen.setdefault(problem)
    for problem in _EXTRA:
        seen.setdefault(problem)
    return list(seen)


def _answers_by_kind() -> dict[str, list[str]]:
    cases = yaml.safe_load((ROOT / "tests/grader/data/corpus.yaml").read_text("utf-8"))
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for c in cases:
        out[c["kind"]].append(str(c["answer"]))
    return out


# -- generators -------------------------------------------------------------------------

_SNIPPETS = [
    "(1, 2)", "(1, 2)^2", "±", "sin(±x)", "9" * 40, "9" * 400, "sqrt(" + "9" * 39 + ")",
    "^9^9^9", "[[1, 2], [3, 4]]", "{1, 2}", "x = 1", "\\frac{", "|", "sqrt(", "10^400",
    "10^-400", "0." + "0" * 38 + "1", "e^(e^(e^x))", "σ", "²", "⁻¹", "√", "·", "−", "\\left(",
    "\\right)", "\\cdot", "\\sqrt{", "}", "{", "[", "]", "(", ")", ",", ";", "=", "!", "'",
    "∇f = ", "f'(x) = ", "dy/dx = ", "i", "j", "π", "e", "ln", "log(", "relu(", "step(", "abs(",
    "max(", "min(", "sign(", "atan2(", "2^2^2^2^2", "x^x^x^x", "(" * 70, ")" * 70, "x" * 300,
    "\\begin{pmatrix}", "\\end{pmatrix}", "&", "\\\\", "<", ">", "\x00", "\u202e", "　",
    "（", "）", "，", "sin^-1", "sin^2", "½", "x₁", "_", "_{", "1.5.5", "..", "e3", "2e-5",
    "sigmoid(1000)", "exp(10^4)", "tan(pi/2)", "1/0", "0^0", "(-8)^(1/3)", "sqrt(-1)",
    "ln(-1)", "{(1, 2), (3, 4)}", "[1, 2]^2", "[1,2]*[3,4]", "{1, 2} + 1", "(x = 1)^2",
    "sin([1, 2])", "abs((1, 2))", "-(1, 2)", "2 ± 3 ± 4 ± 5", "x=±1", "±sqrt(±x)",
]
_ALPHABET = list("xyzrt0123456789+-*/^()[]{}|,;=.!eπ√²·× _<>") + [
    "sin", "ln", "\\frac", "\\sqrt", "exp", "pi", "\\left(", "\\right)", "relu", "step",
    "abs", "max", "±", "i", "sigmoid", "x1", "x2", "w1",
]
_FUNCS = ["sin", "cos", "tan", "exp", "ln", "sqrt", "abs", "relu", "step", "sign", "sigmoid",
          "tanh", "atan", "asin", "cosh", "log2", "cbrt", "softplus"]
_LABEL_WORDS = ["min", "max", "saddle", "local minimum", "increasing", "decreasing",
                "neither", "scalar", "vector", "matrix", "row vector", "2x3", "3 by 2",
                "极小值", "鞍点", "it's a local max", "minmum", "sadle", ""]


def _number(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.5:
        return str(rng.randint(0, 12))
    if pick < 0.7:
        return f"{rng.uniform(0, 10):.{rng.randint(1, 6)}f}"
    if pick < 0.8:
        return "1" + "0" * rng.randint(5, 45)
    if pick < 0.9:
        return f"{rng.randint(1, 9)}/{rng.randint(2, 9)}"
    return rng.choice(["10^100", "10^-100", "2^64", "0.1^30", "7^77"])


def _expression(rng: random.Random, names: tuple[str, ...], depth: int = 0) -> str:
    """A random expression, in the many spellings students use."""
    if depth > 4 or rng.random() < 0.3:
        leaves = list(names) + ["pi", "π", "e"] if names else ["pi", "e"]
        return rng.choice(leaves) if rng.random() < 0.6 else _number(rng)
    pick = rng.random()
    a = _expression(rng, names, depth + 1)
    if pick < 0.35:
        b = _expression(rng, names, depth + 1)
        op = rng.choice(["+", "-", "*", "/", "^", " ", "·", "−", "**", "±"])
        return f"({a}){op}({b})" if rng.random() < 0.7 else f"{a}{op}{b}"
    if pick < 0.65:
        f = rng.choice(_FUNCS)
        if f in ("relu", "abs") and rng.random() < 0.2:
            return f"max({a}, {_expression(rng, names, depth + 1)})"
        return f"{f}({a})" if rng.random() < 0.8 else f"{f} {a}"
    if pick < 0.75:
        return f"\\frac{{{a}}}{{{_expression(rng, names, depth + 1)}}}"
    if pick < 0.85:
        return f"-{a}" if rng.random() < 0.5 else f"|{a}|"
    if pick < 0.92:
        return f"({a})^{rng.choice(['2', '3', '-1', '1/2', '0.5', '²', '100', '10^10'])}"
    return f"e^({a})"


def _structured(rng: random.Random, problem: Problem) -> str:
    names = problem.variables
    size = rng.randint(1, 4)
    items = [_expression(rng, names, 2) for _ in range(size)]
    shape = rng.random()
    if shape < 0.25:
        return "[" + ", ".join(items) + "]"
    if shape < 0.45:
        rows = [", ".join(_expression(rng, names, 3) for _ in range(size)) for _ in range(size)]
        return "[[" + "], [".join(rows) + "]]" if rng.random() < 0.7 else "[" + "; ".join(rows) + "]"
    if shape < 0.6:
        return "{" + ", ".join(items) + "}"
    if shape < 0.75:
        return "(" + ", ".join(items) + ")"
    if shape < 0.85 and names:
        return ", ".join(f"{rng.choice(names)} = {i}" for i in items)
    if shape < 0.95:
        return "{" + ", ".join(f"({i}, {j})" for i, j in zip(items, reversed(items))) + "}"
    return ", ".join(items)


def _mutate(rng: random.Random, text: str) -> str:
    """One to four random edits: deletions, insertions, duplications, hostile snippets."""
    chars = list(text)
    for _ in range(rng.randint(1, 4)):
        pick = rng.random()
        at = rng.randint(0, len(chars))
        if pick < 0.2 and chars:
            del chars[min(at, len(chars) - 1)]
        elif pick < 0.45:
            chars[at:at] = list(rng.choice(_ALPHABET))
        elif pick < 0.8:
            chars[at:at] = list(rng.choice(_SNIPPETS))
        elif pick < 0.9 and chars:
            end = rng.randint(at, min(len(chars), at + 20))
            chars[at:at] = chars[at:end] * rng.randint(1, 30)
        elif chars:
            j = rng.randrange(len(chars))
            k = rng.randrange(len(chars))
            chars[j], chars[k] = chars[k], chars[j]
    return "".join(chars)


def _huge(rng: random.Random, problem: Problem) -> str:
    """Inputs at and beyond every size bound."""
    unit = rng.choice(["x", "1", "min", "(", "[1, 2], ", "9", "sin(", "{1,", "x+", "|", " "])
    length = rng.choice([1000, 1999, 2001, 5000, 50_000, 1_000_000])
    if length >= 50_000 and rng.random() < 0.7:
        length = 4000  # keep most of the run quick; a few really big ones remain
    if problem.kind == "set":
        return "{" + ", ".join(str(k) for k in range(rng.choice([49, 50, 51, 60, 500]))) + "}"
    if problem.kind == "label":
        return ", ".join(rng.choice(_LABEL_WORDS[:6]) for _ in range(length // 8))[:length]
    return (unit * (length // len(unit) + 1))[:length]


# -- crafted differences ----------------------------------------------------------------

def _split_top(text: str) -> list[str] | None:
    """The top-level items of ``[a, b]``, ``(a, b)`` or ``{a, b}`` (None if not one)."""
    text = text.strip()
    if len(text) < 2 or text[0] not in "[({" or text[-1] not in "])}":
        return None
    items, depth, start = [], 0, 1
    for k, ch in enumerate(text[1:-1], start=1):
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return None
        if ch == "," and depth == 0:
            items.append(text[start:k])
            start = k + 1
    items.append(text[start:-1])
    return [i.strip() for i in items]


def _perturbations(rng: random.Random, problem: Problem, scalar: str
                   ) -> list[tuple[str, str, dict[str, Fraction]]]:
    """(perturbed text, family, a point where the perturbation is not zero)."""
    names = problem.variables
    out: list[tuple[str, str, dict[str, Fraction]]] = []
    base = {n: Fraction(7, 10) for n in names}
    tiny = rng.choice(["10^-20", "0.00000000000000000001", "10^-40", "2^-100", "e^-50"])
    out.append((f"({scalar}) + {tiny}", "tiny-constant", dict(base)))
    out.append((f"({scalar})*(1 + 10^-30)", "tiny-factor", dict(base)))
    if not names:
        return out
    x = rng.choice(names)
    real = dict(problem.assume).get(x, "real") not in ("positive", "nonnegative")
    sign = rng.choice([1, -1]) if real else 1
    K = rng.choice([2000, 1001, 12345, 10**6, 10**12, 10**30, Fraction(20001, 10)])
    k_text = str(K) if isinstance(K, int) else f"{float(K):g}"
    arg = f"{x} - {k_text}" if sign > 0 else f"-{x} - {k_text}"
    past = {**base, x: Fraction(sign) * (K + Fraction(K, 2) + Fraction(1, 3))}
    out.append((f"({scalar}) + relu({arg})", "relu-beyond", past))
    out.append((f"({scalar}) + step({arg})", "step-beyond", past))
    out.append((f"({scalar}) + abs({arg}) - ({arg})", "abs-beyond", {
        **base, x: Fraction(sign) * (K - Fraction(K, 2) - Fraction(1, 3))}))
    out.append((f"({scalar}) + max({arg}, 0)", "max-beyond", past))
    out.append((f"({scalar}) + sign({arg}) + 1", "sign-beyond", past))
    k = rng.choice([20, 30, 40, 50, 53, 55, 60])
    out.append((f"({scalar}) + sin(2^{k} π {x})", "sin-dyadic", {**base, x: Fraction(1, 3)}))
    out.append((f"({scalar}) + 10^-20 {x}", "tiny-linear", dict(base)))
    return out


def _value(text: str, problem: Problem, point: dict[str, Fraction]):
    """The finite real value of ``text`` at ``point``, or None (for ground truth)."""
    try:
        tree = parse(text, variables=problem.variables, allow_complex=problem.kind == "number")
    except ReadError:
        return None
    with mpmath.workprec(400):
        env = {k: mpmath.mpf(v.numerator) / v.denominator for k, v in point.items()}
        try:
            value = evaluate_mp(tree, env, MpTracker(time.monotonic() + 5))
        except (Undefined, TimeUp):
            return None
        if not mpmath.isfinite(value) or (
                isinstance(value, mpmath.mpc) and abs(value.imag) > mpmath.mpf(10) ** -100):
            return None
        return mpmath.re(value)


def _crafted(rng: random.Random, problem: Problem) -> tuple[str, str] | None:
    """The expected answer with one entry changed by a crafted, non-zero perturbation.

    The perturbation is kept only when the expected entry has a value at a point where
    the perturbation is not zero (respecting assumptions): then the answer truly differs.
    """
    if problem.kind == "label" or problem.tolerance is not None:
        return None
    if problem.kind in ("expression", "number"):
        entries, rebuild = [problem.expected], lambda new: new[0]
    else:
        outer = _split_top(problem.expected)
        if outer is None:
            return None
        nested = [_split_top(i) for i in outer]
        if problem.kind in ("matrix", "set") and all(n is not None for n in nested) \
                and problem.expected.strip()[1] in "[(":
            opener, closer = problem.expected.strip()[0], problem.expected.strip()[-1]
            widths = [len(row) for row in nested]
            brackets = [(o.strip()[0], o.strip()[-1]) for o in outer]
            entries = [e for row in nested for e in row]

            def rebuild(new: list[str]) -> str:
                it = iter(new)
                parts = [b[0] + ", ".join(next(it) for _ in range(w)) + b[1]
                         for w, b in zip(widths, brackets)]
                return opener + ", ".join(parts) + closer
        else:
            opener, closer = problem.expected.strip()[0], problem.expected.strip()[-1]
            entries = outer

            def rebuild(new: list[str]) -> str:
                return opener + ", ".join(new) + closer
    at = rng.randrange(len(entries))
    options = _perturbations(rng, problem, entries[at])
    rng.shuffle(options)
    for text, family, point in options:
        value = _value(entries[at], problem, point)
        # A factor (1 + 10^-30) changes nothing where the entry is 0.
        if value is not None and (family != "tiny-factor" or value != 0):
            new = list(entries)
            new[at] = text
            return rebuild(new), family
    return None


# -- cases ------------------------------------------------------------------------------

_PROBLEMS: list[Problem] = []
_ANSWERS: dict[str, list[str]] = {}


def _setup() -> None:
    if not _PROBLEMS:
        _PROBLEMS.extend(problems())
        _ANSWERS.update(_answers_by_kind())


def make_case(seed: int, index: int) -> Case:
    """The fuzzed case number ``index`` of run ``seed`` (deterministic)."""
    _setup()
    rng = random.Random(f"{seed}:{index}")
    problem = rng.choice(_PROBLEMS)
    pick = rng.random()
    if pick < 0.25:
        crafted = _crafted(rng, problem)
        if crafted is not None:
            return Case(index, problem, crafted[0], "crafted:" + crafted[1], True)
        pick = rng.random() * 0.75 + 0.25
    if pick < 0.5:
        source = rng.choice(_ANSWERS[problem.kind] + [problem.expected])
        return Case(index, problem, _mutate(rng, source), "mutated")
    if pick < 0.65:
        if problem.kind == "label":
            words = rng.sample(_LABEL_WORDS, rng.randint(1, 3))
            return Case(index, problem, ", ".join(words), "labels")
        if problem.kind in ("expression", "number"):
            return Case(index, problem, _expression(rng, problem.variables), "generated")
        return Case(index, problem, _structured(rng, problem), "generated")
    if pick < 0.8:
        return Case(index, problem, _structured(rng, problem), "structured")
    if pick < 0.97:
        soup = "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 30)))
        return Case(index, problem, soup, "soup")
    return Case(index, problem, _huge(rng, problem), "huge")


# -- running ----------------------------------------------------------------------------

class Hang(Exception):
    """Raised by the watchdog inside a worker."""


def _alarm(signum, frame):
    raise Hang()


def run_case(case: Case) -> Outcome:
    """Grade one case, timing it; exceptions are recorded, never raised."""
    p = case.problem
    out = Outcome(case.index, p.kind, case.family, crafted=case.crafted)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        verdict = check(p.expected, case.answer, kind=p.kind, variables=list(p.variables),
                        assume=dict(p.assume), tolerance=p.tolerance,
                        shapes=dict(p.shapes) or None)
        out.status = verdict.status
    except Hang:
        out.status, out.error = "hang", "watchdog"
    except Exception as exc:  # noqa: BLE001 - the point of a fuzzer is to catch them all
        out.status = "exception"
        out.error = f"{type(exc).__name__}: {exc}"[:300] + " @ " + \
            traceback.extract_tb(exc.__traceback__)[-1].name
    out.wall = time.perf_counter() - wall
    out.cpu = time.process_time() - cpu
    return out


def run_chunk(args: tuple[int, int, int, bool]) -> tuple[list[Outcome], int]:
    """Grade cases ``start .. start + count`` of run ``seed``; also the peak RSS in kB."""
    seed, start, count, watchdog = args
    outcomes = []
    if watchdog:
        signal.signal(signal.SIGALRM, _alarm)
    for index in range(start, start + count):
        case = make_case(seed, index)
        if watchdog:
            signal.setitimer(signal.ITIMER_REAL, WATCHDOG)
        try:
            outcomes.append(run_case(case))
        finally:
            if watchdog:
                signal.setitimer(signal.ITIMER_REAL, 0)
    return outcomes, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@dataclass
class Report:
    """Totals of a run, and examples of everything that went wrong."""

    count: int = 0
    seconds: float = 0.0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    crafted: int = 0
    crafted_by_status: dict[str, int] = field(default_factory=dict)
    exceptions: list[dict] = field(default_factory=list)
    hangs: list[dict] = field(default_factory=list)
    slow_wall: list[dict] = field(default_factory=list)
    slow_cpu: list[dict] = field(default_factory=list)
    false_accepts: list[dict] = field(default_factory=list)
    max_wall: float = 0.0
    max_cpu: float = 0.0
    peak_rss_mb: float = 0.0

    def add(self, outcome: Outcome, seed: int) -> None:
        self.count += 1
        self.by_kind[outcome.kind] = self.by_kind.get(outcome.kind, 0) + 1
        self.by_status[outcome.status] = self.by_status.get(outcome.status, 0) + 1
        self.max_wall = max(self.max_wall, outcome.wall)
        self.max_cpu = max(self.max_cpu, outcome.cpu)
        if outcome.crafted:
            self.crafted += 1
            self.crafted_by_status[outcome.status] = \
                self.crafted_by_status.get(outcome.status, 0) + 1

        def example() -> dict:
            case = make_case(seed, outcome.index)
            return {"index": outcome.index, "kind": outcome.kind, "family": outcome.family,
                    "expected": case.problem.expected, "answer": case.answer[:300],
                    "variables": list(case.problem.variables), "status": outcome.status,
                    "wall": round(outcome.wall, 3), "cpu": round(outcome.cpu, 3),
                    "error": outcome.error}

        if outcome.status == "exception":
            self.exceptions.append(example())
        if outcome.status == "hang":
            self.hangs.append(example())
        if outcome.wall > BOUND:
            self.slow_wall.append(example())
        if outcome.cpu > BOUND:
            self.slow_cpu.append(example())
        if outcome.crafted and outcome.status == "correct":
            self.false_accepts.append(example())

    @property
    def clean(self) -> bool:
        return not (self.exceptions or self.hangs or self.slow_wall or self.false_accepts)

    def summary(self) -> str:
        lines = [
            f"answers: {self.count} in {self.seconds:.0f} s  by kind: {_sorted(self.by_kind)}",
            f"verdicts: {_sorted(self.by_status)}",
            f"crafted (built to differ): {self.crafted}  verdicts: {_sorted(self.crafted_by_status)}",
            f"exceptions: {len(self.exceptions)}  hangs (> {WATCHDOG:g} s): {len(self.hangs)}  "
            f"over {BOUND:g} s: {len(self.slow_wall)} wall, {len(self.slow_cpu)} CPU  "
            f"false accepts: {len(self.false_accepts)}",
            f"slowest answer: {self.max_wall:.3f} s wall, {self.max_cpu:.3f} s CPU  "
            f"peak memory of a worker: {self.peak_rss_mb:.0f} MB",
        ]
        for title, items in (("exception", self.exceptions), ("hang", self.hangs),
                             ("over bound", self.slow_wall), ("false accept", self.false_accepts)):
            for item in items[:10]:
                lines.append(f"  {title}: {json.dumps(item, ensure_ascii=False)}")
        return "\n".join(lines)


def _sorted(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def run(count: int, *, seed: int = 0, processes: int = 1, chunk: int = 200,
        progress: bool = False) -> Report:
    """Fuzz ``count`` answers; ``processes`` > 1 uses a pool with a per-chunk watchdog."""
    report = Report()
    start = time.perf_counter()
    jobs = [(seed, s, min(chunk, count - s), processes > 1) for s in range(0, count, chunk)]
    if processes <= 1:
        for job in jobs:
            outcomes, rss = run_chunk(job)
            for outcome in outcomes:
                report.add(outcome, seed)
            report.peak_rss_mb = max(report.peak_rss_mb, rss / 1024)
    else:
        with multiprocessing.get_context("fork").Pool(processes, maxtasksperchild=50) as pool:
            results = pool.imap_unordered(run_chunk, jobs)
            for done in range(len(jobs)):
                # A chunk is at most `chunk` answers, each stopped by the in-worker watchdog;
                # one stuck in C code past that is a hang too, and ends the run.
                try:
                    outcomes, rss = results.next(timeout=chunk * WATCHDOG + 60)
                except multiprocessing.TimeoutError:
                    report.hangs.append({"error": "a worker stopped answering",
                                         "after": report.count})
                    pool.terminate()
                    break
                for outcome in outcomes:
                    report.add(outcome, seed)
                report.peak_rss_mb = max(report.peak_rss_mb, rss / 1024)
                if progress and done % 25 == 0:
                    print(f"  {report.count}/{count} answers, {time.perf_counter() - start:.0f} s,"
                          f" problems so far: {len(report.exceptions)} exceptions, "
                          f"{len(report.hangs)} hangs, {len(report.slow_wall)} slow, "
                          f"{len(report.false_accepts)} false accepts", flush=True)
    report.seconds = time.perf_counter() - start
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write the full report here")
    parser.add_argument("--replay", type=int, help="grade and show one case by its index")
    args = parser.parse_args()
    if args.replay is not None:
        case = make_case(args.seed, args.replay)
        print(json.dumps({"problem": asdict(case.problem), "answer": case.answer[:2000],
                          "family": case.family}, ensure_ascii=False, indent=1))
        print(asdict(run_case(case)))
        return
    report = run(args.count, seed=args.seed, processes=args.processes, progress=True)
    print(report.summary())
    if args.json:
        args.json.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1), "utf-8")
    sys.exit(0 if report.clean else 1)


if __name__ == "__main__":
    main()
