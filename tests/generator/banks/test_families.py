"""Self-verification of every shipped family.

For each family: its answer key is confirmed independently (the family's verifier:
finite differences, stationarity, recomputation...), the key grades correct, every
listed mistake grades incorrect with its own feedback, the prompt and solution render,
the pinned example reproduces the seed document, and different seeds give different
problems.  A handful of seeds per family runs always; 200 run under ``-m slow``.
"""

import math

import pytest

from generator.banks.load import shipped_banks
from generator.banks.catalogue import CATALOGUE
from generator.instance import distinct_count, make_instance
from generator.banks.verify import verify_instance

FAMILIES = [(bank, family) for bank in shipped_banks() for family in bank.families]
IDS = [f"{bank.id}/{family.id}" for bank, family in FAMILIES]


def self_check(bank, family, seeds) -> None:
    seen = set()
    checked = set()
    for seed in seeds:
        instance = make_instance(bank, family, seed)
        if seed:
            seen.add((instance.prompt, instance.answer))
        # Seeds that draw the same parameters make the same problem: checking it again
        # would repeat the same computations to the same end.
        same = (tuple(sorted(instance.params.items())), instance.prompt, instance.answer)
        if same in checked:
            continue
        checked.add(same)
        verify_instance(instance, family.verify)
        verdict = instance.grade(instance.answer)
        assert verdict.status == "correct", (instance.code, instance.answer, verdict.feedback)
        for mistake in instance.mistakes:
            verdict = instance.grade(mistake.answer)
            assert verdict.status == "incorrect", (instance.code, mistake.name, mistake.answer)
            assert verdict.feedback == mistake.feedback, (instance.code, mistake.name)
        assert instance.prompt and all(instance.solution)
        for text in (instance.prompt, *instance.solution):
            assert text.count("$") % 2 == 0, f"unbalanced $ in {text!r}"
            for formula in text.split("$")[1::2]:
                assert formula.count("{") == formula.count("}"), f"unbalanced braces in {formula!r}"
    random_seeds = len([s for s in seeds if s])
    count, _ = distinct_count(family)
    expected_unique = count * (1 - math.exp(-random_seeds / count))
    assert len(seen) >= 0.8 * expected_unique - 1, (
        f"{len(seen)} different problems in {random_seeds} seeds; about "
        f"{expected_unique:.0f} expected from {count} parameter sets")


@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_family_self_check(bank, family):
    """A few seeds (and the pinned example) of every family pass the self-check."""
    self_check(bank, family, range(0, 6))


@pytest.mark.slow
@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_family_self_check_200_seeds(bank, family):
    """200 seeds of every family pass the self-check."""
    self_check(bank, family, range(0, 201))


@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_example_reproduces_the_seed(bank, family):
    """Every family pins an example (the seed document's own exercise where there is
    one), and its computed answer is the one published or worked out by hand."""
    assert family.example is not None, "pin an example: `calcdrill banks preview --example`"
    instance = make_instance(bank, family, 0)
    assert family.example_answer is not None, "a pinned example states its published answer"
    verdict = instance.grade(family.example_answer)
    assert verdict.status == "correct", (instance.answer, family.example_answer)


def test_every_catalogue_id_is_covered():
    covered = {c for _, family in FAMILIES for c in family.covers}
    assert sorted(set(CATALOGUE) - covered) == []


@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_enough_distinct_instances(bank, family):
    """At least 50 different problems, unless the family declares it is small."""
    count, _ = distinct_count(family)
    assert count >= 50 or family.small, count
