"""Matrix-expression families: the shipped bank, the bank format, the verifiers."""

import dataclasses
import textwrap

import pytest
import sympy

from generator.banks import matrices
from generator.banks.load import find_bank, load_bank
from generator.banks.matrices import MatrixExpression, matrix_value, shapes_text, to_text
from generator.banks.validate import validate_bank_file
from generator.banks.verify import VERIFIERS, VerificationError, verify_instance
from generator.errors import BankError, DeriveError
from generator.instance import make_instance
from grader.matexpr.read import read

BANK = find_bank("matrix-expressions")
FAMILIES = [pytest.param(f, id=f.id) for f in BANK.families]


def self_check(family, seeds) -> None:
    for seed in seeds:
        instance = make_instance(BANK, family, seed)
        assert instance.kind == "matrix-expression" and instance.shapes
        verify_instance(instance, family.verify)
        verdict = instance.grade(instance.answer)
        assert verdict.status == "correct", (instance.code, instance.answer, verdict.feedback)
        for mistake in instance.mistakes:
            verdict = instance.grade(mistake.answer)
            assert (verdict.status, verdict.feedback, verdict.mistake) == (
                "incorrect", mistake.feedback, mistake.name), (instance.code, mistake.name)
            # the verifier tells the mistake from the key: it would refuse it as a key
            with pytest.raises(VerificationError):
                verify_instance(dataclasses.replace(instance, answer=mistake.answer),
                                family.verify)


class TestShippedBank:
    @pytest.mark.parametrize("family", FAMILIES)
    def test_few_seeds(self, family):
        """Key correct, verifier passes, each mistake incorrect with its feedback (3 seeds)."""
        self_check(family, range(0, 3))

    @pytest.mark.slow
    @pytest.mark.parametrize("family", FAMILIES)
    def test_fifty_seeds(self, family):
        """The same over 50 seeds."""
        self_check(family, range(0, 51))

    @pytest.mark.parametrize("family", FAMILIES)
    def test_every_family_lists_mistakes_and_pins_an_example(self, family):
        """At least two known mistakes; the example grades its published answer correct."""
        instance = make_instance(BANK, family, 0)
        assert len(instance.mistakes) >= 2
        assert instance.grade(family.example_answer).status == "correct"

    def test_pinned_seed_examples(self):
        """The lecture's identities, as printed there."""
        keys = {f.id: make_instance(BANK, f, 0).answer for f in BANK.families}
        assert keys["least-squares-matrix"] == "A^T (A x - b)"
        assert keys["quadratic-form-matrix"] == "(A + A^T) x"
        assert keys["linear-map-jacobian"] == "A"
        assert keys["log-det"] == "inv(X)^T"
        assert keys["softmax-jacobian-matrix"] == "diag(p) - p p^T"
        assert keys["layer-weight-gradient"] == "delta x^T"

    def test_parameters_are_filled_in(self):
        """Drawn coefficients appear in the prompt (LaTeX) and in the key (as typed)."""
        family = dataclasses.replace(BANK.family("ridge-matrix"), example={"a": 2, "lam": 0.3})
        instance = make_instance(BANK, family, 0)
        assert instance.answer == "2 X^T (X w - y) + 3/10 w"
        assert "J(\\mathbf{w}) = \\left\\lVert \\mathbf{X} \\mathbf{w} - \\mathbf{y} " \
               "\\right\\rVert^{2} + \\frac{3}{20}" in instance.prompt
        assert instance.shapes == {"X": "n×d", "w": "d", "y": "n"}

    def test_letters_vary(self):
        """Least squares is asked as Ax ≈ b, Xw ≈ y or Xθ ≈ y; each graded in its letters."""
        family = BANK.family("least-squares-matrix")
        instances = {}
        for seed in range(1, 60):
            instance = make_instance(BANK, family, seed)
            instances.setdefault(instance.values["u"].text, instance)
        assert sorted(instances) == ["theta", "w", "x"]
        theta = instances["theta"]
        assert theta.answer.endswith("X^T (X theta - y)")
        assert "\\nabla_{ \\boldsymbol{\\theta} } f" in theta.prompt
        coefficient = theta.params["c"]
        assert theta.grade(f"{coefficient} Xᵀ(Xθ − y)").status == "correct"
        assert theta.grade(f"{coefficient} Xᵀ(Xw − y)").status == "incorrect"

    def test_symmetric_assumption_reaches_the_grader(self):
        """A symmetric family accepts the unsymmetrised form too."""
        instance = make_instance(BANK, BANK.family("quadratic-form-symmetric"), 0)
        assert instance.assume == {"A": "symmetric"}
        assert instance.grade("(A + Aᵀ)x − b").status == "correct"

    def test_validates_deep(self):
        """`calcdrill banks validate --deep` finds nothing wrong."""
        assert validate_bank_file(BANK.path, seeds=2, deep=True) == []


