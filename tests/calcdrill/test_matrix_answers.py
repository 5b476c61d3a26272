"""Matrix-expression problems through the application: the manifest, class grading and
``calcdrill check``, by code and with ``--expected --shapes``."""

import csv
import json

import pytest

from calcdrill.cli import cli
from calcdrill.grading import grade_class, write_graded
from calcdrill.manifest import load_manifest, write_manifest
from calcdrill.roster import Student
from calcdrill.submissions import read_submissions
from generator.banks.load import find_bank
from generator.documents.render import DocumentInfo, Version
from generator.instance import make_instance

BANK = find_bank("matrix-expressions")


def instance(family: str, seed: int = 0):
    return make_instance(BANK, BANK.family(family), seed)


@pytest.fixture
def manifest_path(tmp_path):
    versions = [Version(Student("s1", "Ana"), (instance("least-squares-matrix"),
                                                instance("quadratic-form-matrix"))),
                Version(Student("s2", "Ben"), (instance("log-det"),
                                                instance("layer-weight-gradient")))]
    path = tmp_path / "manifest.json"
    write_manifest(path, versions, DocumentInfo(), seed=1, files={})
    return path


class TestManifest:
    def test_shapes_round_trip(self, manifest_path):
        """Written with every problem's shapes and assumptions, read back the same."""
        data = json.loads(manifest_path.read_text("utf-8"))
        first = data["students"][0]["problems"][0]
        assert (first["kind"], first["answer"], first["shapes"]) == (
            "matrix-expression", "A^T (A x - b)",
            {"A": "m×n", "x": "n", "b": "m", "X": "m×n", "w": "n", "theta": "n", "y": "m"})
        manifest = load_manifest(manifest_path)
        problems = manifest.students["s2"]["problems"]
        assert [p.shapes for p in problems] == [
            {"X": "n×n"}, {"W": "m×n", "x": "n", "b": "m", "t": "m", "delta": "m"}]
        assert problems[0].answer == "inv(X)^T"

    def test_older_manifests_have_no_shapes(self, tmp_path):
        path = tmp_path / "manifest.json"
        path.write_text(json.dumps({"students": [{"student_id": "s1", "problems": [{
            "number": 1, "code": "AAAA-BBBB-CC11", "kind": "expression", "answer": "2*x",
            "variables": ["x"]}]}]}), "utf-8")
        assert load_manifest(path).students["s1"]["problems"][0].shapes == {}


