"""The matrix-expression kind: reading, shapes, equality without commuting, feedback,
known mistakes, the public corpus, bounds on hostile input, and a Hypothesis property."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader import KINDS, Mistake, check
from grader.errors import ReadError
from grader.matexpr.read import read
from grader.matexpr.shapes import parse_shapes

CORPUS = yaml.safe_load((Path(__file__).parent / "data" / "matrix_corpus.yaml")
                        .read_text("utf-8"))
CASES = [(p, a) for p in CORPUS for a in p["answers"]]
LSQ = {"X": "n×d", "w": "d", "y": "n"}
QUAD = {"A": "d×d", "x": "d"}


def grade(expected: str, answer: str, shapes: dict, **options):
    return check(expected, answer, kind="matrix-expression", shapes=shapes, **options)


# -- the "done" list ------------------------------------------------------------------

def test_kind_is_listed():
    assert "matrix-expression" in KINDS


def test_least_squares_gradient_as_typed_is_correct():
    v = grade("X^T(Xw - y)", "Xᵀ(X w − y)", LSQ)
    assert (v.status, v.score, v.feedback) == ("correct", 1.0, "Correct.")
    assert v.interpreted == ("\\mathbf{X}^{\\top} \\left(\\mathbf{X} \\mathbf{w} - "
                             "\\mathbf{y}\\right)")


def test_shape_error_names_the_product_and_the_shapes():
    v = grade("X^T(Xw - y)", "X(Xw - y)", LSQ)
    assert v.status == "invalid"
    assert v.feedback == ('Could not read your answer: the shapes do not match in the product '
                          '"X(Xw - y)": n×d times n×1 (the inner sizes d and n differ) '
                          "(column 1).")
    assert v.interpreted == ""


def test_row_instead_of_column_is_named_a_transpose():
    v = grade("X^T(Xw - y)", "(Xw - y)^T X", LSQ)
    assert v.status == "incorrect"
    assert v.feedback == ("Your answer is the transpose of the correct one: yours is 1×d, "
                          "a d×1 column is expected (vectors are columns): transpose it.")


@pytest.mark.parametrize("declared, status, message", [
    ({}, "incorrect", "Your answer is right only if A is symmetric, which is not given here."),
    ({"A": "symmetric"}, "correct", "Correct."),
    ({"A": "spd"}, "correct", "Correct."),
])
def test_2Ax_is_right_only_for_symmetric_A(declared, status, message):
    v = grade("(A + A^T)x", "2Ax", QUAD, assume=declared)
    assert (v.status, v.feedback) == (status, message)


# -- reading ------------------------------------------------------------------------------------

READINGS = {
    "A^T x": "\\mathbf{A}^{\\top} \\mathbf{x}",
    "Aᵀx": "\\mathbf{A}^{\\top} \\mathbf{x}",
    "A'x": "\\mathbf{A}^{\\top} \\mathbf{x}",
    "A^{\\top} x": "\\mathbf{A}^{\\top} \\mathbf{x}",
    "\\mathbf{A}^\\intercal \\mathbf{x}": "\\mathbf{A}^{\\top} \\mathbf{x}",
    "transpose(A) x": "\\mathbf{A}^{\\top} \\mathbf{x}",
    "A^{-1}x": "\\mathbf{A}^{-1} \\mathbf{x}",
    "inv(A) x": "\\mathbf{A}^{-1} \\mathbf{x}",
    "A⁻¹x": "\\mathbf{A}^{-1} \\mathbf{x}",
    "A⁻ᵀx": "\\mathbf{A}^{-\\top} \\mathbf{x}",
    "A^{-T} x": "\\mathbf{A}^{-\\top} \\mathbf{x}",
    "tr(A) x": "\\operatorname{tr}\\left(\\mathbf{A}\\right) \\mathbf{x}",
    "\\operatorname{tr}(A) x": "\\operatorname{tr}\\left(\\mathbf{A}\\right) \\mathbf{x}",
    "det(A)x": "\\det\\left(\\mathbf{A}\\right) \\mathbf{x}",
    "‖x‖² x": "\\left\\lVert \\mathbf{x} \\right\\rVert^{2} \\mathbf{x}",
    "norm(x)^2 x": "\\left\\lVert \\mathbf{x} \\right\\rVert^{2} \\mathbf{x}",
    "x^T x x": "\\mathbf{x}^{\\top} \\mathbf{x} \\mathbf{x}",
    "(I - A)x": "\\left(\\mathbf{I}_{d} - \\mathbf{A}\\right) \\mathbf{x}",
    "(I_d - A)x": "\\left(\\mathbf{I}_{d} - \\mathbf{A}\\right) \\mathbf{x}",
    "x ⊙ σ(A x)": "\\mathbf{x} \\odot \\sigma\\left(\\mathbf{A} \\mathbf{x}\\right)",
    "x .* exp(Ax)": "\\mathbf{x} \\odot \\exp\\left(\\mathbf{A} \\mathbf{x}\\right)",
    "x - 1_d": "\\mathbf{x} - \\mathbf{1}_{d}",
    "2·A x": "2 \\cdot \\mathbf{A} \\mathbf{x}",
    "λ A x − x": "\\lambda \\mathbf{A} \\mathbf{x} - \\mathbf{x}",
    "lambda A x": "\\lambda \\mathbf{A} \\mathbf{x}",
    "diag(x) x": "\\operatorname{diag}\\left(\\mathbf{x}\\right) \\mathbf{x}",
    "∇f = A x": "\\mathbf{A} \\mathbf{x}",
}


@pytest.mark.parametrize("typed, latex", READINGS.items(), ids=list(READINGS))
def test_every_spelling_reads_as_the_same_mathematics(typed, latex):
    """Each spelling of the issue's list is read, and shown back in one consistent way."""
    v = grade("A x", typed, QUAD, variables=["lambda"])
    assert v.status in ("correct", "incorrect"), v.feedback
    assert v.interpreted == latex


