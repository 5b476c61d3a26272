"""Answer keys remade from the banks after a fix, without ever changing a printed problem.

Every problem in a manifest records its bank, family, seed, the bank version it was
printed from, its parameters and its statement.  ``calcdrill grade --refresh-keys`` remakes
each problem from the bank as it is now, drawing the parameters from the *printed*
version's random stream, and then:

* when the problem comes back with the parameters (or, for manifests older than the
  parameters field, the statement) that were printed, only its key and known mistakes are
  replaced: a key fix;
* when it does not (the family's parameters, constraints or statement were edited), nothing
  is replaced and :class:`RekeyError` names every student and problem affected: a code
  always means the problem that was printed, so grading it against another problem would
  be silently wrong.

So fixing a family's answer is safe with or without a version bump, and bumping the
version never makes an old class be graded against problems its students did not see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from calcdrill.manifest import ClassManifest, ManifestProblem
from calcdrill.progress import progress_bar
from generator.banks.load import Bank
from generator.instance import Instance, make_instance
from grader.errors import CalcdrillError

__all__ = ["Changed", "RekeyError", "refresh_keys"]

#: How many affected problems a refusal lists before it says "and N more".
SHOWN = 8


@dataclass(frozen=True)
class Changed:
    """A printed problem that the bank no longer makes: who had it and what differs."""

    student_id: str
    number: int
    code: str
    family: str
    difference: str


class RekeyError(CalcdrillError, ValueError):
    """The banks no longer make the problems that were printed; nothing was regraded.

    Attributes:
        changed: every affected problem.
    """

    def __init__(self, changed: Sequence[Changed]) -> None:
        self.changed = tuple(changed)
        families = sorted({c.family for c in self.changed})
        lines = [f"  {c.student_id} problem {c.number} ({c.code}, {c.family}): {c.difference}"
                 for c in self.changed[:SHOWN]]
        if len(self.changed) > SHOWN:
            lines.append(f"  and {len(self.changed) - SHOWN} more")
        super().__init__(
            f"--refresh-keys refused: {len(self.changed)} printed problem"
            f"{'s' if len(self.changed) != 1 else ''} of famil"
            f"{'ies' if len(families) != 1 else 'y'} {', '.join(families)} would change, "
            "not just their keys:\n" + "\n".join(lines) + "\n"
            "The family's parameters, constraints or statement were edited since the "
            "worksheets were printed.  Grade without --refresh-keys (the printed keys), or "
            "restore what the family draws and prints and change only its answer.")


def _difference(problem: ManifestProblem, fresh: Instance) -> str:
    """Why ``fresh`` is not the problem printed, or "" when it is."""
    if problem.params:
        changed = sorted(k for k in set(problem.params) | set(fresh.params)
                         if problem.params.get(k) != fresh.params.get(k))
        if changed:
            return "parameters " + ", ".join(
                f"{k} = {problem.params.get(k, '(none)')} -> {fresh.params.get(k, '(none)')}"
                for k in changed)
        return ""
    if problem.prompt and problem.prompt != fresh.prompt:
        return f"printed {problem.prompt!r}, the bank now makes {fresh.prompt!r}"
    return ""


def refresh_keys(manifest: ClassManifest, banks: Sequence[Bank], *,
                 progress: bool = False) -> tuple[int, int]:
    """Replace every key (and known mistake) in ``manifest`` by the current bank's.

    The manifest is changed only when every problem comes back as printed (see the
    module's rules); otherwise it is left as it was.

    Returns:
        (changed, total): how many keys differ from the printed ones, out of how many.

    Raises:
        RekeyError: when any printed problem would change, naming each one.
        LookupError: when a problem's bank or family is not among ``banks``.
    """

    by_id = {bank.id: bank for bank in banks}
    problems = [(sid, k, p) for sid, s in manifest.students.items()
                for k, p in enumerate(s["problems"])]
    fresh_problems: list[tuple[str, int, ManifestProblem]] = []
    changed: list[Changed] = []
    differing = 0
    for sid, k, problem in progress_bar(problems, desc="keys", unit="problem",
                                        disable=not progress):
        if problem.bank not in by_id or problem.seed is None:
            raise LookupError(f"problem {problem.code} comes from bank {problem.bank!r}, which "
                              "was not given (name it with --bank)")
        bank = by_id[problem.bank]
        try:
            family = bank.family(problem.family)
        except LookupError:
            raise LookupError(f"problem {problem.code} comes from family {problem.family!r}, "
                              f"which bank {bank.id!r} no longer has") from None
        fresh = make_instance(bank, family, int(problem.seed), version=problem.bank_version)
        difference = _difference(problem, fresh)
        if difference:
            changed.append(Changed(sid, problem.number, problem.code, problem.family,
                                   difference))
            continue
        differing += fresh.answer != problem.answer
        fresh_problems.append((sid, k, replace(problem, answer=fresh.answer, kind=fresh.kind,
                                               mistakes=fresh.mistakes,
                                               tolerance=fresh.tolerance,
                                               shapes=fresh.shapes)))
    if changed:
        raise RekeyError(changed)
    for sid, k, fresh_problem in fresh_problems:
        manifest.students[sid]["problems"][k] = fresh_problem
        manifest.by_code[fresh_problem.code] = fresh_problem
    return differing, len(problems)
