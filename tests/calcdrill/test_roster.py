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


def test_first_and_last_name_columns_without_name(tmp_path):
    """LMS-style rosters: the name is made from first and last; both are kept for exports."""
    path = write(tmp_path, "student_id,First Name,Last Name,username\n7,Ana,García López,ag\n"
                 .encode("utf-8"))
    [student] = read_roster(path)
    assert student.name == "Ana García López"
    assert student.extra == {"First Name": "Ana", "Last Name": "García López", "username": "ag"}


@pytest.mark.parametrize("data, message", [
    (b'student_id,name\n1,"Ana\n2,Bo\n', "roster.csv:2: unclosed quote"),
    ("student_id,name\n1,José\n".encode("cp1252") + "2,Zoë\n".encode("utf-8"), None),
])
def test_damaged_rosters(tmp_path, data, message):
    """An unclosed quote is refused with its line; a line in cp1252 is read as such."""
    if message:
        with pytest.raises(RosterError) as info:
            read_roster(write(tmp_path, data))
        assert message in str(info.value)
    else:
        assert [s.name for s in read_roster(write(tmp_path, data))] == ["José", "Zoë"]
