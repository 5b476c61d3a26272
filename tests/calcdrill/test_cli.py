"""The calcdrill command line: exit codes and output of ``check`` and ``demo``."""

import json

import pytest

from calcdrill.cli import cli


class TestCheckCommand:
    @pytest.mark.parametrize("args, code", [
        (["--expected", "2*x*exp(x^2)", "2x e^(x^2)"], 0),
        (["--expected", "2*x*exp(x^2)", "e^(x^2)"], 1),
        (["--expected", "2*x*exp(x^2)", "2x e^(x^2"], 2),
        (["--expected", "-exp(-x)", "-e^-x"], 0),
        (["--expected", "ln(x^2)", "2 ln x", "--assume", "x=positive"], 0),
        (["--expected", "[[2,0],[2*x*sqrt(y), x^2/(2*sqrt(y))]]", "--kind", "matrix",
          "--vars", "x,y", "--assume", "y=positive", "[[2, 0], [2x√y, x²/(2√y)]]"], 0),
        (["--expected", "(-0.9)^(-0.9)", "--kind", "number", "--vars", "",
          "--tolerance", "0.01", "-1.05 - 0.34i"], 0),
    ])
    def test_exit_codes(self, runner, args, code):
        """0 correct, 1 incorrect, 2 invalid."""
        result = runner.invoke(cli, ["check", *args])
        assert result.exit_code == code, result.output

    def test_json(self, runner):
        result = runner.invoke(cli, ["check", "--expected", "2*x", "--json", "2x"])
        assert json.loads(result.output) == {"status": "correct", "score": 1.0,
                                             "feedback": "Correct.", "interpreted": "2 x"}

    def test_human_output(self, runner):
        result = runner.invoke(cli, ["check", "--expected", "ln(x^2)", "2 ln x"])
        assert result.output.splitlines() == [
            "incorrect (score 0)", "read as: 2 ln x",
            "Your answer is right only for x > 0; check the domain (for example ln(x^2) = "
            "2 ln x holds only for x > 0)."]

    def test_invalid_message(self, runner):
        result = runner.invoke(cli, ["check", "--expected", "sin(x)", "sine(x)"])
        assert result.exit_code == 2
        assert 'unknown function "sine"; did you mean "sin"? (column 1)' in result.output

    def test_bad_expected(self, runner):
        result = runner.invoke(cli, ["check", "--expected", "2x+", "2x"])
        assert result.exit_code == 2
        assert "the expected answer '2x+' cannot be read" in result.output

    def test_bad_assume(self, runner):
        result = runner.invoke(cli, ["check", "--expected", "x", "--assume", "x", "x"])
        assert result.exit_code == 2
        assert "write NAME=ASSUMPTION, e.g. x=positive" in result.output

    def test_code_without_answer(self, runner):
        result = runner.invoke(cli, ["check", "2x"])
        assert result.exit_code == 2
        assert "give a problem CODE and an ANSWER, or --expected E and an ANSWER" in result.output


@pytest.mark.slow
def test_demo_makes_worksheets_and_grades(runner, tmp_path):
    """The main job writes a class's PDFs and grades the sample, right and wrong alike."""
    result = runner.invoke(cli, ["demo", "--out", str(tmp_path / "demo"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "demo" / "worksheets").glob("*.pdf"))) == 6
    assert (tmp_path / "demo" / "answer_key.pdf").stat().st_size > 1000
    assert result.output.count("verdict: correct") >= 5
    assert "Chain rule forgotten" in result.output
    assert "transpose" in result.output


class TestBanksCommands:
    def test_list(self, runner):
        result = runner.invoke(cli, ["banks", "list"])
        assert result.exit_code == 0
        assert "derivatives/chain-exp" in result.output
        assert "catalogue:" in result.output

    def test_validate_ok(self, runner):
        from generator.banks.load import shipped_banks
        path = str(shipped_banks()[0].path)
        result = runner.invoke(cli, ["banks", "validate", path])
        assert (result.exit_code, result.output.strip()) == (0, f"{path}: ok")

    def test_validate_broken(self, runner, tmp_path):
        path = tmp_path / "broken.yaml"
        path.write_text("bank: broken\ntitle: x\nversion: 1\nfamilies: []\n", "utf-8")
        result = runner.invoke(cli, ["banks", "validate", str(path)])
        assert result.exit_code == 1
        assert f"{path}:4: families: [] should be non-empty" in result.output

    def test_preview_example(self, runner):
        result = runner.invoke(cli, ["banks", "preview", "chain-exp", "--example"])
        assert result.exit_code == 0
        assert "answer  : 2*x*exp(x^2)" in result.output


class TestCheckByCode:
    def code(self):
        from generator.banks.load import shipped_banks
        from generator.instance import make_instance
        bank = shipped_banks()[0]
        return make_instance(bank, bank.family("chain-exp"), 0).code

    def test_right_and_wrong(self, runner):
        code = self.code()
        assert runner.invoke(cli, ["check", code, "2x e^(x^2)"]).exit_code == 0
        wrong = runner.invoke(cli, ["check", code, "e^(x^2)"])
        assert wrong.exit_code == 1
        assert "You differentiated only the outer function" in wrong.output

    def test_mistyped_code(self, runner):
        code = self.code()
        bad = code[:-1] + ("A" if code[-1] != "A" else "B")
        result = runner.invoke(cli, ["check", bad, "2x"])
        assert result.exit_code == 2
        assert "is not a valid code (its check characters do not match)" in result.output


class TestGradeAndExport:
    def test_grade_then_export(self, runner, tmp_path):
        """A class graded from the CLI, then exported for Canvas."""
        manifest = {"title": "T", "students": [{"student_id": "s1", "name": "Ana García",
                    "extra": {"email": "a@x.edu", "section": "A"}, "problems": [
                        {"student_id": "s1", "number": 1, "code": "AAAA-BBBB-CC11",
                         "kind": "expression", "answer": "2*x", "variables": ["x"],
                         "assume": {}, "tolerance": None, "family": "f", "prompt": "",
                         "mistakes": []}]}]}
        (tmp_path / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        (tmp_path / "subs.csv").write_text("student_id,code,answer\ns1,aaaa-bbbb-cc11,2x\n"
                                           "s7,AAAA-BBBB-CC11,2x\n", "utf-8")
        graded = tmp_path / "GRADED.csv"
        result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                     str(tmp_path / "manifest.json"), "--out", str(graded),
                                     "--quiet"])
        assert result.exit_code == 0, result.output
        assert "unknown students (kept, not counted): s7" in result.output
        assert (tmp_path / "GRADED.report.html").exists()
        result = runner.invoke(cli, ["export", str(graded), "--lms", "canvas", "--out",
                                     str(tmp_path / "canvas.csv"), "--assignment", "Week 3"])
        assert result.exit_code == 0, result.output
        lines = (tmp_path / "canvas.csv").read_text("utf-8").splitlines()
        assert lines[0] == "Student,ID,SIS User ID,SIS Login ID,Section,Week 3"
        # The whole display name (never a guessed split); email is not a Canvas login id.
        assert lines[2] == "Ana García,,s1,,A,1.00"

    def test_grade_bad_file(self, runner, tmp_path):
        (tmp_path / "manifest.json").write_text("{}", "utf-8")
        (tmp_path / "subs.csv").write_text("student_id,code,answer\n", "utf-8")
        result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                     str(tmp_path / "manifest.json"), "--out",
                                     str(tmp_path / "g.csv")])
        assert result.exit_code == 1
        assert "not a calcdrill manifest" in result.output
