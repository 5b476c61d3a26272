"""CSV files as spreadsheets write them: reading every row back, writing cells safe to open.

Every CSV calcdrill reads comes from a person's spreadsheet: UTF-8 with or without a
byte-order mark, Excel's cp1252, sometimes both in one file; commas, semicolons or tabs;
quoted commas and line breaks; and damage (an unclosed quote, a huge cell, NUL bytes, a
second file pasted below the first).  :func:`read_csv` reads such a file **without losing
a row**: each record keeps its line number and a list of what was wrong with it, so the
grader can flag or refuse it with a reason instead of dropping it.

Every CSV calcdrill writes goes through :func:`write_csv`, which neutralises cells a
spreadsheet would run as a formula (OWASP's "CSV injection" advice: a cell starting with
``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``; numbers such as ``-1`` stay
numbers).  :func:`restore_cell` undoes it, so an answer ``-e^-x`` reads back as typed.

:class:`SubmissionTable` says what each column of a submissions file means, whichever
program wrote it (calcdrill's own long and wide forms, or an LMS quiz report).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Iterator, Sequence

from calcdrill.errors import ClassFileError

__all__ = ["CsvRecord", "CsvTable", "MAX_CELL", "MAX_FILE_BYTES", "SubmissionTable",
           "decode", "format_score", "read_back", "read_csv", "restore_cell", "safe_cell",
           "write_csv"]

#: Characters one cell may hold; a longer cell is cut and its row refused (an answer is
#: never this long, and Excel cannot even show more than 32,767).
MAX_CELL = 10_000
#: Bytes a class file may have (a million answers fit in about 40 MB).
MAX_FILE_BYTES = 256 * 1024 * 1024
_SHOWN = 200  # characters of an over-long cell kept in GRADED.csv

# The reader's own bound is MAX_CELL, checked per cell; the csv module's 131,072-character
# limit would instead stop the whole file with "field larger than field limit".
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n|$)")
_TEXT_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_RISKY = frozenset("=+-@\t\r'")  # first characters worth a closer look
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


@dataclass
class SubmissionTable:
    """A submissions CSV as read: header, rows (with their line numbers), its shape."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    form: str  # "long" or "wide"
    id_column: int
    code_column: int = -1
    answer_column: int = -1
    question_columns: dict[int, int] = field(default_factory=dict)  # number -> column
    #: Where the file came from: "calcdrill", "moodle" (quiz Responses report) or
    #: "canvas" (quiz Student Analysis report).
    source: str = "calcdrill"
    #: Columns that may identify the student, tried in order (ids, then emails, names).
    identity_columns: list[int] = field(default_factory=list)
    #: Per row, which of two answers to the same problem counts (the larger).
    precedence: list[float] = field(default_factory=list)
    #: Per row, a note such as "attempt not finished".
    notes: list[str] = field(default_factory=list)
    #: Per row, what was wrong with it as read ("" when nothing): flagged in GRADED.csv.
    problems: list[str] = field(default_factory=list)
    #: Per row, whether it is not graded at all (a repeated header, a cut cell).
    refused: list[bool] = field(default_factory=list)
    #: Hints about the whole file ("re-save as CSV UTF-8"), printed once.
    hints: list[str] = field(default_factory=list)
    #: Empty rows skipped (blank lines, trailing ``,,,`` rows of a spreadsheet).
    blank_rows: int = 0


