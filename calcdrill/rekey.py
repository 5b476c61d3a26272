"""Answer keys recomputed from the banks: grading again after a bank fix.

Every problem in a manifest records its bank, family and seed, so its key can be made
again with the bank as it is now.  When a family's answer was wrong and has been fixed,
``calcdrill grade --refresh-keys`` regrades the class against the corrected keys without
reprinting a single worksheet.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from generator.banks.load import Bank
from generator.instance import make_instance
from calcdrill.manifest import ClassManifest

__all__ = ["refresh_keys"]


def refresh_keys(manifest: ClassManifest, banks: Sequence[Bank], *,
                 progress: bool = False) -> tuple[int, int]:
    """Replace every key (and known mistake) in ``manifest`` by the current bank's.

    Returns:
        (changed, total): how many keys differ from the printed ones, out of how many.

    Raises:
        LookupError: when a problem's bank or family is not among ``banks``.
    """
    from tqdm import tqdm

    by_id = {bank.id: bank for bank in banks}
    changed = total = 0
    problems = [(sid, k, p) for sid, s in manifest.students.items()
                for k, p in enumerate(s["problems"])]
    for sid, k, problem in tqdm(problems, desc="keys", unit="problem", disable=not progress):
        if problem.bank not in by_id or problem.seed is None:
            raise LookupError(f"problem {problem.code} comes from bank {problem.bank!r}, which "
                              "was not given (name it with --bank)")
        bank = by_id[problem.bank]
        instance = make_instance(bank, bank.family(problem.family), int(problem.seed))
        fresh = replace(problem, answer=instance.answer, kind=instance.kind,
                        mistakes=instance.mistakes, tolerance=instance.tolerance)
        total += 1
        changed += fresh.answer != problem.answer
        manifest.students[sid]["problems"][k] = fresh
        manifest.by_code[fresh.code] = fresh
    return changed, total
