"""Attempts survive a restart; the CSV is safe to open in a spreadsheet; limits hold."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from calcdrill.web import WebConfig, create_app
from calcdrill.web.limits import TokenBuckets
from calcdrill.web.store import Attempt, AttemptStore, StoreError, attempts_csv, neutralize_cell


def _attempt(answer: str, status: str = "incorrect", mistake: str = "",
             family: str = "chain-exp") -> Attempt:
    return Attempt(datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "TF00-8000-07TW",
                   "derivatives", family, answer, status, 1.0 if status == "correct" else 0.0,
                   mistake)


class TestAttemptStore:
    def test_kept_across_reopening(self, tmp_path) -> None:
        """What one store wrote, the next one on the same file reads."""
        url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
        store = AttemptStore(url)
        for k in range(50):
            store.record(_attempt(f"x + {k}"))
        store.close()
        again = AttemptStore(url)
        assert [a.answer for a in again.attempts()] == [f"x + {k}" for k in range(50)]
        again.close()

    def test_summary(self, tmp_path) -> None:
        """Per family: attempts, share correct, commonest known mistakes first."""
        store = AttemptStore(f"sqlite:///{tmp_path / 's.sqlite3'}")
        for answer, status, mistake in [("a", "correct", ""), ("b", "incorrect", "chain"),
                                        ("c", "incorrect", "chain"), ("d", "incorrect", "sign")]:
            store.record(_attempt(answer, status, mistake))
        store.record(_attempt("e", "correct", family="other"))
        summary = {s.family: s for s in store.summary()}
        store.close()
        assert (summary["chain-exp"].attempts, summary["chain-exp"].share_correct,
                summary["chain-exp"].mistakes) == (4, 0.25, (("chain", 2), ("sign", 1)))
        assert summary["other"].share_correct == 1.0

    @pytest.mark.parametrize("url, message", [
        ("nonsense://", "--database 'nonsense://': "),
        ("sqlite:////nonexistent-folder/x/y.sqlite3", "--database 'sqlite:////nonexistent-folder"
                                                      "/x/y.sqlite3': cannot open it"),
    ])
    def test_bad_url(self, url: str, message: str) -> None:
        """A database that cannot be used is a StoreError saying which option."""
        with pytest.raises(StoreError) as caught:
            AttemptStore(url)
        assert str(caught.value).startswith(message)


class TestCsv:
    @pytest.mark.parametrize("cell, shown", [
        ("=1+1", "'=1+1"), ("+1", "'+1"), ("-e^-x", "'-e^-x"), ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"), ("\rx", "'\rx"), ("2x", "2x"), ("", ""), (None, ""),
    ])
    def test_neutralize_cell(self, cell, shown) -> None:
        """Cells a spreadsheet would run as formulas start with a quote (OWASP)."""
        assert neutralize_cell(cell) == shown

    def test_csv(self) -> None:
        """A header, then one neutralised row per attempt."""
        text = "".join(attempts_csv(iter([_attempt("=cmd|' /C calc'!A0", mistake="chain")])))
        rows = list(csv.reader(io.StringIO(text)))
        assert rows == [
            ["at", "code", "bank", "family", "answer", "status", "score", "mistake",
             "student_id"],
            ["2026-01-02T03:04:05+00:00", "TF00-8000-07TW", "derivatives", "chain-exp",
             "'=cmd|' /C calc'!A0", "incorrect", "0", "chain", ""]]


class TestRestart:
    def test_every_attempt_survives_a_restart(self, tmp_path, instances) -> None:
        """Checks through the API are in the database and the CSV after a restart."""
        config = WebConfig(database=f"sqlite:///{tmp_path / 'r.sqlite3'}", workers=1,
                           rate_limit=0, instructor_token="tok", ask_student_id=True)
        instance = instances["expression"]
        answers = [f"x^{k}" for k in range(20)] + ["<script>", instance.answer]
        with TestClient(create_app(config)) as client:
            for answer in answers:
                response = client.post("/api/check", json={"code": instance.code,
                                                           "answer": answer,
                                                           "student_id": "s-042"})
                assert response.status_code == 200
        with TestClient(create_app(config)) as client:
            text = client.get("/instructor/attempts.csv", params={"token": "tok"}).text
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["answer"] for r in rows] == answers
        assert {r["student_id"] for r in rows} == {"s-042"}
        assert rows[-1]["status"] == "correct" and rows[-1]["family"] == instance.family

    def test_instructor_off_without_token(self, client, tmp_path) -> None:
        """With no token configured, /instructor is off (404) and says how to turn it on."""
        config = WebConfig(database=f"sqlite:///{tmp_path / 'o.sqlite3'}", workers=1)
        with TestClient(create_app(config)) as off:
            response = off.get("/instructor", params={"token": ""})
        assert response.status_code == 404
        assert "--instructor-token" in response.text


class TestRateLimit:
    def test_buckets(self) -> None:
        """A client gets its budget per minute, refilled steadily; others are not affected."""
        buckets = TokenBuckets(60)
        assert [buckets.take("a", now=0.0) for _ in range(60)] == [0.0] * 60
        assert buckets.take("a", now=0.0) == pytest.approx(1.0)
        assert buckets.take("b", now=0.0) == 0.0
        assert buckets.take("a", now=1.0) == 0.0

    def test_429_with_message(self, tmp_path, instances) -> None:
        """Past the limit, checks get 429 with a message and Retry-After; pages do not count."""
        config = WebConfig(database=f"sqlite:///{tmp_path / 'l.sqlite3'}", workers=1,
                           rate_limit=3)
        instance = instances["expression"]
        with TestClient(create_app(config)) as client:
            codes = [client.post("/api/check", json={"code": instance.code, "answer": "x"})
                     .status_code for _ in range(4)]
            refused = client.post("/api/check", json={"code": instance.code, "answer": "x"})
            page = client.get("/")
        assert codes == [200, 200, 200, 429]
        assert refused.json()["detail"].startswith("too many requests from your address; "
                                                   "try again in ")
        assert int(refused.headers["retry-after"]) >= 1
        assert page.status_code == 200


class TestOwnBank:
    def test_codes_from_an_instructors_bank(self, tmp_path) -> None:
        """`serve --bank my.yaml`: codes printed from that bank are checkable."""
        from generator.banks.load import load_bank
        from generator.instance import make_instance
        from generator.resources import resource_dir

        text = (resource_dir("problem_banks") / "multivariable.yaml").read_text("utf-8")
        mine = tmp_path / "my-course.yaml"
        mine.write_text(text.replace("bank: multivariable", "bank: my-course", 1), "utf-8")
        bank = load_bank(mine)
        instance = make_instance(bank, bank.families[0], 11)
        config = WebConfig(database=f"sqlite:///{tmp_path / 'b.sqlite3'}", workers=1,
                           rate_limit=0, bank_paths=(str(mine),))
        with TestClient(create_app(config)) as client:
            body = client.post("/api/check", json={"code": instance.code,
                                                   "answer": instance.answer}).json()
        assert (body["status"], body["family"]) == ("correct", instance.family)


class TestWorkerDeath:
    def test_a_dead_worker_is_replaced(self, tmp_path, instances) -> None:
        """A grading process that dies costs one 503 with a message, then checks go on."""
        import os
        import signal

        config = WebConfig(database=f"sqlite:///{tmp_path / 'd.sqlite3'}", workers=1,
                           rate_limit=0, ask_student_id=True)
        instance = instances["expression"]
        body = {"code": instance.code, "answer": instance.answer}
        with TestClient(create_app(config)) as client:
            assert '<label for="student_id">Your student ID</label>' in client.get("/").text
            pool = client.app.state.service.pool
            for pid in list(pool._executor._processes):
                os.kill(pid, signal.SIGKILL)
            statuses = []
            for _ in range(3):
                response = client.post("/api/check", json=body)
                statuses.append(response.status_code)
                if response.status_code == 503:
                    assert response.json() == {"detail": "the grader restarted; try again"}
            assert statuses[-1] == 200
            assert set(statuses) <= {200, 503}
