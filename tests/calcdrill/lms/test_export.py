"""LMS gradebook files, checked against the formats of the real samples."""

import csv
from pathlib import Path

import pytest

from calcdrill.lms import export_grades, split_name

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "lms-samples"
STUDENTS = [{"student_id": "s1", "name": "García, Ana", "score": "7", "max": "10",
             "email": "ana@example.edu", "section": "A"},
            {"student_id": "s2", "name": "Mehmet Yılmaz", "score": "9.5", "max": "10",
             "email": "m@example.edu", "section": "B"}]


def read(path, **kwargs):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, **kwargs))


def test_canvas_import_layout(tmp_path):
    """Student, ID, SIS User ID, SIS Login ID, Section, then the assignment; points row."""
    out = export_grades(STUDENTS, "canvas", tmp_path / "c.csv", assignment="Week 3")
    header, points, *body = read(out)
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Week 3"]
    assert points[0] == "    Points Possible" and points[-1] == "10.00"
    assert body[0] == ["García, Ana", "", "s1", "ana@example.edu", "A", "7.00"]
    assert body[1][0] == "Yılmaz, Mehmet" and body[1][-1] == "9.50"
    # The importer's own rules: row[0] contains Student, row[1] contains ID, Section last.
    assert "Student" in header[0] and "ID" in header[1] and header[4] == "Section"


@pytest.mark.skipif(not SAMPLES.exists(), reason="LMS samples not beside the repository")
def test_canvas_header_matches_the_real_export():
    real = read(SAMPLES / "canvas_gradebook_export__constructed.csv")[0]
    assert real[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def test_moodle_import_has_an_identifier_and_a_number(tmp_path):
    out = export_grades(STUDENTS, "moodle", tmp_path / "m.csv", assignment="Week 3")
    header, *body = read(out)
    assert header == ["First name", "Last name", "ID number", "Email address", "Week 3"]
    assert body[0] == ["Ana", "García", "s1", "ana@example.edu", "7.00"]
    assert all(len(row) == len(header) for row in body)


def test_blackboard_upload_quotes_everything(tmp_path):
    out = export_grades(STUDENTS, "blackboard", tmp_path / "b.csv", assignment="Week 3",
                        column_id="664617")
    text = out.read_text("utf-8")
    assert text.splitlines()[0] == \
        '"Last Name","First Name","Username","Week 3 [Total Pts: 10 Score] |664617"'
    assert text.splitlines()[1] == '"García","Ana","s1","7.00"'


@pytest.mark.skipif(not SAMPLES.exists(), reason="LMS samples not beside the repository")
def test_blackboard_header_form_matches_the_sample():
    real = read(SAMPLES / "blackboard_grade_center_upload__thirdparty_nbeaver_01.tsv",
                delimiter="\t")[0]
    assert real[:3] == ["Last Name", "First Name", "Username"]
    assert real[3].endswith("] |664617") and "[Total Pts: " in real[3]


def test_generic(tmp_path):
    out = export_grades(STUDENTS, "generic", tmp_path / "g.csv")
    assert read(out)[1] == ["s1", "García, Ana", "7", "10", "70.0", "ana@example.edu", "A"]


def test_split_name():
    assert split_name("O'Brien, Siobhán") == ("O'Brien", "Siobhán")
    assert split_name("Zhang") == ("Zhang", "")
