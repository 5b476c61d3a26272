"""Class grading: real CSV files, every row kept, the documented rules applied."""

import csv
import json

import pytest

from calcdrill.errors import ClassFileError
from calcdrill.grading import grade_class, write_graded
from calcdrill.manifest import load_manifest
from calcdrill.submissions import read_submissions
from generator.codes import normalize_code

PROBLEMS = [
    {"number": 1, "code": "AAAA-BBBB-CC01", "kind": "expression", "answer": "2*x*exp(x^2)",
     "variables": ["x"], "assume": {}, "tolerance": None, "family": "chain-exp", "prompt": "",
     "mistakes": [{"answer": "exp(x^2)", "feedback": "Chain rule forgotten.",
                   "name": "chain"}]},
    {"number": 2, "code": "AAAA-BBBB-CC02", "kind": "set", "answer": "{-1, 0, 2}",
     "variables": ["x"], "assume": {}, "tolerance": None, "family": "critical-1d", "prompt": "",
     "mistakes": []},
]


@pytest.fixture
def manifest(tmp_path):
    students = []
    for k, name in enumerate(["García, Ana", "Yılmaz, Mehmet"], start=1):
        problems = [{**p, "student_id": f"s{k}", "code": p["code"][:-2] + f"{k}{p['number']}"}
                    for p in PROBLEMS]
        students.append({"student_id": f"s{k}", "name": name,
                         "extra": {"email": f"s{k}@example.edu"}, "problems": problems})
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"title": "Test", "students": students}), "utf-8")
    return load_manifest(path)


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "submissions.csv"
    path.write_bytes(text.encode(encoding))
    return path


def rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_long_form_in_excel_dialect(tmp_path, manifest):
    """BOM, semicolons, quoted separators and line breaks, lower-case codes."""
    text = ("\ufeffstudent_id;code;answer\n"
            "s1;aaaa-bbbb-cc11;2x e^(x^2)\n"
            "s1;AAAA BBBB CC12;\"x = -1; x = 0;\nx = 2\"\n"
            "s2;AAAA-BBBB-CC21;e^(x^2)\n"
            "s2;AAAA-BBBB-CC22;\n")
    graded = grade_class(manifest, read_submissions(write(tmp_path, text)))
    out = tmp_path / "GRADED.csv"
    summary = write_graded(out, graded)
    result = rows(out)
    assert [r["status"] for r in result] == ["correct", "correct", "incorrect", "blank"]
    assert result[2]["feedback"] == "Chain rule forgotten." and result[2]["mistake"] == "chain"
    assert result[3]["feedback"] == "No answer."
    assert [r["student_total"] for r in result] == ["2", "2", "0", "0"]
    assert result[0]["email"] == "s1@example.edu"
    assert summary["missing_students"] == [] and summary["answers"] == 4


def test_every_row_is_kept_and_flagged(tmp_path, manifest):
    text = ("student_id,code,answer\n"
            "s1,AAAA-BBBB-CC11,e^(x^2)\n"
            "s1,AAAA-BBBB-CC11,2x e^(x^2)\n"       # second try: the last one counts
            "s9,AAAA-BBBB-CC11,2x e^(x^2)\n"       # unknown student
            "s2,ZZZZ-ZZZZ-ZZZZ,1\n"                # unknown code
            "s2,AAAA-BBBB-CC11,2x e^(x^2)\n"       # another student's code
            ",AAAA-BBBB-CC21,1\n")                 # no student id
    graded = grade_class(manifest, read_submissions(write(tmp_path, text)))
    out = tmp_path / "GRADED.csv"
    summary = write_graded(out, graded)
    result = rows(out)
    assert len(result) == 6
    assert [r["flag"] for r in result] == ["superseded by line 3", "", "unknown student",
                                           "unknown code", "code of another student (s1)",
                                           "no student_id"]
    assert [r["counted"] for r in result] == ["no", "yes", "no", "no", "no", "no"]
    assert result[1]["student_total"] == "1" and result[4]["student_total"] == "0"
    assert summary["unknown_students"] == ["s9"]


def test_wide_form(tmp_path, manifest):
    text = "student_id,name,q1,q2\ns1,Ana,2x e^(x^2),\"{2, 0, -1}\"\ns2,Mehmet,,x^^2\n"
    graded = grade_class(manifest, read_submissions(write(tmp_path, text)))
    out = tmp_path / "GRADED.csv"
    write_graded(out, graded)
    result = rows(out)
    assert [(r["q1_status"], r["q2_status"], r["total"]) for r in result] == [
        ("correct", "correct", "2"), ("blank", "invalid", "0")]


def test_hostile_answers_are_bounded(tmp_path, manifest):
    text = "student_id,code,answer\n" + "".join(
        f"s1,AAAA-BBBB-CC11,{a}\n" for a in ["9^9^9^9", "(" * 500, "__import__('os')"])
    graded = grade_class(manifest, read_submissions(write(tmp_path, text)))
    assert {g.status for row in graded.answers for g in row} <= {"invalid", "incorrect"}


