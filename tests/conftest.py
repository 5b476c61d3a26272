"""Shared fixtures, and Hypothesis settings."""

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


def pytest_unconfigure(config) -> None:
    shutil.rmtree(_BANK_CACHE, ignore_errors=True)


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
