"""Problem banks: YAML files of exercise families, read and checked.

A bank file is untrusted input: it is read with ``yaml.safe_load``, its shape checked
against :data:`SCHEMA` (jsonschema), and every expression in it read with the grader's
safe reader.  Every problem is reported as ``file:line: what is wrong``, so an
instructor can fix it without reading Python.

A text that was read without error is kept in a disk cache (:mod:`generator.banks.cache`)
and rebuilt from it next time, by any process, without YAML, jsonschema or templates.

The format, by example (``problem_banks/README.md`` documents every key)::

    bank: seeds
    title: Derivatives from the seed articles
    version: 1
    families:
      - id: chain-exp
        title: Derivative of a composite exponential
        covers: [chain-exp]
        difficulty: 1
        variables: [x]
        params:
          a: {range: [1, 5]}
          b: {range: [-4, 4], not: [0]}
        example: {a: 1, b: 0}
        values:
          f: exp(a*x^2 + b*x)
          df: {diff: [f, x]}
        prompt: Differentiate $f(x) = {{ f }}$.
        answer: {kind: expression, value: df}
        solution:
          - By the chain rule, $f'(x) = {{ df }}$.
        mistakes:
          - name: chain-rule-forgotten
            answer: f
            feedback: You differentiated the outside only; multiply by the inner derivative.
        verify: {derivative: f, wrt: x}
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from generator.banks import cache as bank_cache
from generator.banks.limits import MAX_YAML_DEPTH, MAX_YAML_NODES, deadline
from generator.banks.matrices import MATRIX_ASSUMPTIONS, check_matrix_family
from generator.banks.templates import TemplateRuleError, compile_template, value_names_message
from generator.errors import BankError, DeriveError
from generator.resources import resource_dir
from grader.check import KINDS
from grader.equivalence import ASSUMPTIONS
from grader.functions import FUNCTIONS

if TYPE_CHECKING:
    import jsonschema

    from generator.banks._yaml import Lines as _Lines

__all__ = ["BANK_DIR", "MAX_BANK_BYTES", "MAX_YAML_DEPTH", "MAX_YAML_NODES", "RESERVED_NAMES",
           "Bank", "Display", "Family", "MistakeSpec", "SCHEMA", "check_unique_ids", "find_bank",
           "load_bank", "read_bank", "shipped_banks"]

#: Largest bank file.
MAX_BANK_BYTES = 1_000_000
#: Names a variable, parameter or value may not take: the reader's functions and
#: constants, and the words of the template language.
RESERVED_NAMES: dict[str, str] = {
    **{name: f"the function {name}()" for name in FUNCTIONS},
    "pi": "the constant pi", "e": "the constant e",
    **{word: f"the template word {word!r}" for word in (
        "and", "or", "not", "in", "is", "if", "else", "elif", "endif", "for", "true",
        "false", "none", "True", "False", "None")},
}

#: Where the banks shipped with calcdrill live.
BANK_DIR = resource_dir("problem_banks")

_NAME = r"^[A-Za-z][A-Za-z0-9_]*$"
_ID = r"^[a-z0-9][a-z0-9-]*$"
_SHAPES = {"type": "object", "minProperties": 1, "maxProperties": 40,
           "additionalProperties": {"type": ["string", "integer"]}}
_DISPLAY_CHOICE = {"anyOf": [{"type": "boolean"},
                             {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
_EXPRESSION_OR_OP = {"anyOf": [{"type": "string"}, {"type": "number"},
                               {"type": "object", "minProperties": 1, "maxProperties": 1},
                               {"type": "array"}]}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["bank", "title", "version", "families"],
    "additionalProperties": False,
    "properties": {
        "bank": {"type": "string", "pattern": _ID},
        "title": {"type": "string"},
        "version": {"type": "integer", "minimum": 0, "maximum": 63},
        "description": {"type": "string"},
        "families": {"type": "array", "minItems": 1, "maxItems": 64, "items": {
            "type": "object",
            "required": ["id", "title", "covers", "difficulty", "variables", "values",
                         "prompt", "answer", "solution", "verify"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": "string", "pattern": _ID},
                "title": {"type": "string"},
                "covers": {"type": "array", "items": {"type": "string", "pattern": _ID},
                           "minItems": 1},
                "difficulty": {"type": "integer", "minimum": 1, "maximum": 3},
                "variables": {"type": "array", "items": {"type": "string", "pattern": _NAME}},
                "assume": {"type": "object", "additionalProperties": {
                    "enum": list(ASSUMPTIONS) + list(MATRIX_ASSUMPTIONS)}},
                "shapes": _SHAPES,
                "params": {"type": "object", "additionalProperties": {
                    "type": "object", "additionalProperties": False,
                    "properties": {
                        "range": {"type": "array", "items": {"type": "number"},
                                  "minItems": 2, "maxItems": 2},
                        "step": {"type": "number", "exclusiveMinimum": 0},
                        "choice": {"type": "array", "minItems": 1,
                                   "items": {"type": ["number", "string"]}},
                        "not": {"type": "array", "items": {"type": ["number", "string"]}},
                    },
                    "oneOf": [{"required": ["range"]}, {"required": ["choice"]}],
                }},
                "require": {"type": "array", "items": {"type": "string"}},
                "example": {"type": "object"},
                "example_answer": {"type": ["string", "number"]},
                "values": {"type": "object", "minProperties": 1,
                           "additionalProperties": _EXPRESSION_OR_OP},
                "prompt": {"type": "string"},
                "answer": {"type": "object", "required": ["kind", "value"],
                           "additionalProperties": False, "properties": {
                               "kind": {"enum": list(KINDS)},
                               "value": {"type": ["string", "number"]},
                               "tolerance": {"type": ["number", "null"]},
                               "variables": {"type": "array", "items": {"type": "string"}},
                               "shapes": _SHAPES,
                           }},
                "solution": {"type": "array", "minItems": 1, "items": {"type": "string"}},
                "mistakes": {"type": "array", "items": {
                    "type": "object", "required": ["name", "answer", "feedback"],
                    "additionalProperties": False, "properties": {
                        "name": {"type": "string", "pattern": _ID},
                        "answer": {"type": ["string", "number"]},
                        "feedback": {"type": "string"},
                    }}},
                "verify": {"type": "object", "minProperties": 1},
                "small": {"type": "boolean"},
                "notes": {"type": "string"},
                "display": {"type": "object", "additionalProperties": False, "properties": {
                    "sigmoid": _DISPLAY_CHOICE, "factor": _DISPLAY_CHOICE}},
            },
        }},
    },
}


@dataclass(frozen=True)
class MistakeSpec:
    """A common mistake: the value it produces (a name or expression) and its feedback."""

    name: str
    answer: str
    feedback: str


@dataclass(frozen=True)
class Display:
    """How a family's values are written in its documents (never what they are).

    Each option is False, True (every value the family prints, and its key) or the
    names of the values it applies to.
    """

    #: Write the logistic function as σ(u) (see :func:`generator.documents.display.sigmoid_form`).
    sigmoid: bool | tuple[str, ...] = False
    #: Print factored where not longer (see :func:`generator.documents.display.factored_form`).
    factor: bool | tuple[str, ...] = False

    def options(self, name: str | None) -> dict[str, bool]:
        """The options for the value called ``name`` (None: a value with no name)."""
        def applies(choice: bool | tuple[str, ...]) -> bool:
            return choice if isinstance(choice, bool) else name in choice

        return {"sigmoid": applies(self.sigmoid), "factor": applies(self.factor)}


@dataclass(frozen=True)
class Family:
    """One exercise family, as declared in a bank (nothing computed yet)."""

    id: str
    index: int
    title: str
    covers: tuple[str, ...]
    difficulty: int
    variables: tuple[str, ...]
    assume: dict[str, str]
    params: dict[str, dict]
    require: tuple[str, ...]
    example: dict[str, Any] | None
    example_answer: str | None
    values: dict[str, Any]
    prompt: str
    answer_kind: str
    answer_value: str
    tolerance: float | None
    answer_variables: tuple[str, ...] | None
    solution: tuple[str, ...]
    mistakes: tuple[MistakeSpec, ...]
    verify: dict[str, Any]
    small: bool = False
    #: Declared matrix shapes of a matrix-expression family ({} otherwise).
    shapes: dict[str, Any] = field(default_factory=dict)
    #: How values are written in documents (``display:``).
    display: Display = field(default_factory=Display)
    line: int = 0
    path: Path = field(default=Path("<memory>"), compare=False)
    #: Line of each sub-key ("values.f", "require.0", "prompt"...), for messages.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Bank:
    """A problem bank: its identity and families."""

    id: str
    title: str
    version: int
    families: tuple[Family, ...]
    path: Path = field(default=Path("<memory>"))
    #: Line of the ``bank:`` key, for messages about the id.
    line: int = field(default=1, compare=False)

    def family(self, family_id: str) -> Family:
        """The family called ``family_id``.

        Raises:
            KeyError: naming the families there are.
        """
        for family in self.families:
            if family.id == family_id:
                return family
        raise KeyError(f"no family {family_id!r} in bank {self.id!r}; "
                       f"it has {', '.join(f.id for f in self.families)}")


def read_bank(text: str, path: Path) -> tuple[Bank, _Lines]:
    """Parse and schema-check a bank's text; semantic checks are :func:`load_bank`'s.

    A text read before without error, by this same code, is rebuilt from the disk cache
    (:mod:`generator.banks.cache`) instead: the same bank, without parsing, validating
    or compiling its templates again (they are compiled when first shown).

    Raises:
        BankError: the first problem, as ``file:line: message``.
    """
    if len(text) > MAX_BANK_BYTES:
        raise BankError("bank file too large (over 1 MB)", path, 1)
    cached = bank_cache.read_entry(text)
    if cached is not None:
        try:
            return _bank(cached, path), _LinesLater(text)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            pass  # not an entry this code wrote: read the text, and write it again
    try:
        with deadline(what="reading the bank"):
            bank, lines, record = _read_bank(text, path)
    except DeriveError as err:
        raise BankError(str(err), path, 1) from None
    bank_cache.write_entry(text, record)
    return bank, lines


def _read_bank(text: str, path: Path) -> tuple[Bank, _Lines, dict]:
    """The bank, its line index, and the plain data it is rebuilt from (see :func:`_bank`)."""
    import jsonschema  # not needed, nor imported, for a bank from the cache
    import yaml

    from generator.banks._yaml import Lines, TooLarge, compose

    try:
        root, data = compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise BankError(f"not valid YAML: {problem}", path, line) from None
    except TooLarge as exc:
        raise BankError(f"not a usable bank: {exc.reason}", path, exc.line) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        reason = "a number has too many digits" if "digits" in str(exc) else str(exc)
        raise BankError(f"not a usable bank: {reason}", path, 1) from None
    except RecursionError:
        raise BankError("not a usable bank: nested too deeply", path, 1) from None
    lines = Lines(text, root)
    if lines.duplicate is not None:
        key, line = lines.duplicate
        raise BankError(f"key {key!r} is written twice here; only one would be kept", path, line)
    # A misspelt key is reported as such, before the "missing key" it also causes.
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(data),
                    key=lambda e: (e.validator != "additionalProperties",
                                   lines.line(e.absolute_path)))
    if errors:
        first = errors[0]
        where = list(first.absolute_path)
        if first.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)'", first.message)
            where += extra[:1]  # point at the unknown key itself
        raise BankError(_schema_message(first), path, lines.line(where))
    families = []
    placed = []
    ids = set()
    for index, raw in enumerate(data["families"]):
        where = lines.line(("families", index))
        if raw["id"] in ids:
            raise BankError(f"family id {raw['id']!r} is used twice", path, where)
        ids.add(raw["id"])
        answer = raw["answer"]
        if "shapes" in raw and "shapes" in answer:
            raise BankError("declare shapes once, at family level or under answer",
                            path, lines.line(("families", index, "answer", "shapes")))
        placed.append({"line": where, "lines": _family_lines(lines, index, raw)})
        families.append(_family(raw, index, path, **placed[-1]))
        _check_family(families[-1])
        check_matrix_family(families[-1])
    record = {"data": data, "line": lines.line(("bank",)), "families": placed}
    bank = Bank(data["bank"], data["title"], data["version"], tuple(families), path,
                record["line"])
    return bank, lines, record


def _family(raw: dict, index: int, path: Path, line: int, lines: dict[str, int]) -> Family:
    """The family a bank's ``families[index]`` declares (read and checked already)."""
    answer = raw["answer"]
    return Family(
        id=raw["id"], index=index, title=raw["title"], covers=tuple(raw["covers"]),
        difficulty=raw["difficulty"], variables=tuple(raw["variables"]),
        assume=dict(raw.get("assume") or {}), params=dict(raw.get("params") or {}),
        require=tuple(raw.get("require") or ()), example=raw.get("example"),
        example_answer=(None if raw.get("example_answer") is None
                        else str(raw["example_answer"])),
        values=dict(raw["values"]), prompt=raw["prompt"], answer_kind=answer["kind"],
        answer_value=str(answer["value"]), tolerance=answer.get("tolerance"),
        answer_variables=(tuple(answer["variables"]) if "variables" in answer else None),
        solution=tuple(raw["solution"]),
        mistakes=tuple(MistakeSpec(m["name"], str(m["answer"]), m["feedback"])
                       for m in raw.get("mistakes") or ()),
        verify=dict(raw.get("verify") or {}), small=bool(raw.get("small", False)),
        shapes=dict(raw.get("shapes") or answer.get("shapes") or {}),
        display=_display(raw.get("display") or {}),
        line=line, path=path, lines=lines)


