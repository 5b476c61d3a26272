"""Where a class's work runs: one ``concurrent.futures``-style executor, three engines.

``generate`` submits one job per student to an executor and never asks which kind it
is: a local process pool (``--workers N``, the default), or a Dask cluster when given a
scheduler address (``--scheduler tcp://host:8786`` or ``CALCDRILL_SCHEDULER``), through
``distributed.Client(address).get_executor()``.  Dask is an optional extra
(``pip install calcdrill[dask]``); a ``distributed.LocalCluster`` object may be passed
instead of an address (the tests and the benchmark start one on 127.0.0.1).

A local pool whose worker process died is broken for good; :meth:`Engine.restart` makes
a fresh one so that the class can go on (Dask replaces lost workers by itself).  A local
worker is never waited for without end: one still busy when its pool is replaced or shut
down is on a job the class has given up on, and is stopped (:func:`stop_process_pool`).
"""

from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from multiprocessing.connection import wait as wait_for_any
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["ENV_SCHEDULER", "Engine", "EngineError", "open_engine", "stop_process_pool"]

ENV_SCHEDULER = "CALCDRILL_SCHEDULER"


class EngineError(RuntimeError):
    """The engine cannot be started (Dask missing, scheduler unreachable)."""


@dataclass
class Engine:
    """An executor to submit jobs to, how many run at once, and how to renew it."""

    name: str
    workers: int
    executor: Executor
    _make: Callable[[], Executor] | None = None
    _close: list[Callable[[], Any]] = field(default_factory=list)

    def submit(self, fn: Callable, /, *args: Any):
        """Submit ``fn(*args)``; a ``concurrent.futures.Future``-like object."""
        return self.executor.submit(fn, *args)

    def restart(self) -> None:
        """Replace a local pool by a fresh one: after a worker died (the pool is broken for
        good), or when a job is stuck past every time limit.  What the old pool's workers
        were running is lost; the caller submits it again."""
        if self._make is None:
            return
        stop_process_pool(self.executor, grace=0.0)
        self.executor = self._make()

    def close(self) -> None:
        """Shut the executor down (and disconnect from a cluster).

        The caller has every result it waits for by now, so nothing still running is
        waited for: a local worker that does not end within a few seconds is stopped, and
        a cluster's leftover jobs are cancelled.
        """
        if self._make is None:
            self.executor.shutdown(wait=False)  # Dask's executor: cancels what is left
        else:
            stop_process_pool(self.executor, grace=10.0)
        for close in reversed(self._close):
            close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def stop_process_pool(executor: ProcessPoolExecutor, *, grace: float) -> None:
    """Shut a process pool down without waiting on a stuck worker.

    Idle workers end as soon as they are told to; one that is still running after
    ``grace`` seconds is on a job nobody waits for any more (stuck in code that no time
    limit can interrupt) and is killed, so that shutting down never hangs.
    """
    # The pool's own list of its processes: concurrent.futures has no public one.
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    # A process's sentinel is ready once it has ended; waiting on it reaps nothing, so
    # the pool's own thread, which joins the processes, is not disturbed.
    running = {process.sentinel: process for process in processes}
    end = time.monotonic() + grace
    while running and (left := end - time.monotonic()) > 0:
        for ended in wait_for_any(list(running), timeout=left):
            running.pop(ended)
    for process in running.values():
        process.kill()


def _local(workers: int, initializer: Callable[[], None] | None) -> Engine:
    # fork keeps what the parent loaded (WeasyPrint, the math font, the banks): a worker
    # starts in milliseconds instead of a second of imports.  The first pool is forked
    # before this process starts any thread of its own.  A pool that replaces a broken
    # one is spawned instead: by then threads run here (the solutions' joining, the
    # progress bar), and a fork copies any lock one of them holds, held for ever.
    methods = multiprocessing.get_all_start_methods()

    def pool(method: str | None) -> Executor:
        return ProcessPoolExecutor(max_workers=workers, initializer=initializer,
                                   mp_context=multiprocessing.get_context(method))

    return Engine("processes", workers, pool("fork" if "fork" in methods else None),
                  lambda: pool("spawn"))


def _dask(scheduler: Any) -> Engine:
    try:
        from distributed import Client
    except ImportError:
        raise EngineError("a Dask scheduler was given but Dask is not installed; "
                          "install it with `pip install calcdrill[dask]`") from None
    try:
        client = Client(scheduler, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    threads = sum(client.nthreads().values()) or 1
    return Engine("dask", threads, client.get_executor(pure=False), None, [client.close])


def open_engine(*, workers: int | None = None, scheduler: Any = None,
                initializer: Callable[[], None] | None = None) -> Engine:
    """The engine to run a class on.

    Parameters
    ==========

    workers : local processes (default: one per core); ignored with a scheduler.
    scheduler : a Dask scheduler address (``tcp://host:8786``) or cluster object; when
        None, the ``CALCDRILL_SCHEDULER`` environment variable is used if set.
    initializer : run once in each local worker process when it starts.

    Raises
    ======

    EngineError: when Dask is asked for and missing, or its scheduler cannot be reached.
    """
    scheduler = scheduler if scheduler is not None else os.environ.get(ENV_SCHEDULER) or None
    if scheduler is not None:
        return _dask(scheduler)
    return _local(max(1, workers or os.cpu_count() or 1), initializer)
