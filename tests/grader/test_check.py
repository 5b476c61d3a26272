"""The public API: check() on every kind, the public corpus, feedback and mistakes."""

import time
from pathlib import Path

import pytest
import yaml

import grader
from grader import Mistake, check
from tests.conftest import caret

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "corpus.yaml").read_text("utf-8"))


def test_public_names():
    """The API of SPEC §3.1 is exported."""
    assert {"check", "Verdict", "Mistake", "ReadError"} <= set(grader.__all__)
    assert grader.__all__ == sorted(grader.__all__)
    assert all(hasattr(grader, name) for name in grader.__all__)


def test_corpus_is_large_and_varied():
    """The corpus spans kinds and verdicts."""
    assert len(CORPUS) >= 150
    assert {c["kind"] for c in CORPUS} == set(grader.KINDS)
    assert {c["verdict"] for c in CORPUS} == {"correct", "incorrect", "invalid"}


@pytest.mark.parametrize("case", CORPUS, ids=[c["id"] for c in CORPUS])
def test_corpus(case):
    """Every corpus case gets its verdict."""
    v = check(case["expected"], case["answer"], kind=case["kind"],
              variables=case.get("variables") or [], assume=case.get("assume") or {},
              tolerance=case.get("tolerance"), shapes=case.get("shapes"))
    assert v.status == case["verdict"], v.feedback
    assert 0.0 <= v.score <= 1.0
    assert (v.score == 1.0) == (v.status == "correct")
    assert (v.interpreted == "") == (v.status == "invalid")


class TestCheck:
    def test_spec_example(self):
        """The call of SPEC §3.1 works as written."""
        v = check("x^x*(ln(x)+1)", "x^x(ln x + 1)", kind="expression", variables=["x"],
                  assume={"x": "positive"}, tolerance=None)
        assert (v.status, v.score, v.feedback) == ("correct", 1.0, "Correct.")
        assert v.interpreted == "x^{x} \\left(\\ln x + 1\\right)"

    def test_invalid_says_what_and_where(self):
        """An unreadable answer is invalid, with the column, and scores nothing."""
        v = check("2*x", "2x + (x", variables=["x"])
        assert v.status == "invalid" and v.score == 0.0 and v.interpreted == ""
        assert v.feedback == ('Could not read your answer: unbalanced "(" opened at '
                              'column 6; a ")" is missing.')

    def test_unknown_variable(self):
        """A variable that is not the problem's is named, with the ones to use."""
        v = check("2*x", "2t", variables="x")
        assert v.feedback == ('Could not read your answer: "t" is not a variable of this '
                              'problem; use x (column 2).')

    def test_known_mistake_feedback(self):
        """A family's mistake supplies its own feedback."""
        m = Mistake("exp(x^2)", "Chain rule forgotten.", "chain")
        v = check("2*x*exp(x^2)", "e^{x^2}", variables=["x"], mistakes=[m])
        assert (v.status, v.feedback, v.mistake) == ("incorrect", "Chain rule forgotten.", "chain")

    def test_mistake_not_matched_keeps_generic_feedback(self):
        m = Mistake("exp(x^2)", "Chain rule forgotten.")
        v = check("2*x*exp(x^2)", "-2x e^(x^2)", variables=["x"], mistakes=[m])
        assert v.feedback == ("Your answer has the wrong sign: it is the negative of the "
                              "correct answer.")

    def test_bad_expected_is_an_instructor_error(self):
        """An unreadable expected answer raises, naming it."""
        with pytest.raises(grader.ReadError, match="the expected answer '2x\\+' cannot be read"):
            check("2x+", "2x", variables=["x"])

    def test_unknown_kind(self):
        with pytest.raises(ValueError, match="unknown answer kind 'formula'"):
            check("x", "x", kind="formula", variables=["x"])


