"""Shared fixtures, and Hypothesis settings."""

import faulthandler
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

# In CI the property tests replay a fixed set of examples, so a run cannot fail by luck;
# on a developer's machine they explore new examples every run.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The bank cache (generator.banks.cache) of a test session is its own, new and empty: set
# before any test module reads a bank, inherited by the command lines tests start, and
# never the user's ~/.cache/calcdrill.
_BANK_CACHE = tempfile.mkdtemp(prefix="calcdrill-test-cache-")
os.environ["CALCDRILL_CACHE_DIR"] = _BANK_CACHE


#: A test still running after this many seconds is hung (the slowest take under a minute
#: on a busy machine).
HUNG_AFTER_SECONDS = 300
#: A whole run under xdist still going after this many seconds is stuck (it takes about
#: five minutes on two cores).
RUN_STUCK_AFTER_SECONDS = 2400
_stderr_copy: int | None = None


def pytest_configure(config) -> None:
    global _stderr_copy
    # The real standard error, taken while pytest is not capturing it: a hung test's
    # stacks must reach the terminal (or the CI log), not a capture file.
    _stderr_copy = os.dup(2)
    if getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput"):
        # xdist's controller runs no test, so no test's watchdog replaces this one.
        faulthandler.dump_traceback_later(RUN_STUCK_AFTER_SECONDS, exit=True,
                                          file=_stderr_copy)


def pytest_unconfigure(config) -> None:
    shutil.rmtree(_BANK_CACHE, ignore_errors=True)


@pytest.fixture(autouse=True)
def _stop_a_hung_test():
    """Print every thread's stack and end the test process if a test hangs.

    faulthandler's watchdog is a C thread: it fires even when the hang holds the GIL,
    where a Python timer thread could never run.  Under xdist the worker is replaced and
    the run goes on; the test is run once more (:func:`pytest_handlecrashitem`).
    """
    if _stderr_copy is None:
        yield
        return
    faulthandler.dump_traceback_later(HUNG_AFTER_SECONDS, exit=True, file=_stderr_copy)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for the ``calcdrill`` command line."""
    return CliRunner()


def caret(template: str) -> tuple[str, int]:
    """Split ``"x + !bad"`` into the text and the 0-based offset the ``!`` marks."""
    at = template.index("!")
    return template[:at] + template[at + 1:], at


def _find_lms_samples() -> Path | None:
    """``shared/lms-samples`` beside the repository (or beside the worktrees' folder)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "lms-samples"
        if candidate.is_dir():
            return candidate
    return None


#: The real LMS sample files (see their README.md), or None when not present.
LMS_SAMPLES = _find_lms_samples()


@pytest.fixture
def lms_samples() -> Path:
    """The folder of real LMS sample files; the test is skipped when it is absent."""
    if LMS_SAMPLES is None:
        pytest.skip("LMS samples (shared/lms-samples) not present")
    return LMS_SAMPLES


# -- a test whose worker died (stopped above, or crashed) runs once more ----------------------

_RUN_AGAIN: set[str] = set()


@pytest.hookimpl(optionalhook=True)
def pytest_handlecrashitem(crashitem: str, report, sched) -> None:
    """xdist's hook, in its controller: the first time a test's worker dies, the test goes
    back into the queue and the crash is reported as a rerun ("R"), not a failure; a
    second death fails it.  A test that merely fails is never run twice."""
    if crashitem not in _RUN_AGAIN:
        _RUN_AGAIN.add(crashitem)
        sched.mark_test_pending(crashitem)
        report.outcome = "rerun"


def pytest_report_teststatus(report, config):
    if report.outcome == "rerun":
        return "rerun", "R", ("RERUN", {"yellow": True})
    return None