@pytest.mark.parametrize("answer", [
    "A^T x", "Aᵀx", "A'x", "A^{\\top}x", "transpose(A)x", "\\mathbf{A}^\\top\\mathbf{x}",
    "(x^T A)^T", "(x'A)'", "A^\\top x",
])
def test_transposes_are_equal(answer):
    assert grade("A^T x", answer, QUAD).status == "correct"


@pytest.mark.parametrize("answer", ["A^{-1}x", "inv(A) x", "A⁻¹x", "(A^{-T})^T x",
                                    "((A^T)^{-1})^T x", "A^-1 x"])
def test_inverses_are_equal(answer):
    assert grade("inv(A)x", answer, QUAD).status == "correct"


def test_greek_names_in_every_spelling():
    shapes = {"δ": "m", "x": "n"}
    for answer in ("δ x^T", "delta x^T", "\\delta x^\\top", "\\boldsymbol{\\delta}\\mathbf{x}^T"):
        assert grade("δ xᵀ", answer, shapes).status == "correct", answer


# -- messages that say where ------------------------------------------------------------------

@pytest.mark.parametrize("answer, message", [
    ("A x + q", 'Could not read your answer: "q" is not a symbol of this problem; use A or x '
                "(column 7)."),
    ("A x +", "Could not read your answer: the expression ends too early (column 6)."),
    ("(A x", 'Could not read your answer: "(" is not closed: expected ")" before the end '
             "(column 1)."),
    ("A # x", 'Could not read your answer: unexpected character "#" (column 3).'),
    ("x A", 'Could not read your answer: the shapes do not match in the product "x A": d×1 '
            "times d×d (the inner sizes 1 and d differ) (column 1)."),
    ("A x + x^T", 'Could not read your answer: cannot add d×1 and 1×d in "A x + x^T": the '
                  "terms must have the same shape (column 1)."),
    ("x^2", 'Could not read your answer: "x" is d×1: a vector has no powers; for its squared '
            "length write xᵀx or ‖x‖² (column 1)."),
    ("x / A", 'Could not read your answer: cannot divide by "A", which is d×d: only scalars '
              "divide; multiply by an inverse instead (column 1)."),
    ("inv(x)", 'Could not read your answer: "x" is d×1 and has no inverse: only square '
               "matrices do (column 5)."),
    ("sine(x)", 'Could not read your answer: unknown function "sine"; the functions are tr, '
                "det, diag, inv, norm, exp, log, σ, tanh, relu, softmax (column 1)."),
    ("x, x", "Could not read your answer: a single matrix expression is expected, not a list "
             "(column 2)."),
])
def test_invalid_answers_say_what_and_where(answer, message):
    v = grade("A x", answer, QUAD)
    assert (v.status, v.feedback, v.interpreted) == ("invalid", message, "")