class TestNumber:
    def test_exact_by_default(self):
        """A decimal for an irrational value is wrong without a tolerance, and says why."""
        v = check("-sqrt(2)", "-1.414", kind="number")
        assert v.status == "incorrect"
        assert v.feedback.startswith("Your decimal is close, but the exact value is expected")

    def test_tolerance(self):
        assert check("-sqrt(2)", "-1.414", kind="number", tolerance=0.001).status == "correct"
        assert check("-sqrt(2)", "-1.4", kind="number", tolerance=0.001).status == "incorrect"

    def test_exact_decimal(self):
        assert check("1/2", "0.5", kind="number").status == "correct"

    def test_complex(self):
        """The seed's (-0.9)^(-0.9) = -1.05 - 0.34i."""
        assert check("(-0.9)^(-0.9)", "-1.05-0.34i", kind="number",
                     tolerance=0.01).status == "correct"
        assert check("(-0.9)^(-0.9)", "-1.05+0.34i", kind="number",
                     tolerance=0.01).status == "incorrect"

    def test_variable_in_a_number(self):
        v = check("3", "3x", kind="number", variables=["x"])
        assert (v.status, v.feedback) == ("incorrect", "The answer is a number; yours still contains x.")


class TestVector:
    def test_forms(self):
        expected = "[y*2^(x*y)*ln(2) - z*sin(x), x*2^(x*y)*ln(2), cos(x)]"
        for answer in ("[y 2^(xy) ln 2 - z sin x, x 2^(xy) ln 2, cos x]",
                       "(y 2^(xy) ln 2 - z sin x, x 2^(xy) ln 2, cos x)",
                       r"\begin{pmatrix} y 2^{xy} \ln 2 - z \sin x \\ x 2^{xy}\ln 2 \\ \cos x \end{pmatrix}"):
            assert check(expected, answer, kind="vector", variables="x,y,z").status == "correct"

    def test_partial_credit_names_the_component(self):
        v = check("[2*x, 3]", "[2x, 4]", kind="vector", variables=["x"])
        assert v.status == "incorrect" and v.score == 0.5
        assert v.feedback.startswith("Component 2 is wrong.")

    def test_length(self):
        v = check("[1, 2, 3]", "[1, 2]", kind="vector")
        assert v.feedback == "Your vector has 2 components; the answer has 3."


class TestMatrix:
    J = "[[2, 0], [2*x*sqrt(y), x^2/(2*sqrt(y))]]"

    def test_seed_jacobian(self):
        v = check(self.J, "[[2, 0], [2x√y, x²/(2√y)]]", kind="matrix", variables="x,y",
                  assume={"y": "positive"})
        assert v.status == "correct"

    def test_transposed(self):
        v = check(self.J, "[[2, 2x√y], [0, x²/(2√y)]]", kind="matrix", variables="x,y",
                  assume={"y": "positive"})
        assert v.status == "incorrect" and v.score == 0.5
        assert v.feedback.startswith("Your matrix is the transpose of the correct one")

    def test_shape(self):
        v = check(self.J, "[[2, 0, 1], [1, 2, 3]]", kind="matrix", variables="x,y")
        assert v.feedback == "A 2×2 matrix is expected; yours is 2×3."

    def test_hessian_cross_terms_halved(self):
        v = check("[[2*y^3, 6*x*y^2], [6*x*y^2, 6*x^2*y]]", "[2y^3, 3xy^2; 3xy^2, 6x^2y]",
                  kind="matrix", variables="x,y")
        assert v.score == 0.5
        assert v.feedback == ("Entries (1,2) and (2,1) are wrong. Each is off by a constant "
                              "factor: it is 1/2 times the correct value.")


