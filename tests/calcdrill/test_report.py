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
