"""Worksheet benchmark: calcdrill against plain WeasyPrint, growth, and Dask, in one run.

Reports, with every ratio measured in this same run.  Times are given as wall seconds
and as CPU seconds (this process and every worker process it started): on a machine
shared with other work the wall time of both sides stretches, their CPU time much less.

1. start-up: seconds from a fresh interpreter to a worker starting the first student's
   job in a real ``generate_class`` (median of 3, bank cache warm: what a user sees from
   the second command on), then the same steps one by one: imports, banks, WeasyPrint,
   the math font and the process pool, on a new bank cache (generator/banks/cache.py),
   first cold (the banks parsed and written to it), then warm;
2. for each class size (default 10, 30 and 100 students x 10 problems): ``generate_class``
   (worksheets, answer key, solutions, manifest; typeset maths) beside plain WeasyPrint
   rendering the same documents' HTML with the maths left as text, BOTH on the same
   number of processes; seconds per student and the ratio.  Each size runs ``--repeat``
   times (ours, then plain, alternately; medians printed, with the range of the ratios),
   each run with a class seed of its own, so no run meets a formula, derivative or
   version that an earlier run (or the baseline's versions, made in this process) left
   in a cache;
3. the first class size again on a Dask ``LocalCluster`` (127.0.0.1) with 1 and 2
   single-threaded workers, when Dask is installed.

    python benchmarks/worksheets.py [--sizes 10,30,100] [--problems 10] [--workers 2]
                                    [--repeat 3] [--no-dask]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from calcdrill.generate import choose_families, generate_class, make_version  # noqa: E402
from calcdrill.roster import Student  # noqa: E402
from generator.banks.load import shipped_banks  # noqa: E402
from generator.documents.render import (DocumentInfo, answer_key_html,  # noqa: E402
                                        key_section_html, render_pdf, solutions_html,
                                        worksheet_html)
from generator.documents.typeset import plain_html  # noqa: E402

NAMES = ["María José García", "Mehmet Yılmaz", "Siobhán O'Brien", "Nguyễn Thị Lan",
         "Zhang Wei", "Ana Lúcia Souza", "Ólafur Jónsson", "Chloé Dubois", "Kwame Mensah",
         "Priya Raghunathan"]
INFO = DocumentInfo("Benchmark", "ML 101", "2026-11-21")
SEED = 11

STARTUP = """
import os, time
start, cpu = time.perf_counter(), sum(os.times()[:4])
from calcdrill.engines import open_engine
from calcdrill.generate import _warm_up
from generator.banks.load import shipped_banks
from generator.documents.render import _weasyprint
imported = time.perf_counter()
shipped_banks()
banks = time.perf_counter()
_weasyprint()
weasyprint = time.perf_counter()
_warm_up()  # WeasyPrint is loaded already: the math font
warm = time.perf_counter()
with open_engine(workers={workers}) as engine:
    engine.submit(int).result()
    ready, cpu = time.perf_counter(), sum(os.times()[:4]) - cpu  # with ldconfig & co.
print(imported - start, banks - imported, weasyprint - banks, warm - weasyprint,
      ready - warm, ready - start, cpu)
"""
STARTUP_PARTS = ("imports", "banks", "WeasyPrint", "math font", "engine")

# The start-up a user waits for: from a fresh interpreter to the moment a worker starts
# the first student's job, through the real generate_class (which also reads the banks'
# text, asks fontconfig about the names and prepares the output folder).
FIRST_JOB = """
import os, sys, tempfile, time
start = time.perf_counter()
from datetime import date
from pathlib import Path
import calcdrill.generate as generate
from calcdrill.roster import Student
from generator.banks.load import shipped_banks
from generator.documents.render import DocumentInfo

job = generate._student_job

def timed_job(plan, student):
    os.write(1, f"first job {{time.perf_counter() - start}}\\n".encode())
    os._exit(0)  # the moment is all that is measured

