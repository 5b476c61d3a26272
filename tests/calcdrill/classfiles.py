"""A small class for the class-file tests: a manifest of three students, two problems each."""

import csv
import json

PROBLEMS = [
    {"number": 1, "kind": "expression", "answer": "2*x*exp(x^2)", "variables": ["x"],
     "family": "chain-exp",
     "mistakes": [{"answer": "exp(x^2)", "feedback": "Chain rule forgotten.", "name": "chain"}]},
    {"number": 2, "kind": "set", "answer": "{-1, 0, 2}", "variables": ["x"],
     "family": "critical-1d", "mistakes": []},
]
#: Codes of each student's problems; each differs from the others in several characters.
CODES = {"s1": ["AAAA-BBBB-CC11", "AAAA-BBBB-CC12"], "s2": ["AAAA-BBBB-DD21", "AAAA-BBBB-DD22"],
         "s3": ["AAAA-BBBB-EE31", "AAAA-BBBB-EE32"]}
ROSTER = {"s1": ("García, Ana", {"email": "s1@example.edu", "username": "agarcia",
                                 "first_name": "Ana", "last_name": "García"}),
          "s2": ("Søren Kierkegaard, Jr.", {"email": "s2@example.edu", "username": "skierk"}),
          "s3": ("山田 太郎", {"email": "s3@example.edu", "username": "tyamada"})}


def write_manifest(folder):
    """manifest.json for the three students; returns its path."""
    students = []
    for sid, (name, extra) in ROSTER.items():
        problems = [{**p, "student_id": sid, "code": code, "assume": {}, "tolerance": None,
                     "prompt": ""} for p, code in zip(PROBLEMS, CODES[sid])]
        students.append({"student_id": sid, "name": name, "extra": extra, "problems": problems})
    path = folder / "manifest.json"
    path.write_text(json.dumps({"title": "Week 3", "students": students}), "utf-8")
    return path


def read_rows(path):
    """The rows of a CSV calcdrill wrote, as dicts."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))
