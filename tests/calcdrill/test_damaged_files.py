"""No row of a class is lost: damaged CSV files in, every row accounted for in GRADED.csv.

Each file of the table is graded from the command line, as an instructor would; the test
counts the rows in (every non-empty row of the file) and the rows of GRADED.csv, and
checks what the damaged row says.
"""

import csv

import pytest

from calcdrill.cli import cli
from tests.calcdrill.classfiles import read_rows, write_manifest

HEADER = "student_id,code,answer\n"
GOOD = ["s1,AAAA-BBBB-CC11,2x e^(x^2)", "s2,AAAA-BBBB-DD21,e^(x^2)",
        "s3,AAAA-BBBB-EE31,2x·e^(x²)"]


def long_rows(n):
    """``n`` good rows cycling through the three students."""
    return [GOOD[k % 3] for k in range(n)]


def lines(*rows, end="\n"):
    return (end.join(rows) + end).encode("utf-8")


def unclosed_quote():
    rows = long_rows(100)
    rows[10] = 's1,AAAA-BBBB-CC12,"{-1, 0, 2}'   # the quote is never closed
    return lines(HEADER.strip(), *rows), 100, 10, "unclosed quote"


def unclosed_quote_closed_later():
    rows = long_rows(20)
    rows[3] = 's1,AAAA-BBBB-CC12,"{-1, 0, 2}'
    rows[15] = 's2,AAAA-BBBB-DD22,"{0, 2}"'        # a later quote would close it
    return lines(HEADER.strip(), *rows), 20, 3, "unclosed quote"


def huge_cell():
    rows = long_rows(5)
    rows[2] = "s3,AAAA-BBBB-EE31," + "x+" * 100_000 + "x"
    return lines(HEADER.strip(), *rows), 5, 2, "characters (limit 10,000): not graded"


def mixed_encodings():
    text = lines(HEADER.strip(), *long_rows(6))
    return text + "s2,AAAA-BBBB-DD22,{0, 2} – José\n".encode("cp1252"), 7, 6, \
        "not UTF-8: read as Windows-1252"


def nul_bytes():
    rows = long_rows(4)
    rows[1] = "s2,AAAA-BBBB-DD21,e^(x\x00^2)"
    return lines(HEADER.strip(), *rows), 4, 1, "NUL bytes removed"


def extra_cells_long():
    rows = long_rows(4)
    rows[3] = "s1,AAAA-BBBB-CC12,{-1, 0, 2}"       # unquoted commas in the answer
    return lines(HEADER.strip(), *rows), 4, 3, "the rest of the row was read as the answer"


def extra_cells_wide():
    return lines("student_id,q1,q2", "s1,2x e^(x^2),{-1,0,2}", "s2,e^(x^2),{0,2}",
                 "s3,2x e^(x^2),{-1, 0, 2},,"), 3, 1, "more cell(s) than the header"


def missing_cells():
    rows = long_rows(3) + ["s2,AAAA-BBBB-DD22"]
    return lines(HEADER.strip(), *rows), 4, 3, ""


def blank_lines_and_trailing_rows():
    rows = long_rows(3)
    text = "\n" + HEADER + rows[0] + "\n\n" + rows[1] + "\n   \n" + rows[2] + "\n,,\n,,\n;;\n"
    return text.encode("utf-8"), 4, None, ""  # ";;" is a non-empty cell: a row, flagged


def duplicate_headers():
    return lines("student_id,q1,q2,q1", "s1,2x e^(x^2),{-1,0,2},junk",
                 "s2,e^(x^2),{0,2},junk"), 2, None, ""


def bom_in_the_middle():
    first = lines(HEADER.strip(), *long_rows(3))
    second = "\ufeff".encode("utf-8") + lines(HEADER.strip(), *long_rows(2))
    return first + second, 6, 3, "a repeated header row"


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])
def test_line_endings(runner, tmp_path, end):
    """CRLF, LF and old-Mac CR files read the same, quoted line breaks included."""
    rows = long_rows(3) + ['s1,AAAA-BBBB-CC12,"x = -1; x = 0;' + end + 'x = 2"']
    graded = grade(runner, tmp_path, lines(HEADER.strip(), *rows, end=end))
    assert len(graded) == 4 and graded[3]["answer"] == "x = -1; x = 0;\nx = 2"
    assert [r["status"] for r in graded] == ["correct", "incorrect", "correct", "correct"]


def utf16():
    return ("\ufeff" + HEADER + "\n".join(long_rows(3)) + "\n").encode("utf-16"), 3, None, ""


CASES = {f.__name__: f for f in (
    unclosed_quote, unclosed_quote_closed_later, huge_cell, mixed_encodings, nul_bytes,
    extra_cells_long, extra_cells_wide, missing_cells, blank_lines_and_trailing_rows,
    duplicate_headers, bom_in_the_middle, utf16)}


def grade(runner, tmp_path, data):
    (tmp_path / "subs.csv").write_bytes(data)
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(write_manifest(tmp_path)), "--out",
                                 str(tmp_path / "GRADED.csv"), "--quiet"])
    assert result.exit_code == 0, result.output
    return read_rows(tmp_path / "GRADED.csv")