# -- known mistakes -----------------------------------------------------------------------------

MISTAKES = [
    Mistake("X(Xw - y)", "Multiply by Xᵀ, not X: the gradient has w's shape.", "no-transpose"),
    Mistake("(Xw - y)^T X", "That is the row (numerator) layout; the gradient is a column.",
            "row-layout"),
]


@pytest.mark.parametrize("answer, status, feedback, name", [
    ("X (X w − y)", "invalid", 'Could not read your answer: the shapes do not match in the '
     'product "X (X w − y)": n×d times n×1 (the inner sizes d and n differ) (column 1). '
     "Multiply by Xᵀ, not X: the gradient has w's shape.", "no-transpose"),
    ("(Xw-y)'X", "incorrect", "That is the row (numerator) layout; the gradient is a column.",
     "row-layout"),
    ("(X^T(Xw - y))^T", "incorrect", "That is the row (numerator) layout; the gradient is a "
     "column.", "row-layout"),
    ("X^T X w - X^T y", "correct", "Correct.", ""),
    ("X^T(y - Xw)", "incorrect", "Your answer has the wrong sign: it is the negative of the "
     "correct answer.", ""),
])
def test_known_mistakes(answer, status, feedback, name):
    v = grade("X^T(Xw - y)", answer, LSQ, mistakes=MISTAKES)
    assert (v.status, v.feedback, v.mistake) == (status, feedback, name)


def test_known_mistake_for_a_non_symmetric_matrix():
    known = [Mistake("2Ax", "xᵀAx has gradient (A + Aᵀ)x; 2Ax needs A symmetric.", "2Ax")]
    assert grade("(A + A^T)x", "2 A x", QUAD, mistakes=known).mistake == "2Ax"
    assert grade("(A + A^T)x", "2 A x", QUAD, mistakes=known,
                 assume={"A": "symmetric"}).status == "correct"


# -- equality: no commuting, exact confirmation ----------------------------------------------------

@pytest.mark.parametrize("expected, answer, shapes, status", [
    ("A B", "B A", {"A": "d×d", "B": "d×d"}, "incorrect"),
    ("A B", "(B^T A^T)^T", {"A": "d×d", "B": "d×d"}, "correct"),
    ("A A^T", "A^T A", {"A": "d×d"}, "incorrect"),
    ("A^2", "A A", {"A": "d×d"}, "correct"),
    ("A^{-2}", "inv(A)inv(A)", {"A": "d×d"}, "correct"),
    ("A + B", "B + A", {"A": "d×d", "B": "d×d"}, "correct"),
    ("X^T(Xw - y)", "X^T(Xw - y) + 10^{-30} w", LSQ, "incorrect"),
    ("exp(X w)", "exp(X w) + 10^{-40} y", LSQ, "incorrect"),
    ("σ(X w)", "1/(1 + exp(-X w))", LSQ, "correct"),
    ("x^T x", "tr(x x^T)", QUAD, "correct"),
    ("det(A B)", "det(A) det(B)", {"A": "d×d", "B": "d×d"}, "correct"),
    ("det(A + B)", "det(A) + det(B)", {"A": "d×d", "B": "d×d"}, "incorrect"),
    ("log det A", "tr(log(A))", {"A": "d×d"}, "incorrect"),
])
def test_equality_is_decided_without_commuting(expected, answer, shapes, status):
    assert grade(expected, answer, shapes).status == status


# -- the public corpus ----------------------------------------------------------------------------

def test_corpus_is_large_and_varied():
    verdicts = [a["verdict"] for _, a in CASES]
    assert len(CASES) >= 150
    assert {v: verdicts.count(v) >= 30 for v in ("correct", "incorrect", "invalid")} == {
        "correct": True, "incorrect": True, "invalid": True}


@pytest.mark.parametrize("problem, case", CASES,
                         ids=[f"{p['problem']}:{a['answer']}" for p, a in CASES])
def test_corpus(problem, case):
    """Every corpus answer gets its verdict, and the feedback it lists."""
    v = grade(problem["expected"], case["answer"], problem["shapes"],
              assume=problem.get("assume") or {}, variables=problem.get("variables") or [])
    assert v.status == case["verdict"], v.feedback
    assert case.get("feedback", "") in v.feedback


# -- bounds --------------------------------------------------------------------------------------

