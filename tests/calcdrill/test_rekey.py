"""Regrading after a bank fix: keys recomputed from bank, family and seed."""

import json

import pytest

from calcdrill.cli import cli
from calcdrill.rekey import RekeyError
from generator.banks.load import load_bank
from calcdrill.generate import make_version
from calcdrill.manifest import manifest_dict
from calcdrill.rekey import refresh_keys
from generator.documents.render import DocumentInfo
from calcdrill.roster import Student
from calcdrill.grading import grade_class
from calcdrill.manifest import load_manifest
from calcdrill.submissions import read_submissions
from tests.generator.banks.samples import GOOD_BANK

# The shared sample bank with its key left open: ANSWER is f (a bug) or df (the fix).
BANK = GOOD_BANK.replace("value: df}", "value: ANSWER}")


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


def _printed_class(tmp_path, bank_text: str, students=("s1", "s2", "s3", "s4")):
    """A class printed from ``bank_text``; its manifest path and the true derivatives."""
    path = tmp_path / "fixme.yaml"
    path.write_text(bank_text, "utf-8")
    bank = load_bank(path)
    versions = [make_version(Student(sid, sid.upper()), [(bank, bank.families[0])], seed=4)
                for sid in students]
    manifest_path = tmp_path / "manifest.json"
    manifest_path.write_text(json.dumps(manifest_dict(versions, DocumentInfo(), seed=4,
                                                      files={})), "utf-8")
    # The printed f is a*x^2; its true derivative, typed as a student would.
    truths = {}
    for v in versions:
        a = v.instances[0].params["a"]
        truths[v.student.student_id] = f"{2 * int(a)}x"
    submissions = tmp_path / "subs.csv"
    submissions.write_text("student_id,q1\n" + "".join(f"{sid},{t}\n" for sid, t in
                                                         truths.items()), "utf-8")
    return path, manifest_path, submissions


class TestRefreshKeysNeverChangesAPrintedProblem:
    """A code always means the problem that was printed, whatever happened to the bank."""

    def test_key_fix_with_a_version_bump_regrades_the_printed_problems(self, tmp_path):
        """Bumping the version as the bank README says keeps the printed parameters."""
        path, manifest_path, submissions = _printed_class(tmp_path, BANK.replace("ANSWER", "f"))
        path.write_text(BANK.replace("ANSWER", "df").replace("version: 2", "version: 3"),
                        "utf-8")
        manifest = load_manifest(manifest_path)
        changed, total = refresh_keys(manifest, [load_bank(path)])
        assert (changed, total) == (4, 4)
        after = grade_class(manifest, read_submissions(submissions))
        assert set(after.totals.values()) == {1.0}

    def test_version_bump_alone_changes_no_score(self, tmp_path):
        """Right answers on the printed problems stay right after a bump and a refresh."""
        path, manifest_path, submissions = _printed_class(tmp_path, BANK.replace("ANSWER", "df"))
        before = grade_class(load_manifest(manifest_path), read_submissions(submissions))
        path.write_text(BANK.replace("ANSWER", "df").replace("version: 2", "version: 7"),
                        "utf-8")
        manifest = load_manifest(manifest_path)
        assert refresh_keys(manifest, [load_bank(path)]) == (0, 4)
        after = grade_class(manifest, read_submissions(submissions))
        assert after.totals == before.totals == {sid: 1.0 for sid in before.totals}

    def test_family_edited_without_a_bump_is_refused_naming_the_problems(self, tmp_path):
        """New parameter ranges would print other problems: refuse, change nothing."""
        path, manifest_path, _ = _printed_class(tmp_path, BANK.replace("ANSWER", "df"))
        path.write_text(BANK.replace("ANSWER", "df").replace("range: [1, 9]", "range: [11, 19]"),
                        "utf-8")
        manifest = load_manifest(manifest_path)
        keys = {code: p.answer for code, p in manifest.by_code.items()}
        with pytest.raises(RekeyError) as caught:
            refresh_keys(manifest, [load_bank(path)])
        message = str(caught.value)
        assert message.startswith("--refresh-keys refused: 4 printed problems of family square "
                                  "would change, not just their keys:\n  s1 problem 1 (")
        assert "parameters a = " in message and "Grade without --refresh-keys" in message
        assert {c.student_id for c in caught.value.changed} == {"s1", "s2", "s3", "s4"}
        assert {code: p.answer for code, p in manifest.by_code.items()} == keys

    def test_edited_family_with_a_bump_is_refused_too(self, tmp_path):
        """A bump does not license grading against problems nobody saw."""
        path, manifest_path, _ = _printed_class(tmp_path, BANK.replace("ANSWER", "df"))
        path.write_text(BANK.replace("ANSWER", "df").replace("range: [1, 9]", "range: [11, 19]")
                        .replace("version: 2", "version: 3"), "utf-8")
        with pytest.raises(RekeyError, match="4 printed problems of family square"):
            refresh_keys(load_manifest(manifest_path), [load_bank(path)])

    def test_the_command_line_says_who_is_affected_and_exits_1(self, tmp_path, runner):
        """`calcdrill grade --refresh-keys` prints the refusal, writes no GRADED.csv."""
        path, manifest_path, submissions = _printed_class(tmp_path, BANK.replace("ANSWER", "df"),
                                                          students=("s1",))
        path.write_text(BANK.replace("ANSWER", "df").replace("range: [1, 9]", "range: [11, 19]"),
                        "utf-8")
        out = tmp_path / "GRADED.csv"
        result = runner.invoke(cli, ["grade", str(submissions), "--manifest", str(manifest_path),
                                     "--out", str(out), "--refresh-keys", "--bank", str(path),
                                     "--quiet"])
        assert result.exit_code == 1
        assert "--refresh-keys refused: 1 printed problem of family square" in result.output
        assert "s1 problem 1 (" in result.output
        assert not out.exists()
