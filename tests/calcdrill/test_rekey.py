"""Regrading after a bank fix: keys recomputed from bank, family and seed."""

import json

from generator.banks.load import load_bank
from calcdrill.generate import make_version
from calcdrill.manifest import manifest_dict
from calcdrill.rekey import refresh_keys
from generator.documents.render import DocumentInfo
from calcdrill.roster import Student
from calcdrill.grading import grade_class
from calcdrill.manifest import load_manifest
from calcdrill.submissions import read_submissions

BANK = """\
bank: fixme
title: A bank with a bug
version: 1
families:
  - id: square
    title: Derivative of a square
    covers: [basic-rules]
    difficulty: 1
    variables: [x]
    params:
      a: {range: [2, 9]}
    values:
      f: a*x^2
      df: {diff: [f, x]}
    prompt: Differentiate $f(x) = {{ f }}$.
    answer: {kind: expression, value: ANSWER}
    solution:
      - $f'(x) = {{ df }}$.
    verify: {derivative: f, wrt: x}
"""


def test_refresh_keys_regrades_against_the_fixed_bank(tmp_path):
    buggy = tmp_path / "fixme.yaml"
    buggy.write_text(BANK.replace("ANSWER", "f"), "utf-8")  # the key is wrong: f, not f'
    bank = load_bank(buggy)
    students = [Student("s1", "Ana"), Student("s2", "Ben")]
    versions = [make_version(s, [(bank, bank.families[0])], seed=4) for s in students]
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest_dict(versions, DocumentInfo(), seed=4,
                                                      files={})), "utf-8")
    right = {v.student.student_id: v.instances[0].answer for v in versions}  # the buggy key
    submissions = tmp_path / "subs.csv"
    # Students answer with the true derivative, which the buggy key marks wrong.
    truth = {sid: f"2*({key})/x" for sid, key in right.items()}
    submissions.write_text("student_id,q1\n" + "".join(f"{sid},{a}\n" for sid, a in
                                                         truth.items()), "utf-8")
    before = grade_class(load_manifest(manifest_path), read_submissions(submissions))
    assert set(before.totals.values()) == {0.0}

    buggy.write_text(BANK.replace("ANSWER", "df"), "utf-8")  # the fix
    manifest = load_manifest(manifest_path)
    changed, total = refresh_keys(manifest, [load_bank(buggy)])
    assert (changed, total) == (2, 2)
    after = grade_class(manifest, read_submissions(submissions))
    assert set(after.totals.values()) == {1.0}
