"""Progress bars for long work: tqdm's, without its monitor thread.

tqdm starts a thread, at the first bar, that wakes every ten seconds to redraw bars
that have stalled.  Ours are redrawn as each job ends, and a thread in this process
would be copied into every worker process forked after it, with any lock it held at
that moment held for ever in the copy.
"""

from __future__ import annotations

from typing import Any

from tqdm import tqdm

__all__ = ["progress_bar"]


class _Bar(tqdm):
    monitor_interval = 0  # no monitor thread


def progress_bar(iterable: Any = None, **options: Any) -> tqdm:
    """A ``tqdm`` bar (same arguments) that starts no thread.

    >>> bar = progress_bar(total=3, disable=True)
    >>> bar.monitor is None
    True
    """
    return _Bar(iterable, **options)
