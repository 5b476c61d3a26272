"""A class's worksheets: choose families, make every student's version, write the files.

The same families in the same order for everyone (unless shuffled), each student with
their own parameters: student s's problem n has seed ``seed_for(class seed, s, n)``, so
the whole class is reproducible from the class seed, never from a worker's state.

The work is one job per student (make the version, typeset it, render the worksheet,
the key section and the worked solutions), submitted to one executor
(:mod:`calcdrill.engines`: local processes or a Dask cluster).  Jobs return bytes; only
this process writes files, each under a temporary name then renamed, and a student
counts as done when their record is in ``DIR/.calcdrill-progress/``.  A rerun of an
interrupted class therefore starts from what is complete; a job that fails, times out or
loses its worker is tried again, and a student whose job still fails is reported.  The
answer key (laid out in parts of a fixed number of students) and the solutions are
joined streaming at the end, so memory stays flat however large the class.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import queue
import random
import re
import shutil
import threading
import time
from collections import Counter, deque
from concurrent.futures import FIRST_COMPLETED, wait
from contextlib import contextmanager
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from markupsafe import Markup

from calcdrill.engines import Engine, open_engine
from calcdrill.manifest import student_entry, write_manifest_entries
from calcdrill.progress import progress_bar
from calcdrill.roster import Student
from generator.banks.limits import alarm, can_alarm
from generator.banks.load import Bank, Family, read_bank
from generator.documents.fonts import missing_glyphs
from generator.documents.pdfjoin import join_pdfs
from generator.documents.typeset import pdf_math_html
from generator.documents.render import (CSS_PATH, DocumentInfo, Version, answer_key_html,
                                        key_section_html, render_pdf, solutions_html,
                                        solutions_section_html, worksheet_html)
from generator.instance import make_instance, seed_for

log = logging.getLogger(__name__)

__all__ = ["ClassResult", "KEY_PART_STUDENTS", "PROGRESS_DIR", "choose_families",
           "generate_class", "make_version"]

#: Students per part of the answer key (a part starts a new page).  Fixed, so the key is
#: the same whatever the number of workers.
KEY_PART_STUDENTS = 20
#: Where an unfinished class keeps what is complete, inside the output folder.
PROGRESS_DIR = ".calcdrill-progress"


@dataclass(frozen=True)
class ClassResult:
    """What :func:`generate_class` wrote.

    ``failed`` lists the students whose job failed every try, with the reason; the
    documents then cover the others, and a rerun retries only these.  ``resumed`` counts
    the students found complete from an earlier, interrupted run.
    """

    out: Path
    manifest: Path
    worksheets: tuple[Path, ...]
    answer_key: Path
    solutions: Path
    failed: tuple[tuple[str, str], ...] = ()
    resumed: int = 0
    #: (student id, characters of their name that no installed font can print)
    unprintable: tuple[tuple[str, str], ...] = ()


def choose_families(banks: Sequence[Bank], problems: int, *, seed: int,
                    difficulty: Iterable[int] | None = None,
                    family_ids: Sequence[str] = ()) -> list[tuple[Bank, Family]]:
    """The families of the worksheet, in order.

    Named families come first, in the order given; otherwise a seeded sample of the
    banks' families (filtered by difficulty), easy before hard.  More problems than
    families reuse families (with other parameters).

    Raises:
        LookupError: for an unknown family id, or when no family is left to choose.
    """
    pool = [(b, f) for b in banks for f in b.families]
    if family_ids:
        by_id = {f.id: (b, f) for b, f in pool}
        missing = [i for i in family_ids if i not in by_id]
        if missing:
            raise LookupError(f"no family {', '.join(missing)} in the banks given")
        chosen = [by_id[i] for i in family_ids]
        return [chosen[k % len(chosen)] for k in range(problems)]
    if difficulty:
        wanted = set(difficulty)
        pool = [(b, f) for b, f in pool if f.difficulty in wanted]
    if not pool:
        raise LookupError("no family matches the difficulty asked for")
    rng = random.Random(f"families:{seed}")
    order = rng.sample(pool, len(pool))
    picked = [order[k % len(order)] for k in range(problems)]
    return sorted(picked, key=lambda bf: (bf[1].difficulty, pool.index(bf)))


def make_version(student: Student, chosen: Sequence[tuple[Bank, Family]], *, seed: int,
                 shuffle: bool = False) -> Version:
    """One student's version: each chosen family with the student's own seed."""
    order = list(range(len(chosen)))
    if shuffle:
        random.Random(f"order:{seed}:{student.student_id}").shuffle(order)
    instances = []
    for position in order:
        bank, family = chosen[position]
        instance = make_instance(bank, family, seed_for(seed, student.student_id, position + 1))
        instances.append(replace(instance, values={}))  # sympy values stay in the worker
    return Version(student, tuple(instances))


def _file_name(student_id: str, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", student_id).strip("._") or "student"
    name, k = base, 2
    while name.lower() in taken:
        name, k = f"{base}-{k}", k + 1
    taken.add(name.lower())
    return name


# -- the plan: everything a job needs, sent to whatever runs it ---------------------------

@dataclass(frozen=True)
class _Plan:
    """A class's recipe, picklable and free of state: the banks' text (so a worker on
    another machine needs no shared folder), the families, the seed and the header."""

    banks: tuple[tuple[str, str, str], ...]  # (path, sha256 of the text, text)
    families: tuple[tuple[int, str], ...]  # (index into banks, family id), in order
    seed: int
    shuffle: bool
    info: DocumentInfo
    fmt: str
    timeout: float

    def fingerprint(self, students: Sequence[Student]) -> str:
        """Identifies the class: a rerun resumes only a class with the same one."""
        data = json.dumps([[sha for _, sha, _ in self.banks], self.families, self.seed,
                           self.shuffle, [self.info.title, self.info.course, self.info.date],
                           self.fmt, [[s.student_id, s.name, sorted(s.extra.items())]
                                      for s in students]], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


_BANKS: dict[str, Bank] = {}  # per process: sha256 -> bank, parsed once


def _bank(path: str, sha: str, text: str) -> Bank:
    if sha not in _BANKS:
        _BANKS[sha], _ = read_bank(text, Path(path))
    return _BANKS[sha]


def _chosen(plan: _Plan) -> list[tuple[Bank, Family]]:
    banks = [_bank(*b) for b in plan.banks]
    return [(banks[k], banks[k].family(fid)) for k, fid in plan.families]


def _make_plan(chosen: Sequence[tuple[Bank, Family]], *, seed: int, shuffle: bool,
               info: DocumentInfo, fmt: str, timeout: float) -> _Plan:
    banks: list[Bank] = []
    for bank, _ in chosen:
        if all(bank is not b for b in banks):
            banks.append(bank)
    texts = []
    for bank in banks:
        text = Path(bank.path).read_text("utf-8")
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        _BANKS[sha] = bank  # the parent's (and forked workers') copy is already parsed
        texts.append((str(bank.path), sha, text))
    families = tuple((next(k for k, b in enumerate(banks) if b is bank), family.id)
                     for bank, family in chosen)
    return _Plan(tuple(texts), families, seed, shuffle, info, fmt, timeout)


# -- jobs, run by the engine's workers -----------------------------------------------------

@dataclass(frozen=True)
class _StudentOutput:
    """What a job returns for one student: their manifest entry and finished documents."""

    student_id: str
    entry: dict
    key_section: str
    worksheet: bytes
    solutions: bytes  # a PDF, or with --format html the student's section of the page


#: Seconds past 1.5 times its time limit after which the parent gives up on a job itself:
#: one its worker's alarm could not stop (stuck in C code, or on a cluster's thread).
OVERDUE_GRACE = 30.0


class JobTimeout(Exception):
    """A student's job ran longer than the class's time limit."""


@contextmanager
def _job_limit(seconds: float) -> Iterator[None]:
    """Interrupt the job after ``seconds`` (where signals can be used: a worker process's
    main thread; a Dask worker's thread is watched by the parent instead).

    It rings again until the job stops (:func:`generator.banks.limits.alarm`): one ring
    can be lost where it lands, as WeasyPrint logs and goes on after any exception while
    it loads an image.
    """
    if seconds <= 0 or not can_alarm():
        yield
        return
    with alarm(seconds, lambda: JobTimeout(f"took longer than {seconds:g} s")):
        yield


def _student_job(plan: _Plan, student: Student) -> _StudentOutput:
    """Make one student's version and render all of their documents.

    Typesetting happens here, in parallel: the key section comes back as finished HTML,
    the worksheet and solutions as finished files.  Formulas bound for a PDF are images
    named by their source (:func:`pdf_math_html`), so a key part laid out in another
    process draws them without the student's SVG travelling with it.
    """
    with _job_limit(plan.timeout):
        version = make_version(student, _chosen(plan), seed=plan.seed, shuffle=plan.shuffle)
        if plan.fmt == "html":
            worksheet = worksheet_html(version, plan.info,
                                       stylesheet="calcdrill.css").encode("utf-8")
            solutions = str(solutions_section_html(version, plan.info)).encode("utf-8")
            key = key_section_html(version)
        else:
            worksheet = render_pdf(worksheet_html(version, plan.info, math=pdf_math_html))
            solutions = render_pdf(solutions_html([version], plan.info, math=pdf_math_html))
            key = key_section_html(version, math=pdf_math_html)
        output = _StudentOutput(student.student_id, student_entry(version), str(key),
                                worksheet, solutions)
    _settle_heap()
    return output


def _key_part_job(info: DocumentInfo, sections: list[str], first: bool, total: int) -> bytes:
    """One part of the answer key, as an unnumbered PDF (numbers are stamped on joining)."""
    part = render_pdf(answer_key_html([Markup(s) for s in sections], info, first=first,
                                      versions_total=total))
    _settle_heap()
    return part


def _warm_up() -> None:
    """Import WeasyPrint, load the math font and the stylesheet before local workers
    fork, so every worker starts with them instead of loading them again.

    What is loaded is then frozen (``gc.freeze``): the collector of each worker would
    otherwise walk SymPy, WeasyPrint and the fonts, some 130,000 objects that never
    become garbage, on every full collection (a tenth of a student's time).
    """
    from generator.documents.render import _weasyprint
    from generator.documents.typeset import typeset

    _weasyprint()
    typeset("x")
    gc.freeze()


def _settle_heap() -> None:
    """After a job in a worker process: collect its garbage, then freeze what is left
    (the caches it filled), so that later jobs' collections walk only their own objects.

    Not in a thread of a worker that may run other jobs at the same time (Dask): their
    half-made garbage would be frozen with the rest and never collected.
    """
    if threading.current_thread() is threading.main_thread():
        gc.collect()
        gc.freeze()


# -- what is complete: files written whole, a record per student ---------------------------

def _write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` whole or not at all: a temporary name, then a rename."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


class _Progress:
    """``DIR/.calcdrill-progress``: the class's fingerprint and one record per student
    (written last, after their files), so what is there is complete."""

    def __init__(self, out: Path, fingerprint: str, generated: datetime | None) -> None:
        self.root = out / PROGRESS_DIR
        self.records, self.solutions, self.key = (self.root / "students",
                                                  self.root / "solutions", self.root / "key")
        state = self.root / "class.json"
        previous = None
        if state.exists():
            try:
                previous = json.loads(state.read_text("utf-8"))
            except (OSError, ValueError):
                previous = None
        if not previous or previous.get("fingerprint") != fingerprint:
            # Another class (or nothing) was here: start afresh.
            shutil.rmtree(self.root, ignore_errors=True)
            started = generated or datetime.now(timezone.utc)
            previous = {"fingerprint": fingerprint, "started": started.isoformat()}
            for folder in (self.records, self.solutions, self.key):
                folder.mkdir(parents=True, exist_ok=True)
            _write_atomic(state, json.dumps(previous).encode("utf-8"))
        self.started = generated or datetime.fromisoformat(previous["started"])
        for folder in (self.root, self.records, self.solutions, self.key):
            for stale in folder.glob(".*.tmp"):  # a write cut short by an interruption
                stale.unlink(missing_ok=True)

    def record(self, name: str) -> Path:
        return self.records / f"{name}.json"

    def is_done(self, name: str, *files: Path) -> bool:
        return self.record(name).exists() and all(f.exists() for f in files)

    def load(self, name: str) -> dict:
        return json.loads(self.record(name).read_text("utf-8"))

    def save(self, name: str, data: dict) -> None:
        _write_atomic(self.record(name), json.dumps(data, ensure_ascii=False).encode("utf-8"))


# -- the class --------------------------------------------------------------------------

def _file_names(students: Sequence[Student]) -> dict[str, str]:
    taken: set[str] = set()
    return {s.student_id: _file_name(s.student_id, taken) for s in students}


def generate_class(banks: Sequence[Bank], students: Sequence[Student], *, problems: int,
                   seed: int, out: Path, info: DocumentInfo, fmt: str = "pdf",
                   difficulty: Iterable[int] | None = None, family_ids: Sequence[str] = (),
                   shuffle: bool = False, workers: int | None = None,
                   scheduler: Any = None, progress: bool = True, retries: int = 2,
                   timeout: float = 300.0, generated: datetime | None = None) -> ClassResult:
    """Generate every student's worksheet, the answer key, the solutions and the manifest.

    Parameters
    ==========

    workers : local processes (default: one per core).
    scheduler : a Dask scheduler address or cluster; default ``CALCDRILL_SCHEDULER`` if
        set, else local processes.
    retries : how many more times a failed student's job is tried.
    timeout : seconds one student's job may take.
    generated : the time the manifest records (default: ``SOURCE_DATE_EPOCH`` if set,
        else when the class was first started, kept across a resumed run).

    The output is the same, byte for byte, on any engine and any number of workers.

    Raises
    ======

    LookupError: when the families asked for do not exist.
    BankError: when a family cannot produce a problem.
    EngineError: when the Dask scheduler asked for cannot be used.
    """
    if fmt not in ("pdf", "html"):
        raise ValueError(f"unknown format {fmt!r}; use pdf or html")
    ids = [s.student_id for s in students]
    if len(set(ids)) != len(ids):
        twice = sorted({i for i in ids if ids.count(i) > 1})
        raise ValueError(f"student ids must differ; repeated: {', '.join(twice)}")
    if generated is None and os.environ.get("SOURCE_DATE_EPOCH", "").isdigit():
        generated = datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), timezone.utc)
    chosen = choose_families(banks, problems, seed=seed, difficulty=difficulty,
                             family_ids=family_ids)
    plan = _make_plan(chosen, seed=seed, shuffle=shuffle, info=info, fmt=fmt, timeout=timeout)
    out = Path(out)
    sheets_dir = out / "worksheets"
    sheets_dir.mkdir(parents=True, exist_ok=True)
    for stale in [*sheets_dir.glob(".*.tmp"), *out.glob(".*.tmp")]:
        stale.unlink(missing_ok=True)
    state = _Progress(out, plan.fingerprint(students), generated)
    # Which characters the installed fonts cover is asked of fontconfig (a program run)
    # while this process loads WeasyPrint and the math font, before any worker forks.
    fonts = threading.Thread(target=missing_glyphs, args=("",), daemon=True)
    fonts.start()
    names = _file_names(students)
    sheets = {sid: sheets_dir / f"{name}.{fmt}" for sid, name in names.items()}
    parts = {sid: state.solutions / f"{name}.{'pdf' if fmt == 'pdf' else 'html'}"
             for sid, name in names.items()}
    chunks = [list(students[k:k + KEY_PART_STUDENTS])
              for k in range(0, len(students), KEY_PART_STUDENTS)]
    key_parts = [state.key / f"key-{k:05d}.pdf" for k in range(len(chunks))]

    finished = {s.student_id for s in students
                if state.is_done(names[s.student_id], sheets[s.student_id], parts[s.student_id])}
    todo = deque(s for s in students if s.student_id not in finished)
    resumed = len(finished)
    failed: dict[str, str] = {}

    redo = []
    for k, path in enumerate(key_parts):
        if fmt != "pdf":
            continue
        if path.exists() and all(s.student_id in finished for s in chunks[k]):
            continue
        path.unlink(missing_ok=True)  # laid out without a student who is done now
        redo.append(k)
    keys = _KeyParts(chunks, {s.student_id for s in todo}, redo)
    tries: Counter[str] = Counter()
    if fmt == "html":
        for where in (out, sheets_dir):
            _write_atomic(where / "calcdrill.css", CSS_PATH.read_bytes())

    def save(result: _StudentOutput) -> None:
        sid = result.student_id
        _write_atomic(sheets[sid], result.worksheet)
        _write_atomic(parts[sid], result.solutions)
        entry = {**result.entry, "worksheet": str(sheets[sid].relative_to(out))}
        state.save(names[sid], {"entry": entry, "key_section": result.key_section})
        finished.add(sid)
        settle(sid)

    def settle(sid: str) -> None:
        """A student is done or has failed for good: their key part and solutions may go on."""
        keys.settle(sid)
        if joining is not None:
            joining.settle(sid)

    work = bool(todo or keys.pending)
    if work:
        _warm_up()  # local workers fork from here
    fonts.join()
    unprintable = tuple((s.student_id, missing) for s in students
                        if (missing := missing_glyphs(s.name)))
    for sid, missing in unprintable:
        log.warning("no installed font has %s, in the name of student %s: it will print as "
                    "empty boxes (install a font that covers it, e.g. Noto)", missing, sid)
    key, solutions = out / f"answer_key.{fmt}", out / f"solutions.{fmt}"
    joining = (_JoinInOrder(students, finished, parts, solutions,
                            f"{info.title} — worked solutions") if fmt == "pdf" else None)

    if work:
        with progress_bar(total=len(students), initial=resumed, desc="students", unit="student",
                  disable=not progress, smoothing=0.1) as bar, \
                open_engine(workers=workers, scheduler=scheduler) as engine:
            _run(engine, plan, todo, keys, save=save, settle=settle, bar=bar, tries=tries,
                 failed=failed, retries=retries, timeout=timeout,
                 key_job=lambda k: (_key_part_job, info,
                                    [state.load(names[s.student_id])["key_section"]
                                     for s in chunks[k] if s.student_id in finished],
                                    k == 0, len(students)),
                 key_parts=key_parts)
    complete = [s for s in students if s.student_id in finished]
    if joining is not None:
        joining.close()
    if complete:
        if fmt == "pdf":
            join_pdfs([(None, p) for p in key_parts if p.exists()], key,
                      page_numbers=True, title=f"{info.title} — answer key")
        else:
            sections = [Markup(state.load(names[s.student_id])["key_section"])
                        for s in complete]
            _write_atomic(key, answer_key_html(sections, info, stylesheet="calcdrill.css",
                                               versions_total=len(complete)).encode("utf-8"))
            sections = [Markup(parts[s.student_id].read_text("utf-8")) for s in complete]
            _write_atomic(solutions, solutions_html([], info, stylesheet="calcdrill.css",
                                                    sections=sections).encode("utf-8"))
    manifest = out / "manifest.json"
    write_manifest_entries(manifest, lambda: (state.load(names[s.student_id])["entry"]
                                              for s in complete),
                           info, seed=seed, generated=state.started)
    if not failed:
        shutil.rmtree(state.root, ignore_errors=True)
    return ClassResult(out, manifest, tuple(sheets[s.student_id] for s in complete), key,
                       solutions, tuple(sorted(failed.items())), resumed, unprintable)


class _JoinInOrder:
    """The worked solutions, joined in roster order while the class is being made.

    A thread takes each student's part as soon as they and everyone before them are done
    (or have failed for good), so the join ends with the last student instead of
    starting after them; on a cluster this process has nothing else to do.  The thread
    starts with the first student settled, after the local workers have forked: what it
    imports (pypdf) is never half-imported in a fork, nor on the way to the first student.
    """

    def __init__(self, students: Sequence[Student], finished: set[str],
                 parts: dict[str, Path], target: Path, title: str) -> None:
        self.students, self.finished, self.parts = students, finished, parts
        self.settled = set(finished)
        self.cursor = 0
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._join, args=(target, title), daemon=True)
        self._advance()

    def _parts(self) -> Iterator[tuple[str, Path]]:
        while (item := self.queue.get()) is not None:
            yield item

    def _join(self, target: Path, title: str) -> None:
        try:
            join_pdfs(self._parts(), target, title=title)
        except ValueError as exc:  # no student at all: no solutions to write
            if "nothing to join" not in str(exc):
                self.error = exc
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread in close()
            self.error = exc

    def _advance(self) -> None:
        while self.cursor < len(self.students) and \
                self.students[self.cursor].student_id in self.settled:
            student = self.students[self.cursor]
            if student.student_id in self.finished:
                self.queue.put((f"{student.name} ({student.student_id})",
                                self.parts[student.student_id]))
            self.cursor += 1

    def settle(self, student_id: str) -> None:
        """A student is done or has failed for good."""
        if self.thread.ident is None:  # not started yet
            self.thread.start()
        self.settled.add(student_id)
        self._advance()

    def close(self) -> None:
        """Finish the file (every student is settled by now)."""
        self.settled.update(s.student_id for s in self.students)
        self._advance()
        if self.thread.ident is None:  # no student was settled: nothing was to be made
            self.thread.start()
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class _KeyParts:
    """Parts of the answer key still to lay out, and which of them can be: those whose
    students have all finished or failed for good (counted, not searched, so a class of
    any size costs the same per student)."""

    def __init__(self, chunks: Sequence[Sequence[Student]], waiting: set[str],
                 todo: Iterable[int]) -> None:
        self.chunk_of = {s.student_id: k for k, chunk in enumerate(chunks) for s in chunk}
        self.waiting = [sum(1 for s in chunk if s.student_id in waiting) for chunk in chunks]
        self.pending = set(todo)
        self.ready = deque(k for k in sorted(self.pending) if self.waiting[k] == 0)

    def settle(self, student_id: str) -> None:
        """A student of some part is done (or failed for good)."""
        k = self.chunk_of[student_id]
        self.waiting[k] -= 1
        if self.waiting[k] == 0 and k in self.pending:
            self.ready.append(k)

    def done(self, k: int) -> None:
        self.pending.discard(k)


def _run(engine: Engine, plan: _Plan, todo: deque, keys: _KeyParts, *, save, settle, bar,
         tries, failed, retries: int, timeout: float, key_job, key_parts) -> None:
    """Keep the engine busy with student jobs (and key parts as their students finish)
    until everything is done or has failed every try."""
    # Local processes get one job each, so that a crash is blamed on few students; a
    # cluster gets a few per thread to hide the network's latency.
    limit = engine.workers if engine.name == "processes" else 2 * engine.workers
    running: dict[Any, tuple[str, Any, float, int]] = {}  # future -> (kind, what, start, gen)
    generation = 0
    # The parent's own watch, for engines where the job cannot interrupt itself.
    overdue = timeout * 1.5 + OVERDUE_GRACE if timeout > 0 else float("inf")

    def again(kind: str, what: Any) -> None:
        if kind == "student":
            todo.appendleft(what)
        else:
            keys.ready.appendleft(what)

    def give_up_or_retry(kind: str, what: Any, reason: str) -> None:
        key = what.student_id if kind == "student" else f"key part {what + 1}"
        tries[key] += 1
        if tries[key] <= retries:
            again(kind, what)
            return
        failed[key] = reason
        if kind == "student":
            settle(what.student_id)
        else:
            keys.done(what)

    while todo or keys.ready or running:
        while len(running) < limit and (todo or keys.ready):
            if keys.ready:  # key parts first: their students' records are already on disk
                k = keys.ready.popleft()
                job = key_job(k)
                if job[2]:
                    running[engine.submit(*job)] = ("key", k, time.monotonic(), generation)
                else:  # a part whose students all failed is left out
                    keys.done(k)
            else:
                student = todo.popleft()
                running[engine.submit(_student_job, plan, student)] = (
                    "student", student, time.monotonic(), generation)
        if not running:
            break
        finished, _ = wait(list(running), timeout=1.0, return_when=FIRST_COMPLETED)
        broken = False
        for future in finished:
            kind, what, _, gen = running.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory): every job it shared the pool
                # with is lost too; each is tried again on a fresh pool.
                broken = broken or gen == generation
                give_up_or_retry(kind, what, "its worker process died")
                continue
            except Exception as exc:  # noqa: BLE001 - any job failure is retried, then reported
                give_up_or_retry(kind, what, f"{type(exc).__name__}: {exc}")
                continue
            if kind == "student":
                save(result)
                bar.update(1)
            else:
                _write_atomic(key_parts[what], result)
                keys.done(what)
        now = time.monotonic()
        for future, (kind, what, start, gen) in list(running.items()):
            if now - start > overdue:
                future.cancel()
                running.pop(future)
                give_up_or_retry(kind, what, f"no answer from its worker in {overdue:g} s")
                # A local worker past its own alarm is stuck where no signal reaches it:
                # the pool is replaced, so that the worker is stopped and its place freed.
                broken = broken or (engine.name == "processes" and gen == generation)
        if broken:
            engine.restart()
            generation += 1
            for future, (kind, what, _, _) in list(running.items()):
                running.pop(future)
                again(kind, what)
