"""Check a bank the way an instructor needs: every problem found, with file:line."""

from __future__ import annotations

from pathlib import Path

from generator.banks.limits import deadline
from generator.banks.load import Bank, Family, check_unique_ids, read_bank, shipped_banks
from generator.errors import BankError
from generator.instance import example_instance, make_instance

__all__ = ["VALUE_KEYS", "validate_bank_file"]

#: Keys of a ``verify`` spec that name values (or parameters) of the family, besides the
#: verifier's own key; ``wrt`` names variables, and a few verifiers' own key names a
#: quantity or a variable (:data:`_OWN_KEY_NOT_A_VALUE`).
VALUE_KEYS = frozenset({"exponent", "along", "constraint", "point", "b", "eta", "labels", "x",
                        "y", "data", "m", "n", "at", "sense", "picks"})
_OWN_KEY_NOT_A_VALUE = frozenset({"backprop", "gaussian_mle", "mse", "shape_quiz"})


def validate_bank_file(path: str | Path, *, seeds: int = 10, deep: bool = False) -> list[BankError]:
    """All problems found in the bank at ``path`` (empty when it is usable).

    Reads the file (YAML, schema, names and templates), refuses an id that a shipped
    bank already has, then generates each family's pinned example and ``seeds`` random
    instances; with ``deep``, also confirms each answer key with the family's verifier.
    One error per family at most, so one mistake does not hide the rest.
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [BankError(f"cannot read the bank: {exc}", path, 1)]
    try:
        bank, _ = read_bank(text, path)
        check_unique_ids([*shipped_banks(), bank])
    except BankError as err:
        return [err]
    errors = []
    for family in bank.families:
        try:
            _check_family(bank, family, seeds, deep)
        except BankError as err:
            errors.append(err)
    return errors


def _fail(family: Family, key: str, reason: str) -> BankError:
    return BankError(f"family {family.id}: {reason}", family.path,
                     family.lines.get(key, family.line))


def _check_verify(family: Family) -> None:
    """The verifier exists and every value it names does (checked without --deep)."""
    from generator.banks.verify import VERIFIERS

    own = [key for key in family.verify if key in VERIFIERS]
    if not own:
        raise _fail(family, "verify", f"verify names no known verifier; the verifiers are "
                    f"{', '.join(sorted(VERIFIERS))}")
    known = [*family.params, *family.values]
    for key, spec in family.verify.items():
        if key in own and key in _OWN_KEY_NOT_A_VALUE or key not in VALUE_KEYS | set(own):
            continue
        for name in spec if isinstance(spec, list) else [spec]:
            if isinstance(name, str) and name not in known:
                raise _fail(family, "verify", f"verify: {key}: {name!r} is not one of the "
                            f"family's values; values are: {', '.join(known)}")


def _check_family(bank: Bank, family: Family, seeds: int, deep: bool) -> None:
    _check_verify(family)
    instances = [example_instance(bank, family)] if family.example is not None else []
    instances += [make_instance(bank, family, seed) for seed in range(1, seeds + 1)]
    if family.example_answer is not None and instances:
        verdict = instances[0].grade(family.example_answer)
        if verdict.status != "correct":
            raise BankError(f"family {family.id}: the example's computed answer "
                            f"{instances[0].answer} does not match example_answer "
                            f"{family.example_answer}", family.path,
                            family.lines.get("example_answer", family.line))
    # A mistake that gives the right answer cannot be told apart from it.  It may do so
    # for some parameters (the pinned example is often the simplest case, where a
    # forgotten factor is 1), and it is then left out of that instance.  One written as
    # the answer itself, or (for answers with more than a few possible labels) equal to
    # it in every one of 10 or more random instances tried, is a mistake in the bank.
    drawn = [i for i in instances if i.seed != 0]
    for k, mistake in enumerate(family.mistakes):
        if " ".join(mistake.answer.split()) == " ".join(family.answer_value.split()):
            raise _fail(family, f"mistakes.{k}", f"mistake {mistake.name} is the answer "
                        f"itself ({mistake.answer}); students making it would be marked "
                        "correct")
        if family.answer_kind != "label" and len(drawn) >= 10 \
                and all(mistake.name in i.same_as_answer for i in drawn):
            raise _fail(family, f"mistakes.{k}", f"mistake {mistake.name} gives the right "
                        f"answer in all {len(drawn)} instances tried (e.g. "
                        f"{drawn[0].answer}); students making it would be marked correct")
    if deep:
        from generator.banks.verify import VerificationError, verify_instance
        for instance in instances:
            try:
                with deadline(what=f"the check of family {family.id}"):
                    verify_instance(instance, family.verify)
            except VerificationError as err:
                raise BankError(f"family {family.id} (code {instance.code}): the answer key "
                                f"is not confirmed: {err}", family.path,
                                family.lines.get("verify", family.line)) from None
            except Exception as err:  # a verify spec the verifier cannot use, or too slow
                raise BankError(f"family {family.id} (code {instance.code}): verify cannot "
                                f"check this family: {err}", family.path,
                                family.lines.get("verify", family.line)) from None
