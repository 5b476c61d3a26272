"""LMS gradebook files, checked against the formats of the real samples."""

import csv
import re

import pytest

from calcdrill.lms import EXPORTERS, export_grades
from calcdrill.lms.common import first_last

STUDENTS = [{"student_id": "s1", "name": "García, Ana", "score": "7", "max": "10",
             "email": "ana@example.edu", "section": "A"},
            {"student_id": "s2", "name": "Mehmet Yılmaz", "score": "9.5", "max": "10",
             "email": "m@example.edu", "section": "B"}]
#: Names no program can split: they go to the LMS whole.
HARD_NAMES = ["Søren Kierkegaard, Jr.", "山田 太郎", "김민준 (Minjun Kim)"]
SPLIT = [{"student_id": "s1", "name": "Ana García", "first_name": "Ana",
          "last_name": "García López", "username": "agarcia", "email": "ana@example.edu",
          "sis_id": "SIS-1", "canvas_id": "101", "score": "6.55556", "max": "10"},
         {"student_id": "s2", "name": "Bo Li", "first_name": "Bo", "last_name": "Li",
          "username": "bli", "email": "bo@example.edu", "score": "", "max": "10"}]


def read(path, **kwargs):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, **kwargs))


def whole_names():
    return [{"student_id": f"s{k}", "name": name, "score": "1", "max": "2",
             "email": f"s{k}@example.edu"} for k, name in enumerate(HARD_NAMES, start=1)]


def test_canvas_import_layout(tmp_path):
    """Student, ID, SIS User ID, SIS Login ID, Section, then the assignment; points row."""
    out = export_grades(STUDENTS, "canvas", tmp_path / "c.csv", assignment="Week 3")
    header, points, *body = read(out)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 3"]
    assert points[0] == "    Points Possible" and points[-1] == "10.00"
    assert body[0] == ["García, Ana", "", "s1", "", "A", "7.00"]
    assert body[1][0] == "Mehmet Yılmaz" and body[1][-1] == "9.50"
    # The importer's own rules: row[0] contains Student, row[1] contains ID, Section last.
    assert "Student" in header[0] and "ID" in header[1] and header[4] == "Section"


def test_canvas_header_matches_the_real_export(lms_samples):
    real = read(lms_samples / "canvas_gradebook_export__constructed.csv")
    assert real[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert real[2][0] == "    Points Possible"


def test_canvas_uses_roster_columns(tmp_path):
    """Sortable name from first/last columns, Canvas id, SIS id, login; absent = empty."""
    out = export_grades(SPLIT, "canvas", tmp_path / "c.csv", assignment="Quiz", column_id="12345")
    header, _, ana, bo = read(out)
    assert header[-1] == "Quiz (12345)"
    assert ana == ["García López, Ana", "101", "SIS-1", "agarcia", "", "6.56"]
    assert bo == ["Li, Bo", "", "s2", "bli", "", ""]


def test_moodle_import_has_an_identifier_and_a_number(tmp_path):
    out = export_grades(STUDENTS, "moodle", tmp_path / "m.csv", assignment="Week 3")
    header, *body = read(out)
    assert header == ["Name", "ID number", "Email address", "Week 3"]
    assert body[0] == ["García, Ana", "s1", "ana@example.edu", "7.00"]
    assert all(len(row) == len(header) for row in body)


def test_moodle_with_roster_names_and_usernames(tmp_path, lms_samples):
    """First/last as the Moodle samples write them; an absent student's grade is empty."""
    out = export_grades(SPLIT, "moodle", tmp_path / "m.csv", assignment="Quiz")
    header, ana, bo = read(out)
    sample = read(lms_samples / "moodle_grade_import__fixture_grade_import.csv")[0]
    assert header[:2] == sample[:2] == ["First name", "Last name"]
    assert header == ["First name", "Last name", "ID number", "Email address", "Username", "Quiz"]
    assert ana == ["Ana", "García López", "s1", "ana@example.edu", "agarcia", "6.56"]
    assert bo[-1] == ""


def test_blackboard_upload_quotes_everything(tmp_path):
    out = export_grades(STUDENTS, "blackboard", tmp_path / "b.csv", assignment="Week 3",
                        column_id="664617")
    text = out.read_text("utf-8")
    assert text.splitlines()[0] == \
        '"Last Name","First Name","Username","Week 3 [Total Pts: 10 Score] |664617"'
    assert text.splitlines()[1] == '"García, Ana","","s1","7.00"'


def test_blackboard_with_roster_columns(tmp_path, lms_samples):
    """Usernames and first/last from the roster, in the sample download's column order."""
    out = export_grades(SPLIT, "blackboard", tmp_path / "b.csv", assignment="Quiz")
    header, ana, bo = read(out)
    sample = read(lms_samples / "blackboard_grade_center_download__constructed.csv")[0]
    assert header[:3] == sample[:3]
    assert ana == ["García López", "Ana", "agarcia", "6.56"] and bo == ["Li", "Bo", "bli", ""]


def test_blackboard_header_form_matches_the_sample(lms_samples):
    real = read(lms_samples / "blackboard_grade_center_upload__thirdparty_nbeaver_01.tsv",
                delimiter="\t")[0]
    assert real[:3] == ["Last Name", "First Name", "Username"]
    assert real[3].endswith("] |664617") and "[Total Pts: " in real[3]


def test_generic(tmp_path):
    out = export_grades(STUDENTS, "generic", tmp_path / "g.csv")
    assert read(out)[0][:6] == ["student_id", "name", "score", "max", "percent", "submitted"]
    assert read(out)[1] == ["s1", "García, Ana", "7", "10", "70.0", "yes", "ana@example.edu", "A"]


@pytest.mark.parametrize("lms, column", [("canvas", 0), ("moodle", 0), ("blackboard", 0),
                                         ("generic", 1)])
def test_names_are_never_split_by_guessing(tmp_path, lms, column):
    """Without first/last columns the whole name reaches the LMS, exactly as written."""
    rows = read(export_grades(whole_names(), lms, tmp_path / "x.csv"))
    body = rows[2:] if lms == "canvas" else rows[1:]
    assert [row[column] for row in body] == HARD_NAMES


@pytest.mark.parametrize("lms", sorted(EXPORTERS))
def test_formulas_are_neutralised_in_every_export(tmp_path, lms):
    """A name or email a spreadsheet would run (=HYPERLINK, +, -, @) is shown as text."""
    hostile = [{"student_id": "=1+1", "name": "=HYPERLINK(\"http://x\",\"y\")", "score": "-1",
                "max": "2", "email": "@SUM(A1)", "username": "+cmd", "section": "-2+3"}]
    rows = read(export_grades(hostile, lms, tmp_path / "x.csv"))
    cells = [c for row in rows for c in row]
    numbers = re.compile(r"-?\d+(\.\d+)?")
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@") and not numbers.fullmatch(c)]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in cells


def test_first_last_only_from_roster_columns():
    assert first_last({"name": "Smith, John"}) is None
    assert first_last({"First Name": "John", "Surname": "Smith"}) == ("John", "Smith")