def _bank(record: dict, path: Path) -> Bank:
    """The bank :func:`_read_bank` made, again, from its plain data (from the cache)."""
    data = record["data"]
    families = tuple(_family(raw, index, path, placed["line"], placed["lines"])
                     for index, (raw, placed) in enumerate(zip(data["families"],
                                                               record["families"],
                                                               strict=True)))
    return Bank(data["bank"], data["title"], data["version"], families, path, record["line"])


class _LinesLater:
    """A bank's line index, made from its text when first asked (:func:`read_bank` gives
    one; a bank from the cache seldom needs it, and would otherwise parse YAML for it)."""

    def __init__(self, text: str) -> None:
        self._text = text

    @cached_property
    def _index(self) -> _Lines:
        from generator.banks._yaml import Lines

        return Lines(self._text)

    @property
    def lines(self) -> dict[tuple, int]:
        return self._index.lines

    @property
    def duplicate(self) -> tuple[str, int] | None:
        return self._index.duplicate

    def line(self, path) -> int:
        return self._index.line(path)


def _display(raw: dict) -> Display:
    return Display(**{option: choice if isinstance(choice, bool) else tuple(choice)
                      for option, choice in raw.items()})


def _check_family(family: Family) -> None:
    """What can be checked without computing: names, tolerance, templates."""
    def fail(key: str, reason: str) -> BankError:
        return BankError(f"family {family.id}: {reason}", family.path,
                         family.lines.get(key, family.line))

    for kind, names, key in (("variable", family.variables, "variables"),
                             ("parameter", family.params, "params"),
                             ("value", family.values, "values")):
        for name in names:
            if name in RESERVED_NAMES:
                where = f"{key}.{name}" if key != "variables" else key
                raise fail(where, f"{kind} {name!r} is named like {RESERVED_NAMES[name]}; "
                           "choose another name")
            if not isinstance(name, str) or not re.match(_NAME, name):
                raise fail(f"{key}.{name}", f"{kind} {name!r} is not a valid name (letters, "
                           "digits and '_', starting with a letter)")
    tolerance = family.tolerance
    if tolerance is not None and not (math.isfinite(tolerance) and tolerance >= 0):
        raise fail("answer", f"answer.tolerance must be a finite number, 0 or more, "
                   f"not {tolerance}")
    for option in ("sigmoid", "factor"):
        choice = getattr(family.display, option)
        for name in () if isinstance(choice, bool) else choice:
            if name not in family.values:
                raise fail(f"display.{option}", f"display.{option} names {name!r}, which is "
                           f"not a value; values are: {', '.join(family.values)}")
    known = [*family.params, *family.values]
    templates = [("prompt", family.prompt)]
    templates += [(f"solution.{k}", step) for k, step in enumerate(family.solution)]
    templates += [(f"mistakes.{k}", m.feedback) for k, m in enumerate(family.mistakes)]
    for key, source in templates:
        try:
            compiled = compile_template(source)
        except TemplateRuleError as err:
            raise fail(key, err.reason) from None
        unknown = sorted(compiled.names - set(known))
        if unknown:
            raise fail(key, value_names_message(unknown[0], known))


