"""What an instructor should know before a class is generated: repeats and small families.

:func:`class_warnings` looks at the families a worksheet will use (the same choice
:func:`calcdrill.generate.choose_families` makes) and says, in the instructor's terms,
where students will share a problem:

* a family that can make fewer distinct problems than there are students (some students
  get the same numbers; a family marked ``small`` in its bank says so on purpose);
* a family used more than once on one worksheet, because fewer families matched than
  ``--problems`` asked for;
* codes from an instructor's own bank, which ``calcdrill check`` cannot regenerate without
  the bank file, when no self-check address (``--check-url``) is given.
"""

from __future__ import annotations

from collections import Counter
from typing import Collection, Iterable, Sequence

from calcdrill.generate import choose_families
from generator.banks.load import Bank
from generator.instance import distinct_count

__all__ = ["class_warnings"]


def class_warnings(banks: Sequence[Bank], problems: int, students: int, *, seed: int,
                   difficulty: Iterable[int] | None = None, family_ids: Sequence[str] = (),
                   shipped: Collection[str] | None = None, check_url: str = "") -> list[str]:
    """Warnings about the worksheet ``generate`` would make, one sentence each.

    Parameters:
        shipped: the ids of the banks shipped with calcdrill; codes from any other bank
            cannot be checked with ``calcdrill check`` alone, so without ``check_url``
            (a ``calcdrill serve --bank`` address) the instructor is told.

    Raises:
        LookupError: as :func:`calcdrill.generate.choose_families` does.
    """
    chosen = choose_families(banks, problems, seed=seed, difficulty=difficulty,
                             family_ids=family_ids)
    warnings = []
    own = sorted({bank.id for bank, _ in chosen} - set(shipped)) if shipped is not None else []
    if own and not check_url:
        warnings.append(
            f"bank{'s' if len(own) > 1 else ''} {', '.join(own)} {'are' if len(own) > 1 else 'is'}"
            " not shipped with calcdrill, so students cannot check these codes with "
            "`calcdrill check` unless they have the bank file: run `calcdrill serve --bank "
            "FILE` where they can reach it and give its address with --check-url.")
    uses = Counter((bank.id, family.id) for bank, family in chosen)
    repeated = [f"{family} ({count} times)" for (_, family), count in uses.items() if count > 1]
    if repeated:
        distinct = len(uses)
        warnings.append(
            f"{problems} problems from {distinct} famil{'y' if distinct == 1 else 'ies'}: "
            f"{', '.join(repeated)} repeat on every worksheet, with other numbers; add "
            "banks, relax --difficulty or ask for fewer --problems to avoid it.")
    for (bank_id, family_id) in uses:
        family = next(f for b, f in chosen if b.id == bank_id and f.id == family_id)
        count, how = distinct_count(family)
        if count < students:
            known = "at most " if how == "at most" else "about " if how == "estimate" else ""
            reason = (" (the bank marks it small on purpose)" if family.small else "")
            warnings.append(
                f"family {family_id} can make {known}{count} different problem"
                f"{'' if count == 1 else 's'} for {students} students{reason}: some "
                "students will get the same numbers.")
    return warnings
