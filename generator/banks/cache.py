"""A disk cache of validated banks, by content hash, so a process starts without parsing.

Reading a bank (YAML, the schema check, the size bounds, compiling every template) takes
about 0.3 s for the shipped banks, in every process that reads them: the command line,
each ``generate`` worker, the web app.  Once a bank's text has passed
:func:`generator.banks.load.read_bank`, its plain data (what YAML gave, and the line of
each key) is written here as JSON; the next process with the same text and the same
loader code rebuilds its :class:`~generator.banks.load.Bank` from that, importing
neither PyYAML nor jsonschema.

* An entry is named by the SHA-256 of the bank's text and sits under a fingerprint of
  the code that reads and checks banks (:func:`code_fingerprint`): a changed bank, a
  changed calcdrill or a new PyYAML/jsonschema/Jinja misses the cache.
* Only a bank that was read without error is written, so a bank with a mistake is read
  afresh every time and reports its ``file:line`` as before.
* Entries are JSON (never pickle: an entry cannot run code), written whole under a
  temporary name then renamed.  An entry that cannot be read, is cut short or is for
  another text is ignored and written again; a folder that cannot be written means no
  cache, never an error.
* The folder is ``$CALCDRILL_CACHE_DIR``, else ``$XDG_CACHE_HOME/calcdrill``, else
  ``~/.cache/calcdrill``.  Deleting it is always safe.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import sys
import tempfile
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

__all__ = ["ENVIRONMENT_VARIABLE", "KEEP_FINGERPRINTS", "cache_dir", "code_fingerprint",
           "fingerprint", "read_entry", "write_entry"]

#: The environment variable naming the cache folder.
ENVIRONMENT_VARIABLE = "CALCDRILL_CACHE_DIR"
#: How many code fingerprints' entries are kept (older ones are deleted when a new
#: one is first written): a few installations side by side do not evict each other.
KEEP_FINGERPRINTS = 4
#: Changes when the layout of an entry changes.
_FORMAT = 1
#: Distributions whose code reads or checks a bank: their installed versions count.
_DISTRIBUTIONS = ("calcdrill", "pyyaml", "jsonschema", "jinja2")
_PACKAGES = Path(__file__).resolve().parents[2]  # holds generator/ and grader/


def cache_dir() -> Path | None:
    """The cache folder (which may not exist yet), or None when there is no home."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE)
    if chosen:
        return Path(chosen)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative path is to be ignored
        return Path(xdg) / "calcdrill"
    try:
        return Path.home() / ".cache" / "calcdrill"
    except RuntimeError:  # no home directory to be found
        return None


def fingerprint(sources: Iterable[Path], versions: Iterable[str], root: Path) -> str:
    """SHA-256 of the cache format, ``versions`` and each source file's path (under
    ``root``) and bytes.

    Raises:
        OSError: a source file that cannot be read.
    """
    digest = hashlib.sha256(f"calcdrill bank cache {_FORMAT}\0".encode())
    for version in versions:
        digest.update(f"{version}\0".encode())
    for source in sources:
        digest.update(f"{source.relative_to(root).as_posix()}\0".encode())
        digest.update(source.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str | None:
    """The fingerprint of the code that reads and checks banks, or None (no cache) when
    its source cannot be read.

    It covers every module of :mod:`generator` and :mod:`grader` (bank reading reaches
    the grader's reader, its function names and answer kinds, and the matrix shapes),
    which is more than is needed and never less, and the versions of Python and of
    the installed calcdrill, PyYAML, jsonschema and Jinja.
    """
    sources = sorted(path for package in ("generator", "grader")
                     for path in (_PACKAGES / package).rglob("*.py"))
    if not sources:
        return None
    try:
        return fingerprint(sources, [sys.version, *_installed_versions()], _PACKAGES)
    except OSError:
        return None


def _installed_versions() -> list[str]:
    """The metadata folders of :data:`_DISTRIBUTIONS` on ``sys.path`` (``jinja2-3.1.6
    .dist-info``...): their names carry the versions, found without importing
    :mod:`importlib.metadata` (which costs more than the whole cache lookup)."""
    wanted = re.compile(r"(%s)-[^-]+\.(dist|egg)-info" % "|".join(_DISTRIBUTIONS),
                        re.IGNORECASE)
    found = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as names:
                found += [n.name for n in names if wanted.fullmatch(n.name)]
        except OSError:
            continue  # a zip file, or a folder that went away
    return sorted(found)


def _text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _folder() -> tuple[Path, str] | None:
    root, code = cache_dir(), code_fingerprint()
    if root is None or code is None:
        return None
    return root / "banks" / code[:32], code


def read_entry(text: str) -> Any | None:
    """What :func:`write_entry` stored for a bank with this text, with this code; None
    when there is none, or it cannot be read, or it is not for this text and code."""
    where = _folder()
    if where is None:
        return None
    folder, code = where
    sha = _text_sha(text)
    try:
        entry = json.loads((folder / f"{sha}.json").read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    if (not isinstance(entry, dict) or entry.get("format") != _FORMAT
            or entry.get("code") != code or entry.get("text") != sha or "bank" not in entry):
        return None
    return entry["bank"]


def write_entry(text: str, data: Any) -> bool:
    """Store ``data`` (plain JSON data) for a bank with this text, atomically.

    Data JSON cannot hold exactly (a date, a set, a key that is not text, a float that
    is not finite) is not stored, so an entry always gives back what was put in.
    Returns whether it was stored; never raises for want of a writable folder.
    """
    where = _folder()
    if where is None or not _is_plain(data):
        return False
    folder, code = where
    sha = _text_sha(text)
    body = json.dumps({"format": _FORMAT, "code": code, "text": sha, "bank": data},
                      ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        new = not folder.is_dir()
        folder.mkdir(parents=True, exist_ok=True)
        if new:
            _drop_old_fingerprints(folder)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{sha}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(body.encode("utf-8"))
            os.replace(temporary, folder / f"{sha}.json")
        except BaseException:
            with suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError:
        return False
    return True


def _drop_old_fingerprints(keep: Path) -> None:
    """Delete all but the :data:`KEEP_FINGERPRINTS` newest fingerprints' folders."""
    try:
        folders = [f for f in keep.parent.iterdir() if f.is_dir() and f != keep]
        folders.sort(key=lambda f: f.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in folders[KEEP_FINGERPRINTS - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def _is_plain(data: Any, depth: int = 0) -> bool:
    """Whether JSON gives ``data`` back exactly: text, whole numbers, finite floats,
    booleans, None, lists, and dicts keyed by text."""
    if depth > 200:
        return False
    if data is None or isinstance(data, (str, bool, int)):
        return type(data) in (str, bool, int) or data is None
    if type(data) is float:
        return math.isfinite(data)
    if type(data) is list:
        return all(_is_plain(item, depth + 1) for item in data)
    if type(data) is dict:
        return all(type(key) is str and _is_plain(value, depth + 1)
                   for key, value in data.items())
    return False