@pytest.mark.parametrize("name", CASES)
def test_every_row_is_accounted_for(runner, tmp_path, name):
    """Rows in = rows in GRADED.csv; the damaged row is there, flagged with the reason."""
    data, rows_in, damaged, reason = CASES[name]()
    graded = grade(runner, tmp_path, data)
    assert len(graded) == rows_in
    if damaged is not None and reason:
        assert reason in graded[damaged]["flag"]
    undamaged = [r for k, r in enumerate(graded) if k != damaged]
    assert all(r.get("status", r.get("q1_status")) != "refused" for r in undamaged)


def test_an_unclosed_quote_swallows_nothing(runner, tmp_path):
    """The 89 rows below an unclosed quote are graded, not read as one answer."""
    data, _, _, _ = unclosed_quote()
    graded = grade(runner, tmp_path, data)
    assert graded[10]["status"] == "correct"    # '"{-1, 0, 2}' read up to the end of its line
    assert [r["status"] for r in graded[11:]] == [
        "correct" if (k % 3) != 1 else "incorrect" for k in range(11, 100)]


def test_a_huge_cell_stops_one_row_not_the_class(runner, tmp_path):
    data, _, _, _ = huge_cell()
    graded = grade(runner, tmp_path, data)
    assert [r["status"] for r in graded] == ["correct", "incorrect", "refused", "correct",
                                             "incorrect"]
    assert graded[2]["answer"].endswith("[200,001 characters cut]")
    assert graded[2]["counted"] == "no"


def test_one_cp1252_line_leaves_the_utf8_lines_alone(runner, tmp_path):
    data, _, _, _ = mixed_encodings()
    graded = grade(runner, tmp_path, data)
    assert graded[2]["answer"] == "2x·e^(x²)" and graded[2]["status"] == "correct"
    assert graded[6]["answer"] == "{0, 2} – José"
    report = (tmp_path / "GRADED.report.html").read_text("utf-8")
    assert "1 line is not UTF-8 (read as Windows-1252: line 8)" in report


def test_the_wide_row_with_extra_cells_keeps_its_student(runner, tmp_path):
    """The extra cells are dropped, not shifted into the roster and total columns."""
    data, _, _, _ = extra_cells_wide()
    graded = grade(runner, tmp_path, data)
    assert graded[2]["student_id"] == "s3" and graded[2]["name"] == "山田 太郎"
    assert graded[2]["q2_status"] == "invalid" and graded[2]["total"] == "1"
    assert graded[2]["flag"] == ("2 more cell(s) than the header (an unquoted ',' in an "
                                 "answer?): check this row by hand")


def test_blank_rows_are_counted_not_graded(runner, tmp_path):
    data, _, _, _ = blank_lines_and_trailing_rows()
    (tmp_path / "subs.csv").write_bytes(data)
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(write_manifest(tmp_path)), "--out",
                                 str(tmp_path / "GRADED.csv"), "--quiet"])
    assert "5 empty rows skipped" in result.output


def test_a_pasted_second_file_is_not_an_unknown_student(runner, tmp_path):
    data, _, _, _ = bom_in_the_middle()
    (tmp_path / "subs.csv").write_bytes(data)
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(write_manifest(tmp_path)), "--out",
                                 str(tmp_path / "GRADED.csv"), "--quiet"])
    assert "unknown students" not in result.output and "1 refused" in result.output


def test_a_duplicated_column_is_named_once(runner, tmp_path):
    data, _, _, _ = duplicate_headers()
    (tmp_path / "subs.csv").write_bytes(data)
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(write_manifest(tmp_path)), "--out",
                                 str(tmp_path / "GRADED.csv"), "--quiet"])
    assert "note: column 'q1' appears twice (columns 2 and 4): the first one is used" \
        in result.output
    assert [r["q1_status"] for r in read_rows(tmp_path / "GRADED.csv")] == ["correct",
                                                                           "incorrect"]


@pytest.mark.slow
def test_a_million_rows(runner, tmp_path):
    """A million-row file: every row in GRADED.csv, within memory and minutes."""
    # Mostly rows the grader need not run on (blank answers, unknown codes), so the test
    # measures reading and writing; two hundred real answers are graded.
    rows = []
    for k in range(1_000_000):
        if k % 5000 == 0:
            rows.append(GOOD[k % 3])
        elif k % 2:
            rows.append(f"x{k},ZZZZ-ZZZZ-ZZ{k % 7}Z,2x")
        else:
            rows.append("s1,AAAA-BBBB-CC12,")
    rows[500_001] = 's1,AAAA-BBBB-CC12,"{-1, 0, 2}'
    (tmp_path / "subs.csv").write_bytes(lines(HEADER.strip(), *rows))
    del rows
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(write_manifest(tmp_path)), "--out",
                                 str(tmp_path / "GRADED.csv"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1000000 rows, 1000000 answers: ")
    with open(tmp_path / "GRADED.csv", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        count, damaged = 0, None
        for count, row in enumerate(reader, start=1):
            if count == 500_002:
                damaged = row
    assert count == 1_000_000
    assert "unclosed quote" in damaged["flag"] and damaged["status"] == "correct"
