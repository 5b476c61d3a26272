"""Importing WeasyPrint without twenty linker runs: shared libraries found from one table.

WeasyPrint's ``text/ffi.py`` opens each of its C libraries (GObject, Pango, HarfBuzz,
fontconfig...) by trying several names in turn (``libgobject-2.0-0``, ``gobject-2.0-0``,
``gobject-2.0``...), the Windows and macOS spellings first.  For each name cffi calls
:func:`ctypes.util.find_library`, which on Linux runs ``/sbin/ldconfig -p`` and, for
every name that is not in its table, ``gcc`` and then ``ld`` as well: about twenty
calls and fifty processes, 0.2-0.4 s of the import, before the first student's worksheet.

:func:`import_weasyprint` imports it while ``find_library`` answers from ONE read of the
``ldconfig -p`` table, with the very search CPython makes in that table
(``_findSoname_ldconfig`` in ``ctypes/util.py``): the same names are found, as the
same sonames.  A name that is not in the table gives None at once, where the original
would ask ``gcc`` and ``ld``; those find a library the dynamic loader's cache does not
know only through ``LD_LIBRARY_PATH`` or a compiler's search path, so with
``LD_LIBRARY_PATH`` set (and off Linux, or without a readable table) the original
function is kept.  Should the import still fail for want of a library, it is tried once
more with the original function.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import Callable, Iterator

__all__ = ["import_weasyprint", "ldconfig_table", "table_find_library"]

#: ``ldconfig -p``'s ABI tag for this machine, as :mod:`ctypes.util` picks it.
_ABI_TYPES = {"x86_64-64": "libc6,x86-64", "ppc64-64": "libc6,64bit",
              "sparc64-64": "libc6,64bit", "s390x-64": "libc6,64bit",
              "ia64-64": "libc6,IA-64"}


def ldconfig_table() -> bytes | None:
    """The dynamic loader's cache as ``/sbin/ldconfig -p`` prints it, or None.

    None off Linux, when ``LD_LIBRARY_PATH`` is set (``ctypes`` then looks further than
    the table), or when ``ldconfig`` cannot be run or prints nothing.
    """
    if not sys.platform.startswith("linux") or os.environ.get("LD_LIBRARY_PATH"):
        return None
    try:
        done = subprocess.run(["/sbin/ldconfig", "-p"], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env={"LC_ALL": "C", "LANG": "C"}, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None


def table_find_library(table: bytes) -> Callable[[str], str | None]:
    """A ``find_library`` that answers from ``table`` (``ldconfig -p``'s output) only.

    It searches as CPython's ``_findSoname_ldconfig`` does, so a name in the table gives
    the same soname as :func:`ctypes.util.find_library`; any other name gives None.
    (The line below is an x86-64 machine's: elsewhere its ABI tag is not looked for.)

    >>> find = table_find_library(b"\\tlibz.so.1 (libc6,x86-64) => /lib/libz.so.1\\n")
    >>> find("z")  # doctest: +SKIP
    'libz.so.1'
    >>> find("png") is None
    True
    """
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi_type = _ABI_TYPES.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        pattern = os.fsencode(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi_type))
        found = re.search(pattern, table)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


@contextmanager
def _answered_from(table: bytes) -> Iterator[None]:
    """``ctypes.util.find_library`` answers from ``table`` inside the block only."""
    original = ctypes.util.find_library
    ctypes.util.find_library = table_find_library(table)
    try:
        yield
    finally:
        ctypes.util.find_library = original


def import_weasyprint() -> ModuleType:
    """``weasyprint``, imported with its libraries found from one ``ldconfig`` table.

    Raises:
        OSError: when WeasyPrint's libraries cannot be loaded even by the original
            :func:`ctypes.util.find_library` (WeasyPrint prints how to install them).
    """
    if "weasyprint" not in sys.modules:
        table = ldconfig_table()
        if table is not None:
            try:
                with _answered_from(table):
                    import weasyprint.text.fonts  # noqa: F401 - opens the libraries
            except OSError:
                # A library the table does not know: forget the half-made import and
                # let the original search (gcc, ld) have its go.
                for name in [n for n in sys.modules
                             if n == "weasyprint" or n.startswith("weasyprint.")]:
                    del sys.modules[name]
    import weasyprint
    import weasyprint.text.fonts  # noqa: F401

    return weasyprint
