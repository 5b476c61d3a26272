"""Grading benchmark for ``kind="matrix-expression"`` on its public corpus.

Runs every answer of tests/grader/data/matrix_corpus.yaml warm (each problem already seen
once, as when a class answers the same problem) and prints the per-answer median, p99,
maximum and throughput, and how many verdicts are right.  Also times the first, cold
answer of each problem (reading the expected answer and drawing its matrices).

    python benchmarks/matrix_grading.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader import check  # noqa: E402
from grader.matexpr.grade import _problem  # noqa: E402


def _cases() -> list[tuple[dict, dict]]:
    corpus = yaml.safe_load((ROOT / "tests/grader/data/matrix_corpus.yaml").read_text("utf-8"))
    return [(problem, answer) for problem in corpus for answer in problem["answers"]]


def _run(problem: dict, answer: dict):
    return check(problem["expected"], answer["answer"], kind="matrix-expression",
                 shapes=problem["shapes"], assume=problem.get("assume") or {},
                 variables=problem.get("variables") or [])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bench_matrix_expressions(repeat: int) -> dict[str, float]:
    """Warm per-answer times on the matrix corpus, and cold times per problem."""
    cases = _cases()
    _problem.cache_clear()
    cold = []
    seen: set[str] = set()
    for problem, answer in cases:
        if problem["problem"] not in seen:
            seen.add(problem["problem"])
            t0 = time.perf_counter()
            _run(problem, answer)
            cold.append(time.perf_counter() - t0)
    per_case, right = [], 0
    start = time.perf_counter()
    for problem, answer in cases:
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            verdict = _run(problem, answer)
            times.append(time.perf_counter() - t0)
        per_case.append(statistics.median(times))
        right += verdict.status == answer["verdict"]
    total = time.perf_counter() - start
    return {"answers": len(cases), "median": statistics.median(per_case),
            "p99": _percentile(per_case, 0.99), "max": max(per_case),
            "throughput": repeat * len(cases) / total, "right": right,
            "cold_median": statistics.median(cold), "cold_max": max(cold)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per answer")
    args = parser.parse_args()
    r = bench_matrix_expressions(args.repeat)
    ms = lambda s: f"{s * 1e3:7.2f} ms"  # noqa: E731
    print(f"matrix-expression corpus: {r['answers']} answers")
    print(f"warm : median {ms(r['median'])}  p99 {ms(r['p99'])}  max {ms(r['max'])}  "
          f"throughput {r['throughput']:,.0f} answers/s  verdicts right "
          f"{r['right']}/{r['answers']}")
    print(f"cold (first answer of a problem): median {ms(r['cold_median'])}  "
          f"max {ms(r['cold_max'])}")


if __name__ == "__main__":
    main()
