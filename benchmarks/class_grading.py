"""Class grading benchmark: 10,000 answers (500 students x 20 problems), throughput.

Builds a class manifest from real instances of the shipped banks (a pool of 200, so
setting up stays quick), writes wide submissions with a realistic mix (right answers,
the families' known mistakes, other wrong answers, blanks and unreadable ones), then
times ``grade_class`` on all cores and prints answers per second.

    python benchmarks/class_grading.py [--students 500] [--problems 20]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.banks.load import shipped_banks  # noqa: E402
from generator.instance import make_instance  # noqa: E402
from calcdrill.grading import grade_class, load_manifest, read_submissions  # noqa: E402


def pool_of_instances(size: int):
    families = [(b, f) for b in shipped_banks() for f in b.families]
    return [make_instance(*families[k % len(families)], 1000 + k) for k in range(size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--problems", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(7)
    pool = pool_of_instances(200)
    students, rows = [], []
    for s in range(args.students):
        sid = f"s{s:04d}"
        chosen = [pool[(s * 7 + n * 13) % len(pool)] for n in range(args.problems)]
        students.append({"student_id": sid, "name": f"Student {s}", "extra": {}, "problems": [
            {"student_id": sid, "number": n + 1, "code": f"X{s:04d}-{n:04d}-AAA", "kind": i.kind,
             "answer": i.answer, "variables": list(i.variables), "assume": i.assume,
             "tolerance": i.tolerance, "family": i.family, "prompt": "",
             "mistakes": [{"answer": m.answer, "feedback": m.feedback, "name": m.name}
                          for m in i.mistakes]} for n, i in enumerate(chosen)]})
        answers = []
        for i in chosen:
            roll = rng.random()
            if roll < 0.6:
                answers.append(i.answer)
            elif roll < 0.75 and i.mistakes:
                answers.append(rng.choice(i.mistakes).answer)
            elif roll < 0.85:
                answers.append("0" if i.kind != "label" else "saddle point")
            elif roll < 0.95:
                answers.append("")
            else:
                answers.append(rng.choice(["x^^2", "((x+1", "sine(x)", "9^9^9^9"]))
        rows.append([sid, *answers])
    with tempfile.TemporaryDirectory() as tmp:
        manifest_path = Path(tmp, "manifest.json")
        manifest_path.write_text(json.dumps({"title": "bench", "students": students}), "utf-8")
        submissions = Path(tmp, "submissions.csv")
        with open(submissions, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["student_id", *[f"q{n + 1}" for n in range(args.problems)]])
            writer.writerows(rows)
        manifest, table = load_manifest(manifest_path), read_submissions(submissions)
        start = time.perf_counter()
        graded = grade_class(manifest, table, progress=False)
        elapsed = time.perf_counter() - start
    answers = [g for row in graded.answers for g in row]
    counts = {s: sum(g.status == s for g in answers)
              for s in ("correct", "incorrect", "invalid", "blank", "undecided")}
    print(f"{len(answers):,} answers ({args.students} students x {args.problems} problems): "
          f"{', '.join(f'{v} {k}' for k, v in counts.items())}")
    print(f"graded in {elapsed:.2f} s: {len(answers) / elapsed:,.0f} answers/s")


if __name__ == "__main__":
    main()
