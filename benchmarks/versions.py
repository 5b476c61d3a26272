"""Version benchmark: the CPU time of making each student's problems (issue 15).

``make_version`` is the part of a class that plain WeasyPrint does not do: drawing each
problem's parameters, computing its values, answer and mistakes with SymPy, the
self-check that every listed mistake grades differently from the key, and the text of the
prompt and solution.  Two figures, in CPU seconds of this process (on a shared machine
wall time stretches much more):

1. per student: the worksheet's families as ``benchmarks/worksheets.py`` chooses them,
   over fresh students (each made once, as in a real class) after a few warm-up ones;
2. with ``--families``: per instance, for every shipped family, over fresh seeds.

    python benchmarks/versions.py [--students 40] [--families]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.worksheets import SEED, students  # noqa: E402
from calcdrill.generate import choose_families, make_version  # noqa: E402
from generator.banks.load import shipped_banks  # noqa: E402
from generator.instance import make_instance, seed_for  # noqa: E402

#: Students (or seeds) made before timing: imports, bank reading and first-use caches.
WARM_UP = 5


def per_student(count: int, problems: int) -> float:
    """CPU milliseconds per student, each of ``count`` fresh students made once."""
    chosen = choose_families(shipped_banks(), problems, seed=SEED)
    group = students(WARM_UP + count)
    for student in group[:WARM_UP]:
        make_version(student, chosen, seed=SEED)
    start = time.process_time()
    for student in group[WARM_UP:]:
        make_version(student, chosen, seed=SEED)
    return (time.process_time() - start) / count * 1000


def per_family(seeds: int) -> dict[str, float]:
    """CPU milliseconds per instance of every shipped family, over ``seeds`` fresh seeds."""
    table = {}
    for bank in shipped_banks():
        for family in bank.families:
            for k in range(2):
                make_instance(bank, family, seed_for(1, k))
            start = time.process_time()
            for k in range(2, 2 + seeds):
                make_instance(bank, family, seed_for(1, k))
            table[f"{bank.id}/{family.id}"] = (time.process_time() - start) / seeds * 1000
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--problems", type=int, default=10)
    parser.add_argument("--families", action="store_true", help="also time every family")
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    print(f"make_version: {per_student(args.students, args.problems):.1f} ms CPU per student "
          f"({args.problems} problems, {args.students} students)", flush=True)
    if args.families:
        table = per_family(args.seeds)
        for name, ms in sorted(table.items(), key=lambda item: -item[1]):
            print(f"{ms:8.1f} ms  {name}")
        print(f"{sum(table.values()):8.1f} ms  all {len(table)} families, one instance each")


if __name__ == "__main__":
    main()
