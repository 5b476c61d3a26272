"""The grading worker pool: answers are graded in other processes.

The web server's event loop only awaits results (``loop.run_in_executor``), so one slow
answer never blocks the others: the grader bounds each answer at 2 seconds, and a
worker that dies is replaced.  Workers are started with ``spawn`` (the server runs
threads; forking a threaded process is unsafe) and warmed up before the first request.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, Callable

from calcdrill.engines import stop_process_pool
from calcdrill.web import tasks

__all__ = ["GraderBusy", "GradingPool"]


#: Seconds a new worker may take to start and read the banks (a few, usually).
START_SECONDS = 120.0


class GraderBusy(RuntimeError):
    """The pool could not answer in time, or a worker died: try again."""


class GradingPool:
    """A process pool that runs :mod:`calcdrill.web.tasks` functions.

    Parameters:
        workers: number of processes.
        bank_paths: the instructor's own bank files, read by every worker.
        timeout: seconds to wait for one task before giving up on it (the grader's own
            bound is 2 s; this only guards against the unforeseen).
    """

    def __init__(self, workers: int, bank_paths: tuple[str, ...] = (), *,
                 timeout: float = 15.0) -> None:
        self.workers = workers
        self.bank_paths = bank_paths
        self.timeout = timeout
        self._lock = threading.Lock()
        self._executor = self._new_executor()

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=tasks.load_banks,
                                   initargs=(self.bank_paths,))

    def start(self) -> None:
        """Start every worker and let it read the banks; raises what a worker raised.

        Raises:
            BankError, LookupError: when a ``--bank`` file cannot be used.
        """
        futures = [self._executor.submit(tasks.warm_up) for _ in range(self.workers)]
        try:
            for future in futures:
                future.result(timeout=START_SECONDS)
        except TimeoutError:
            stop_process_pool(self._executor, grace=0.0)
            raise GraderBusy(f"the grading workers did not start within {START_SECONDS:g} s; "
                             "is the machine overloaded?") from None
        except BrokenProcessPool:
            # The initializer failed: read the banks here to raise its real error.
            tasks.load_banks(self.bank_paths)
            raise

    async def run(self, function: Callable[..., dict[str, Any]], *args: Any,
                  **kwargs: Any) -> dict[str, Any]:
        """Run ``function(*args, **kwargs)`` in a worker and await its result.

        Raises:
            GraderBusy: when it takes longer than the timeout or the worker died.
        """
        loop = asyncio.get_running_loop()
        executor = self._executor
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(executor, partial(function, *args, **kwargs)),
                self.timeout)
        except asyncio.TimeoutError:
            raise GraderBusy("the grader took too long; try again in a moment") from None
        except BrokenProcessPool:
            self._replace(executor)
            raise GraderBusy("the grader restarted; try again") from None

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is broken:
                self._executor = self._new_executor()
                broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers (one still busy after a few seconds is killed: its request
        has been answered with a timeout already)."""
        stop_process_pool(self._executor, grace=10.0)