HOSTILE = [
    "A" * 2001, "(" * 500 + "x" + ")" * 500, "x" + "^T" * 1000, "(" * 70 + "x" + ")" * 70,
    "A^{99999} x", "A^{-99999} x", "2^{2^{2^{2^{2^{2}}}}} x", "exp(exp(exp(exp(A x))))",
    "10^{1000} A x", "1" * 41 + " x", "A" + " A" * 500 + " x", "x" + " + x" * 700,
    "__import__('os').system('ls')", "eval('1')", "x\x00", "\u202ex", "‖" * 300,
    "|" * 301, "\\frac{" * 100, "inv(" * 59 + "A" + ")" * 59 + "x", "tr(" * 40,
    "log(det(A)) x", "sqrt(x)", "I", "1_q", "I_q x", "A^{x} x", "A^{1/2} x", "x^{A}",
    "\\begin{pmatrix} 1 \\end{pmatrix}", "x_{", "A^", "'", "ᵀ", "⊙ x", "x ⊙", "exp(10^6) x",
    "sin(10^{100}) x", "(A x)^{10^{10}}", "A^{10^{10}} x",
]


@pytest.mark.parametrize("answer", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_refused_quickly(answer):
    """Hostile input is never accepted, never raises, and returns within the 2 s bound."""
    start = time.monotonic()
    v = grade("A x", answer, QUAD)
    assert time.monotonic() - start < 2.0
    assert v.status in ("invalid", "incorrect", "undecided")
    assert v.score == 0.0


@pytest.mark.parametrize("shapes, message", [
    ({"X": "n by d"}, "shape of 'X' is 'n by d'; write rows×columns as in 'n×d', or one size "
                      "for a column vector as in 'd'"),
    ({"X": "0×d"}, "shape '0×d': sizes must be letters or numbers from 1 to 12"),
    ({"X y": "d"}, "'X y' is not a symbol name (use letters, digits, a subscript)"),
    ({f"A{k}": "d" for k in range(41)}, "41 symbols declared; at most 40"),
    ({f"A{k}": f"n{k}" for k in range(9)}, "9 size letters declared; at most 8"),
])
def test_bad_declarations_are_instructor_errors(shapes, message):
    with pytest.raises(ValueError) as info:
        parse_shapes(shapes)
    assert str(info.value) == message


def test_bad_expected_answer_is_an_instructor_error():
    with pytest.raises(ReadError) as info:
        grade("X w^T", "X", LSQ)
    assert info.value.message.startswith(
        "the expected answer 'X w^T' cannot be read: the shapes do not match")


def test_shapes_are_required():
    """Without shapes every name would be a scalar, and AB would equal BA."""
    with pytest.raises(ValueError) as info:
        check("A B", "B A", kind="matrix-expression")
    assert str(info.value) == ("the matrix-expression kind needs shapes, as in "
                               "shapes={'X': 'n×d', 'w': 'd'}")


def test_unknown_assumption_is_refused():
    with pytest.raises(ValueError, match="unknown assumption 'orthogonal' for A"):
        grade("A x", "A x", QUAD, assume={"A": "orthogonal"})


# -- a property: an expression equals itself, and not itself with two factors swapped --------------

SHAPES = {"A": "d×d", "B": "d×d", "C": "d×d", "X": "n×d", "u": "d", "v": "d", "y": "n"}
SIZES = {"n": 3, "d": 4}
LEAVES = {
    # I_d, sized: a bare I would take its size from where it stands, unlike NumPy's
    ("d", "d"): ["A", "B", "C", "I_d"], ("n", "d"): ["X"], ("d", "n"): ["X^T"],
    ("d", 1): ["u", "v"], (1, "d"): ["u^T", "v'"], ("n", 1): ["y"], (1, "n"): ["yᵀ"],
    ("n", "n"): ["I_n"], (1, 1): ["2", "3"],
}


@st.composite
def _expressions(draw, shape=("d", 1), depth=3):
    """(text, value function) of a random matrix expression of ``shape``."""
    choices = ["leaf"] if depth == 0 else ["leaf", "product", "product", "sum", "transpose",
                                           "scale"]
    how = draw(st.sampled_from(choices))
    if how == "leaf":
        name = draw(st.sampled_from(LEAVES[shape]))
        return name, lambda env, name=name: env[name]
    if how == "product":
        inner = draw(st.sampled_from(["n", "d", 1]))
        left, lf = draw(_expressions((shape[0], inner), depth - 1))
        right, rf = draw(_expressions((inner, shape[1]), depth - 1))
        return f"({left})({right})", lambda env: _times(lf(env), rf(env))
    if how == "sum":
        left, lf = draw(_expressions(shape, depth - 1))
        right, rf = draw(_expressions(shape, depth - 1))
        return f"{left} + {right}", lambda env: lf(env) + rf(env)
    if how == "transpose":
        inner, f = draw(_expressions(shape[::-1], depth - 1))
        return f"({inner})^T", lambda env: f(env).T
    inner, f = draw(_expressions(shape, depth - 1))
    return f"2({inner})", lambda env: 2 * f(env)


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return a * b if a.shape == (1, 1) or b.shape == (1, 1) else a @ b


def _environment(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, d = SIZES["n"], SIZES["d"]
    env = {name: rng.standard_normal((n, d) if name == "X" else (d, d) if name in "ABC"
                                     else (n, 1) if name == "y" else (d, 1))
           for name in ("A", "B", "C", "X", "u", "v", "y")}
    env.update({"I_d": np.eye(d), "I_n": np.eye(n), "X^T": env["X"].T, "u^T": env["u"].T,
                "v'": env["v"].T, "yᵀ": env["y"].T, "2": np.array([[2.0]]),
                "3": np.array([[3.0]])})
    return env


@st.composite
def _swappable(draw):
    """An expression ``outer (L R) tail`` and the same with L and R swapped.

    L is d×k and R is k×d for k in n, d or 1: the swap keeps the shapes when k is d,
    gives a scalar when k is 1, and a shape error when k is n.
    """
    k = draw(st.sampled_from(["d", "d", "n", 1]))
    shape = draw(st.sampled_from([("d", 1), ("d", "d"), (1, 1)]))
    lt, lf = draw(_expressions(("d", k), 2))
    rt, rf = draw(_expressions((k, "d"), 2))
    outer, of = draw(_expressions((shape[0], "d"), 1))
    tail, tf = draw(_expressions(("d", shape[1]), 1))
    expected = f"({outer})(({lt})({rt}))({tail})"
    swapped = f"({outer})(({rt})({lt}))({tail})"
    return (expected, lambda env: _times(_times(of(env), _times(lf(env), rf(env))), tf(env)),
            swapped, lambda env: _times(_times(of(env), _times(rf(env), lf(env))), tf(env)))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_swappable())
def test_an_expression_equals_itself_and_not_its_factors_swapped(case):
    """check(e, e) is correct; with two factors swapped the verdict is what plain NumPy
    says, independently: invalid when the shapes no longer fit, correct only when the
    swapped factors happen to commute (A and I, or a scalar), incorrect otherwise."""
    expected, value, swapped, swapped_value = case
    assert grade(expected, expected, SHAPES).status == "correct"
    env = [_environment(seed) for seed in (1, 2)]
    try:
        pairs = [(value(e), swapped_value(e)) for e in env]
    except ValueError:  # NumPy refuses the product: the shapes do not fit
        oracle = "invalid"
    else:
        same = all(a.shape == b.shape and np.allclose(a, b, rtol=1e-9, atol=1e-9)
                   for a, b in pairs)
        oracle = "correct" if same else "incorrect"
    assert grade(expected, swapped, SHAPES).status == oracle


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(list("AXxuy0123+-*/^()'ᵀ⊙‖|_ ") + [
    "tr", "det", "inv", "\\top", "\\mathbf{", "}", "{", "σ", "exp", "I", "1_"]),
    max_size=25).map("".join))
def test_check_never_crashes(text):
    """check() answers every text with a verdict; read() raises only ReadError."""
    v = grade("A x", text, {"A": "d×d", "x": "d", "X": "n×d", "u": "d", "y": "n"})
    assert v.status in ("correct", "incorrect", "invalid", "undecided")
    try:
        read(text, symbols={"A", "x"})
    except ReadError as err:
        assert err.reason


def test_no_time_left_is_undecided_not_a_guess():
    v = grade("X^T(Xw - y)", "X^T X w - X^T y", LSQ, time_limit=0.0)
    assert (v.status, v.score) == ("undecided", 0.0)
    assert v.feedback.startswith("Your answer could not be checked automatically")
