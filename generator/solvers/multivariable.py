"""Solvers: multivariable."""

from __future__ import annotations

from generator.solvers import register  # noqa: F401
