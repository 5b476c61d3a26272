"""The calcdrill command line: exit codes and output of ``check`` and ``demo``."""

import json

import pytest

from generator.cli import cli


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
            "incorrect (score 0)", "read as: 2 \\ln x",
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


def test_demo_grades_the_sample(runner):
    """The main job grades the sample, right and wrong answers alike."""
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 0
    assert result.output.count("verdict: correct") >= 5
    assert "Chain rule forgotten" in result.output
    assert "transpose" in result.output
