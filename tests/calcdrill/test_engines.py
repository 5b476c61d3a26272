"""Where a class's jobs run: local processes by default, Dask when asked for."""

import sys
from multiprocessing.connection import wait as wait_for_any

import pytest

from calcdrill import engines
from calcdrill.cli import cli
from calcdrill.engines import ENV_SCHEDULER, EngineError, open_engine, stop_process_pool


class TestOpenEngine:
    def test_local_processes_by_default(self, monkeypatch):
        """Without a scheduler, jobs run on this many local processes."""
        monkeypatch.delenv(ENV_SCHEDULER, raising=False)
        with open_engine(workers=2) as engine:
            assert (engine.name, engine.workers) == ("processes", 2)
            assert engine.submit(pow, 2, 10).result() == 1024

    def test_a_broken_pool_is_replaced(self, monkeypatch):
        monkeypatch.delenv(ENV_SCHEDULER, raising=False)
        with open_engine(workers=1) as engine:
            first = engine.executor
            engine.restart()
            assert engine.executor is not first
            assert engine.submit(abs, -3).result() == 3

    def test_scheduler_from_the_environment_needs_dask(self, monkeypatch):
        """CALCDRILL_SCHEDULER picks Dask; without it installed the message says how."""
        monkeypatch.setenv(ENV_SCHEDULER, "tcp://127.0.0.1:8786")
        monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
        with pytest.raises(EngineError) as error:
            open_engine(workers=2)
        assert str(error.value) == ("a Dask scheduler was given but Dask is not installed; "
                                    "install it with `pip install calcdrill[dask]`")

    def test_in_all(self):
        assert "open_engine" in engines.__all__


def test_generate_command_reports_a_missing_dask(runner, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = runner.invoke(cli, ["generate", "--bank", "derivatives", "--copies", "2",
                                 "--problems", "1", "--out", str(tmp_path / "c"), "--quiet",
                                 "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 1
    assert "Dask is not installed; install it with `pip install calcdrill[dask]`" in result.output


def test_generate_command_writes_a_class(runner, tmp_path):
    """--format html, a course name, no --copies ceiling beyond what is asked."""
    result = runner.invoke(cli, ["generate", "--bank", "derivatives", "--copies", "2",
                                 "--problems", "1", "--family", "chain-exp", "--format",
                                 "html", "--course", "ML 101 — Été", "--workers", "1",
                                 "--out", str(tmp_path / "c"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"2 worksheets in {tmp_path / 'c' / 'worksheets'}"
    page = (tmp_path / "c" / "worksheets" / "v001.html").read_text("utf-8")
    assert "ML 101 — Été" in page and "<svg" in page
    assert "<svg" in (tmp_path / "c" / "solutions.html").read_text("utf-8")


# -- never waiting on a stuck worker --------------------------------------------------------

_SET_AFTER_IMPORT = None


def _global_seen_by_worker() -> object:
    return _SET_AFTER_IMPORT


def test_a_replacement_pool_starts_fresh_interpreters(monkeypatch):
    """The first pool is forked (it has what this process loaded); a pool that replaces a
    broken one is spawned, so nothing a thread here holds is copied into it."""
    monkeypatch.delenv(ENV_SCHEDULER, raising=False)
    monkeypatch.setattr(sys.modules[__name__], "_SET_AFTER_IMPORT", "parent only")
    with open_engine(workers=1) as engine:
        assert engine.submit(_global_seen_by_worker).result(timeout=60) == "parent only"
        engine.restart()
        assert engine.submit(_global_seen_by_worker).result(timeout=60) is None


def test_a_stuck_worker_is_killed_not_waited_for():
    """Shutting a pool down returns after the grace period even if a job never ends."""
    import time
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=1)
    pool.submit(time.sleep, 600)
    assert pool.submit(abs, -1) is not None  # queued behind the stuck job
    time.sleep(0.5)  # the worker has started its job
    (process,) = pool._processes.values()
    started = time.monotonic()
    stop_process_pool(pool, grace=1.0)
    assert time.monotonic() - started < 10
    # Ended: its sentinel is ready (whoever reaps it, the pool's own thread or us).
    assert wait_for_any([process.sentinel], timeout=10) == [process.sentinel]


def test_closing_an_idle_pool_stops_nothing_early(monkeypatch):
    """Idle workers end by themselves on close, well within the grace period."""
    import time

    monkeypatch.delenv(ENV_SCHEDULER, raising=False)
    with open_engine(workers=2) as engine:
        assert [engine.submit(abs, -k).result(timeout=60) for k in range(4)] == [0, 1, 2, 3]
        processes = list(engine.executor._processes.values())
        started = time.monotonic()
    assert time.monotonic() - started < 5
    sentinels = [p.sentinel for p in processes]
    assert sorted(wait_for_any(sentinels, timeout=5)) == sorted(sentinels)
