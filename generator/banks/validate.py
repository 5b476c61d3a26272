"""Check a bank the way an instructor needs: every problem found, with file:line."""

from __future__ import annotations

from pathlib import Path

from generator.banks.load import Bank, read_bank
from generator.banks.catalogue import CATALOGUE
from generator.errors import BankError
from generator.instance import example_instance, make_instance

__all__ = ["validate_bank_file"]


def validate_bank_file(path: str | Path, *, seeds: int = 10, deep: bool = False) -> list[BankError]:
    """All problems found in the bank at ``path`` (empty when it is usable).

    Reads the file (YAML and schema), then generates each family's pinned example and
    ``seeds`` random instances; with ``deep``, also confirms each answer key with the
    family's verifier.  One error per family at most, so one mistake does not hide the rest.
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [BankError(f"cannot read the bank: {exc}", path, 1)]
    try:
        bank, _ = read_bank(text, path)
    except BankError as err:
        return [err]
    errors = []
    for family in bank.families:
        try:
            _check_family(bank, family, seeds, deep)
        except BankError as err:
            errors.append(err)
    return errors


def _check_family(bank: Bank, family, seeds: int, deep: bool) -> None:
    unknown = [c for c in family.covers if c not in CATALOGUE]
    if unknown:
        raise BankError(f"family {family.id}: covers unknown catalogue id(s) "
                        f"{', '.join(unknown)}; see `calcdrill banks list`", family.path,
                        family.lines.get("covers", family.line))
    instances = [example_instance(bank, family)] if family.example is not None else []
    instances += [make_instance(bank, family, seed) for seed in range(1, seeds + 1)]
    if family.example_answer is not None and instances:
        verdict = instances[0].grade(family.example_answer)
        if verdict.status != "correct":
            raise BankError(f"family {family.id}: the example's computed answer "
                            f"{instances[0].answer} does not match example_answer "
                            f"{family.example_answer}", family.path,
                            family.lines.get("example_answer", family.line))
    if deep:
        from generator.banks.verify import VerificationError, verify_instance
        for instance in instances:
            try:
                verify_instance(instance, family.verify)
            except VerificationError as err:
                raise BankError(f"family {family.id} (code {instance.code}): the answer key "
                                f"is not confirmed: {err}", family.path,
                                family.lines.get("verify", family.line)) from None
