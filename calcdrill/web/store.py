"""The attempts database: every check, kept across restarts (SQLAlchemy 2).

SQLite file by default, any SQLAlchemy URL otherwise (PostgreSQL).  Writes come from
one place, a writer thread that commits what has queued up in one transaction, so
concurrent requests never contend for the database and a burst of checks costs a few
commits; SQLite runs in WAL mode, so the instructor's reads do not block that writer.
"""

from __future__ import annotations

import csv
import io
import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import astuple, dataclass, fields
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import (Column, DateTime, Float, Integer, MetaData, String, Table, Text,
                        create_engine, event, func, insert, select)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from grader.errors import CalcdrillError

__all__ = ["Attempt", "AttemptStore", "FamilySummary", "StoreError", "attempts_csv",
           "neutralize_cell", "now"]

log = logging.getLogger(__name__)

_METADATA = MetaData()
ATTEMPTS = Table(
    "attempts", _METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("code", String(32), nullable=False),
    Column("bank", String(200), nullable=False),
    Column("family", String(200), nullable=False, index=True),
    Column("answer", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("mistake", String(200), nullable=False),
    Column("student_id", String(200), nullable=True),
)
#: Seconds the writer waits for more attempts before committing a batch.
BATCH_WINDOW = 0.02
#: Longest answer kept; anything longer was unreadable anyway (the grader reads 2000).
MAX_STORED_ANSWER = 4000


class StoreError(CalcdrillError):
    """The database cannot be opened or written (bad URL, no permission)."""


@dataclass(frozen=True)
class Attempt:
    """One check: when, which problem, what was typed, and the verdict."""

    at: datetime
    code: str
    bank: str
    family: str
    answer: str
    status: str
    score: float
    mistake: str = ""
    student_id: str | None = None


@dataclass(frozen=True)
class FamilySummary:
    """What the instructor sees per family."""

    bank: str
    family: str
    attempts: int
    correct: int
    mistakes: tuple[tuple[str, int], ...]

    @property
    def share_correct(self) -> float:
        """Correct attempts over all attempts (0 when there are none)."""
        return self.correct / self.attempts if self.attempts else 0.0


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while the writer commits; NORMAL sync is safe with WAL.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class AttemptStore:
    """Record attempts from any thread; read summaries and rows for the instructor.

    Parameters:
        url: an SQLAlchemy URL, e.g. ``sqlite:///calcdrill-attempts.sqlite3``.

    Raises:
        StoreError: when the URL is not usable or the schema cannot be created.
    """

    def __init__(self, url: str) -> None:
        try:
            self.engine: Engine = create_engine(url)
        except (ArgumentError, ImportError, ValueError) as err:
            raise StoreError(f"--database {url!r}: {err}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        try:
            _METADATA.create_all(self.engine)
        except SQLAlchemyError as err:
            raise StoreError(f"--database {url!r}: cannot open it "
                             f"({err.__class__.__name__}: {err.orig if hasattr(err, 'orig') else err})"
                             ) from None
        self._queue: queue.Queue[Attempt | None] = queue.Queue()
        self._thread = threading.Thread(target=self._write_loop, name="attempt-writer",
                                        daemon=True)
        self._thread.start()

    def record(self, attempt: Attempt) -> None:
        """Queue one attempt for the writer thread (returns at once)."""
        self._queue.put(attempt)

    def flush(self) -> None:
        """Wait until every attempt recorded so far is committed."""
        self._queue.join()

    def close(self) -> None:
        """Commit what is queued, stop the writer and close the database."""
        self._queue.put(None)
        self._thread.join()
        self.engine.dispose()

    def _write_loop(self) -> None:
        stop = False
        while not stop:
            batch = [self._queue.get()]
            if batch[0] is not None:
                # Gather a burst for 20 ms: one commit for many checks, and the thread
                # wakes (and takes the GIL from the event loop) 50 times a second at most.
                time.sleep(BATCH_WINDOW)
            while len(batch) < 1000:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stop = None in batch
            rows = [_row(a) for a in batch if a is not None]
            try:
                if rows:
                    with self.engine.begin() as connection:
                        connection.execute(insert(ATTEMPTS), rows)
            except SQLAlchemyError as err:  # keep serving; the log says what was lost
                log.error("could not record %d attempts: %s",
                                                  len(rows), err)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def count(self) -> int:
        """Number of attempts stored."""
        self.flush()
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(ATTEMPTS)).scalar_one()

    def summary(self, *, top: int = 3) -> list[FamilySummary]:
        """Per family: attempts, correct ones, and the ``top`` commonest known mistakes."""
        self.flush()
        correct = func.sum((ATTEMPTS.c.status == "correct").cast(Integer))
        with self.engine.connect() as connection:
            totals = connection.execute(
                select(ATTEMPTS.c.bank, ATTEMPTS.c.family, func.count(), correct)
                .group_by(ATTEMPTS.c.bank, ATTEMPTS.c.family)
                .order_by(ATTEMPTS.c.bank, ATTEMPTS.c.family)).all()
            mistakes = connection.execute(
                select(ATTEMPTS.c.bank, ATTEMPTS.c.family, ATTEMPTS.c.mistake, func.count())
                .where(ATTEMPTS.c.mistake != "")
                .group_by(ATTEMPTS.c.bank, ATTEMPTS.c.family, ATTEMPTS.c.mistake)).all()
        by_family: dict[tuple[str, str], Counter] = {}
        for bank, family, mistake, n in mistakes:
            by_family.setdefault((bank, family), Counter())[mistake] = n
        return [FamilySummary(bank, family, n, int(ok or 0),
                              tuple(by_family.get((bank, family), Counter()).most_common(top)))
                for bank, family, n, ok in totals]

    def attempts(self) -> Iterator[Attempt]:
        """Every attempt, oldest first."""
        self.flush()
        names = [f.name for f in fields(Attempt)]
        with self.engine.connect() as connection:
            result = connection.execution_options(yield_per=1000).execute(
                select(*(ATTEMPTS.c[n] for n in names)).order_by(ATTEMPTS.c.id))
            for row in result:
                yield Attempt(*row)


def _row(attempt: Attempt) -> dict:
    row = {f.name: v for f, v in zip(fields(Attempt), astuple(attempt))}
    row["answer"] = row["answer"][:MAX_STORED_ANSWER]
    return row


#: OWASP's list: a spreadsheet may run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: formula-like text gets a leading ``'``.

    >>> neutralize_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralize_cell("-e^-x"), neutralize_cell("2x")
    ("'-e^-x", '2x')
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def attempts_csv(attempts: Iterator[Attempt]) -> Iterator[str]:
    """The attempts as CSV text, a header then one line per attempt, cells neutralised."""
    names = [f.name for f in fields(Attempt)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    for k, attempt in enumerate(attempts):
        values = list(astuple(attempt))
        values[0] = attempt.at.astimezone(timezone.utc).isoformat(timespec="seconds") \
            if attempt.at.tzinfo else attempt.at.isoformat(timespec="seconds") + "+00:00"
        values[names.index("score")] = f"{attempt.score:g}"
        writer.writerow([neutralize_cell(v) for v in values])
        if k % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def now() -> datetime:
    """The current time in UTC (attempts are stored in UTC)."""
    return datetime.now(timezone.utc)

