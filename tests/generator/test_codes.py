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


def _swaps(code: str):
    raw = code.replace("-", "")
    for k in range(len(raw) - 1):
        if raw[k] != raw[k + 1]:
            yield k, raw[:k] + raw[k + 1] + raw[k] + raw[k + 2:]


def test_every_swap_of_neighbours_is_caught():
    """Swapping any two neighbouring characters gives an error, never another problem.

    Every family of every shipped bank, for seeds whose codes hold both 0 and Z (the
    pair a sum modulo 31 cannot tell apart) and others.
    """
    banks = shipped_banks()
    tried = 0
    for bank in banks:
        for index, family in enumerate(bank.families):
            for seed in (0, 1, 31, 1023, 12345, (1 << 28) - 1, 0b11111_00000_11111):
                code = encode_code(bank_id=bank.id, family_id=family.id, family_index=index,
                                   version=bank.version, seed=seed)
                for k, swapped in _swaps(code):
                    tried += 1
                    with pytest.raises(CodeError):
                        instance_from_code(swapped, banks)
    assert tried > 1000


def test_zero_and_z_swapped():
    """The case the audit found: a code with neighbouring 0 and Z."""
    banks = shipped_banks()
    bank, family = banks[0], banks[0].families[0]
    found = 0
    for seed in range(1, 5000):
        code = encode_code(bank_id=bank.id, family_id=family.id, family_index=0,
                           version=bank.version, seed=seed)
        for k, swapped in _swaps(code):
            if {code.replace("-", "")[k], code.replace("-", "")[k + 1]} == {"0", "Z"}:
                found += 1
                with pytest.raises(CodeError, match="check characters do not match|belongs "
                                   "to no known bank|was printed from version"):
                    instance_from_code(swapped, banks)
    assert found > 0


def test_checksum_catches_every_single_change_and_swap():
    """The checksum itself, for many ids and payloads: no typo or swap keeps it valid."""
    import random

    from generator.codes import ALPHABET, MAX_SEED, verify_code

    rng = random.Random(5)
    for _ in range(80):
        bank_id, family_id = f"bank-{rng.randint(0, 99)}", f"family-{rng.randint(0, 99)}"
        code = encode_code(bank_id=bank_id, family_id=family_id,
                           family_index=rng.randint(0, 63), version=rng.randint(0, 63),
                           seed=rng.randint(0, MAX_SEED))
        raw = code.replace("-", "")
        assert verify_code(decode_code(raw), bank_id, family_id)
        changed = [raw[:k] + c + raw[k + 1:] for k in range(12) for c in ALPHABET if c != raw[k]]
        for other in changed + [s for _, s in _swaps(code)]:
            assert not verify_code(decode_code(other), bank_id, family_id), (code, other)
