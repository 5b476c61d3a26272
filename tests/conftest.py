"""Shared fixtures, and Hypothesis settings."""

import os

import pytest
from click.testing import CliRunner
from hypothesis import settings

# In CI the property tests replay a fixed set of examples, so a run cannot fail by luck;
# on a developer's machine they explore new examples every run.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for the ``calcdrill`` command line."""
    return CliRunner()


def caret(template: str) -> tuple[str, int]:
    """Split ``"x + !bad"`` into the text and the 0-based offset the ``!`` marks."""
    at = template.index("!")
    return template[:at] + template[at + 1:], at
