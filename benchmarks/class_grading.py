"""Class grading benchmark: 2,000 answers (200 students x 10 problems), throughput.

Builds a class manifest from every student's own version of the shipped banks (their own
parameters, so no expected answer is graded twice), writes wide submissions with a realistic mix (right answers,
the families' known mistakes, other wrong answers, blanks and unreadable ones), then
times ``grade_class`` on all cores and prints answers per second.

    python benchmarks/class_grading.py [--students 200] [--problems 10] [--profile 40]
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import importlib
import os
import pstats
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calcdrill.generate import make_version  # noqa: E402
from calcdrill.manifest import student_entry, write_manifest_entries  # noqa: E402
from calcdrill.roster import Student  # noqa: E402
from generator.banks.load import shipped_banks  # noqa: E402
from generator.documents.render import DocumentInfo  # noqa: E402
from calcdrill.grading import grade_class  # noqa: E402
from calcdrill.manifest import load_manifest  # noqa: E402
from calcdrill.submissions import read_submissions  # noqa: E402


def class_versions(students: int, problems: int) -> list:
    """Every student's own version (their own parameters, as in a real class) of
    ``problems`` families, taken in turn from all the shipped families."""
    # Made in another process: making a version grades its key and mistakes, which
    # would leave this process's grader caches warm with the very answers to grade.
    with ProcessPoolExecutor(max_workers=1) as other:
        return list(other.map(_version, [(s, problems) for s in range(students)],
                              chunksize=20))


def _version(job: tuple[int, int]):
    student, problems = job
    pool = [(b, f) for b in shipped_banks() for f in b.families]
    return make_version(Student(f"s{student:04d}", f"Student {student}"),
                        [pool[(student * problems + n) % len(pool)] for n in range(problems)],
                        seed=2026)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--problems", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0,
                        help="print a cProfile of the grading (this many lines) instead")
    args = parser.parse_args()
    rng = random.Random(7)
    print(f"making {args.students} versions of {args.problems} problems...", flush=True)
    versions = class_versions(args.students, args.problems)
    rows = []
    for version in versions:
        answers = []
        for i in version.instances:
            roll = rng.random()
            if roll < 0.55:
                answers.append(i.answer)
            elif roll < 0.7 and i.mistakes:
                answers.append(rng.choice(i.mistakes).answer)
            elif roll < 0.8 and i.kind == "expression":
                answers.append(f"({i.answer}) + 1")  # wrong, and none of the known mistakes
            elif roll < 0.85:
                answers.append("0" if i.kind != "label" else "saddle point")
            elif roll < 0.95:
                answers.append("")
            else:
                answers.append(rng.choice(["x^^2", "((x+1", "sine(x)", "9^9^9^9"]))
        rows.append([version.student.student_id, *answers])
    with tempfile.TemporaryDirectory() as tmp:
        manifest_path = Path(tmp, "manifest.json")
        write_manifest_entries(manifest_path, lambda: (student_entry(v) for v in versions),
                               DocumentInfo("bench", "ML", "2026-11-30"), seed=2026)
        submissions = Path(tmp, "submissions.csv")
        with open(submissions, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["student_id", *[f"q{n + 1}" for n in range(args.problems)]])
            writer.writerows(rows)
        manifest, table = load_manifest(manifest_path), read_submissions(submissions)
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(grade_class, manifest, table, progress=False, workers=1)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)
            return
        # Each run forks its workers from this process, which has graded nothing: every
        # run is first-time work.  The baseline is the same grading with every known
        # mistake graded against the answer one by one, as before the screen.
        ours, unscreened, results = [], [], []
        for _ in range(args.repeat):
            for times, screen in ((ours, True), (unscreened, False)):
                with _mistakes_screened(screen):
                    wall, cpu = time.perf_counter(), _cpu()
                    results.append(grade_class(manifest, table, progress=False,
                                               workers=args.workers))
                    times.append((time.perf_counter() - wall, _cpu() - cpu))
    same = all(_verdicts(r) == _verdicts(results[0]) for r in results)
    answers = [g for row in results[0].answers for g in row]
    counts = {s: sum(g.status == s for g in answers)
              for s in ("correct", "incorrect", "invalid", "blank", "undecided")}
    matched = sum(bool(g.mistake) for g in answers)
    print(f"{len(answers):,} answers ({args.students} students x {args.problems} problems): "
          f"{', '.join(f'{v} {k}' for k, v in counts.items())}; {matched} known mistakes "
          f"named; the same verdicts and mistakes with and without the screen: {same}")
    (wall, cpu), (base_wall, base_cpu) = _median(ours), _median(unscreened)
    print(f"graded on {args.workers} processes, medians of {args.repeat} runs: "
          f"{wall:.2f} s wall / {cpu:.2f} CPU-s, {len(answers) / wall:,.0f} answers/s; "
          f"every mistake graded one by one: {base_wall:.2f} s / {base_cpu:.2f} CPU-s "
          f"(ratio {wall / base_wall:.2f} wall, {cpu / base_cpu:.2f} CPU)")


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    middle = len(runs) // 2
    return sorted(w for w, _ in runs)[middle], sorted(c for _, c in runs)[middle]


def _verdicts(graded) -> list:
    return [(g.status, g.mistake, g.feedback) for row in graded.answers for g in row]


@contextmanager
def _mistakes_screened(screen: bool):
    """As it is, or (the baseline) with the screen ruling nothing out."""
    if screen:
        yield
        return
    module = importlib.import_module("grader.check")  # the module, not the function
    ruled_out = module.ruled_out
    module.ruled_out = lambda mistakes, answer, domain: [False] * len(mistakes)
    try:
        yield
    finally:
        module.ruled_out = ruled_out


if __name__ == "__main__":
    main()
