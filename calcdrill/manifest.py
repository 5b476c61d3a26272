"""The class manifest: every student's problems and answers, for grading later.

``DIR/manifest.json`` follows SPEC §3.3: ``{"students": [{"student_id", "name",
"problems": [{"student_id", "number", "code", "family", "kind", "answer", "variables",
"assume", "tolerance", "prompt"}]}], ...}``.  Each problem also carries its bank,
version, seed and the family's known mistakes (and ``shapes`` for matrix expressions),
so grading needs neither the banks nor the generator.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Sequence

from calcdrill.errors import ClassFileError
from generator.codes import normalize_code
from generator.documents.render import DocumentInfo, Version
from grader import Mistake

__all__ = ["ClassManifest", "ManifestProblem", "load_manifest", "manifest_dict",
           "student_entry", "write_manifest", "write_manifest_entries"]

FORMAT_VERSION = 1


def student_entry(version: Version, worksheet: str = "") -> dict:
    """One student's part of the manifest (``worksheet``: their file, relative to it)."""
    v = version
    return {
        "student_id": v.student.student_id,
        "name": v.student.name,
        "extra": dict(getattr(v.student, "extra", {})),
        "worksheet": worksheet,
        "problems": [{
            "student_id": v.student.student_id,
            "number": number,
            "code": i.code,
            "bank": i.bank,
            "bank_version": i.version,
            "family": i.family,
            "seed": i.seed,
            "kind": i.kind,
            "answer": i.answer,
            "variables": list(i.variables),
            "assume": dict(i.assume),
            "tolerance": i.tolerance,
            "shapes": dict(i.shapes),
            "prompt": i.prompt,
            "params": dict(i.params),
            "mistakes": [asdict(m) for m in i.mistakes],
        } for number, i in enumerate(v.instances, start=1)],
    }


def _header(info: DocumentInfo, *, seed: int, banks: Iterable[tuple[str, int]],
            generated: datetime | None) -> dict:
    generated = generated or datetime.now(timezone.utc)
    return {
        "format": FORMAT_VERSION,
        "title": info.title,
        "course": info.course,
        "date": info.date,
        "seed": seed,
        "generated": generated.isoformat(timespec="seconds"),
        "banks": [{"id": b, "version": n} for b, n in sorted(set(banks))],
    }


def manifest_dict(versions: Sequence[Version], info: DocumentInfo, *, seed: int,
                  files: dict[str, str], generated: datetime | None = None) -> dict:
    """The manifest of a generated class as plain JSON-ready data."""
    banks = {(i.bank, i.version) for v in versions for i in v.instances}
    return {**_header(info, seed=seed, banks=banks, generated=generated),
            "students": [student_entry(v, files.get(v.student.student_id, ""))
                         for v in versions]}


def write_manifest(path: Path, versions: Sequence[Version], info: DocumentInfo, *, seed: int,
                   files: dict[str, str], generated: datetime | None = None) -> None:
    """Write ``manifest.json``."""
    data = manifest_dict(versions, info, seed=seed, files=files, generated=generated)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")


def write_manifest_entries(path: Path, entries: Callable[[], Iterable[dict]],
                           info: DocumentInfo, *, seed: int,
                           generated: datetime | None = None) -> None:
    """Write ``manifest.json`` from students' entries (:func:`student_entry`), streaming.

    ``entries`` is called twice (for the banks used, then for the students), so a class
    of any size is written without holding it in memory.  The file appears complete or
    not at all (written under a temporary name, then renamed).
    """
    banks = {(p["bank"], p["bank_version"]) for e in entries() for p in e["problems"]}
    head = json.dumps(_header(info, seed=seed, banks=banks, generated=generated),
                      ensure_ascii=False, indent=1)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(head[:-2] + ',\n "students": [')
        for k, entry in enumerate(entries()):
            handle.write(("," if k else "") + "\n  " + json.dumps(entry, ensure_ascii=False))
        handle.write("\n ]\n}\n")
    os.replace(temporary, path)


# -- reading it back, for grading ---------------------------------------------------------

@dataclass(frozen=True)
class ManifestProblem:
    """One problem of one student's worksheet, as the manifest records it."""

    student_id: str
    number: int
    code: str
    kind: str
    answer: str
    family: str
    bank: str
    variables: tuple[str, ...]
    assume: dict[str, str]
    tolerance: float | None
    mistakes: tuple[Mistake, ...]
    seed: int | None = None
    #: The bank version the problem was printed from (its random stream and its code).
    bank_version: int | None = None
    #: The statement as printed, and the parameters drawn for it ({} in older manifests).
    prompt: str = ""
    params: dict[str, str] = field(default_factory=dict)
    #: Declared shapes of a matrix-expression answer ({} otherwise, and in older manifests).
    shapes: dict[str, str] = field(default_factory=dict)


@dataclass
class ClassManifest:
    """The manifest, indexed for grading."""

    title: str
    students: dict[str, dict]  # student_id -> {"name", "extra", "problems": [ManifestProblem]}
    by_code: dict[str, ManifestProblem]


def load_manifest(path: str | Path) -> ClassManifest:
    """Read ``manifest.json`` written by ``calcdrill generate``.

    Raises:
        ClassFileError: for a file that is not such a manifest.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
        students, by_code = {}, {}
        for student in data["students"]:
            problems = [ManifestProblem(
                student_id=str(student["student_id"]), number=int(p["number"]),
                code=normalize_code(p["code"]), kind=p["kind"], answer=p["answer"],
                family=p.get("family", ""), bank=p.get("bank", ""), seed=p.get("seed"),
                bank_version=p.get("bank_version"), prompt=p.get("prompt", ""),
                params=dict(p.get("params") or {}),
                variables=tuple(p["variables"]), assume=dict(p.get("assume") or {}),
                tolerance=p.get("tolerance"), shapes=dict(p.get("shapes") or {}),
                mistakes=tuple(Mistake(m["answer"], m["feedback"], m.get("name", ""))
                               for m in p.get("mistakes", ())))
                for p in student["problems"]]
            students[str(student["student_id"])] = {
                "name": student.get("name", ""), "extra": student.get("extra", {}),
                "problems": problems}
            by_code.update({p.code: p for p in problems})
    except (OSError, UnicodeDecodeError) as exc:
        raise ClassFileError(f"cannot read the manifest: {exc}", path) from None
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ClassFileError(f"not a calcdrill manifest ({exc}); give the manifest.json that "
                         "`calcdrill generate` wrote", path) from None
    return ClassManifest(data.get("title", ""), students, by_code)
