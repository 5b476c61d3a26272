"""Progress bars start no thread (a thread here would be copied into forked workers)."""

import threading

from calcdrill.progress import progress_bar


def test_a_bar_starts_no_thread():
    before = {t.ident for t in threading.enumerate()}
    with progress_bar(total=2, disable=False, mininterval=0) as bar:
        bar.update(2)
        started = {t.name for t in threading.enumerate() if t.ident not in before}
    assert started == set()
    assert bar.n == 2


def test_iterates_like_tqdm():
    assert list(progress_bar(range(3), disable=True)) == [0, 1, 2]
