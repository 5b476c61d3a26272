"""Bank files: validation messages an instructor can act on, as file:line."""

import textwrap

import pytest

from generator.banks.load import find_bank, load_bank, shipped_banks
from generator.errors import BankError
from generator.banks.validate import validate_bank_file
from tests.generator.banks.samples import GOOD_BANK

GOOD = GOOD_BANK
ANSWER = "    answer: {kind: expression, value: df}\n"


def write(tmp_path, text, name="bank.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_good_bank_loads(tmp_path):
    bank = load_bank(write(tmp_path, GOOD))
    assert (bank.id, bank.version, [f.id for f in bank.families]) == ("test-bank", 2, ["square"])
    assert validate_bank_file(tmp_path / "bank.yaml") == []


# (what to change in GOOD, expected line, expected message)
BROKEN = [
    (("    difficulty: 1\n", "    difficulty: 5\n"), 8,
     "families.0.difficulty: 5 is greater than the maximum of 3"),
    (("    variables: [x]\n", "    variables: [x]\n    colour: red\n"), 10,
     "families.0: unknown key 'colour'; expected one of"),
    (("      f: a*x^2\n", "      f: a*x^^2\n"), 14,
     "family square: value f: cannot read 'a*x^^2'"),
    (("      f: a*x^2\n", "      f: a*t^2\n"), 14,
     'family square: value f: cannot read \'a*t^2\': "t" is not a variable of this problem'),
    (("      df: {diff: [f, x]}\n", "      df: {integrate: [f, x]}\n"), 15,
     "family square: value df: unknown operation 'integrate'"),
    (('    require: ["a != 5"]\n', '    require: ["a > 100"]\n'), 12,
     "family square: no parameters meeting the constraints were found in 200 draws"),
    (("    prompt: Differentiate $f(x) = {{ f }}$.\n",
      "    prompt: Differentiate $f(x) = {{ g }}$.\n"), 16,
     "family square: template uses 'g', which is not a value; values are: a, f, df"),
    (("bank: test-bank\n", "bank: Test Bank\n"), 1,
     "bank: 'Test Bank' is not a valid id (lower-case letters, digits and '-', starting "
     "with a letter or digit)"),
    (("    covers: [basic-rules]\n", "    covers: [Integrals]\n"), 7,
     "families.0.covers.0: 'Integrals' is not a valid id (lower-case letters, digits and "
     "'-', starting with a letter or digit)"),
    (("      a: {range: [1, 9]}\n", "      a: {range: [1, 9], choice: [1]}\n"), 11,
     "families.0.params.a: a parameter needs exactly one of range or choice"),
    (("    verify: {derivative: f, wrt: x}\n", ""), 5,
     "families.0: missing key 'verify'"),
    (("  - id: square\n", "  - id: square\n    id: again\n"), 6,
     "key 'id' is written twice here; only one would be kept"),
    ((ANSWER, ANSWER + "    display: {sigmoid: [df, dff]}\n"), 18,
     "family square: display.sigmoid names 'dff', which is not a value; values are: f, df"),
    ((ANSWER, ANSWER + "    display: {sigma: true}\n"), 18,
     "families.0.display: unknown key 'sigma'; did you mean 'sigmoid'?"),
    ((ANSWER, ANSWER + "    display: {factor: 3}\n"), 18,
     "families.0.display.factor: write true, false or a list of value names, not 3"),
    ((ANSWER, ANSWER + "    display: {factor: []}\n"), 18,
     "families.0.display.factor: write true, false or a list of value names, not []"),
]


@pytest.mark.parametrize("change, line, message", BROKEN, ids=[m for _, _, m in BROKEN])
def test_broken_bank_says_where(tmp_path, change, line, message):
    """Each mistake is reported once, with the line to look at and what to do."""
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    errors = validate_bank_file(path)
    assert len(errors) == 1
    assert f"{path}:{line}: " in str(errors[0])
    assert message in str(errors[0])


def test_not_yaml(tmp_path):
    errors = validate_bank_file(write(tmp_path, "bank: [unclosed\n"))
    assert "not valid YAML" in str(errors[0])


def test_yaml_tags_cannot_run_code(tmp_path):
    """Python tags are refused by the safe loader."""
    path = write(tmp_path, "bank: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(BankError, match="not valid YAML"):
        load_bank(path)


def test_template_sandbox(tmp_path):
    """A prompt cannot reach Python internals."""
    path = write(tmp_path, GOOD.replace("{{ f }}", "{{ f.__class__.__mro__ }}"))
    errors = validate_bank_file(path)
    assert errors and "template" in str(errors[0])


def test_display_options_are_read(tmp_path):
    """display: asks for forms per value name, or for every value (true)."""
    bank = load_bank(write(tmp_path, GOOD.replace(
        ANSWER, ANSWER + "    display: {sigmoid: true, factor: [df]}\n")))
    display = bank.families[0].display
    assert display.options("df") == {"sigmoid": True, "factor": True}
    assert display.options("f") == {"sigmoid": True, "factor": False}
    assert load_bank(write(tmp_path, GOOD, "plain.yaml")).families[0].display.options("df") \
        == {"sigmoid": False, "factor": False}


def test_find_bank(tmp_path):
    assert find_bank(str(write(tmp_path, GOOD))).id == "test-bank"
    assert find_bank(shipped_banks()[0].id) is shipped_banks()[0]
    with pytest.raises(LookupError, match="no bank 'nope'"):
        find_bank("nope")


def test_shipped_banks_validate():
    """Every shipped bank is valid, its keys confirmed for a few seeds."""
    for bank in shipped_banks():
        assert validate_bank_file(bank.path, seeds=3, deep=True) == []
