"""Where a class's jobs run: local processes by default, Dask when asked for."""

import sys

import pytest

from calcdrill import engines
from calcdrill.cli import cli
from calcdrill.engines import ENV_SCHEDULER, EngineError, open_engine


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