timed_job.__module__, timed_job.__qualname__ = job.__module__, job.__qualname__
generate._student_job = timed_job
with tempfile.TemporaryDirectory() as out:
    generate.generate_class(shipped_banks(), [Student("s1", "Ann Lee")], problems=10, seed=1,
                            out=Path(out), info=DocumentInfo("T", "C", str(date.today())),
                            workers={workers}, progress=False, retries=0)
"""


class Clock:
    """Wall and CPU seconds (ours and our reaped children's) since it was started."""

    def __enter__(self) -> "Clock":
        self.wall, self.cpu = time.perf_counter(), self._cpu()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, self._cpu() - self.cpu

    @staticmethod
    def median(clocks: list["Clock"]) -> "Clock":
        """The median wall and the median CPU seconds of several runs."""
        middle = Clock()
        middle.wall = sorted(c.wall for c in clocks)[len(clocks) // 2]
        middle.cpu = sorted(c.cpu for c in clocks)[len(clocks) // 2]
        return middle

    @staticmethod
    def _cpu() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system


def students(count: int) -> list[Student]:
    return [Student(f"s{k:04d}", f"{NAMES[k % len(NAMES)]} {k}") for k in range(1, count + 1)]


def ours(class_students, problems: int, out: Path, *, seed: int, **engine) -> Clock:
    with Clock() as clock:
        result = generate_class(shipped_banks(), class_students, problems=problems,
                                seed=seed, out=out, info=INFO, progress=False,
                                family_ids=families(problems), **engine)
    assert not result.failed, result.failed
    return clock


def families(problems: int) -> list[str]:
    """The same families for every run (chosen with :data:`SEED`); each run has its own
    class seed, so its students' parameters, formulas and answers are new to every
    cache (the versions the baseline makes in this process are never met again)."""
    return [f.id for _, f in choose_families(shipped_banks(), problems, seed=SEED)]


def _plain_student(version) -> int:
    """One student's worksheet and solutions, maths as text, plain WeasyPrint."""
    sheet = render_pdf(worksheet_html(version, INFO, math=plain_html))
    solutions = render_pdf(solutions_html([version], INFO, math=plain_html))
    return len(sheet) + len(solutions)


def _plain_key(sections, first: bool, total: int) -> int:
    return len(render_pdf(answer_key_html(sections, INFO, first=first, versions_total=total)))


def baseline(class_students, problems: int, workers: int, *, seed: int) -> Clock:
    """The same documents with the maths as plain text, rendered by WeasyPrint on the
    same number of processes (versions made beforehand, not timed)."""
    chosen = choose_families(shipped_banks(), problems, seed=seed,
                             family_ids=families(problems))
    versions = [make_version(s, chosen, seed=seed) for s in class_students]
    sections = [key_section_html(v, math=plain_html) for v in versions]
    with Clock() as clock, ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = [pool.submit(_plain_student, v) for v in versions]
        jobs += [pool.submit(_plain_key, sections[k:k + 20], k == 0, len(versions))
                 for k in range(0, len(versions), 20)]
        for job in jobs:
            job.result()
    return clock


def startup(workers: int, cache: str) -> list[float]:
    """Seconds of each part of the start-up (:data:`STARTUP_PARTS`), the total, and the
    CPU seconds of the process and the programs it ran (not its pool's workers), in a
    fresh interpreter whose bank cache is ``cache``."""
    code = STARTUP.format(workers=workers)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True,
                          capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                               "CALCDRILL_CACHE_DIR": cache})
    return [float(seconds) for seconds in done.stdout.split()[-len(STARTUP_PARTS) - 2:]]


def first_job(workers: int, cache: str) -> float:
    """Seconds from a fresh interpreter to a worker starting the first student's job, in
    a real ``generate_class`` run whose bank cache is ``cache``."""
    done = subprocess.run([sys.executable, "-c", FIRST_JOB.format(workers=workers)],
                          cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                               "CALCDRILL_CACHE_DIR": cache})
    found = [line for line in done.stdout.splitlines() if line.startswith("first job ")]
    if not found:
        raise RuntimeError(f"the first-job probe printed nothing: {done.stderr[-2000:]}")
    return float(found[0].split()[-1])


