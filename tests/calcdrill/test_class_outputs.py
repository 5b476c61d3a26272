"""What an instructor gets from `calcdrill grade` and `calcdrill export`: safe files, every
student, readable scores and echoes, one diagnosis per file, suggestions for typos."""

import csv
import json

import pytest

from calcdrill.cli import cli
from calcdrill.csvtable import format_score, read_back, restore_cell, safe_cell
from calcdrill.submissions import read_submissions
from tests.calcdrill.classfiles import read_rows, write_manifest

HEADER = "student_id,code,answer\n"


def grade(runner, tmp_path, text, out="GRADED.csv", manifest=None):
    (tmp_path / "subs.csv").write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    result = runner.invoke(cli, ["grade", str(tmp_path / "subs.csv"), "--manifest",
                                 str(manifest or write_manifest(tmp_path)), "--out",
                                 str(tmp_path / out), "--quiet"])
    return result


def export(runner, tmp_path, lms, graded="GRADED.csv"):
    out = tmp_path / f"{lms}.csv"
    result = runner.invoke(cli, ["export", str(tmp_path / graded), "--lms", lms, "--out",
                                 str(out), "--assignment", "Week 3"])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


class TestSafeCells:
    @pytest.mark.parametrize("typed, written", [
        ("-e^-x", "'-e^-x"), ("=2x", "'=2x"), ("+x", "'+x"), ("@x", "'@x"),
        ("\tx", "'\tx"), ("'=x", "''=x"), ("-1", "-1"), ("+2.5", "+2.5"), ("2x", "2x"),
    ])
    def test_formulas_are_neutralised_and_read_back_as_typed(self, typed, written):
        assert safe_cell(typed) == written and restore_cell(written) == typed

    def test_graded_csv_round_trip(self, runner, tmp_path):
        """GRADED.csv shows formula-like answers as text; read back, they are as typed."""
        answers = ["-e^-x", "=2x e^(x^2)", "@x", "+2x e^(x^2)"]
        text = HEADER + "".join(f"s1,AAAA-BBBB-CC11,{a}\n" for a in answers)
        assert grade(runner, tmp_path, text).exit_code == 0
        raw = (tmp_path / "GRADED.csv").read_text("utf-8-sig")
        assert ",'-e^-x," in raw and ",'=2x e^(x^2)," in raw
        assert not any(line[:1] in "=+-@" for line in raw.splitlines())
        again = read_submissions(tmp_path / "GRADED.csv")
        assert [row[again.answer_column] for row in again.rows] == answers
        assert [r["answer"] for r in read_back(raw)] == answers

    def test_scores_stay_numbers(self, runner, tmp_path):
        text = HEADER + "s1,AAAA-BBBB-CC11,2x e^(x^2)\n"
        grade(runner, tmp_path, text)
        row = read_rows(tmp_path / "GRADED.csv")[0]
        assert (row["score"], row["student_total"]) == ("1", "1")


class TestRosterColumns:
    def test_a_username_in_the_submissions_never_replaces_the_rosters(self, runner, tmp_path):
        text = "student_id,username,code,answer\ns1,hacker,AAAA-BBBB-CC11,2x e^(x^2)\n"
        assert grade(runner, tmp_path, text).exit_code == 0
        row = read_rows(tmp_path / "GRADED.csv")[0]
        assert row["username"] == "hacker" and row["roster_username"] == "agarcia"
        bb = export(runner, tmp_path, "blackboard")
        assert [r[2] for r in bb[1:]] == ["agarcia", "skierk", "tyamada"]


