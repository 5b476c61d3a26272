"""Where a class's work runs: one ``concurrent.futures``-style executor, three engines.

``generate`` submits one job per student to an executor and never asks which kind it
is: a local process pool (``--workers N``, the default), or a Dask cluster when given a
scheduler address (``--scheduler tcp://host:8786`` or ``CALCDRILL_SCHEDULER``), through
``distributed.Client(address).get_executor()``.  Dask is an optional extra
(``pip install calcdrill[dask]``); a ``distributed.LocalCluster`` object may be passed
instead of an address (the tests and the benchmark start one on 127.0.0.1).

A local pool whose worker process died is broken for good; :meth:`Engine.restart` makes
a fresh one so that the class can go on (Dask replaces lost workers by itself).
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["ENV_SCHEDULER", "Engine", "EngineError", "open_engine"]

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
        """Replace a broken executor (a local pool whose worker died) by a fresh one."""
        if self._make is None:
            return
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._make()

    def close(self) -> None:
        """Shut the executor down (and disconnect from a cluster)."""
        if self._make is None:  # Dask's executor takes no cancel_futures
            self.executor.shutdown(wait=True)
        else:
            self.executor.shutdown(wait=True, cancel_futures=True)
        for close in reversed(self._close):
            close()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _local(workers: int, initializer: Callable[[], None] | None) -> Engine:
    # fork keeps what the parent loaded (WeasyPrint, the math font, the banks): a worker
    # starts in milliseconds instead of a second of imports.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)

    def make() -> Executor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                   initializer=initializer)

    return Engine("processes", workers, make(), make)


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