@dataclass(frozen=True)
class CsvRecord:
    """One row of a CSV file as read.

    Attributes:
        line: 1-based physical line where the row starts.
        cells: its cells (never longer than :data:`MAX_CELL`).
        problems: what was wrong with it and how it was read anyway.
        refused: whether it cannot be used at all (a cut cell).
    """

    line: int
    cells: list[str]
    problems: tuple[str, ...] = ()
    refused: bool = False


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read whole: the header, every non-empty row, and notes on the file.

    Attributes:
        delimiter: ``,``, ``;`` or tab, guessed from the header line.
        encoding: ``utf-8``, ``utf-16``, ``cp1252`` (Excel's plain "CSV") or ``mixed``.
        blank_rows: empty rows skipped (they are nobody's answers).
        hints: notes on the whole file, for the instructor.
    """

    path: Path
    header: list[str]
    header_line: int
    records: list[CsvRecord]
    delimiter: str
    encoding: str
    blank_rows: int
    hints: tuple[str, ...] = ()


def decode(data: bytes) -> str:
    """The text of a CSV file, each line decoded on its own (see :func:`read_csv`).

    >>> decode("é,1\\n".encode("utf-8") + "é,2\\n".encode("cp1252"))
    'é,1\\né,2\\n'
    """
    return "".join(_decode_lines(data)[0])


def _decode_lines(data: bytes) -> tuple[list[str], str, list[int]]:
    """(lines with their endings, encoding, 1-based lines that were not UTF-8)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _looks_utf16(data):
        text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff")
                           else "utf-16-le", errors="replace")
        return _split(text), "utf-16", []
    try:
        return _split(data.decode("utf-8")), "utf-8", []
    except UnicodeDecodeError:
        pass
    # One cp1252 byte must not turn a whole UTF-8 file into mojibake: decode line by line.
    lines, fallback, utf8_non_ascii = [], [], 0
    for number, match in enumerate(_LINE.finditer(data), start=1):
        raw = match.group()
        if not raw:
            break
        try:
            lines.append(raw.decode("utf-8"))
            utf8_non_ascii += not raw.isascii()
        except UnicodeDecodeError:
            fallback.append(number)
            try:
                lines.append(raw.decode("cp1252"))
            except UnicodeDecodeError:
                lines.append(raw.decode("latin-1"))
    return lines, ("mixed" if utf8_non_ascii else "cp1252"), fallback


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4


def _split(text: str) -> list[str]:
    return [m.group() for m in _TEXT_LINE.finditer(text) if m.group()]


def _clean(line: str) -> tuple[str, bool]:
    """The line without byte-order marks (a second file pasted in keeps its own) or NULs."""
    had_nul = "\x00" in line
    return line.replace("\ufeff", "").replace("\x00", ""), had_nul


def read_csv(path: str | Path, *, data: bytes | None = None, what: str = "file") -> CsvTable:
    """Read a CSV file written by a spreadsheet, keeping every row with its line number.

    Damage is repaired where the intent is plain and always recorded on the row:
    an unclosed quote is read up to the end of its line (the rows below it are not
    swallowed); a cell over :data:`MAX_CELL` characters is cut and its row refused;
    NUL bytes and stray byte-order marks are removed; lines that are not UTF-8 are read
    as Windows-1252.  Empty rows are skipped and counted.

    Raises:
        ClassFileError: when the file cannot be read, is too large, or is empty.
    """
    path = Path(path)
    if data is None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ClassFileError(f"the {what} has more than {MAX_FILE_BYTES >> 20} MB; "
                                     "split the class into several files", path)
            data = path.read_bytes()
        except OSError as exc:
            raise ClassFileError(f"cannot read the file: {exc.strerror or exc}", path) from None
    raw_lines, encoding, fallback = _decode_lines(data)
    lines, nul_lines = [], set()
    for number, line in enumerate(raw_lines, start=1):
        line, had_nul = _clean(line)
        lines.append(line)
        if had_nul:
            nul_lines.add(number)
    start = next((k for k, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise ClassFileError(f"the {what} is empty", path)
    first = lines[start]
    delimiter = max((",", ";", "\t"), key=first.count)
    blank = start
    records: list[CsvRecord] = []
    header: list[str] | None = None
    header_line = start + 1
    fallback_set = set(fallback)
    for line, end, cells, problems in _records(lines, start, delimiter):
        if header is None:
            header, header_line = [c.strip() for c in cells], line
            continue
        if not any(c.strip() for c in cells):
            blank += 1
            continue
        problems = list(problems)
        refused = False
        if any(n in nul_lines for n in range(line, end + 1)):
            problems.append("NUL bytes removed")
        if encoding == "mixed" and any(n in fallback_set for n in range(line, end + 1)):
            problems.append("not UTF-8: read as Windows-1252")
        for k, cell in enumerate(cells):
            if len(cell) > MAX_CELL:
                cells[k] = f"{cell[:_SHOWN]}… [{len(cell):,} characters cut]"
                problems.append(f"cell {k + 1} has {len(cell):,} characters (limit "
                                f"{MAX_CELL:,}): not graded")
                refused = True
        records.append(CsvRecord(line, [restore_cell(c) for c in cells], tuple(problems),
                                 refused))
    hints = []
    if encoding == "mixed":
        shown = ", ".join(map(str, fallback[:5])) + (" ..." if len(fallback) > 5 else "")
        lines_text = "1 line is" if len(fallback) == 1 else f"{len(fallback)} lines are"
        hints.append(f"{lines_text} not UTF-8 (read as Windows-1252: line {shown}); "
                     "the file mixes two encodings: check those rows' names and answers, "
                     "and re-save the file as 'CSV UTF-8'")
    if nul_lines:
        hints.append(f"NUL bytes removed from {len(nul_lines)} line"
                     f"{'' if len(nul_lines) == 1 else 's'}: the file may have been "
                     "saved by a program that pads text; check those rows")
    return CsvTable(path, header or [], header_line, records, delimiter, encoding, blank,
                    tuple(hints))


def _records(lines: list[str], start: int, delimiter: str
             ) -> Iterator[tuple[int, int, list[str], tuple[str, ...]]]:
    """(first line, last line, cells, problems) for each record from ``lines[start]`` on.

    A quoted cell may span lines; a quote that is never closed (or closed only by a quote
    on a later row) would swallow every row below it, so such a record is read again as
    its first line alone and reading resumes on the next line.
    """
    cursor = start
    width = 0

    def feed() -> Iterator[str]:
        nonlocal cursor
        while cursor < len(lines):
            cursor += 1
            yield lines[cursor - 1]

    reader = csv.reader(feed(), delimiter=delimiter)
    while True:
        first = cursor
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # defensive: the non-strict reader hardly ever raises
            cells, cursor = [lines[first].rstrip("\r\n")], first + 1
            reader = csv.reader(feed(), delimiter=delimiter)
            yield first + 1, first + 1, cells, (f"unreadable row ({exc}); kept as one cell",)
            continue
        problems: tuple[str, ...] = ()
        if cursor - first > 1 and _swallowed(lines[first:cursor], delimiter, width, cells):
            cells = next(csv.reader([lines[first].rstrip("\r\n")], delimiter=delimiter), [])
            problems = ("unclosed quote: the row was read up to the end of its line",)
            cursor = first + 1
            reader = csv.reader(feed(), delimiter=delimiter)
        if not width:
            width = len(cells)
        yield first + 1, cursor, cells, problems


def _swallowed(raw: list[str], delimiter: str, width: int, cells: list[str]) -> bool:
    """Whether a record spanning ``raw`` lines is an unclosed quote, not a quoted line break."""
    if sum(line.count('"') for line in raw) % 2:
        return True  # the quote is still open at the end of the file
    if width and len(cells) != width:
        return True  # closed by a quote on a later row: the cells no longer line up
    # A continuation line that is a whole row by itself was another row, not text.
    return width > 1 and any(
        len(next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])) >= width
        for line in raw[1:-1])


# -- writing --------------------------------------------------------------------------------

def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP).

    >>> [safe_cell(v) for v in ("-e^-x", "=2x", "@x", "-1", "2.50", "x", "'=x")]
    ["'-e^-x", "'=2x", "'@x", '-1', '2.50', 'x', "''=x"]
    """
    text = "" if value is None else str(value)
    if _FORMULA.match(text) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The cell as it was before :func:`safe_cell` (``'-e^-x`` -> ``-e^-x``).

    >>> restore_cell("'-e^-x"), restore_cell("''=x"), restore_cell("it's")
    ('-e^-x', "'=x", "it's")
    """
    return text[1:] if _ESCAPED.match(text) else text


