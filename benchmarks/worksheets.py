"""Worksheet benchmark: a 30-student, 10-problem class, beside plain WeasyPrint.

Generates the class with ``generate_class`` (worksheets, answer key, solutions,
manifest; typeset math; all cores) and, in the same run, renders the same documents'
HTML with the math left as plain text through plain WeasyPrint, one process, as the
baseline.  Prints both times and their ratio.

    python benchmarks/worksheets.py [--students 30] [--problems 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.banks.load import shipped_banks  # noqa: E402
from calcdrill.generate import choose_families, generate_class, make_version  # noqa: E402
from generator.documents.render import (DocumentInfo, answer_key_html, key_section_html,  # noqa: E402
                              solutions_html, worksheet_html, write_pdf)
from calcdrill.roster import Student  # noqa: E402
from generator.documents.typeset import plain_html  # noqa: E402

NAMES = ["María José García", "Mehmet Yılmaz", "Siobhán O'Brien", "Nguyễn Thị Lan",
         "Zhang Wei", "Ana Lúcia Souza", "Ólafur Jónsson", "Chloé Dubois", "Kwame Mensah",
         "Priya Raghunathan"]


def students(count: int) -> list[Student]:
    return [Student(f"s{k:03d}", f"{NAMES[k % len(NAMES)]} {k}") for k in range(1, count + 1)]


def ours(class_students, problems: int, seed: int, out: Path) -> float:
    start = time.perf_counter()
    generate_class(shipped_banks(), class_students, problems=problems, seed=seed, out=out,
                   info=DocumentInfo("Benchmark", "ML 101", "2026-11-21"), progress=False)
    return time.perf_counter() - start


def baseline(class_students, problems: int, seed: int, out: Path) -> float:
    """The same documents, math as plain text, plain WeasyPrint, one process."""
    chosen = choose_families(shipped_banks(), problems, seed=seed)
    versions = [make_version(s, chosen, seed=seed) for s in class_students]
    info = DocumentInfo("Benchmark", "ML 101", "2026-11-21")
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for v in versions:
        write_pdf(worksheet_html(v, info, math=plain_html), out / f"{v.student.student_id}.pdf")
        write_pdf(solutions_html([v], info, math=plain_html), out / f"sol-{v.student.student_id}.pdf")
    sections = [key_section_html(v, math=plain_html) for v in versions]
    write_pdf(answer_key_html(sections, info), out / "key.pdf")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--problems", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    class_students = students(args.students)
    ours_times, base_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            ours_times.append(ours(class_students, args.problems, 11 + r, Path(tmp, f"o{r}")))
            base_times.append(baseline(class_students, args.problems, 11 + r, Path(tmp, f"b{r}")))
    ours_median, base_median = statistics.median(ours_times), statistics.median(base_times)
    print(f"class: {args.students} students x {args.problems} problems "
          f"(worksheets, answer key, solutions, manifest); {args.repeat} runs")
    print(f"calcdrill generate (typeset math, all cores): median {ours_median:6.2f} s  "
          f"runs {', '.join(f'{t:.2f}' for t in ours_times)}")
    print(f"plain WeasyPrint, math as text, 1 process   : median {base_median:6.2f} s  "
          f"runs {', '.join(f'{t:.2f}' for t in base_times)}")
    print(f"ratio: {ours_median / base_median:.2f}x")


if __name__ == "__main__":
    main()
