"""Rosters from real spreadsheets."""

import pytest

from calcdrill.roster import RosterError, read_roster


def write(tmp_path, data: bytes):
    path = tmp_path / "roster.csv"
    path.write_bytes(data)
    return path


def test_utf8_with_bom_and_extra_columns(tmp_path):
    path = write(tmp_path, "\ufeffstudent_id,name,email\n1,García,g@x.edu\n".encode("utf-8"))
    [student] = read_roster(path)
    assert (student.student_id, student.name, student.extra) == ("1", "García", {"email": "g@x.edu"})


def test_excel_semicolons_and_quotes(tmp_path):
    path = write(tmp_path, 'Student ID;Name\n7;"Smith; John"\n8;Yılmaz\n\n'.encode("utf-8"))
    assert [(s.student_id, s.name) for s in read_roster(path)] == [("7", "Smith; John"),
                                                                   ("8", "Yılmaz")]


@pytest.mark.parametrize("data, message", [
    (b"id_number,fullname\n1,x\n", "roster.csv:1: the header must have student_id and name"),
    (b"student_id,name\n1,a\n1,b\n", "roster.csv:3: student_id '1' also on line 2"),
    (b"student_id,name\n,a\n", "roster.csv:2: empty student_id"),
    (b"student_id,name\n", "roster.csv:1: the roster has a header but no students"),
])
def test_errors(tmp_path, data, message):
    with pytest.raises(RosterError) as info:
        read_roster(write(tmp_path, data))
    assert str(info.value).endswith(message) or message in str(info.value)
