"""How ``calcdrill serve`` is set up: one frozen value passed to :func:`create_app`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_DATABASE", "WebConfig"]

#: Attempts go here unless ``--database`` says otherwise (relative to the working folder).
DEFAULT_DATABASE = "sqlite:///calcdrill-attempts.sqlite3"


@dataclass(frozen=True)
class WebConfig:
    """Options of the web app.

    Attributes:
        bank_paths: the instructor's own bank files, besides the shipped banks.
        database: an SQLAlchemy URL for the attempts.
        workers: grading processes.
        rate_limit: costly requests per minute per client address; 0 turns it off.
        solutions_after: show the worked solution after this many tries (None: only
            after a correct answer).
        ask_student_id: ask for a student ID and store it with each attempt.
        instructor_token: the token for ``/instructor``; None disables that view.
        max_body: largest request body, in bytes.
    """

    bank_paths: tuple[str, ...] = ()
    database: str = DEFAULT_DATABASE
    workers: int = 2
    rate_limit: int = 300
    solutions_after: int | None = None
    ask_student_id: bool = False
    instructor_token: str | None = None
    max_body: int = 64 * 1024
