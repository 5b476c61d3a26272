"""Grading benchmark: calcdrill's check() beside naive ``sympy.simplify(a - b) == 0``.

Runs on the public corpus (tests/grader/data/corpus.yaml) and times each (expected,
answer) pair once, *cold*: every cache of the grader (parsed expected answers, sample
points, expected values, high-precision evaluations, the reader's vocabulary) *and*
SymPy's global cache (``sympy.core.cache.clear_cache``) are cleared before the pair, so
nothing is reused from an earlier pair or an earlier run; that is the cost of an answer
seen for the first time.  Prints per-answer median, p99 and throughput, and the same
for the baseline measured in the same run, and their ratio.  The baseline is given our
parser for free (it could not read student syntax otherwise) and is timed on the
single-expression cases it can handle: its a and b are built, then SymPy's cache is
cleared, then ``simplify(a - b) == 0`` alone is timed (the same cold rule as ours, and
its building is not counted against it).

A real class is warmer than this: 300 students answer one problem, so everything kept
per *expected* answer is reused 299 times (``benchmarks/class_grading.py`` times that).

    python benchmarks/grading.py [--profile N]
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from pathlib import Path

import sympy
import yaml
from sympy.core.cache import clear_cache as clear_sympy_cache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import check, equivalence  # noqa: E402
from grader.errors import ReadError  # noqa: E402
from grader.parse import parse  # noqa: E402
from grader.symbolic import to_sympy  # noqa: E402

BASELINE_TIMEOUT = 5  # seconds; a simplify() still running then counts as "not equal"


def _cases() -> list[dict]:
    return yaml.safe_load((ROOT / "tests/grader/data/corpus.yaml").read_text("utf-8"))


def _run_check(case: dict):
    return check(case["expected"], case["answer"], kind=case["kind"],
                 variables=case.get("variables") or [], assume=case.get("assume") or {},
                 tolerance=case.get("tolerance"), shapes=case.get("shapes"))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


_CLEARERS: tuple[int, list] = (0, [])


def clear_caches() -> None:
    """Forget everything the grader and SymPy remember between answers.

    The grader's caches are found once (and again whenever a module has been imported
    since): walking every module before each pair would flush the processor's caches
    and time that walk's after-effects instead of the grading.
    """
    global _CLEARERS
    if _CLEARERS[0] != len(sys.modules):
        clearers = [value.cache_clear for name, module in list(sys.modules.items())
                    if name == "grader" or name.startswith("grader.")
                    for value in vars(module).values()
                    if callable(getattr(value, "cache_clear", None))]
        _CLEARERS = (len(sys.modules), clearers)
    for clear in _CLEARERS[1]:
        clear()
    equivalence._MP_CACHE.clear()
    equivalence._PROBES.clear()
    clear_sympy_cache()


def bench_calcdrill(cases: list[dict]) -> tuple[list[float], float, int]:
    """Each pair timed once, cold; returns per-pair seconds, throughput, verdicts right."""
    per_case, right, total = [], 0, 0.0
    for case in cases:
        clear_caches()
        t0 = time.perf_counter()
        verdict = _run_check(case)
        elapsed = time.perf_counter() - t0
        per_case.append(elapsed)
        total += elapsed
        right += verdict.status == case["verdict"]
    return per_case, len(cases) / total, right


def _timeout(signum, frame):
    raise TimeoutError


def bench_baseline(cases: list[dict]) -> tuple[list[float], int, int]:
    times, right, counted = [], 0, 0
    signal.signal(signal.SIGALRM, _timeout)
    for case in cases:
        variables = case.get("variables") or []
        assume = case.get("assume") or {}
        symbols = {v: sympy.Symbol(v, **({"positive": True} if assume.get(v) == "positive"
                                         else {"real": True})) for v in variables}
        try:
            a = to_sympy(parse(case["expected"], variables=variables), dict(symbols))
            b = to_sympy(parse(case["answer"], variables=variables), dict(symbols))
        except (ReadError, ValueError, TypeError):
            continue
        counted += 1
        clear_sympy_cache()  # cold, as ours is: a and b built, nothing else remembered
        t0 = time.perf_counter()
        signal.alarm(BASELINE_TIMEOUT)
        try:
            equal = sympy.simplify(a - b) == 0
        except TimeoutError:
            equal = False
        except Exception:  # noqa: BLE001 - the baseline's own failures count as "not equal"
            equal = False
        finally:
            signal.alarm(0)
        times.append(time.perf_counter() - t0)
        right += equal == (case["verdict"] == "correct")
    return times, right, counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="instead, profile cold checks of the corpus and print the top N")
    args = parser.parse_args()
    cases = _cases()
    expressions = [c for c in cases if c["kind"] == "expression" and c["verdict"] != "invalid"]
    if args.profile:
        profile(cases, args.profile)
        return

    ours, throughput, right = bench_calcdrill(cases)
    ours_expr, _, right_expr = bench_calcdrill(expressions)
    base, base_right, counted = bench_baseline(expressions)

    ms = lambda s: f"{s * 1e3:8.3f} ms"  # noqa: E731
    print(f"corpus: {len(cases)} answers ({len(expressions)} readable single expressions)")
    print("cold: each (expected, answer) pair timed once, every grader cache and SymPy's "
          "cache cleared before it; the baseline is timed in the same run, SymPy's cache "
          "cleared before each simplify")
    print(f"calcdrill, all kinds    : median {ms(statistics.median(ours))}  "
          f"p99 {ms(_percentile(ours, 0.99))}  max {ms(max(ours))}  "
          f"throughput {throughput:,.0f} answers/s  verdicts right {right}/{len(cases)}")
    print(f"calcdrill, expressions  : median {ms(statistics.median(ours_expr))}  "
          f"p99 {ms(_percentile(ours_expr, 0.99))}  verdicts right {right_expr}/{len(expressions)}")
    print(f"simplify(a-b)==0 (same) : median {ms(statistics.median(base))}  "
          f"p99 {ms(_percentile(base, 0.99))}  max {ms(max(base))}  "
          f"verdicts right {base_right}/{counted}")
    print(f"ratio (baseline median / calcdrill median, expressions): "
          f"{statistics.median(base) / statistics.median(ours_expr):.1f}x")
    print(f"ratio (baseline p99 / calcdrill p99, expressions): "
          f"{_percentile(base, 0.99) / _percentile(ours_expr, 0.99):.1f}x")


def profile(cases: list[dict], top: int) -> None:
    """cProfile of cold checks over the corpus: where first-sight time goes."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    for case in cases:
        clear_caches()
        profiler.enable()
        _run_check(case)
        profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    main()