class TestSet:
    @pytest.mark.parametrize("answer", ["{2, -1, 0}", "-1, 0, 2", "x=-1, x=0, x=2",
                                        "x = 2 or x = -1 or x = 0", "{0, 0, -1, 2}"])
    def test_forms(self, answer):
        assert check("{-1, 0, 2}", answer, kind="set", variables="x").status == "correct"

    def test_plus_minus(self):
        assert check("{-1, 1}", "x = ±1", kind="set", variables="x").status == "correct"

    def test_partial(self):
        v = check("{-1, 0, 2}", "{-1, 2, 5}", kind="set", variables="x")
        assert v.status == "incorrect" and v.score == pytest.approx(1 / 3)
        assert v.feedback == "1 element is missing; 1 of yours is not in the set."

    def test_points(self):
        assert check("{(0, 0), (1, 1)}", "{(1, 1), (0, 0)}", kind="set").status == "correct"

    @pytest.mark.parametrize("answer", ["x ∈ {-1, 0, 2}", "x = {2, 0, -1}", "x=-1,0,2",
                                        "-1, 0 and 2"])
    def test_membership_and_lists(self, answer):
        assert check("{-1, 0, 2}", answer, kind="set", variables="x").status == "correct"


class TestPoint:
    def test_named_coordinates(self):
        v = check("(-sqrt(2)/2, -sqrt(2)/2)", "x = -1/√2, y = -1/√2", kind="point",
                  variables="x,y")
        assert v.status == "correct"

    def test_order_matters(self):
        assert check("(2, 0)", "(0, 2)", kind="point").status == "incorrect"


class TestLabel:
    @pytest.mark.parametrize("answer", ["min", "Minimum", "local min", "a local minimum", "极小值",
                                        "local minima"])
    def test_synonyms(self, answer):
        assert check("local minimum", answer, kind="label").status == "correct"

    def test_wrong_label(self):
        v = check("saddle point", "local minimum", kind="label")
        assert (v.status, v.feedback) == ("incorrect", 'Not "local minimum".')

    def test_misspelt_label(self):
        v = check("local minimum", "minimun", kind="label")
        assert v.status == "invalid" and 'Did you mean "minimum"?' in v.feedback

    def test_shapes(self):
        assert check("2x3", "2 by 3", kind="label").status == "correct"


class TestOtherNotations:
    """Notation seen in other graders' inputs is read the same way."""

    @pytest.mark.parametrize("answer, expected", [
        ("1+μ0", "mu0 + 1"), ("n/-m", "-n/m"), ("sin**2 (m)", "sin(m)^2"),
        ("n log^2 2n", "n*ln(2*n)^2"), ("sin atan n", "sin(atan(n))"), ("2e+3", "2*e + 3"),
        ("5mn sin m + arccos 3n", "5*m*n*sin(m) + acos(3*n)"), ("max(m)", "m"),
        ("arctan2(m, n)", "atan2(m, n)"), ("m - （n + m）", "-n"), ("2x.", "2*x"),
        ("H(x)", "heaviside(x)"), ("2xe^(x^2)", "2*x*exp(x^2)"),
        ("e^(xlnx)(lnx+1)", "x^x*(ln(x)+1)"), ("1 - tanh²(x)", "sech(x)^2"),
    ])
    def test_forms(self, answer, expected):
        v = check(expected, answer, variables=["n", "m", "x", "mu0"])
        assert v.status == "correct", v.feedback


