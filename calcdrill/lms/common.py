"""What the LMS modules share: reading a student's roster fields, formatting scores, names.

Names are never split by guessing: "Søren Kierkegaard, Jr.", "山田 太郎" and
"김민준 (Minjun Kim)" have no first/last split a program can find.  A roster may give
``first_name`` and ``last_name`` columns (:data:`FIRST_NAMES`, :data:`LAST_NAMES`); without
them the whole ``name`` is passed where the LMS takes a display name.
"""

from __future__ import annotations

__all__ = ["FIRST_NAMES", "LAST_NAMES", "field", "first_last", "score_text"]

#: Roster columns holding a given name / a family name (case-insensitive).
FIRST_NAMES = ("first_name", "first name", "firstname", "given_name", "given name")
LAST_NAMES = ("last_name", "last name", "lastname", "surname", "family_name", "family name")


def field(student: dict[str, str], *names: str) -> str:
    """The first non-empty column among ``names`` (case-insensitive) of a student's row."""
    lowered = {k.lower().strip(): v for k, v in student.items() if k}
    return next((lowered[n].strip() for n in names if (lowered.get(n) or "").strip()), "")


def first_last(student: dict[str, str]) -> tuple[str, str] | None:
    """(first, last) from the roster's own columns, or None when it has none."""
    first, last = field(student, *FIRST_NAMES), field(student, *LAST_NAMES)
    return (first, last) if first or last else None


def score_text(text: str) -> str:
    """A score with two decimals, as gradebooks show them ("" for no score: an absent
    student, or anything that is not a number).

    >>> score_text("6.55556"), score_text(""), score_text("9")
    ('6.56', '', '9.00')
    """
    try:
        return f"{float(text):.2f}" if str(text).strip() else ""
    except ValueError:
        return ""