def startup_report(workers: int, runs: int = 3) -> str:
    """The start-up to the first student's job (median of ``runs``, bank cache warm), its
    split, and the first run (bank cache cold) beside it."""
    with tempfile.TemporaryDirectory() as cache:
        cold, warm = startup(workers, cache), startup(workers, cache)
        probes = sorted(first_job(workers, cache) for _ in range(runs))
    median = probes[len(probes) // 2]

    def split(times: list[float]) -> str:
        return ", ".join(f"{part} {seconds:.2f}" for part, seconds in zip(STARTUP_PARTS, times))

    return (f"start-up to the first student's job, generate_class on {workers} processes: "
            f"median {median:.2f} s of {runs} runs ({', '.join(f'{p:.2f}' for p in probes)};"
            f" bank cache warm)\n"
            f"  its split, step by step: {warm[-2]:.2f} s wall, "
            f"{warm[-1]:.2f} s CPU ({split(warm)}; bank cache warm)\n"
            f"  the first run, bank cache cold: {cold[-2]:.2f} s wall, {cold[-1]:.2f} s CPU "
            f"({split(cold)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,30,100")
    parser.add_argument("--problems", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each class size, alternating with the baseline")
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(startup_report(args.workers), flush=True)
    print(f"{'students':>8} {'calcdrill wall/CPU s':>21} {'plain wall/CPU s':>17} "
          f"{'ratio wall/CPU':>15} {'CPU s/student':>14}  ({args.problems} problems, "
          f"{args.workers} processes each side; medians of {args.repeat} runs, each run a "
          f"new class seed, ours then plain)", flush=True)
    first_time = None
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            group = students(size)
            runs = []
            for r in range(args.repeat):
                seed = SEED + 1000 * size + r
                mine = ours(group, args.problems, Path(tmp, f"o{size}-{r}"), seed=seed,
                            workers=args.workers)
                plain = baseline(group, args.problems, args.workers, seed=seed)
                runs.append((mine, plain))
            mine = Clock.median([m for m, _ in runs])
            plain = Clock.median([p for _, p in runs])
            wall = sorted(m.wall / p.wall for m, p in runs)
            cpu = sorted(m.cpu / p.cpu for m, p in runs)
            first_time = first_time or (size, mine)
            spread = (f"  runs: wall {wall[0]:.2f}-{wall[-1]:.2f}, CPU {cpu[0]:.2f}-{cpu[-1]:.2f}"
                      if len(runs) > 1 else "")
            print(f"{size:>8} {mine.wall:>10.1f} / {mine.cpu:>7.1f} {plain.wall:>7.1f} / "
                  f"{plain.cpu:>7.1f} {wall[len(wall) // 2]:>6.2f} / {cpu[len(cpu) // 2]:>5.2f}"
                  f" {mine.cpu / size:>8.2f} (plain {plain.cpu / size:.2f}){spread}", flush=True)
        if args.no_dask:
            return
        try:
            from distributed import LocalCluster
        except ImportError:
            print("Dask: not installed (pip install calcdrill[dask])")
            return
        size, local = first_time
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                              host="127.0.0.1", dashboard_address=None) as cluster:
                took = ours(students(size), args.problems, Path(tmp, f"d{workers}"),
                            seed=SEED + 7 + workers, scheduler=cluster.scheduler_address)
            print(f"Dask LocalCluster, {workers} worker(s): {size} students in "
                  f"{took.wall:.1f} s wall ({took.wall / size:.2f} s/student; local pool of "
                  f"{args.workers}: {local.wall:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
