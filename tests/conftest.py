"""Shared fixtures."""

import pytest
from click.testing import CliRunner


@pytest.fixture
def runner() -> CliRunner:
    """A click runner for the ``calcdrill`` command line."""
    return CliRunner()


def caret(template: str) -> tuple[str, int]:
    """Split ``"x + !bad"`` into the text and the 0-based offset the ``!`` marks."""
    at = template.index("!")
    return template[:at] + template[at + 1:], at