class TestHowStudentsReallyType:
    """Forms found by a holdout set of student-style answers (written apart from the code)."""

    @pytest.mark.parametrize("expected, answer, kind, variables", [
        ("cos(x)*exp(sin(x))", "cos x e^(sin x)", "expression", "x"),
        ("2*x*exp(x^2)", r"\frac{d}{dx}e^{x^2}=2xe^{x^2}", "expression", "x"),
        ("sech(x)^2", "Sech^2(x)", "expression", "x"),
        ("-2*x*sin(x^2)", "-2x SIN(x^2)", "expression", "x"),
        ("[2*x+3*y, 3*x+3*y^2]", "<2x+3y, 3x+3y^2>", "vector", "x,y"),
        ("[exp(x)*sin(y), exp(x)*cos(y)]", "e^x[sin y, cos y]", "vector", "x,y"),
        ("[2*(a+2*b-1), 4*(a+2*b-1)]", "2(a+2b-1)[1,2]", "vector", "a,b"),
        ("[[6*x, 2*y], [2*y, 2*x]]", "2[[3x, y], [y, x]]", "matrix", "x,y"),
        ("(sqrt(2)/2, sqrt(2)/2)", "x=y=√2/2", "point", "x,y"),
        ("(2, 1)", "x = 2; y = 1", "point", "x,y"),
        ("{2-sqrt(2), 2+sqrt(2)}", "(4±√8)/2", "set", "x"),
        ("1/3", "⅓", "number", ""),
        ("local minimum", "it's a local minimum", "label", ""),
        ("increasing", "strictly increasing", "label", ""),
    ])
    def test_read_as_meant(self, expected, answer, kind, variables):
        assert check(expected, answer, kind=kind, variables=variables).status == "correct"

    def test_complex_number_reads_root_then_i(self):
        assert check("(-8)^(1/3)", "1+√3i", kind="number", tolerance=0.001).status == "correct"

    def test_approximately(self):
        assert check("0.09", "≈ 0.090", kind="number", tolerance=0.001).status == "correct"

    @pytest.mark.parametrize("expected, answer", [
        ("x", "e^(ln x)"), ("x^2", "sqrt(x)^4"), ("x", "sqrt(x)^2")])
    def test_every_step_must_be_real(self, expected, answer):
        """Right values reached through ln or sqrt of a negative are not right for real x."""
        v = check(expected, answer, variables="x")
        assert v.status == "incorrect" and "right only for x > 0" in v.feedback
        assert check(expected, answer, variables="x", assume={"x": "positive"}).status == \
            "correct"

    def test_plus_minus_is_two_answers(self):
        v = check("x", "x ± 1", variables="x")
        assert v.feedback == ("Your answer has a ± in it, which stands for two answers; "
                              "give a single one.")


EXPECTED_BY_KIND = {
    "expression": "2*x", "vector": "[x, 1]", "matrix": "[[x, 1], [0, x]]", "set": "{-1, 1}",
    "point": "(1, 2)", "number": "3", "label": "local minimum", "interval": "(0, 1]",
    "matrix-expression": "A x",
}
#: Shapes for the kinds that need them.
SHAPES_BY_KIND = {"matrix-expression": {"A": "n×n", "x": "n"}}


class TestBounds:
    @pytest.mark.parametrize("kind", grader.KINDS)
    @pytest.mark.parametrize("length", [2001, 1_000_000])
    def test_every_kind_has_the_length_bound(self, kind, length):
        """Any kind refuses an answer over 2000 characters at once, saying so."""
        start = time.monotonic()
        v = check(EXPECTED_BY_KIND[kind], "m" * length, kind=kind, variables="x",
                  shapes=SHAPES_BY_KIND.get(kind))
        assert time.monotonic() - start < 0.5
        assert (v.status, v.score, v.interpreted) == ("invalid", 0.0, "")
        assert v.feedback == (f"Could not read your answer: answer too long ({length} "
                              "characters; at most 2000).")

    @pytest.mark.parametrize("kind", [k for k in grader.KINDS if k != "label"])
    def test_deadline_makes_every_kind_undecided(self, kind):
        """With no time left, a right answer in another form is undecided, not wrong."""
        answers = {"expression": "x + x", "vector": "[2x - x, 2 - 1]",
                   "matrix": "[[2x - x, 2 - 1], [1 - 1, 2x - x]]", "set": "{1 - 2, 2 - 1}",
                   "point": "(2 - 1, 1 + 1)", "number": "1 + 2", "interval": "0 < x <= 2 - 1",
                   "matrix-expression": "(2A - A) x"}
        v = check(EXPECTED_BY_KIND[kind], answers[kind], kind=kind, variables="x",
                  time_limit=0.0, shapes=SHAPES_BY_KIND.get(kind))
        assert v.status == "undecided"
        assert v.feedback == ("Your answer could not be checked automatically within the "
                              "time allowed; it has been flagged for your instructor to "
                              "review.")

    def test_digits_inside_a_name_have_the_number_bound(self):
        """step999... (300 digits) is refused like any number longer than 40 digits."""
        v = check("relu(x)", "step" + "9" * 300, variables="x")
        assert v.feedback == ("Could not read your answer: number too long (300 characters; "
                              "at most 40) (column 5).")

    def test_fifty_element_set_is_quick(self):
        """A set of 50 elements, each in another form, is graded well within the bound."""
        expected = "{" + ", ".join(str(k) for k in range(50)) + "}"
        answer = "{" + ", ".join(f"sin({k})^2 + cos({k})^2 + {k} - 1" for k in range(50)) + "}"
        start = time.monotonic()
        assert check(expected, answer, kind="set").status == "correct"
        assert time.monotonic() - start < 1.0


