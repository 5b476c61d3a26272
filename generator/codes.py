"""Printable instance codes: short, unambiguous to type, with a checksum.

A code packs (bank tag, family index, bank version, seed) into 50 bits (ten characters)
and adds two check characters computed over them *and* the bank and family ids: any one
mistyped character and any swap of neighbours is caught, and a code read against a
different edition of the bank almost always is, instead of silently regenerating
another problem.  Codes use Crockford's base-32 alphabet (no I, L, O, U),
and reading forgives the usual confusions: ``O`` is 0, ``I`` and ``L`` are 1, case and
hyphens do not matter.

>>> code = encode_code(bank_id="seeds", family_id="chain-exp", family_index=3, version=1, seed=12345)
>>> code
'EX1G-800C-1SW7'
>>> decode_code(code.lower().replace("0", "o").replace("1", "l"))
CodeParts(bank_tag=477, family_index=3, version=1, seed=12345, check=903)
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from grader.errors import CalcdrillError

__all__ = ["CodeError", "CodeParts", "MAX_SEED", "bank_tag", "checksum", "decode_code",
           "encode_code", "normalize_code"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ALIASES = {"O": "0", "I": "1", "L": "1", "U": "V"}
_BANK_BITS, _FAMILY_BITS, _VERSION_BITS, _SEED_BITS, _CHECK_BITS = 10, 6, 6, 28, 10
MAX_SEED = (1 << _SEED_BITS) - 1
MAX_FAMILIES = 1 << _FAMILY_BITS
MAX_VERSION = (1 << _VERSION_BITS) - 1


class CodeError(CalcdrillError, ValueError):
    """A code that cannot be read, or that matches no known problem."""


@dataclass(frozen=True)
class CodeParts:
    bank_tag: int
    family_index: int
    version: int
    seed: int
    check: int


def bank_tag(bank_id: str) -> int:
    """The 10-bit tag of a bank id, printed in every code of the bank."""
    return zlib.crc32(bank_id.encode()) & ((1 << _BANK_BITS) - 1)


# GF(32), the field of 5-bit symbols (polynomials modulo x^5 + x^2 + 1): the check
# characters make each code a word of a Reed-Solomon code over the code's own alphabet.
_EXP = [0] * 62
_LOG = [0] * 32
_x = 1
for _k in range(31):
    _EXP[_k] = _EXP[_k + 31] = _x
    _LOG[_x] = _k
    _x <<= 1
    if _x & 32:
        _x ^= 0b100101


def _times(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _divide(a: int, b: int) -> int:
    return 0 if a == 0 else _EXP[(_LOG[a] - _LOG[b]) % 31]


def checksum(payload: int, bank_id: str, family_id: str) -> int:
    """Two check characters over the ten payload characters and the ids they stand for.

    The twelve characters c_0..c_11 of a code, read as elements of GF(32), satisfy
    ``sum c_j = s0`` and ``sum a^j c_j = s1`` (``a`` a generator of the field; sums are
    XOR), where s0 and s1 come from a hash of the bank and family ids.  Changing one
    character changes the first sum; swapping two different neighbours c_j, c_j+1
    changes the second by ``a^j (1 + a) (c_j + c_j+1)``, never 0.  Both hold for the
    check characters too, and a code read against another bank or edition fails as well.
    """
    digits = [(payload >> (5 * k)) & 31 for k in range(9, -1, -1)]
    salt = zlib.crc32(f"{bank_id}:{family_id}".encode())
    s0 = salt & 31
    s1 = (salt >> 5) & 31
    for position, digit in enumerate(digits):
        s0 ^= digit
        s1 ^= _times(_EXP[position], digit)
    # Solve c10 + c11 = s0 and a^10 c10 + a^11 c11 = s1 for the two check characters.
    c10 = _divide(s1 ^ _times(_EXP[11], s0), _times(_EXP[10], 1 ^ _EXP[1]))
    c11 = s0 ^ c10
    return c10 * 32 + c11


def _payload(tag: int, family_index: int, version: int, seed: int) -> int:
    value = tag
    for part, bits in ((family_index, _FAMILY_BITS), (version, _VERSION_BITS),
                       (seed, _SEED_BITS)):
        value = (value << bits) | part
    return value


def encode_code(*, bank_id: str, family_id: str, family_index: int, version: int,
                seed: int) -> str:
    """The printable code of one instance, as ``XXXX-XXXX-XXXX``."""
    if not 0 <= family_index < MAX_FAMILIES:
        raise ValueError(f"a bank holds at most {MAX_FAMILIES} families")
    if not 0 <= version <= MAX_VERSION:
        raise ValueError(f"bank versions run from 0 to {MAX_VERSION}")
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seeds run from 0 to {MAX_SEED}")
    payload = _payload(bank_tag(bank_id), family_index, version, seed)
    value = (payload << _CHECK_BITS) | checksum(payload, bank_id, family_id)
    chars = []
    for _ in range(12):
        chars.append(ALPHABET[value & 31])
        value >>= 5
    text = "".join(reversed(chars))
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


def normalize_code(text: str) -> str:
    """A code as :func:`encode_code` prints it, from what a person typed.

    Case, spaces and hyphens do not matter, and Crockford's confusions are forgiven:

    >>> normalize_code("ex1g 8ooc-lsw7")
    'EX1G-800C-1SW7'

    Text that is not 12 characters long is returned cleaned but unsplit.
    """
    raw = "".join(_ALIASES.get(c, c) for c in "".join(text.split()).replace("-", "").upper())
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}" if len(raw) == 12 else raw


def decode_code(code: str) -> CodeParts:
    """Split a code into its parts (the checksum is verified against a bank later).

    Raises:
        CodeError: when the code has the wrong length or a character outside the alphabet.
    """
    text = normalize_code(code).replace("-", "")
    if len(text) != 12:
        raise CodeError(f"a problem code has 12 characters, as in ABCD-EFGH-JKMN; "
                        f"{code!r} has {len(text)}")
    value = 0
    for position, c in enumerate(text):
        if c not in ALPHABET:
            raise CodeError(f"{c!r} (character {position + 1}) cannot appear in a problem code")
        value = value * 32 + ALPHABET.index(c)
    check = value & ((1 << _CHECK_BITS) - 1)
    payload = value >> _CHECK_BITS
    seed = payload & MAX_SEED
    payload >>= _SEED_BITS
    version = payload & MAX_VERSION
    payload >>= _VERSION_BITS
    family_index = payload & (MAX_FAMILIES - 1)
    tag = payload >> _FAMILY_BITS
    return CodeParts(tag, family_index, version, seed, check)


def verify_code(parts: CodeParts, bank_id: str, family_id: str) -> bool:
    """Whether the code's checksum matches this bank and family."""
    payload = _payload(parts.bank_tag, parts.family_index, parts.version, parts.seed)
    return checksum(payload, bank_id, family_id) == parts.check
