"""A bounded run of the fuzz harness (benchmarks/fuzz.py): a few hundred generated, mutated
and crafted answers over every kind must raise nothing, stay within the 2-second bound and
never accept an answer built to differ."""

import importlib.util
import sys
from pathlib import Path

import pytest

import grader

_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "fuzz.py"
_SPEC = importlib.util.spec_from_file_location("calcdrill_fuzz", _PATH)
fuzz = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = fuzz  # dataclasses look their module up by name
_SPEC.loader.exec_module(fuzz)

COUNT = 500


@pytest.fixture(scope="module")
def report():
    """One bounded, deterministic run, shared by the tests below."""
    return fuzz.run(COUNT, seed=20261130, processes=1)


class TestFuzz:
    def test_every_kind_is_fuzzed(self, report):
        """The run covers every answer kind, and a good share of crafted differences."""
        assert report.count == COUNT
        assert set(report.by_kind) == set(grader.KINDS)
        assert report.crafted >= COUNT // 10

    def test_no_exception(self, report):
        """check() raises on no input."""
        assert report.exceptions == []

    def test_no_answer_over_the_bound(self, report):
        """No answer takes more than 2 seconds."""
        assert report.slow_wall == []
        assert report.max_wall < fuzz.BOUND

    def test_no_crafted_difference_accepted(self, report):
        """No answer built to differ from the expected one is graded correct."""
        assert report.false_accepts == []
        assert report.crafted_by_status.get("incorrect", 0) >= report.crafted * 0.9


class TestCrafted:
    @pytest.mark.parametrize("index", range(40))
    def test_crafted_answers_truly_differ(self, index):
        """A crafted answer changes the expected one where the perturbation is not zero."""
        problem = fuzz.Problem("expression", "x^2 + 1", ("x",))
        rng = fuzz.random.Random(index)
        answer, family = fuzz._crafted(rng, problem)
        assert answer.startswith("(x^2 + 1)") and family
        assert grader.check("x^2 + 1", answer, variables="x").status != "correct", answer

    def test_case_is_a_function_of_seed_and_index(self):
        """Any reported input can be replayed from its seed and index."""
        assert fuzz.make_case(3, 17) == fuzz.make_case(3, 17)
        assert fuzz.make_case(3, 17) != fuzz.make_case(4, 17)
