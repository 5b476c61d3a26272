"""Verifiers: multivariable."""

from __future__ import annotations

from generator.verify import register  # noqa: F401
