"""The new verifiers reject wrong keys: each family's known mistakes, put in place of the
key, must fail its independent check (a verifier that accepted everything would pass the
self-check of test_families.py)."""

import dataclasses

import pytest

from generator.banks.load import shipped_banks
from generator.banks.verify import VerificationError, verify_instance
from generator.instance import make_instance

#: (bank, family) per new verifier: gradient_at, jacobian_at, shape_quiz, taylor,
#: newton_step, convexity, max_step, hessian_eigenvalues, kkt, density_transform.
CASES = [
    ("matrix-calculus", "gradient-quadratic-affine"),
    ("matrix-calculus", "gradient-log-det"),
    ("matrix-calculus", "layer-weight-gradient"),
    ("matrix-calculus", "softmax-jacobian"),
    ("matrix-calculus", "logistic-step"),
    ("multivariable", "shapes-quiz"),
    ("multivariable", "shapes-expressions"),
    ("multivariable", "hessian-eigenvalues"),
    ("optimisation", "tangent-line"),
    ("optimisation", "taylor-second-order"),
    ("optimisation", "newton-step-2d"),
    ("optimisation", "convexity-quadratic"),
    ("optimisation", "max-step-size"),
    ("optimisation", "kkt-inequality"),
    ("optimisation", "autodiff-forward"),
    ("probability", "change-of-variables"),
]


def _family(bank_id: str, family_id: str):
    bank = next(b for b in shipped_banks() if b.id == bank_id)
    return bank, bank.family(family_id)


@pytest.mark.parametrize("bank_id, family_id", CASES, ids=[f"{b}/{f}" for b, f in CASES])
def test_a_mistake_as_key_is_rejected(bank_id, family_id):
    """Every listed mistake of seeds 1-3, passed off as the key, fails verification."""
    bank, family = _family(bank_id, family_id)
    checked = 0
    for seed in (1, 2, 3):
        instance = make_instance(bank, family, seed)
        verify_instance(instance, family.verify)          # the real key passes
        for mistake in instance.mistakes:
            wrong = dataclasses.replace(instance, answer=mistake.answer)
            with pytest.raises(VerificationError):
                verify_instance(wrong, family.verify)
            checked += 1
    assert checked > 0, "no mistake to try"
