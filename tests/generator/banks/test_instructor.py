"""Banks an instructor can write: the README's example works, mistakes are named helpfully.

Everything here is seen from the instructor's side: a bank file goes in, the output and
exit status of ``calcdrill banks validate`` (or another command) come out.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from calcdrill.cli import cli
from generator.banks.catalogue import CATALOGUE
from generator.banks.load import BANK_DIR, check_unique_ids, load_bank, shipped_banks
from generator.errors import BankError
from generator.instance import instance_from_code, make_instance
from tests.generator.banks.samples import GOOD_BANK

README = BANK_DIR / "README.md"

BASE = GOOD_BANK


def write(tmp_path: Path, text: str, name: str = "bank.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def change(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


def test_readme_example_validates_as_printed(runner, tmp_path):
    block = re.search(r"```yaml\n(.*?)```", README.read_text("utf-8"), re.S).group(1)
    path = write(tmp_path, block)
    result = runner.invoke(cli, ["banks", "validate", "--deep", str(path)])
    assert (result.exit_code, result.output) == (0, f"{path}: ok\n")
    result = runner.invoke(cli, ["banks", "preview", "chain-exp", "--bank", str(path),
                                 "--example"])
    assert "answer  : (4*x + 1)*exp(2*x^2 + x)   [expression]" in result.output


# (what the instructor wrote, line, message after "file:line: ")
MISTAKES = [
    (change("    prompt: ", "    prmopt: "), 16,
     "families.0: unknown key 'prmopt'; did you mean 'prompt'?"),
    (change("    difficulty: 1\n", "    dificulty: 1\n"), 8,
     "families.0: unknown key 'dificulty'; did you mean 'difficulty'?"),
    (change("    answer: {kind: expression, value: df}",
            "    answer: {kind: expression, value: df, tolerence: 0.1}"), 17,
     "families.0.answer: unknown key 'tolerence'; did you mean 'tolerance'?"),
    (change("title: A test bank\n", "title: A test bank\ncolour: red\n"), 3,
     "the file: unknown key 'colour'; expected one of bank, description, families, title, "
     "version"),
    (change("    prompt: Differentiate $f(x) = {{ f }}$.",
            "    prompt: Differentiate $f(x) = {{ fx|text }}$."), 16,
     "family square: template uses 'fx', which is not a value; values are: a, f, df"),
    (change("      - {name: no-factor, answer: \"a*x\"", "      - {name: no-factor, answer: df"),
     21, "family square: mistake no-factor is the answer itself (df); students making it "
     "would be marked correct"),
    (change("      - {name: no-factor, answer: \"a*x\"",
            "      - {name: no-factor, answer: \"2*a*x\""), 21,
     "family square: mistake no-factor gives the right answer in all 10 instances tried "
     "(e.g. 8*x); students making it would be marked correct"),
    (change("    verify: {derivative: f, wrt: x}", "    verify: {derivative: g, wrt: x}"), 22,
     "family square: verify: derivative: 'g' is not one of the family's values; values "
     "are: a, f, df"),
    (change("    verify: {derivative: f, wrt: x}", "    verify: {derivate: f, wrt: x}"), 22,
     "family square: verify names no known verifier; the verifiers are " + ", ".join(
         sorted(__import__("generator.banks.verify", fromlist=["VERIFIERS"]).VERIFIERS))),
    (change("bank: test-bank\n", "bank: Test_Bank\n"), 1,
     "bank: 'Test_Bank' is not a valid id (lower-case letters, digits and '-', starting with "
     "a letter or digit)"),
    (change("bank: test-bank\n", "bank: derivatives\n"), 1,
     f"bank id 'derivatives' is already used by {BANK_DIR / 'derivatives.yaml'}; two banks "
     "with one id would print the same codes for different problems: give this bank another "
     "id (its `bank:` key)"),
]


@pytest.mark.parametrize("text, line, message", MISTAKES, ids=[m[:40] for _, _, m in MISTAKES])
def test_mistake_is_named(runner, tmp_path, text, line, message):
    path = write(tmp_path, text)
    result = runner.invoke(cli, ["banks", "validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"{path}:{line}: {message}\n"


def test_a_family_may_cover_its_own_topic(runner, tmp_path):
    path = write(tmp_path, change("covers: [basic-rules]", "covers: [basic-rules, my-topic]"))
    result = runner.invoke(cli, ["banks", "validate", str(path)])
    assert (result.exit_code, result.output) == (0, f"{path}: ok\n")
    result = runner.invoke(cli, ["banks", "list", "--bank", str(path)])
    assert result.exit_code == 0
    assert re.search(r"test-bank/square +basic-rules, my-topic", result.output)
    assert "catalogue: 27 of 27 ids covered" in result.output


def test_catalogue_command(runner):
    result = runner.invoke(cli, ["banks", "catalogue"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == 2 * len(CATALOGUE)
    assert lines[0].split(None, 1) == ["limit-definition", "derivative from the limit definition"]
    assert lines[1].split() == ["derivatives/limit-def-linear,", "derivatives/limit-def-poly"]
    covering = {f"{b.id}/{f.id}" for b in shipped_banks() for f in b.families}
    listed = {name.strip(",") for line in lines[1::2] for name in line.split()}
    assert listed <= covering | {"(none)"}


def test_clashing_ids_are_refused_where_banks_are_combined(runner, tmp_path):
    """Two files with one bank id: check --bank, banks list, generate, instance_from_code."""
    shipped = BANK_DIR / "derivatives.yaml"
    copy = tmp_path / "mine.yaml"
    shutil.copy(shipped, copy)
    reason = (f"{copy}:1: bank id 'derivatives' is already used by {shipped}; two banks with "
              "one id would print the same codes for different problems: give this bank "
              "another id (its `bank:` key)")
    bank = load_bank(shipped)
    code = make_instance(bank, bank.families[0], 5).code
    for args in (["check", code, "x", "--bank", str(copy)], ["banks", "list", "--bank", str(copy)],
                 ["generate", "--bank", str(copy), "--copies", "1", "--out",
                  str(tmp_path / "out"), "--format", "html", "--quiet"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1, args
        assert result.stderr == f"Error: {reason}\n", args
    with pytest.raises(BankError) as caught:
        instance_from_code(code, [*shipped_banks(), load_bank(copy)])
    assert str(caught.value) == reason
    # The same file given twice is one bank, not a clash.
    assert check_unique_ids([*shipped_banks(), load_bank(shipped)]) == shipped_banks()
    result = runner.invoke(cli, ["check", code, "x", "--bank", str(shipped)])
    assert result.exit_code in (0, 1) and "Error" not in result.output


def test_two_user_banks_with_one_id(runner, tmp_path):
    first = write(tmp_path, BASE, "first.yaml")
    second = write(tmp_path, BASE, "second.yaml")
    result = runner.invoke(cli, ["generate", "--bank", str(first), "--bank", str(second),
                                 "--copies", "1", "--out", str(tmp_path / "out"),
                                 "--format", "html", "--quiet"])
    assert result.exit_code == 1
    assert result.stderr == (f"Error: {second}:1: bank id 'test-bank' is already used by "
                             f"{first}; two banks with one id would print the same codes for "
                             "different problems: give this bank another id (its `bank:` key)\n")


# (the wrong answers the family lists, as m0, m1, ...; which ones its instances list; which
# ones they leave out because they give the key)
REPEATED_MISTAKES = [
    (["a*x", "x*a"], ["m0"], []),  # one wrong answer written twice: listed once
    (["a*x", "a*x^2", "x*a"], ["m0", "m1"], []),  # ...also after another mistake
    (["a*x", "2*x*a"], ["m0"], ["m1"]),  # the key in another form: left out
    (["a*x", "a*x^2"], ["m0", "m1"], []),  # two different wrong answers: both listed
]


@pytest.mark.parametrize("wrong, listed, left_out", REPEATED_MISTAKES)
def test_a_mistake_that_cannot_be_told_apart_is_listed_once(tmp_path, wrong, listed, left_out):
    """A mistake grading like the key, or like a mistake listed before it, is not listed."""
    lines = "".join(f'      - {{name: m{k}, answer: "{w}", feedback: Look again.}}\n'
                    for k, w in enumerate(wrong))
    text = change('      - {name: no-factor, answer: "a*x", feedback: Bring the exponent '
                  'down.}\n', lines)
    bank = load_bank(write(tmp_path, text))
    for seed in (1, 2, 3):
        instance = make_instance(bank, bank.families[0], seed)
        assert [m.name for m in instance.mistakes] == listed
        assert list(instance.same_as_answer) == left_out