class TestEveryStudentInEveryExport:
    @pytest.mark.parametrize("lms, skip, id_column, score_column", [
        ("canvas", 2, 2, 5), ("moodle", 1, 2, 5), ("blackboard", 1, 2, 3),
        ("generic", 1, 0, 2)])
    def test_absent_students_get_an_empty_score(self, runner, tmp_path, lms, skip, id_column,
                                                score_column):
        """s2 and s3 sent nothing: they are in the file, with no score, as in the totals."""
        grade(runner, tmp_path, HEADER + "s1,AAAA-BBBB-CC11,2x e^(x^2)\n")
        rows = export(runner, tmp_path, lms)[skip:]
        assert len(rows) == 3
        assert [r[score_column] for r in rows][1:] == ["", ""]
        assert rows[0][score_column] in ("1", "1.00")
        totals = read_rows(tmp_path / "GRADED.totals.csv")
        assert [(t["student_id"], t["score"], t["submitted"]) for t in totals] == [
            ("s1", "1", "yes"), ("s2", "", "no"), ("s3", "", "no")]

    def test_the_command_names_the_absent(self, runner, tmp_path):
        result = grade(runner, tmp_path, HEADER + "s1,AAAA-BBBB-CC11,2x e^(x^2)\n")
        assert "no submission from (no score in exports): s2, s3" in result.output

    def test_moodle_export_of_a_graded_moodle_report(self, runner, tmp_path, lms_samples):
        """The GRADED.csv written from Moodle's own Responses report exports for Moodle."""
        students = [{"student_id": f"m{k}", "name": name, "extra": {
            "email": f"student{k}@example.com"}, "problems": [
                {"student_id": f"m{k}", "number": n, "code": f"QM{k}{n}-AAAA-BBBB",
                 "kind": kind, "answer": answer, "variables": ["x", "c", "C"], "assume": {},
                 "tolerance": tol, "family": "f", "prompt": "", "mistakes": []}
                for n, (kind, answer, tol) in enumerate(
                    [("expression", "(x-7)^4/4 + c", None), ("number", "pi", 0.01),
                     ("expression", "x^2 + C", None)], start=1)]}
            for k, name in enumerate(["Anne Able", "Bobby Bunce", "Carla Cole", "Dana Dunn",
                                      "Eve Extra"], start=1)]
        manifest = tmp_path / "manifest.json"
        manifest.write_text(json.dumps({"title": "Quiz", "students": students}), "utf-8")
        data = (lms_samples / "moodle_quiz_responses__constructed.csv").read_bytes()
        result = grade(runner, tmp_path, data, manifest=manifest)
        assert result.exit_code == 0, result.output
        rows = export(runner, tmp_path, "moodle")
        assert rows[0] == ["Name", "ID number", "Email address", "Week 3"]
        assert rows[1] == ["Anne Able", "m1", "student1@example.com", "3.00"]
        # Carla's attempt is in progress (0); Dana never attempted and Eve is not in the
        # report: both absent, with no grade.
        assert [r[-1] for r in rows[1:]] == ["3.00", "0.00", "0.00", "", ""]
        (tmp_path / "GRADED.totals.csv").unlink()  # from GRADED.csv alone: Moodle's own names
        rows = export(runner, tmp_path, "moodle")
        assert rows[0] == ["First name", "Last name", "ID number", "Email address", "Week 3"]
        assert rows[1] == ["Anne", "Able", "m1", "student1@example.com", "3.00"]
        assert len(rows) == 5 and all(len(r) == len(rows[0]) for r in rows)


