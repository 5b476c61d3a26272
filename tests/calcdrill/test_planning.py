"""Warnings before a class is generated: families repeated, families too small."""

from calcdrill.cli import cli
from calcdrill.planning import class_warnings
from generator.banks.load import find_bank
from tests.generator.banks.samples import GOOD_BANK


class TestClassWarnings:
    def test_a_repeated_family_is_named(self):
        """Three problems from two named families: one of them repeats, and says so."""
        warnings = class_warnings([find_bank("derivatives")], 3, 5, seed=1,
                                  family_ids=["chain-exp", "exp-base"])
        assert warnings[0] == ("3 problems from 2 families: chain-exp (2 times) repeat on "
                               "every worksheet, with other numbers; add banks, relax "
                               "--difficulty or ask for fewer --problems to avoid it.")

    def test_a_family_smaller_than_the_class_is_named(self):
        """chain-exp makes 82 problems: a class of 100 shares some, and is told."""
        warnings = class_warnings([find_bank("derivatives")], 1, 100, seed=1,
                                  family_ids=["chain-exp"])
        assert warnings == ["family chain-exp can make 82 different problems for 100 "
                            "students: some students will get the same numbers."]

    def test_no_warning_when_every_student_can_differ(self):
        """A class smaller than every family, one problem per family: nothing to say."""
        assert class_warnings([find_bank("derivatives")], 1, 30, seed=1,
                              family_ids=["chain-exp"]) == []

    def test_generate_prints_them(self, runner, tmp_path):
        """The command line shows the warnings before it works, on standard error."""
        result = runner.invoke(cli, ["generate", "--bank", "derivatives", "--family", "chain-exp",
                                     "--problems", "2", "--copies", "2", "--seed", "1",
                                     "--out", str(tmp_path / "out"), "--format", "html",
                                     "--quiet"])
        assert result.exit_code == 0, result.output
        assert "warning: 2 problems from 1 family: chain-exp (2 times) repeat" in result.output


class TestSelfCheckOfAnInstructorsBank:
    BANK = GOOD_BANK.replace("bank: test-bank", "bank: my-course")

    def test_warned_without_a_check_url(self, runner, tmp_path):
        """Students could not check these codes: the instructor is told what to do."""
        bank = tmp_path / "mine.yaml"
        bank.write_text(self.BANK, "utf-8")
        result = runner.invoke(cli, ["generate", "--bank", str(bank), "--problems", "1",
                                     "--copies", "2", "--out", str(tmp_path / "out"),
                                     "--format", "html", "--quiet"])
        assert result.exit_code == 0, result.output
        assert ("warning: bank my-course is not shipped with calcdrill, so students cannot "
                "check these codes with `calcdrill check` unless they have the bank file: "
                "run `calcdrill serve --bank FILE`") in result.output

    def test_the_worksheet_names_the_address_and_an_example(self, runner, tmp_path):
        """With --check-url the worksheet says where to check, with an answer of the kind."""
        bank = tmp_path / "mine.yaml"
        bank.write_text(self.BANK, "utf-8")
        out = tmp_path / "out"
        result = runner.invoke(cli, ["generate", "--bank", str(bank), "--problems", "1",
                                     "--copies", "1", "--out", str(out), "--format", "html",
                                     "--check-url", "https://calc.example.edu/check",
                                     "--quiet"])
        assert result.exit_code == 0, result.output
        assert "not shipped" not in result.output
        sheet = (out / "worksheets" / "v001.html").read_text("utf-8")
        assert "https://calc.example.edu/check" in sheet
        assert "<code>2x e^(x^2)</code>" in sheet
