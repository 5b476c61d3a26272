"""The work a grading worker process does: regenerate a problem, grade, preview.

Everything here runs inside the worker pool (:mod:`calcdrill.web.pool`), never on the
web server's event loop: regenerating an instance is a SymPy computation and grading
may take up to the grader's 2-second bound.  Results are plain dicts (they cross a
process boundary), with the HTML already typeset, so the server only fills templates.
Each worker keeps recently used instances in an LRU cache.

This is a thin layer over the same functions as ``calcdrill check``:
:func:`generator.instance.instance_from_code`, :meth:`Instance.grade` and
:func:`grader.check`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from generator.banks.load import Bank, find_bank, shipped_banks
from generator.codes import CodeError
from generator.documents.typeset import math_html, typeset
from generator.instance import Instance, instance_from_code
from grader import ReadError, Verdict, check, parse, read_answer, to_latex
from grader.tree import Matrix, Node, Tuple, Vector

__all__ = ["check_code", "check_expected", "load_banks", "preview", "problem_view", "warm_up"]

#: Instances kept per worker; a class of 30 with 10 problems each fits many times over.
CACHE_SIZE = 2048

_BANKS: list[Bank] = []


def load_banks(bank_paths: tuple[str, ...]) -> None:
    """Worker initializer: read the shipped banks and the instructor's own.

    Raises:
        BankError, LookupError: for a bank file that cannot be used.
    """
    global _BANKS
    _BANKS = shipped_banks() + [find_bank(p) for p in bank_paths]
    _instance.cache_clear()


@lru_cache(maxsize=CACHE_SIZE)
def _instance(code: str) -> Instance | str:
    """The instance of a code, or the message saying why there is none.

    Messages are cached too: a mistyped code asked for again costs nothing.
    """
    try:
        return instance_from_code(code, _BANKS)
    except CodeError as err:
        return str(err)


def _lookup(code: str) -> Instance | str:
    if not isinstance(code, str) or not code.strip():
        return "type the problem code printed beside the problem, as in ABCD-EFGH-JKMN"
    if len(code) > 64:
        return "a problem code has 12 characters, as in ABCD-EFGH-JKMN"
    # The code as typed (stripped): mistyped-code messages quote it as the CLI does.
    return _instance(code.strip())


def problem_view(code: str, *, html: bool = True) -> dict[str, Any]:
    """The problem a code stands for: statement (LaTeX and typeset), kind, variables.

    Returns ``{"ok": False, "error": message}`` for a code that cannot be read.
    """
    instance = _lookup(code)
    if isinstance(instance, str):
        return {"ok": False, "error": instance}
    view: dict[str, Any] = {
        "ok": True, "code": instance.code, "bank": instance.bank, "family": instance.family,
        "family_title": instance.family_title, "kind": instance.kind,
        "variables": list(instance.variables), "assume": dict(instance.assume),
        "tolerance": instance.tolerance, "prompt": instance.prompt,
        "solution": list(instance.solution),
    }
    if html:
        view["prompt_html"] = str(math_html(instance.prompt))
        view["solution_html"] = [str(math_html(step)) for step in instance.solution]
    return view


def _verdict_dict(verdict: Verdict) -> dict[str, Any]:
    return {**verdict.as_dict(), "mistake": verdict.mistake}


# "Entry (1,2) is wrong.", "Entries (1,1) and (2,2) are wrong.", "Components 1, 2 and 3
# are wrong.", "Coordinate 2 is wrong." -- the grader names the wrong entries only in its
# feedback sentence, so that is where the page reads them from.
_WRONG = re.compile(r"^(?:Entry|Entries|Components?|Coordinates?) (.+?) (?:is|are) wrong\.")


def _wrong_names(feedback: str) -> set[str] | None:
    found = _WRONG.match(feedback)
    if not found:
        return None
    return {name.strip() for name in re.split(r", | and ", found.group(1))}


def _entry_rows(answer: str, instance: Instance) -> list[list[Node]] | None:
    try:
        tree = parse(answer, variables=instance.variables)
    except ReadError:
        return None
    if isinstance(tree, Matrix):
        return [list(row) for row in tree.rows]
    if isinstance(tree, (Vector, Tuple)):
        if all(isinstance(i, (Vector, Tuple)) for i in tree.items) and tree.items:
            return [list(i.items) for i in tree.items]
        return [[item] for item in tree.items]
    return None


def _entries(answer: str, instance: Instance, verdict: Verdict) -> list[list[dict]] | None:
    """The student's entries, each marked right or wrong, for vectors, points, matrices.

    None when the answer has no entries to show one by one (wrong shape, transposed).
    """
    if instance.kind not in ("vector", "matrix", "point") or verdict.status == "invalid":
        return None
    rows = _entry_rows(answer, instance)
    if not rows or len({len(r) for r in rows}) != 1:
        return None
    if verdict.status == "correct":
        wrong: set[str] = set()
    else:
        wrong = _wrong_names(verdict.feedback)
        if wrong is None:
            return None
    matrix = instance.kind == "matrix"
    shown = []
    for i, row in enumerate(rows):
        cells = []
        for j, node in enumerate(row):
            name = f"({i + 1},{j + 1})" if matrix else str(i + 1)
            tex = to_latex(node)
            cells.append({"name": name, "latex": tex, "html": typeset(tex).html,
                          "wrong": name in wrong})
        shown.append(cells)
    return shown


def check_code(code: str, answer: str, *, html: bool = False) -> dict[str, Any]:
    """Grade ``answer`` to the problem ``code``, as ``calcdrill check CODE ANSWER`` does."""
    instance = _lookup(code)
    if isinstance(instance, str):
        return {"ok": False, "error": instance}
    verdict = instance.grade(answer)
    result: dict[str, Any] = {"ok": True, "verdict": _verdict_dict(verdict),
                              "code": instance.code, "bank": instance.bank,
                              "family": instance.family}
    if html:
        result["interpreted_html"] = typeset(verdict.interpreted).html \
            if verdict.interpreted and instance.kind != "label" else ""
        result["entries"] = _entries(answer, instance, verdict)
    return result


def check_expected(expected: str, answer: str, kind: str, variables: list[str] | str,
                   assume: dict[str, str], tolerance: float | None,
                   shapes: dict[str, str] | None = None) -> dict[str, Any]:
    """Grade against an explicit expected answer, as ``calcdrill check --expected`` does.

    Returns ``{"ok": False, "error": message}`` when the expected answer or an option is
    unusable (a caller's mistake, not the student's).
    """
    try:
        verdict = check(expected, answer, kind=kind, variables=variables, assume=assume,
                        tolerance=tolerance, shapes=shapes)
    except ReadError as err:
        return {"ok": False, "error": f"expected: {err.message}"}
    except ValueError as err:
        return {"ok": False, "error": str(err)}
    return {"ok": True, "verdict": _verdict_dict(verdict), "code": "", "bank": "",
            "family": ""}


def _read(answer: str, variables: tuple[str, ...], kind: str,
          shapes: dict[str, str] | None = None, expected: str = "") -> dict[str, Any]:
    try:
        reading = read_answer(answer, kind=kind, variables=variables, shapes=shapes,
                              expected=expected)
    except ValueError as err:  # the caller's options, not the student's text
        return {"ok": False, "error": str(err), "status": 422}
    state = "empty" if not answer.strip() else "read" if reading.readable else "unreadable"
    return {"ok": True, "state": state, "interpreted": reading.latex,
            "variables": list(reading.names), "reason": reading.reason,
            "column": reading.column}


def preview(answer: str, *, code: str | None = None, variables: tuple[str, ...] = (),
            kind: str = "expression", shapes: dict[str, str] | None = None,
            html: bool = False) -> dict[str, Any]:
    """How ``answer`` is read (LaTeX, variables found), or why and where it cannot be.

    With a code, the problem's variables and kind apply; otherwise the ones given.
    Nothing is graded: a preview never tells whether the answer is right.
    """
    expected = ""
    if code:
        instance = _lookup(code)
        if isinstance(instance, str):
            return {"ok": False, "error": instance}
        variables, kind = instance.variables, instance.kind
        shapes, expected = instance.shapes or None, instance.answer
    result = _read(answer, tuple(variables), kind, shapes, expected)
    if not result["ok"]:
        return result
    if html:
        tex = result["interpreted"]
        result["interpreted_html"] = typeset(tex).html if tex and kind != "label" else ""
    return result


def warm_up() -> bool:
    """Import and exercise the grader and typesetter once, so the first student waits less."""
    check("2*x", "2x", variables=["x"])
    typeset("x^{2}")
    return True