class TestStructureInsideACalculation:
    @pytest.mark.parametrize("template, what", [
        ("!(1, 2)^2", "a list"),
        ("sin(![1, 2])", "a vector"),
        ("!{1, 2} + 1", "a set"),
        ("2 + ![[1, 0], [0, 1]]", "a matrix"),
        ("(x !=1)^2", "an equation"),
        ("±!(1, 2) + 3", "a list"),
        ("abs(!(1, 2))", "a list"),
    ])
    def test_refused_where_typed(self, template, what):
        """(1, 2)^2 reads, but has no value: invalid, pointing at the list."""
        answer, at = caret(template)
        for kind in ("expression", "number", "set", "vector"):
            v = check(EXPECTED_BY_KIND[kind], answer, kind=kind, variables="x")
            assert v.status == "invalid", kind
            assert v.feedback == (f"Could not read your answer: {what} cannot be part of a "
                                  f"calculation; give single expressions (column {at + 1}).")

    def test_plus_minus_in_front_of_a_point_is_two_points(self):
        """±(1, 2) is a pair of points where points are expected, not a calculation."""
        assert check("{(1, 2), (-1, -2)}", "±(1, 2)", kind="set").status == "correct"
        v = check("2*x", "±(1, 2)", variables="x")
        assert (v.status, v.feedback) == ("incorrect", "Your answer has a ± in it, which "
                                          "stands for two answers; give a single one.")

    def test_scaled_vector_is_still_read(self):
        """2[1, 2] is a vector with every entry doubled, not a vector inside a product."""
        assert check("[2, 4]", "2[1, 2]", kind="vector").status == "correct"

    @pytest.mark.parametrize("kind, expected, answer", [
        ("matrix", "[[1, 2], [3, 4]]", "[1 ± 1, 2; 3, 4 ± 0]"),
        ("set", "{(0, 0), (1, 1)}", "{(1 ± 1, 0), (1, 1)}"),
        ("set", "{(0, 0), (1, 1)}", "{(1 ± 1, 0), (1 ± 1, 0)}"),
        ("vector", "[1, 2]", "[sin(±1), 2]"),
    ])
    def test_plus_minus_inside_an_entry_is_wrong_not_a_crash(self, kind, expected, answer):
        """A ± inside an entry or a coordinate stands for two answers: incorrect."""
        assert check(expected, answer, kind=kind).status == "incorrect"


# -- known mistakes: screened together, then confirmed ----------------------------------

CHAIN = "2*x*exp(x^2)"
CHAIN_MISTAKES = [Mistake("exp(x^2)", "Chain rule forgotten.", "chain"),
                  Mistake("2*exp(x^2)", "The inner derivative is 2x, not 2.", "inner"),
                  Mistake("x^2*exp(x^2)", "Differentiate x^2, do not copy it.", "copied"),
                  Mistake("2*x*exp(2*x)", "The exponent stays x^2.", "exponent")]


@pytest.mark.parametrize("answer, mistake", [
    ("e^(x^2)", "chain"), ("exp(x*x)", "chain"), ("e^(x²)", "chain"),
    ("2e^(x^2)", "inner"), ("exp(x^2)*2", "inner"),
    ("x²e^(x²)", "copied"), ("x*x*exp(x^2)", "copied"),
    ("2x e^(2x)", "exponent"), ("x*2*exp(x+x)", "exponent"),
    ("3*exp(x^2)", ""), ("2*x*exp(x^2) + 1e-7", ""), ("0", ""),
])
def test_a_known_mistake_typed_any_way_gets_its_feedback(answer, mistake):
    verdict = check(CHAIN, answer, variables=["x"], mistakes=CHAIN_MISTAKES)
    assert (verdict.status, verdict.mistake) == ("incorrect", mistake)
    if mistake:
        assert verdict.feedback == next(m.feedback for m in CHAIN_MISTAKES if m.name == mistake)


