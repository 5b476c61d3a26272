"""What the routes share: the worker pool, the attempts store, a cache of problems.

Routes call these methods; each sends the work to a worker and records what must be
recorded, so the API and the pages cannot drift apart.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from calcdrill.web import tasks
from calcdrill.web.config import WebConfig
from calcdrill.web.pool import GradingPool
from calcdrill.web.store import Attempt, AttemptStore, now
from generator.codes import normalize_code

__all__ = ["Service"]

#: Problem views kept in the server process (the typeset statement is the costly part).
PROBLEM_CACHE = 1024


class Service:
    """The pool, the store and the options, for one running app."""

    def __init__(self, config: WebConfig, pool: GradingPool, store: AttemptStore) -> None:
        self.config, self.pool, self.store = config, pool, store
        self._problems: OrderedDict[str, dict[str, Any]] = OrderedDict()

    async def problem(self, code: str) -> dict[str, Any]:
        """The problem view of a code (see :func:`tasks.problem_view`), cached (LRU)."""
        key = normalize_code(code[:64])
        view = self._problems.get(key)
        if view is not None:
            self._problems.move_to_end(key)
            return view
        view = await self.pool.run(tasks.problem_view, code)
        self._problems[key] = view
        if len(self._problems) > PROBLEM_CACHE:
            self._problems.popitem(last=False)
        return view

    def _student(self, student_id: str | None) -> str | None:
        if not self.config.ask_student_id or not student_id or not student_id.strip():
            return None
        return student_id.strip()[:200]

    def _record(self, result: dict[str, Any], answer: str, student_id: str | None) -> None:
        verdict = result["verdict"]
        self.store.record(Attempt(now(), result["code"], result["bank"], result["family"],
                                  answer, verdict["status"], float(verdict["score"]),
                                  verdict.get("mistake", ""), self._student(student_id)))

    async def check_code(self, code: str, answer: str, *, student_id: str | None = None,
                         html: bool = False) -> dict[str, Any]:
        """Grade an answer to a printed problem and record the attempt."""
        result = await self.pool.run(tasks.check_code, code, answer, html=html)
        if result["ok"]:
            self._record(result, answer, student_id)
        return result

    async def check_expected(self, expected: str, answer: str, kind: str, variables: list[str],
                             assume: dict[str, str], tolerance: float | None, *,
                             shapes: dict[str, str] | None = None,
                             student_id: str | None = None) -> dict[str, Any]:
        """Grade against an explicit expected answer and record the attempt."""
        result = await self.pool.run(tasks.check_expected, expected, answer, kind, variables,
                                     assume, tolerance, shapes)
        if result["ok"]:
            self._record(result, answer, student_id)
        return result