@pytest.mark.parametrize("text, message", [
    ("", "the submissions file is empty"),
    ("name,answer\nAna,2x\n", "no student_id column"),
    ("student_id,comment\ns1,hello\n", "cannot tell the shape of the file"),
])
def test_unusable_files_say_why(tmp_path, text, message):
    with pytest.raises(ClassFileError, match=message):
        read_submissions(write(tmp_path, text))


def test_bad_manifest(tmp_path):
    path = tmp_path / "manifest.json"
    path.write_text("{}", "utf-8")
    with pytest.raises(ClassFileError, match="not a calcdrill manifest"):
        load_manifest(path)


def test_codes_are_read_forgivingly():
    assert normalize_code("aaaa bbbb cco1") == "AAAA-BBBB-CC01"


# -- online quiz exports, in the exact formats of the LMS samples ---------------------------

def quiz_manifest(tmp_path, students, problems):
    data = {"title": "Quiz", "students": [
        {"student_id": sid, "name": name, "extra": extra, "problems": [
            {"student_id": sid, "number": n, "code": f"Q{sid[-2:]}{n:02d}-AAAA-BBBB",
             "kind": kind, "answer": answer, "variables": variables, "assume": {},
             "tolerance": tolerance, "family": "f", "prompt": "", "mistakes": []}
            for n, (kind, answer, variables, tolerance) in enumerate(problems, start=1)]}
        for sid, name, extra in students]}
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data), "utf-8")
    return load_manifest(path)


def test_moodle_quiz_responses(tmp_path, lms_samples):
    """Students by email; "Response N" is problem N; STACK cells read; "-" is blank."""
    manifest = quiz_manifest(tmp_path, [
        (f"m{k}", name, {"email": f"student{k}@example.com"})
        for k, name in enumerate(["Anne Able", "Bobby Bunce", "Carla Cole", "Dana Dunn"],
                                 start=1)],
        [("expression", "(x-7)^4/4 + c", ["x", "c"], None),
         ("number", "pi", [], 0.01),
         ("expression", "x^2 + C", ["x", "C"], None)])
    table = read_submissions(lms_samples / "moodle_quiz_responses__constructed.csv")
    assert table.source == "moodle"
    graded = grade_class(manifest, table)
    statuses = [[g.status for g in row] for row in graded.answers]
    assert statuses[0] == ["correct", "correct", "correct"]      # Anne, STACK cell read
    assert statuses[1] == ["blank", "incorrect", "incorrect"]    # Bobby: "-", 3.0, 2x + C
    assert statuses[2] == ["blank", "blank", "blank"]            # Carla: in progress
    assert graded.answers[2][0].flag == "attempt in progress"
    assert graded.answers[3][0].flag == "no attempt"
    assert graded.totals == {"m1": 3.0, "m2": 0.0, "m3": 0.0, "m4": 0.0}


def test_canvas_student_analysis(tmp_path, lms_samples):
    """Students by sis_id; the k-th question is problem k; the highest attempt counts."""
    manifest = quiz_manifest(tmp_path, [("S1001", "Jane Doe", {}), ("S1002", "Richard Roe", {})],
                             [("expression", "3*x^2 + 2", ["x"], None),
                              ("expression", "x^2 + C", ["x", "C"], None),
                              ("number", "1", [], None)])
    table = read_submissions(lms_samples / "canvas_quiz_student_analysis__constructed.csv")
    assert table.source == "canvas"
    graded = grade_class(manifest, table)
    out = tmp_path / "GRADED.csv"
    write_graded(out, graded)
    result = rows(out)
    assert len(result) == 3  # every attempt kept
    assert graded.totals == {"S1001": 3.0, "S1002": 2.0}
    assert result[1]["flag"].startswith("superseded by line 2")  # attempt 1 < attempt 2


def test_a_grader_failure_costs_one_row_not_the_class(tmp_path, manifest, monkeypatch):
    """If grading one answer fails, that row is flagged undecided and the rest graded."""
    import calcdrill.grading as batch

    real_check = batch.check

    def flaky(expected, answer, **kwargs):
        if answer == "boom":
            raise RuntimeError("simulated grader bug")
        return real_check(expected, answer, **kwargs)

    monkeypatch.setattr(batch, "check", flaky)
    text = "student_id,code,answer\ns1,AAAA-BBBB-CC11,boom\ns2,AAAA-BBBB-CC21,2x e^(x^2)\n"
    graded = grade_class(manifest, read_submissions(write(tmp_path, text)))
    first, second = graded.answers[0][0], graded.answers[1][0]
    assert first.status == "undecided" and "simulated grader bug" in first.feedback
    assert second.status == "correct"
