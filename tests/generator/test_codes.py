"""Instance codes: short, typo-proof, decodable offline."""

import pytest

from generator.banks.load import shipped_banks
from generator.codes import CodeError, decode_code, encode_code
from generator.instance import instance_from_code, make_instance


def test_round_trip():
    code = encode_code(bank_id="b", family_id="f", family_index=5, version=3, seed=123456)
    parts = decode_code(code)
    assert (parts.family_index, parts.version, parts.seed) == (5, 3, 123456)
    assert len(code) == 14 and code[4] == code[9] == "-"
    assert not set(code) & set("ILOU")


def test_forgiving_reading():
    """Lower case, spaces, O for 0 and l for 1 read the same."""
    code = encode_code(bank_id="b", family_id="f", family_index=1, version=1, seed=1010)
    sloppy = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert decode_code(sloppy) == decode_code(code)


@pytest.mark.parametrize("code, message", [
    ("ABC", "a problem code has 12 characters"),
    ("ABCD-EFGH-JK*N", "'*' (character 11) cannot appear in a problem code"),
])
def test_malformed(code, message):
    with pytest.raises(CodeError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        decode_code(code)


def test_regenerates_from_the_code_alone():
    bank = shipped_banks()[0]
    instance = make_instance(bank, bank.families[0], 4242)
    again = instance_from_code(instance.code, shipped_banks())
    assert (again.prompt, again.answer) == (instance.prompt, instance.answer)


def test_every_single_character_typo_is_caught():
    """Changing any one character gives an error, never another problem."""
    bank = shipped_banks()[0]
    code = make_instance(bank, bank.families[0], 777).code
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    caught = total = 0
    for k, c in enumerate(code):
        if c == "-":
            continue
        for other in alphabet:
            if other == c:
                continue
            total += 1
            try:
                instance_from_code(code[:k] + other + code[k + 1:], shipped_banks())
            except CodeError:
                caught += 1
    assert caught == total


def test_every_swap_of_neighbours_is_caught():
    bank = shipped_banks()[0]
    code = make_instance(bank, bank.families[0], 98765).code.replace("-", "")
    for k in range(len(code) - 1):
        if code[k] != code[k + 1]:
            swapped = code[:k] + code[k + 1] + code[k] + code[k + 2:]
            with pytest.raises(CodeError):
                instance_from_code(swapped, shipped_banks())
