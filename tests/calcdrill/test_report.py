"""The class report page."""

import json

from calcdrill.report import class_report_html
from calcdrill.grading import grade_class
from calcdrill.manifest import load_manifest
from calcdrill.submissions import read_submissions


def test_report_shows_questions_mistakes_and_scores(tmp_path):
    problem = {"number": 1, "code": "AAAA-BBBB-CC01", "kind": "expression",
               "answer": "2*x*exp(x^2)", "variables": ["x"], "assume": {}, "tolerance": None,
               "family": "chain-exp", "prompt": "",
               "mistakes": [{"answer": "exp(x^2)", "feedback": "Chain rule.",
                             "name": "chain-rule-forgotten"}]}
    students = [{"student_id": f"s{k}", "name": f"S {k}", "extra": {},
                 "problems": [{**problem, "student_id": f"s{k}",
                               "code": f"AAAA-BBBB-CC{k}1"}]} for k in range(1, 4)]
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps({"title": "Week 3", "students": students}), "utf-8")
    submissions = tmp_path / "s.csv"
    submissions.write_text("student_id,q1\ns1,2x e^(x^2)\ns2,e^(x^2)\ns3,e^(x^2)\n", "utf-8")
    graded = grade_class(load_manifest(manifest_path), read_submissions(submissions))
    html = class_report_html(graded)
    assert "Week 3 — class report" in html
    assert "<svg" in html and "right: 1" in html and "wrong: 2" in html
    assert "chain rule forgotten" in html and "<td class=\"n\">2</td>" in html
    assert "33%" in html  # answers right


def test_report_counts_students_rows_and_flags(runner, tmp_path):
    """A trailing blank row is nobody; flagged counts rows; the absent are named as such;
    number columns and their headers are both right-aligned."""
    from calcdrill.cli import cli
    from tests.calcdrill.classfiles import write_manifest

    (tmp_path / "subs.csv").write_text(
        "student_id,code,answer\n"
        "s1,AAAA-BBBB-CC11,2x e^(x^2)\n"
        "s1,AAAA-BBBB-CC12,\"{-1, 0, 2}\"\n"
        "s2,AAAA-BBBB-DD21,e^(x^2)\n"
        "s9,AAAA-BBBB-CC11,2x\n"          # an unknown student: one flagged row
        ",,\n,,\n", "utf-8")
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(write_manifest(tmp_path)), "--out",
                                 str(tmp_path / "GRADED.csv"), "--quiet"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "GRADED.report.html").read_text("utf-8")
    assert ("3 students on the roster · 2 submitted · 1 absent · 3 answers counted from "
            "4 rows (2 empty rows skipped)") in html
    assert "<b>1</b>row flagged" in html
    assert "<b>1</b>mean score (of 2)" in html  # (2 + 0) / 2 who submitted, not / 3
    assert '<th class="n">Right</th>' in html and "<th>Right</th>" not in html
    assert "<td>s9</td><td>unknown student</td>" in html
