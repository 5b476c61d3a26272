"""Where calcdrill's own files are: the shipped banks, the templates, the examples.

In a source checkout (and an editable install) they sit beside the packages; a regular
install puts them under ``<prefix>/share/calcdrill/`` (pyproject's data-files).
"""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["resource_dir"]

_SOURCE = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``problem_banks``, ``templates`` or ``examples``)."""
    beside = _SOURCE / name
    if beside.is_dir():
        return beside
    for prefix in (sys.prefix, sys.base_prefix):
        installed = Path(prefix) / "share" / "calcdrill" / name
        if installed.is_dir():
            return installed
    return beside  # missing: errors will name the path that was looked for
