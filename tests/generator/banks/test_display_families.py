"""Families that ask for σ or factored keys (``display:``) print them so, and the printed
key is the graded key."""

import pytest
import sympy

from generator.banks.load import shipped_banks
from generator.documents.display import SIGMA, display_form
from generator.documents.mathtext import answer_text
from generator.instance import make_instance

SEEDS = range(6)
DISPLAYING = [(bank, family) for bank in shipped_banks() for family in bank.families
              if family.display.sigmoid or family.display.factor]
IDS = [f"{bank.id}/{family.id}" for bank, family in DISPLAYING]


def _family(bank_id: str, family_id: str):
    bank = next(b for b in shipped_banks() if b.id == bank_id)
    return bank, bank.family(family_id)


def _explicit(expr):
    return expr.replace(lambda e: getattr(e, "func", None) == SIGMA,
                        lambda e: 1 / (1 + sympy.exp(-e.args[0])))


def test_the_shipped_banks_use_it():
    """σ for the sigmoid families, factoring where it reads better."""
    assert sorted(IDS) == ["derivatives/quotient-rule", "derivatives/sigmoid-derivative",
                           "derivatives/tanh-derivative", "machine-learning/mse-gradient",
                           "multivariable/chain-multi-neuron", "multivariable/chain-multi-t"]


@pytest.mark.parametrize("bank, family", DISPLAYING, ids=IDS)
def test_the_printed_key_is_the_graded_key(bank, family):
    """The key as printed equals the computed key, symbolically and for the grader
    (a student copying the printed form is marked correct)."""
    for seed in SEEDS:
        instance = make_instance(bank, family, seed)
        value = instance.values[family.answer_value]
        shown = display_form(value, **family.display.options(family.answer_value))
        assert sympy.simplify(_explicit(shown) - value) == 0, (instance.code, shown)
        typed = answer_text(shown, "expression")
        verdict = instance.grade(typed)
        assert verdict.status == "correct", (instance.code, typed, verdict.feedback)


# (bank, family, seed) -> the key's LaTeX, as the answer key prints it
PRINTED = [
    ("derivatives", "sigmoid-derivative", 0,
     r"\sigma{\left(x \right)} \left(1 - \sigma{\left(x \right)}\right)"),
    ("derivatives", "sigmoid-derivative", 2,
     r"3 \sigma{\left(3 x \right)} \left(1 - \sigma{\left(3 x \right)}\right)"),
    # b != c: f is no multiple of a sigmoid of anything drawn, so the quotient stays
    ("derivatives", "sigmoid-derivative", 1,
     r"\frac{10 e^{- x}}{\left(3 + 2 e^{- x}\right)^{2}}"),
    ("multivariable", "chain-multi-neuron", 0,
     r"- 2 \sigma{\left(2 w + 1 \right)} \left(1 - \sigma{\left(2 w + 1 \right)}\right)^{2}"),
    ("derivatives", "tanh-derivative", 1, r"- 8 \left(1 - \tanh^{2}{\left(4 x \right)}\right)"),
    ("derivatives", "tanh-derivative", 0, r"1 - \tanh^{2}{\left(x \right)}"),
    ("derivatives", "quotient-rule", 2,
     r"\frac{4 \left(x^{2} + x - 4\right)}{\left(x^{2} + 4\right)^{2}}"),
    ("multivariable", "chain-multi-t", 3,
     r"2 t \left(t^{2} + 1\right) \left(3 t^{2} + 1\right)"),
    ("machine-learning", "mse-gradient", 0, r"\frac{2 \left(3 b + 5 w - 13\right)}{3}"),
]


@pytest.mark.parametrize("bank_id, family_id, seed, expected", PRINTED,
                         ids=[f"{f}/{s}" for _, f, s, _ in PRINTED])
def test_the_key_prints_as_a_person_writes_it(bank_id, family_id, seed, expected):
    """The answer key's LaTeX, and the last solution step showing the same form."""
    instance = make_instance(*_family(bank_id, family_id), seed)
    assert instance.answer_latex == expected
    assert expected in instance.solution[-1]


def test_the_prompt_keeps_the_quotient_to_differentiate():
    """sigmoid-derivative asks σ only for its key: the prompt shows the formula."""
    instance = make_instance(*_family("derivatives", "sigmoid-derivative"), 0)
    assert instance.prompt == r"Differentiate $f(x) = \frac{1}{1 + e^{- x}}$."


@pytest.mark.parametrize("typed", ["sigma(x)(1 - sigma(x))", "σ(x)(1−σ(x))",
                                   "sigmoid(x)*(1 - sigmoid(x))", "e^(-x)/(1 + e^(-x))^2",
                                   r"\frac{e^{-x}}{(1+e^{-x})^2}"])
def test_students_may_type_either_form(typed):
    """Grading compares values: the σ form and the expanded form are both correct."""
    instance = make_instance(*_family("derivatives", "sigmoid-derivative"), 0)
    assert instance.grade(typed).status == "correct"
