"""WeasyPrint imported with its libraries found from one ``ldconfig -p`` table."""

import ctypes.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.documents import _find_library
from generator.documents._find_library import import_weasyprint, ldconfig_table, table_find_library

ROOT = Path(__file__).resolve().parents[3]

#: Every name WeasyPrint's ``text/ffi.py`` tries, in its order.
WEASYPRINT_NAMES = (
    "libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0",
    "libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0",
    "libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0",
    "libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset.so.0",
    "libharfbuzz-vector-0", "harfbuzz-vector", "harfbuzz-vector-0.0",
    "libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1",
    "libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0",
)

TABLE = ldconfig_table()
needs_table = pytest.mark.skipif(TABLE is None, reason="no ldconfig table on this machine")

# Imports WeasyPrint the way render.py does and prints the programs it ran.
IMPORT_AND_LIST_PROGRAMS = """
import json, sys
ran = []
sys.addaudithook(lambda event, args: ran.append(str(args[0] or args[1][0]))
                 if event == "subprocess.Popen" else None)
{prepare}
from generator.documents._find_library import import_weasyprint
weasyprint = import_weasyprint()
weasyprint.HTML(string="<p>x</p>").write_pdf()
import ctypes.util
print(json.dumps([ran, ctypes.util.find_library.__module__]))
"""


def _programs_run(prepare: str = "") -> tuple[list[str], str]:
    done = subprocess.run([sys.executable, "-c", IMPORT_AND_LIST_PROGRAMS.format(prepare=prepare)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    ran, module = json.loads(done.stdout.splitlines()[-1])
    return [Path(program).name for program in ran], module


class TestTableFindLibrary:
    @needs_table
    @pytest.mark.parametrize("name", WEASYPRINT_NAMES)
    def test_finds_what_ctypes_finds(self, name):
        """Each name WeasyPrint tries gives the same soname (or None) as ctypes."""
        assert table_find_library(TABLE)(name) == ctypes.util.find_library(name)

    @needs_table
    def test_a_name_not_in_the_table_gives_none(self):
        """A library the loader's cache does not list is not found."""
        assert table_find_library(TABLE)("calcdrill-no-such-library") is None

    def test_name_is_searched_literally(self):
        """Characters of a name are not read as a pattern."""
        table = b"\tlibaxb.so.1 (libc6,x86-64) => /lib/libaxb.so.1\n"
        table += b"\tlibaxb.so.1 (libc6) => /lib/libaxb.so.1\n"
        assert table_find_library(table)("a.b") is None

    def test_in_all(self):
        """The names are public in their module."""
        assert {"import_weasyprint", "ldconfig_table",
                "table_find_library"} <= set(_find_library.__all__)


class TestLdconfigTable:
    def test_no_table_with_ld_library_path(self, monkeypatch):
        """With LD_LIBRARY_PATH set, ctypes looks beyond the table: keep its search."""
        monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/lib")
        assert ldconfig_table() is None

    def test_no_table_off_linux(self, monkeypatch):
        """macOS and Windows find libraries another way: keep ctypes' search."""
        monkeypatch.setattr(sys, "platform", "darwin")
        assert ldconfig_table() is None


class TestImportWeasyprint:
    def test_original_find_library_restored(self):
        """find_library is ctypes' own again after the block, even when it raised."""
        original = ctypes.util.find_library
        with pytest.raises(OSError), _find_library._answered_from(b""):
            assert ctypes.util.find_library is not original
            raise OSError("a library is missing")
        assert ctypes.util.find_library is original

    @needs_table
    def test_import_runs_no_compiler(self):
        """Importing and using WeasyPrint reads the table once and runs no gcc or ld."""
        ran, module = _programs_run()
        assert ran == ["ldconfig"]
        assert module == "ctypes.util"

    @needs_table
    def test_failed_import_retried_with_ctypes_search(self):
        """A library only ctypes' own search finds: the import is retried with it (which
        runs the compiler), and WeasyPrint works."""
        ran, module = _programs_run(
            "import cffi, ctypes.util\n"
            "ctypes_search, dlopen = ctypes.util.find_library, cffi.FFI.dlopen\n"
            "def only_with_ctypes_search(ffi, name, flags=0):\n"
            "    if ctypes.util.find_library is not ctypes_search:\n"
            "        raise OSError(f'cannot load library {name!r}')\n"
            "    return dlopen(ffi, name, flags)\n"
            "cffi.FFI.dlopen = only_with_ctypes_search\n")
        assert ran[0] == "ldconfig" and "gcc" in ran
        assert module == "ctypes.util"

    def test_returns_the_module(self):
        """The module returned is WeasyPrint, ready to render."""
        weasyprint = import_weasyprint()
        assert weasyprint.HTML(string="<p>x</p>").write_pdf().startswith(b"%PDF")
