"""Grading benchmark: calcdrill's check() beside naive ``sympy.simplify(a - b) == 0``.

Runs on the public corpus (tests/grader/data/corpus.yaml), warm (each expected answer
already seen once, as when a class answers the same problem), and prints per-answer
median, p99 and throughput for both, measured in the same run, and their ratio.  The
baseline is given our parser for free (it could not read student syntax otherwise) and
is timed on the single-expression cases it can handle.

    python benchmarks/grading.py [--repeat 5]
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import check  # noqa: E402
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


def bench_calcdrill(cases: list[dict], repeat: int) -> tuple[list[float], float, int]:
    for case in cases:  # warm: parse caches and sample points, as in a real class
        _run_check(case)
    per_case, right = [], 0
    start = time.perf_counter()
    for case in cases:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            verdict = _run_check(case)
            times.append(time.perf_counter() - t0)
        per_case.append(statistics.median(times))
        right += verdict.status == case["verdict"]
    total = time.perf_counter() - start
    return per_case, repeat * len(cases) / total, right


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
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per answer")
    args = parser.parse_args()
    cases = _cases()
    expressions = [c for c in cases if c["kind"] == "expression" and c["verdict"] != "invalid"]

    ours, throughput, right = bench_calcdrill(cases, args.repeat)
    ours_expr, _, right_expr = bench_calcdrill(expressions, args.repeat)
    base, base_right, counted = bench_baseline(expressions)

    ms = lambda s: f"{s * 1e3:8.3f} ms"  # noqa: E731
    print(f"corpus: {len(cases)} answers ({len(expressions)} readable single expressions)")
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


if __name__ == "__main__":
    main()
