"""The class manifest: every student's problems and answers, for grading later.

``DIR/manifest.json`` follows SPEC §3.3: ``{"students": [{"student_id", "name",
"problems": [{"student_id", "number", "code", "family", "kind", "answer", "variables",
"assume", "tolerance", "prompt"}]}], ...}``.  Each problem also carries its bank,
version, seed and the family's known mistakes, so grading needs neither the banks nor
the generator.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from generator.render import DocumentInfo, Version

__all__ = ["manifest_dict", "write_manifest"]

FORMAT_VERSION = 1


def manifest_dict(versions: Sequence[Version], info: DocumentInfo, *, seed: int,
                  files: dict[str, str]) -> dict:
    """The manifest of a generated class as plain JSON-ready data."""
    banks = sorted({(i.bank, i.version) for v in versions for i in v.instances})
    return {
        "format": FORMAT_VERSION,
        "title": info.title,
        "course": info.course,
        "date": info.date,
        "seed": seed,
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "banks": [{"id": b, "version": n} for b, n in banks],
        "students": [{
            "student_id": v.student.student_id,
            "name": v.student.name,
            "extra": dict(v.student.extra),
            "worksheet": files.get(v.student.student_id, ""),
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
                "prompt": i.prompt,
                "mistakes": [asdict(m) for m in i.mistakes],
            } for number, i in enumerate(v.instances, start=1)],
        } for v in versions],
    }


def write_manifest(path: Path, versions: Sequence[Version], info: DocumentInfo, *, seed: int,
                   files: dict[str, str]) -> None:
    """Write ``manifest.json``."""
    data = manifest_dict(versions, info, seed=seed, files=files)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
