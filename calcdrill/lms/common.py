"""What the LMS modules share: reading a student's roster fields, formatting scores, names."""

from __future__ import annotations

__all__ = ["field", "score_text", "split_name"]


def split_name(name: str) -> tuple[str, str]:
    """(last, first) from "Last, First" or "First Middle Last".

    >>> split_name("Smith, John"), split_name("María José García")
    (('Smith', 'John'), ('García', 'María José'))
    """
    if "," in name:
        last, first = name.split(",", 1)
        return last.strip(), first.strip()
    parts = name.split()
    return (parts[-1], " ".join(parts[:-1])) if len(parts) > 1 else (name, "")


def field(student: dict[str, str], *names: str) -> str:
    """The first non-empty column among ``names`` (case-insensitive) of a student's row."""
    lowered = {k.lower().strip(): v for k, v in student.items() if k}
    return next((lowered[n] for n in names if lowered.get(n)), "")


def score_text(text: str) -> str:
    """A score with two decimals, as gradebooks show them ("" when it is not a number)."""
    try:
        return f"{float(text):.2f}"
    except ValueError:
        return ""