def test_mistakes_plainly_unlike_the_answer_are_not_graded_one_by_one(monkeypatch):
    """Screened at the sample points: only the main grading (and the mistake the answer
    is) go through the full grader."""
    import importlib

    check_module = importlib.import_module("grader.check")  # the module, not the function

    grade = check_module.GRADERS["expression"]
    calls = []
    monkeypatch.setitem(check_module.GRADERS, "expression",
                        lambda e, a, ctx: calls.append(e) or grade(e, a, ctx))
    assert check(CHAIN, "3*exp(x^2)", variables=["x"], mistakes=CHAIN_MISTAKES).mistake == ""
    assert len(calls) == 1
    calls.clear()
    assert check(CHAIN, "x*x*e^(x^2)", variables=["x"],
                 mistakes=CHAIN_MISTAKES).mistake == "copied"
    assert len(calls) == 2


MATRIX_CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "matrix_corpus.yaml")
                               .read_text("utf-8"))
MATRIX_CASES = [{"id": f"{p['problem']}:{a['answer']}", "expected": p["expected"],
                 "answer": a["answer"], "kind": "matrix-expression", "shapes": p["shapes"],
                 "assume": p.get("assume"), "variables": p.get("variables"),
                 "verdict": a["verdict"]} for p in MATRIX_CORPUS for a in p["answers"]]


class TestStatusOnly:
    """check(..., explain=False): the verdict alone, as a generator's self-check needs it."""

    @pytest.mark.parametrize("case", CORPUS + MATRIX_CASES,
                             ids=[c["id"] for c in CORPUS + MATRIX_CASES])
    def test_same_status_as_full_grading(self, case):
        """Every corpus answer gets the status that full grading gives it."""
        options = dict(kind=case["kind"], variables=case.get("variables") or [],
                       assume=case.get("assume") or {}, tolerance=case.get("tolerance"),
                       shapes=case.get("shapes"))
        quick = check(case["expected"], case["answer"], explain=False, **options)
        assert quick.status == case["verdict"]
        assert quick.status == check(case["expected"], case["answer"], **options).status

    @pytest.mark.parametrize("expected, answer, kind, status", [
        ("[2*x, 3, x^2]", "[2, 4, x]", "vector", "incorrect"),  # every entry wrong
        ("[2*x, 3, x^2]", "[2x, 3, x^3]", "vector", "incorrect"),  # only the last
        ("[2*x, 3, x^2]", "[2x, (1, 2), x^2]", "vector", "incorrect"),  # a list in an entry
        ("[[1, 2], [3, 4]]", "[[1, 3], [2, 4]]", "matrix", "incorrect"),  # transposed
        ("[[1, 2], [3, 4]]", "[[1, 3]]", "matrix", "incorrect"),
        ("{-1, 0, 2}", "{-1, 2}", "set", "incorrect"),
        ("(1, 2)", "(1, 3)", "point", "incorrect"),
        ("[x, -1]", "[x -1]", "vector", "invalid"),  # two readings, two verdicts
        ("[x + 1, 2]", "[x -1]", "vector", "incorrect"),  # two readings, one verdict
    ])
    def test_incorrect_and_ambiguous_answers(self, expected, answer, kind, status):
        """Wrong structured answers stay incorrect; readings that disagree stay invalid."""
        full = check(expected, answer, kind=kind, variables=["x"])
        quick = check(expected, answer, kind=kind, variables=["x"], explain=False)
        assert full.status == quick.status == status

    def test_no_feedback_is_built(self):
        """Only the status is worked out: no hint, no LaTeX of the reading."""
        v = check("[2*x, 3]", "[4x, 6]", kind="vector", variables=["x"], explain=False)
        assert (v.status, v.feedback, v.interpreted) == ("incorrect", "", "")
