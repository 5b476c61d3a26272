"""What students read, bank-wide: every family's rendered prompts, solutions and feedback.

Many seeds of every shipped family are rendered and the text a student sees is checked
for what a person would not write: a negative number substituted without brackets
(``1^2 + -3^2``, ``x - -2``), ``1*z`` and ``x^1``, references to the source documents;
descent steps that increase their objective; solution forms that the grader rejects;
instances with no known mistake; too few different answers for a class.
A few seeds run always; more under ``-m slow``.
"""

import re
from functools import lru_cache

import mpmath
import pytest

from generator.banks.load import shipped_banks
from generator.banks.verify.common import answer_entries, evaluate, numeric
from generator.instance import make_instance

FAMILIES = [(bank, family) for bank in shipped_banks() for family in bank.families]
IDS = [f"{bank.id}/{family.id}" for bank, family in FAMILIES]
FEW = range(0, 8)
MANY = range(0, 61)

#: Text a person does not write, with why.  Checked in prompts, solution steps and
#: mistake feedback (LaTeX and plain text alike).
BAD_TEXT = {
    r"(\+|\\cdot|\\times|\*|(?<![\w)}\]!]\s)(?<![\w)}\]!])-)\s*-\s*\d": "an operator followed by a negative number",
    r"\+\s*-": "'+ -': a negative number added without brackets",
    r"(?<![\w)}\]])-\s*-": "'- -': a negative number subtracted without brackets",
    r"\^\s*-": "'^-': a negative exponent without braces or brackets",
    r"(?<![\w.)}\]])-\d+(\.\d+)?\s*\^": "'-3^2': a negative base without brackets",
    r"(?<![\w.])1\s*\*|(?<![\w.])1\s*\\cdot": "a coefficient 1 written out",
    r"\^1(?![\d.])|\^\{\s*1\s*\}": "a power 1 written out",
    r"(?i)seed article|the lecture|seed 00\d|the seeds?\b": "a reference to the source documents",
}


@lru_cache(maxsize=None)
def _instances(bank_id: str, family_id: str, count: int) -> tuple:
    bank = next(b for b in shipped_banks() if b.id == bank_id)
    family = bank.family(family_id)
    return tuple(make_instance(bank, family, seed) for seed in range(count))


def _texts(instance) -> list[tuple[str, str]]:
    texts = [("prompt", instance.prompt)]
    texts += [(f"solution step {k + 1}", s) for k, s in enumerate(instance.solution)]
    texts += [(f"feedback of {m.name}", m.feedback) for m in instance.mistakes]
    return texts


def bad_text_found(text: str) -> list[str]:
    """The reasons ``text`` reads badly (empty when it reads well)."""
    return [why for pattern, why in BAD_TEXT.items() if re.search(pattern, text)]


class TestBadText:
    """The patterns reject what the issue found, and accept what SymPy prints."""

    @pytest.mark.parametrize("text", [
        r"\frac{ -1^2 + -4^2 }{4\lambda^2}", "x - -2", r"3 \cdot -2", "2 * -3", "x^-2",
        "The term 1*z*cos(x)", "the cross term -1*x1*x2", "the cross term in x^1 h",
        "the error the seed article sends back", "As in the lecture, vectors are columns",
    ])
    def test_rejects(self, text):
        """Each example from the issue is caught."""
        assert bad_text_found(text)

    @pytest.mark.parametrize("text", [
        r"f(x) = x^{2} - 2 e^{- 2 x}", r"L_x = -3 - 2\lambda x", r"(-3)^2 + 4^2 = 25",
        r"\begin{bmatrix} -1 \\ 2 \end{bmatrix}", "w - 0.5 \\cdot (-0.02)", "x^{-1}",
        "x = -1, 0, 2", r"e^{- x}", "F^(-1)", "x_1 = 10", "(x+h)^2 is not x^2 + h^2",
    ])
    def test_accepts(self, text):
        """Negative numbers in brackets, braces or at the start of a term are fine."""
        assert bad_text_found(text) == []


def check_text(bank, family, count) -> None:
    problems = []
    for instance in _instances(bank.id, family.id, count):
        for where, text in _texts(instance):
            for why in bad_text_found(text):
                problems.append(f"seed {instance.seed}, {where}: {why}: {text[:160]!r}")
    assert problems == [], "\n".join(problems[:5])


@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_student_text_reads_well(bank, family):
    """No unbracketed negative substitution, 1*x, x^1 or source reference (a few seeds)."""
    check_text(bank, family, len(FEW))


@pytest.mark.slow
@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_student_text_reads_well_many_seeds(bank, family):
    """The same over 61 seeds."""
    check_text(bank, family, len(MANY))


def _typed_forms(instance) -> list[str]:
    return [m.group(1) for step in instance.solution
            for m in re.finditer(r"\(typed as ([^()]*(?:\([^()]*\)[^()]*)*)\)", step)]


@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_solution_forms_grade_correct(bank, family):
    """A form a solution shows as "typed as ..." (u = [3, 4]/5) grades correct."""
    for instance in _instances(bank.id, family.id, len(FEW)):
        for form in _typed_forms(instance):
            verdict = instance.grade(form)
            assert verdict.status == "correct", (instance.code, form, verdict.feedback)


@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_every_drawn_instance_lists_mistakes(bank, family):
    """A family with known mistakes names at least one for every drawn instance."""
    if not family.mistakes:
        pytest.skip("the family lists no mistakes")
    for instance in _instances(bank.id, family.id, len(FEW))[1:]:
        assert instance.mistakes, f"{instance.code} (seed {instance.seed}) lists no mistake"


DESCENT = [(bank, family) for bank, family in FAMILIES
           if "gradient_step" in family.verify or "step" in family.verify]


@pytest.mark.slow
@pytest.mark.parametrize("bank, family", DESCENT,
                         ids=[f"{b.id}/{f.id}" for b, f in DESCENT])
def test_descent_step_decreases_its_objective(bank, family):
    """x1 = x0 - eta grad f(x0) has f(x1) < f(x0), over 61 seeds (eta < 2 / L)."""
    spec = family.verify
    names = [n for row in spec["wrt"] for n in (row if isinstance(row, list) else [row])]
    for instance in _instances(bank.id, family.id, len(MANY)):
        f = numeric(instance.values[spec.get("gradient_step") or spec["gradient_at"]],
                    instance.variables)
        with mpmath.workdps(30):
            x0 = [numeric(e, [])({}) for e in instance.values[spec["at"]]]
            x1 = [evaluate(e, {}) for e in answer_entries(instance)]
            before, after = f(dict(zip(names, x0))), f(dict(zip(names, x1)))
        assert after < before, (instance.code, float(before), float(after))


@pytest.mark.slow
@pytest.mark.parametrize("bank, family", FAMILIES, ids=IDS)
def test_enough_different_answers_for_a_class(bank, family):
    """At least 30 possible answers, unless the family is declared small.

    60 draws from 30 equally likely answers show 30 (1 - e^-2) = 26 of them on average,
    so fewer than 26 different answers in 60 draws means fewer than 30 possible."""
    if family.small:
        pytest.skip("declared small")
    answers = {i.answer for i in _instances(bank.id, family.id, len(MANY))[1:]}
    assert len(answers) >= 26, f"{len(answers)} different answers in 60 instances"
