"""A class's worksheets: choose families, make every student's version, write the files.

The same families in the same order for everyone (unless shuffled), each student with
their own parameters: student s's problem n has seed ``seed_for(class seed, s, n)``, so
the whole class is reproducible from the class seed.  Versions are made and typeset in
parallel (one process per core), with a progress bar; the answer key and the worked
solutions are rendered alongside.
"""

from __future__ import annotations

import os
import random
import re
import shutil
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from markupsafe import Markup

from generator.banks.load import Bank, Family, load_bank
from generator.instance import make_instance, seed_for
from calcdrill.manifest import write_manifest
from generator.documents.render import (CSS_PATH, DocumentInfo, Version, answer_key_html,
                              key_section_html, merge_pdfs, solutions_html,
                              stamp_page_numbers, worksheet_html, write_pdf)
from calcdrill.roster import Student

__all__ = ["ClassResult", "choose_families", "generate_class", "make_version"]


@dataclass(frozen=True)
class ClassResult:
    """What :func:`generate_class` wrote."""

    out: Path
    manifest: Path
    worksheets: tuple[Path, ...]
    answer_key: Path
    solutions: Path


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


# -- work done in the pool's processes --------------------------------------------------

_BANKS: dict[str, Bank] = {}


def _bank(path: str) -> Bank:
    if path not in _BANKS:
        _BANKS[path] = load_bank(path)
    return _BANKS[path]


def _resolve(chosen_refs):
    return [(_bank(p), _bank(p).family(fid)) for p, fid in chosen_refs]


@dataclass(frozen=True)
class _StudentWork:
    """What a worker returns for one student: the version and its typeset key section."""

    version: Version
    key_section: str


def _student_job(student: Student, chosen_refs, seed: int, shuffle: bool, info: DocumentInfo,
                 sheet: str, solution_part: str, fmt: str) -> _StudentWork:
    """Make one student's version; write their worksheet and their solutions part.

    Typesetting happens here, in parallel: the key section comes back as finished HTML.
    """
    version = make_version(student, _resolve(chosen_refs), seed=seed, shuffle=shuffle)
    style = "calcdrill.css" if fmt == "html" else ""
    _write(worksheet_html(version, info, stylesheet=style), Path(sheet), fmt)
    if fmt == "pdf":
        write_pdf(solutions_html([version], info), Path(solution_part))
    return _StudentWork(version, str(key_section_html(version)))


def _key_part_job(sections: list[str], info: DocumentInfo, first: bool, total: int,
                  target: str) -> str:
    """One part of the answer key, as an unnumbered PDF."""
    write_pdf(answer_key_html([Markup(s) for s in sections], info, first=first,
                              versions_total=total), Path(target))
    return target


def _warm_up() -> None:
    """Import WeasyPrint and load the math font before the pool forks, so every worker
    starts with them instead of loading them again."""
    import weasyprint  # noqa: F401

    from generator.documents.typeset import typeset
    typeset("x")


def _write(html: str, target: Path, fmt: str) -> None:
    if fmt == "html":
        target.write_text(html, "utf-8")
    else:
        write_pdf(html, target)


def generate_class(banks: Sequence[Bank], students: Sequence[Student], *, problems: int,
                   seed: int, out: Path, info: DocumentInfo, fmt: str = "pdf",
                   difficulty: Iterable[int] | None = None, family_ids: Sequence[str] = (),
                   shuffle: bool = False, workers: int | None = None,
                   progress: bool = True) -> ClassResult:
    """Generate every student's worksheet, the answer key, the solutions and the manifest.

    Each worker makes a student's version, typesets it and writes the worksheet and that
    student's part of the solutions; the solutions are joined with one bookmark per
    student, and the key is laid out in parts from the typeset sections as soon as
    their students are done, then joined and page-numbered.

    Raises:
        LookupError: when the families asked for do not exist.
        BankError: when a family cannot produce a problem.
    """
    from tqdm import tqdm

    if fmt not in ("pdf", "html"):
        raise ValueError(f"unknown format {fmt!r}; use pdf or html")
    chosen = choose_families(banks, problems, seed=seed, difficulty=difficulty,
                             family_ids=family_ids)
    chosen_refs = [(str(b.path), f.id) for b, f in chosen]
    out = Path(out)
    sheets_dir, parts_dir = out / "worksheets", out / ".solution-parts"
    sheets_dir.mkdir(parents=True, exist_ok=True)
    if fmt == "pdf":
        parts_dir.mkdir(exist_ok=True)
    else:
        for where in (out, sheets_dir):
            (where / "calcdrill.css").write_text(CSS_PATH.read_text("utf-8"), "utf-8")
    taken: set[str] = set()
    names = {s.student_id: _file_name(s.student_id, taken) for s in students}
    sheets = {sid: sheets_dir / f"{name}.{fmt}" for sid, name in names.items()}
    parts = {sid: parts_dir / f"{name}.pdf" for sid, name in names.items()}
    workers = workers or max(1, min(os.cpu_count() or 1, len(students)))
    # The key is laid out in parts, each as soon as its students are done, so the pool
    # is not left with one long document at the end.
    size = max(6, -(-len(students) // (2 * workers)))  # parts start new pages: not too many
    chunks = [students[k:k + size] for k in range(0, len(students), size)]
    waiting = [{s.student_id for s in chunk} for chunk in chunks]
    key_parts = [parts_dir / f"key-{k:03d}.pdf" for k in range(len(chunks))]
    done: dict[str, _StudentWork] = {}
    key, solutions = out / f"answer_key.{fmt}", out / f"solutions.{fmt}"
    _warm_up()
    with tqdm(total=len(students), desc="versions", unit="student",
              disable=not progress) as bar, ProcessPoolExecutor(max_workers=workers) as pool:
        pending = {pool.submit(_student_job, s, chosen_refs, seed, shuffle, info,
                               str(sheets[s.student_id]), str(parts[s.student_id]), fmt)
                   for s in students}
        part_jobs = []
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                if isinstance(result, str):
                    continue  # a key part
                done[result.version.student.student_id] = result
                bar.update(1)
                for k, chunk in enumerate(chunks):
                    waiting[k].discard(result.version.student.student_id)
                    if fmt == "pdf" and not waiting[k] and k not in [j for j, _ in part_jobs]:
                        job = pool.submit(_key_part_job,
                                          [done[s.student_id].key_section for s in chunk],
                                          info, k == 0, len(students), str(key_parts[k]))
                        part_jobs.append((k, job))
                        pending.add(job)
        versions = [done[s.student_id].version for s in students]
    if fmt == "pdf":
        merge_pdfs([(None, path) for path in key_parts], key)
        stamp_page_numbers(key, f"{info.title} — answer key")
        merge_pdfs([(f"{s.name} ({s.student_id})", parts[s.student_id]) for s in students],
                   solutions)
        shutil.rmtree(parts_dir, ignore_errors=True)
    else:
        sections = [Markup(done[s.student_id].key_section) for s in students]
        key.write_text(answer_key_html(sections, info, stylesheet="calcdrill.css"), "utf-8")
        solutions.write_text(solutions_html(versions, info, stylesheet="calcdrill.css"),
                             "utf-8")
    files = {sid: str(path.relative_to(out)) for sid, path in sheets.items()}
    manifest = out / "manifest.json"
    write_manifest(manifest, versions, info, seed=seed, files=files)
    return ClassResult(out, manifest, tuple(sheets.values()), key, solutions)
