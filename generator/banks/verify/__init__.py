"""Independent confirmation of answer keys: numbers, not the CAS that computed them.

A family names how its key is confirmed (``verify: {derivative: f, wrt: x}``); the
verifier evaluates the family's own values with the grader's evaluator in high precision
and differentiates numerically (mpmath's finite differences), so an error in how a
family computes its answer cannot confirm itself.  The tests run every family through
its verifier for many seeds; ``calcdrill banks validate --deep`` does the same.

Verifiers are registered by name in :data:`VERIFIERS`; the generic ones live here, the
topic ones (critical points, Lagrange, backpropagation...) in :mod:`.calculus`,
:mod:`.multivariable` and :mod:`.optimization`.
"""

from __future__ import annotations

# Importing the topic modules registers their verifiers.
from generator.banks.verify import (calculus, matrix, matrix_calculus,  # noqa: F401
                                    multivariable, optimality, optimization)
from generator.banks.verify.common import (VERIFIERS, VerificationError, answer_entries, close,
                                          defined_points, evaluate, numeric, partial, register,
                                          sample_points, second_partial, value_of,
                                          verify_instance)

__all__ = ["VERIFIERS", "VerificationError", "answer_entries", "close", "defined_points",
           "evaluate", "numeric", "partial", "register", "sample_points", "second_partial",
           "value_of", "verify_instance"]
