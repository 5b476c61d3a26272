"""Problem banks: YAML files of exercise families, read and checked.

A bank file is untrusted input: it is read with ``yaml.safe_load``, its shape checked
against :data:`SCHEMA` (jsonschema), and every expression in it read with the grader's
safe reader.  Every problem is reported as ``file:line: what is wrong``, so an
instructor can fix it without reading Python.

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

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from generator.errors import BankError
from generator.resources import resource_dir
from grader.check import KINDS
from grader.equivalence import ASSUMPTIONS

__all__ = ["BANK_DIR", "Bank", "Family", "MistakeSpec", "SCHEMA", "find_bank", "load_bank",
           "read_bank", "shipped_banks"]

#: Where the banks shipped with calcdrill live.
BANK_DIR = resource_dir("problem_banks")

_NAME = r"^[A-Za-z][A-Za-z0-9_]*$"
_ID = r"^[a-z0-9][a-z0-9-]*$"
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
                "assume": {"type": "object", "additionalProperties": {"enum": list(ASSUMPTIONS)}},
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


# libyaml's safe loader when PyYAML was built with it: the same documents, ten times faster.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

class _Lines:
    """Where each key and item of a YAML document is: path -> line (1-based).

    ``yaml.safe_load`` drops positions, so the same text is composed (with the safe
    loader, nothing constructed) once more to find them.
    """

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple, int] = {}
        #: The first key written twice in one mapping (YAML keeps only the last).
        self.duplicate: tuple[str, int] | None = None
        try:
            root = yaml.compose(text, Loader=_SAFE_LOADER)
        except yaml.YAMLError:
            root = None
        if root is not None:
            self._walk(root, ())

    def _walk(self, node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key, value in node.value:
                if key.value in seen and self.duplicate is None:
                    self.duplicate = (key.value, key.start_mark.line + 1)
                seen.add(key.value)
                sub = path + (key.value,)
                self.lines[sub] = key.start_mark.line + 1
                self._walk(value, sub)
                self.lines[sub] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                self._walk(item, path + (k,))

    def line(self, path) -> int:
        path = tuple(path)
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


def read_bank(text: str, path: Path) -> tuple[Bank, _Lines]:
    """Parse and schema-check a bank's text; semantic checks are :func:`load_bank`'s.

    Raises:
        BankError: the first problem, as ``file:line: message``.
    """
    if len(text) > 1_000_000:
        raise BankError("bank file too large (over 1 MB)", path, 1)
    try:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise BankError(f"not valid YAML: {problem}", path, line) from None
    lines = _Lines(text)
    if lines.duplicate is not None:
        key, line = lines.duplicate
        raise BankError(f"key {key!r} is written twice here; only one would be kept", path, line)
    errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(data),
                    key=lambda e: lines.line(e.absolute_path))
    if errors:
        first = errors[0]
        where = list(first.absolute_path)
        if first.validator == "additionalProperties":
            extra = re.findall(r"'([^']+)'", first.message)
            where += extra[:1]  # point at the unknown key itself
        raise BankError(_schema_message(first), path, lines.line(where))
    families = []
    ids = set()
    for index, raw in enumerate(data["families"]):
        where = lines.line(("families", index))
        if raw["id"] in ids:
            raise BankError(f"family id {raw['id']!r} is used twice", path, where)
        ids.add(raw["id"])
        answer = raw["answer"]
        families.append(Family(
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
            line=where, path=path,
            lines=_family_lines(lines, index, raw)))
    bank = Bank(data["bank"], data["title"], data["version"], tuple(families), path)
    return bank, lines


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
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{where}: unknown key {extra[0]!r}; expected one of {allowed}"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {error.instance!r} is not one of {allowed}"
    if error.validator == "oneOf":
        return f"{where}: a parameter needs exactly one of range or choice"
    if error.validator == "pattern":
        return (f"{where}: {error.instance!r} is not a valid name "
                "(letters, digits, '-' or '_', starting with a letter)")
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
    return _Lines(path.read_text("utf-8"))


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