def write_csv(target: str | Path | IO[str], header: Sequence[object],
              rows: Iterable[Sequence[object]], *, delimiter: str = ",",
              quote_all: bool = False, bom: bool = True) -> None:
    """Write a CSV file (or into an open text handle) with every cell made safe.

    Parameters:
        bom: start with a UTF-8 byte-order mark, so Excel reads the file as UTF-8
            (LMS import files are written without one, as the LMSs write theirs).
        quote_all: quote every value (Blackboard's comma-delimited upload wants it).
    """
    def cell(value: object) -> str:
        text = value if type(value) is str else "" if value is None else str(value)
        if "\r" in text:
            # Line breaks inside a cell become LF: the writer quotes a cell holding one of
            # its line terminator's characters, and a lone CR would otherwise go unquoted.
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return safe_cell(text) if text[:1] in _RISKY else text

    def emit(handle: IO[str]) -> None:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n",
                            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
        writer.writerow([cell(c) for c in header])
        for row in rows:
            writer.writerow([cell(c) for c in row])

    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            emit(handle)
    else:
        emit(target)


def read_back(text: str) -> list[dict[str, str]]:
    """Rows of a CSV written by :func:`write_csv`, as dicts, with cells restored."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    rows = list(reader)
    if not rows:
        return []
    header = [restore_cell(h) for h in rows[0]]
    return [dict(zip(header, (restore_cell(c) for c in row))) for row in rows[1:]
            if any(c.strip() for c in row)]


def format_score(value: float | None) -> str:
    """A score as people read it: at most two decimals, trailing zeros trimmed.

    >>> [format_score(v) for v in (0.555556, 6.55556, 2.0, 0.5, -1.0, None)]
    ['0.56', '6.56', '2', '0.5', '-1', '']
    """
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