class TestClassGrading:
    def test_long_form(self, tmp_path, manifest_path):
        """Codes of matrix-expression problems are graded with their shapes and mistakes."""
        manifest = load_manifest(manifest_path)
        codes = {p.number: p.code for p in manifest.students["s1"]["problems"]}
        codes2 = {p.number: p.code for p in manifest.students["s2"]["problems"]}
        text = ("student_id,code,answer\n"
                f"s1,{codes[1]},Aᵀ(Ax − b)\n"
                f"s1,{codes[2]},2Ax\n"
                f"s2,{codes2[1]},X^{{-1}}\n"
                f"s2,{codes2[2]},\"δ x^T\"\n"
                f"s2,{codes[1]},A(Ax - b)\n")
        submissions = tmp_path / "submissions.csv"
        submissions.write_text(text, "utf-8")
        graded = grade_class(manifest, read_submissions(submissions), workers=1)
        out = tmp_path / "GRADED.csv"
        write_graded(out, graded)
        with open(out, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert [r["status"] for r in rows] == ["correct", "incorrect", "incorrect", "correct",
                                               "invalid"]
        assert rows[1]["mistake"] == "symmetrisation-forgotten"
        assert rows[2]["feedback"] == (
            "X⁻¹ is the gradient's transpose: with df = tr(X⁻¹ dX) the gradient is X⁻ᵀ. They "
            "agree only for a symmetric X.")
        assert rows[4]["feedback"].startswith(
            "Could not read your answer: the shapes do not match in the product")
        assert graded.totals == {"s1": 1.0, "s2": 1.0}


class TestCheckByCode:
    @pytest.mark.parametrize("family, answer, status, exit_code", [
        ("least-squares-matrix", "Aᵀ(Ax − b)", "correct", 0),
        ("least-squares-matrix", "(Ax - b)^T A", "incorrect", 1),
        ("least-squares-matrix", "A(Ax - b)", "invalid", 2),
        ("quadratic-form-symmetric", "(A + A^T)x - b", "correct", 0),
        ("softmax-jacobian-matrix", "diag(p) - p pᵀ", "correct", 0),
    ])
    def test_code_alone(self, runner, family, answer, status, exit_code):
        """`calcdrill check CODE ANSWER` regrades a printed matrix-expression problem."""
        code = instance(family).code
        result = runner.invoke(cli, ["check", code, answer, "--json"])
        assert result.exit_code == exit_code, result.output
        assert json.loads(result.output)["status"] == status

    def test_known_mistake_feedback(self, runner):
        result = runner.invoke(cli, ["check", instance("least-squares-matrix").code,
                                     "(Ax - b)^T A"])
        assert result.exit_code == 1
        assert result.output.splitlines()[-1] == (
            "(A x - b)^T A is a 1×n row: the derivative. The gradient has the shape of x "
            "(a column): transpose it.")


class TestCheckExpected:
    @pytest.mark.parametrize("args, exit_code, last_line", [
        (["--shapes", "X=n×d,w=d,y=n", "Xᵀ(X w − y)"], 0, "Correct."),
        (["--shapes", "X=n×d", "--shapes", "w=d,y=n", "X^T(Xw - y)"], 0, "Correct."),
        (["--shapes", "X=n x d,w=d,y=n", "(Xw - y)^T X"], 1,
         "Your answer is the transpose of the correct one: yours is 1×d, a d×1 column is "
         "expected (vectors are columns): transpose it."),
        (["--shapes", "X=n×d,w=d,y=n", "X(Xw - y)"], 2,
         "Could not read your answer: the shapes do not match in the product \"X(Xw - y)\": "
         "n×d times n×1 (the inner sizes d and n differ) (column 1)."),
    ])
    def test_shapes_option(self, runner, args, exit_code, last_line):
        """--shapes declares the matrices; exit codes as for every kind."""
        result = runner.invoke(cli, ["check", "--expected", "X^T(Xw - y)", "--kind",
                                     "matrix-expression", *args])
        assert result.exit_code == exit_code, result.output
        assert result.output.splitlines()[-1] == last_line

    def test_assume_symmetric(self, runner):
        base = ["check", "--expected", "(A + A^T)x", "--kind", "matrix-expression",
                "--shapes", "A=d×d,x=d", "--json"]
        loose = runner.invoke(cli, [*base, "2Ax"])
        assert json.loads(loose.output)["feedback"] == (
            "Your answer is right only if A is symmetric, which is not given here.")
        assert runner.invoke(cli, [*base, "--assume", "A=symmetric", "2Ax"]).exit_code == 0

    @pytest.mark.parametrize("args, message", [
        ([], "Error: --kind matrix-expression needs --shapes, e.g. --shapes X=n×d,w=d,y=n "
             "(products do not commute, so every matrix and vector must be declared)"),
        (["--shapes", "X"], "Error: Invalid value for --shapes: 'X': write NAME=SHAPE, "
                            "e.g. X=n×d,w=d"),
        (["--shapes", "X=n by d,w=d,y=n"], "Error: shape of 'X' is 'n by d'; write "
         "rows×columns as in 'n×d', or one size for a column vector as in 'd'"),
    ])
    def test_usage_errors(self, runner, args, message):
        """Missing or unreadable shapes are usage errors (exit 2) saying what to write."""
        result = runner.invoke(cli, ["check", "--expected", "X^T(Xw - y)", "--kind",
                                     "matrix-expression", *args, "Xw"])
        assert result.exit_code == 2
        assert result.output.splitlines()[-1] == message