class TestToText:
    @pytest.mark.parametrize("typed, text", [
        ("Xᵀ(X w − y)", "X^T (X w - y)"),
        ("A⁻ᵀ + λI", "inv(A)^T + lambda I"),
        ("(Xw - y)'X", "(X w - y)^T X"),
        ("a ⊙ Bc", "a ⊙ B c"),
        ("1/2 ‖Xw − y‖²", "1/2 norm(X w - y)^2"),
        ("-(A + B)", "-(A + B)"),
        ("tr(A X) - 2*3", "tr(A X) - 2*3"),
        ("σ'(z) ⊙ (1_n - y)", "sigmoid'(z) ⊙ (1_n - y)"),
    ])
    def test_reads_back_the_same(self, typed, text):
        """Printed in the grader's syntax; reading the print gives the same tree."""
        symbols = {"X", "w", "y", "A", "B", "a", "c", "z"}
        tree = read(typed, symbols=symbols, lenient=True).tree
        assert to_text(tree) == text
        assert read(text, symbols=symbols, lenient=True).tree == tree

    def test_in_all(self):
        assert "to_text" in matrices.__all__ and "matrix_value" in matrices.__all__


class TestMatrixValue:
    SHAPES = {"X": "n×d", "w": "d", "y": "n", "b": "n"}

    @pytest.mark.parametrize("text, scalars, expected", [
        ("c*X^T(Xw - y)", {"c": 1}, "X^T (X w - y)"),
        ("c*X^T(Xw - y)", {"c": -1}, "-X^T (X w - y)"),
        ("c*b", {"c": -3}, "-3 b"),
        ("X^T(Xw - y) + lam*w", {"lam": sympy.Rational(3, 10)}, "X^T (X w - y) + 3/10 w"),
        ("X^T(Xw - y) + lam*w", {"lam": sympy.Rational(-1, 2)}, "X^T (X w - y) - 1/2 w"),
        ("half*norm(y)^2", {"half": sympy.Rational(1, 2)}, "1/2 norm(y)^2"),
        ("s*y", {"s": sympy.sqrt(2)}, "sqrt(2) y"),
        ("lambda*w", {}, "lambda w"),
    ])
    def test_parameters_filled_in(self, text, scalars, expected):
        """Named parameters become their values; a factor 1 disappears; signs merge."""
        assert matrix_value(text, self.SHAPES, scalars).text == expected

    def test_shape_and_latex(self):
        value = matrix_value("X^T(Xw - y)", self.SHAPES, {})
        assert value == MatrixExpression(
            "X^T (X w - y)", "\\mathbf{X}^{\\top} \\left(\\mathbf{X} \\mathbf{w} - "
            "\\mathbf{y}\\right)", ("d", 1))

    def test_shape_error(self):
        with pytest.raises(DeriveError) as info:
            matrix_value("X(Xw - y)", self.SHAPES, {})
        assert str(info.value) == (
            "matrix expression 'X(Xw - y)': the shapes do not match in the product "
            "\"X(Xw - y)\": n×d times n×1 (the inner sizes d and n differ) at column 1")

    def test_shapes_text(self):
        assert shapes_text({"X": "n x d", "w": "d×1", "A": ["d", "d"], "δ": 3}) == {
            "X": "n×d", "w": "d", "A": "d×d", "δ": "3"}


GOOD = """\
bank: tiny
title: Tiny
version: 1
families:
  - id: ls
    title: Least squares
    covers: [least-squares]
    difficulty: 1
    variables: []
    shapes: {X: n×d, w: d, y: n}
    params:
      c: {range: [1, 3]}
    example: {c: 1}
    example_answer: X^T(Xw - y)
    values:
      f: {matrix_expression: "c/2*norm(X w - y)^2"}
      g: {matrix_expression: "c*X^T(X w - y)"}
    prompt: "Gradient of $f = {{ f }}$."
    answer: {kind: matrix-expression, value: g}
    solution: ["${{ g }}$"]
    mistakes:
      - {name: transposed, answer: "c*(X w - y)^T X", feedback: "Transpose it."}
    verify: {matrix_gradient: f, wrt: w}
"""


def write(tmp_path, text):
    path = tmp_path / "tiny.yaml"
    path.write_text(text, "utf-8")
    return path


