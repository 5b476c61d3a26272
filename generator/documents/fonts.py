"""Which characters the installed fonts can print, so a name that would print as empty
boxes is reported before the class is generated.

Coverage is read once per process from fontconfig (``fc-list``'s character sets: the
fonts WeasyPrint itself can use, through Pango).  Where fontconfig's tools are missing,
nothing can be said and nothing is reported.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from functools import lru_cache

__all__ = ["missing_glyphs"]

# Characters drawn as nothing or as space: no font needs a glyph for them.
_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}


@lru_cache(maxsize=1)
def _coverage() -> tuple[list[int], list[int]] | None:
    """Sorted, merged code point ranges covered by at least one installed font."""
    if shutil.which("fc-list") is None:
        return None
    try:
        listing = subprocess.run(["fc-list", "--format", "%{charset}\n"], check=True,
                                 capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = []
    for token in listing.split():
        first, _, last = token.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    ranges.sort()
    starts: list[int] = []
    ends: list[int] = []
    for start, end in ranges:
        if ends and start <= ends[-1] + 1:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def missing_glyphs(text: str) -> str:
    """The characters of ``text`` that no installed font has, in order, once each.

    An empty string when every character can be printed, or when fontconfig cannot be
    asked.

    >>> missing_glyphs("Zhang Wei")
    ''
    """
    coverage = _coverage()
    if coverage is None:
        return ""
    starts, ends = coverage
    missing = []
    for char in dict.fromkeys(text):
        if unicodedata.category(char) in _INVISIBLE:
            continue
        k = bisect.bisect_right(starts, ord(char)) - 1
        if k < 0 or ord(char) > ends[k]:
            missing.append(char)
    return "".join(missing)