class TestOutputs:
    def test_a_missing_output_folder_is_created(self, runner, tmp_path):
        result = grade(runner, tmp_path, HEADER + "s1,AAAA-BBBB-CC11,2x\n",
                       out="new/deeper/GRADED.csv")
        assert result.exit_code == 0, result.output
        assert (tmp_path / "new/deeper/GRADED.totals.csv").exists()
        out = tmp_path / "exports" / "canvas.csv"
        result = runner.invoke(cli, ["export", str(tmp_path / "new/deeper/GRADED.csv"), "--lms",
                                     "canvas", "--out", str(out)])
        assert result.exit_code == 0 and out.exists()

    def test_an_output_that_cannot_be_written_is_refused_before_grading(self, runner,
                                                                         tmp_path):
        (tmp_path / "blocker").write_text("a file where a folder should be", "utf-8")
        result = grade(runner, tmp_path, HEADER + "s1,AAAA-BBBB-CC11,2x\n",
                       out="blocker/GRADED.csv")
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "cannot create the folder" in result.output

    @pytest.mark.parametrize("value, text", [(0.555556, "0.56"), (6.55556, "6.56"),
                                             (2.0, "2"), (0.5, "0.5"), (0.0, "0")])
    def test_scores_are_rounded(self, value, text):
        assert format_score(value) == text

    def test_partial_scores_print_rounded(self, runner, tmp_path):
        """A matrix with 5 of 9 entries right: 0.56, never 0.555556."""
        students = [{"student_id": "s1", "name": "A", "extra": {}, "problems": [{
            "student_id": "s1", "number": 1, "code": "AAAA-BBBB-CC11", "kind": "matrix",
            "answer": "[[1,2,3],[4,5,6],[7,8,9]]", "variables": ["x"], "assume": {},
            "tolerance": None, "family": "f", "prompt": "", "mistakes": []}]}]
        manifest = tmp_path / "m.json"
        manifest.write_text(json.dumps({"title": "T", "students": students}), "utf-8")
        grade(runner, tmp_path, HEADER + 's1,AAAA-BBBB-CC11,"[[1,2,3],[4,5,0],[0,0,0]]"\n',
              manifest=manifest)
        row = read_rows(tmp_path / "GRADED.csv")[0]
        assert (row["score"], row["student_total"]) == ("0.56", "0.56")
        report = (tmp_path / "GRADED.report.html").read_text("utf-8")
        assert "<b>0.56</b>mean score" in report


class TestDiagnosis:
    def test_excel_formula_errors_get_one_hint(self, runner, tmp_path):
        text = HEADER + "".join(f"s{k % 3 + 1},{code},#NAME?\n" for k, code in enumerate(
            ["AAAA-BBBB-CC11", "AAAA-BBBB-DD21", "AAAA-BBBB-EE31"] * 16))
        result = grade(runner, tmp_path, text)
        assert result.output.count("#NAME?") == 1
        assert "Format the answer column as Text" in result.output
        rows = read_rows(tmp_path / "GRADED.csv")
        assert len(rows) == 48 and {r["status"] for r in rows} == {"invalid"}
        assert "Format the answer column as Text" in \
            (tmp_path / "GRADED.report.html").read_text("utf-8")

    def test_question_marks_from_excel_csv_get_one_hint(self, runner, tmp_path):
        text = HEADER + "s1,AAAA-BBBB-CC11,2x e^(x?)\ns2,AAAA-BBBB-DD21,2x?e^(x^2)\n"
        result = grade(runner, tmp_path, text.encode("cp1252"))
        assert "note: 2 answers contain '?'" in result.output
        assert "re-save the file as 'CSV UTF-8 (Comma delimited)'" in result.output

    def test_answers_are_echoed_as_plain_text(self, runner, tmp_path):
        grade(runner, tmp_path, HEADER + "s1,AAAA-BBBB-CC11,2x e^(x^2) + 1\n")
        row = read_rows(tmp_path / "GRADED.csv")[0]
        assert row["read_as"] == "2x·e^(x²) + 1" and "\\" not in row["read_as"]

    @pytest.mark.parametrize("typed, suggested", [
        ("AAAA-BBBB-C11", "AAAA-BBBB-CC11"),      # a character left out
        ("AAAA-BBBB-C1C1", "AAAA-BBBB-CC11"),     # neighbours swapped
        ("AAAA-BBBB-CX11", "AAAA-BBBB-CC11"),     # one character mistyped
    ])
    def test_a_mistyped_code_suggests_the_nearest(self, runner, tmp_path, typed, suggested):
        grade(runner, tmp_path, HEADER + f"s1,{typed},2x\n")
        row = read_rows(tmp_path / "GRADED.csv")[0]
        assert row["flag"] == f"unknown code; did you mean {suggested}?"
        assert row["feedback"] == (f"Not graded: the code {typed} matches no problem of this "
                                   f"class; did you mean {suggested}?")

    def test_no_suggestion_when_no_code_is_near(self, runner, tmp_path):
        grade(runner, tmp_path, HEADER + "s1,ZZZZ-ZZZZ-ZZZZ,2x\n")
        assert read_rows(tmp_path / "GRADED.csv")[0]["flag"] == "unknown code"