def check_unique_ids(banks: Iterable[Bank]) -> list[Bank]:
    """``banks`` without repeats of one file, refusing two files with one bank id.

    Codes carry the bank id (hashed): two banks with one id would print the same codes
    for different problems.

    Raises:
        BankError: at the ``bank:`` line of the second file, saying which file has the id.
    """
    seen: dict[str, Bank] = {}
    kept = []
    for bank in banks:
        other = seen.get(bank.id)
        if other is None:
            seen[bank.id] = bank
            kept.append(bank)
        elif not _same_file(other.path, bank.path):
            raise BankError(f"bank id {bank.id!r} is already used by {other.path}; two banks "
                            "with one id would print the same codes for different problems: "
                            "give this bank another id (its `bank:` key)", bank.path, bank.line)
    return kept


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def _family_lines(lines: _Lines, index: int, raw: dict) -> dict[str, int]:
    found = {}
    for key, value in raw.items():
        found[key] = lines.line(("families", index, key))
        if isinstance(value, dict):
            for sub in value:
                found[f"{key}.{sub}"] = lines.line(("families", index, key, sub))
        elif isinstance(value, list):
            for k in range(len(value)):
                found[f"{key}.{k}"] = lines.line(("families", index, key, k))
    return found


def _schema_message(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "the file"
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return f"{where}: missing key {missing[0]!r}" if missing else f"{where}: {error.message}"
    if error.validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        keys = sorted(error.schema.get("properties", {}))
        close = difflib.get_close_matches(extra[0], keys, n=1) if extra else []
        if close:
            return f"{where}: unknown key {extra[0]!r}; did you mean {close[0]!r}?"
        return f"{where}: unknown key {extra[0]!r}; expected one of {', '.join(keys)}"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {error.instance!r} is not one of {allowed}"
    if error.validator == "anyOf" and error.schema is _DISPLAY_CHOICE:
        return f"{where}: write true, false or a list of value names, not {error.instance!r}"
    if error.validator == "oneOf":
        return f"{where}: a parameter needs exactly one of range or choice"
    if error.validator == "pattern":
        if error.schema.get("pattern") == _ID:
            return (f"{where}: {error.instance!r} is not a valid id (lower-case letters, "
                    "digits and '-', starting with a letter or digit)")
        return (f"{where}: {error.instance!r} is not a valid name "
                "(letters, digits and '_', starting with a letter)")
    return f"{where}: {error.message}"


def load_bank(path: str | Path) -> Bank:
    """Read a bank file and check everything that can be checked without generating.

    Semantic checks (names, expressions, constraints, the pinned example) are done by
    :func:`generator.instance.check_bank`, which generates from every family.

    Raises:
        BankError: as ``file:line: message``.
    """
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"cannot read the bank: {exc}", path, 1) from None
    bank, _ = read_bank(text, path)
    return bank


def bank_lines(path: Path) -> _Lines:
    """Line index of a bank file, for messages about its contents."""
    from generator.banks._yaml import Lines

    return Lines(path.read_text("utf-8"))


_SHIPPED: list[Bank] | None = None


def shipped_banks() -> list[Bank]:
    """Every bank in :data:`BANK_DIR`, sorted by id (read once)."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = sorted((load_bank(p) for p in sorted(BANK_DIR.glob("*.yaml"))),
                          key=lambda b: b.id)
    return _SHIPPED


def find_bank(name_or_path: str) -> Bank:
    """A shipped bank by id, or a bank file by path.

    Raises:
        BankError: for a file that is not a valid bank.
        LookupError: naming the shipped banks, when ``name_or_path`` is neither.
    """
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return load_bank(path)
    for bank in shipped_banks():
        if bank.id == name_or_path:
            return bank
    raise LookupError(f"no bank {name_or_path!r}: give a path to a .yaml file or one of "
                      f"{', '.join(b.id for b in shipped_banks())}")