class TestBankFormat:
    def test_good_bank(self, tmp_path):
        """Shapes at family level; a mistake written in place as a matrix expression."""
        bank = load_bank(write(tmp_path, GOOD))
        instance = make_instance(bank, bank.families[0], 0)
        assert (instance.answer, instance.shapes) == ("X^T (X w - y)",
                                                      {"X": "n×d", "w": "d", "y": "n"})
        assert instance.grade("(Xw - y)ᵀX").feedback == "Transpose it."
        assert validate_bank_file(write(tmp_path, GOOD), seeds=2, deep=True) == []

    def test_shapes_under_answer(self, tmp_path):
        text = GOOD.replace("    shapes: {X: n×d, w: d, y: n}\n", "").replace(
            "answer: {kind: matrix-expression, value: g}",
            "answer: {kind: matrix-expression, value: g, shapes: {X: n×d, w: d, y: n}}")
        bank = load_bank(write(tmp_path, text))
        assert make_instance(bank, bank.families[0], 1).shapes == {"X": "n×d", "w": "d",
                                                                   "y": "n"}

    @pytest.mark.parametrize("old, new, line, message", [
        ('"c*X^T(X w - y)"', '"c*X(X w - y)"', 17,
         "family ls: value g: matrix expression 'c*X(X w - y)': the shapes do not match in "
         "the product \"c*X(X w - y)\": n×d times n×1 (the inner sizes d and n differ) at "
         "column 1"),
        ("    shapes: {X: n×d, w: d, y: n}\n", "", 18,
         "family ls: an answer of kind matrix-expression needs shapes, e.g. shapes: "
         "{X: n×d, w: d, y: n}"),
        ("shapes: {X: n×d, w: d, y: n}", "shapes: {X: n×d, w: d, y: n}\n    assume: {X: symmetric}",
         11, "family ls: X is n×d; only a square matrix can be symmetric"),
        ("shapes: {X: n×d, w: d, y: n}", "shapes: {X: n×d, w: d, y: n}\n    assume: {c: spd}",
         11, "family ls: c is assumed spd, but only a matrix declared under shapes can be"),
        ("shapes: {X: n×d, w: d, y: n}", "shapes: {X: n by d, w: d, y: n}", 10,
         "family ls: shape of 'X' is 'n by d'; write rows×columns as in 'n×d', or one size "
         "for a column vector as in 'd'"),
        ("answer: {kind: matrix-expression, value: g}", "answer: {kind: expression, value: g}",
         10, "family ls: shapes are only for answers of kind matrix-expression"),
    ])
    def test_errors_say_where(self, tmp_path, old, new, line, message):
        """Shape errors and misdeclarations are file:line errors when the bank is read."""
        path = write(tmp_path, GOOD.replace(old, new))
        with pytest.raises(BankError) as info:
            load_bank(path)
        assert str(info.value) == f"{path}:{line}: {message}"
        assert [str(e) for e in validate_bank_file(path)] == [f"{path}:{line}: {message}"]

    def test_matrix_assumption_in_a_scalar_family(self, tmp_path):
        """`symmetric` on a scalar variable is an error where it is written, not a crash."""
        text = GOOD.replace("    shapes: {X: n×d, w: d, y: n}\n", "    assume: {x: symmetric}\n")
        path = write(tmp_path, text.replace("kind: matrix-expression", "kind: expression"))
        with pytest.raises(BankError) as info:
            load_bank(path)
        assert str(info.value) == (
            f"{path}:10: family ls: x is assumed symmetric, but only a matrix declared under "
            "shapes can be (answer kind matrix-expression)")

    def test_a_wrong_key_is_refused_by_the_verifier(self, tmp_path):
        """A family stating 2Xᵀ(Xw − y) for ½‖Xw − y‖² fails `validate --deep`."""
        text = GOOD.replace('"c*X^T(X w - y)"', '"2*c*X^T(X w - y)"')
        path = write(tmp_path, text.replace("    example_answer: X^T(Xw - y)\n", ""))
        errors = validate_bank_file(path, seeds=1, deep=True)
        assert len(errors) == 1 and "the answer key is not confirmed: gradient entry" in str(
            errors[0]) and f"{path}:22:" in str(errors[0])


class TestVerifiers:
    def test_registered(self):
        assert {"matrix_gradient", "matrix_jacobian", "matrix_hessian"} <= set(VERIFIERS)

    @pytest.mark.parametrize("family, key, message", [
        ("quadratic-form-matrix", "2 A x", "gradient entry"),
        ("quadratic-form-matrix", "x^T (A + A^T)", "the key is 1×"),
        ("quadratic-form-hessian", "2 A", "Hessian entry"),
        ("softmax-jacobian-matrix", "diag(p) + p p^T", "Jacobian entry"),
        ("log-det", "inv(X)", "gradient entry"),
        ("layer-weight-gradient", "x delta^T", "the key is "),
    ])
    def test_wrong_keys_refused(self, family, key, message):
        """Each verifier refuses a plausible wrong key, naming the entry or the shape."""
        instance = make_instance(BANK, BANK.family(family), 0)
        with pytest.raises(VerificationError, match=message):
            verify_instance(dataclasses.replace(instance, answer=key),
                            BANK.family(family).verify)
