"""The JSON API, as a client program uses it: check, preview, problems, health."""

from __future__ import annotations

import pytest

from generator.instance import Instance


def _check(client, **body):
    return client.post("/api/check", json=body)


class TestCheck:
    def test_right_answer_by_code(self, client, instances: dict[str, Instance]) -> None:
        """A problem's own answer, sent with its code, is correct: the `check --json` fields."""
        instance = instances["expression"]
        response = _check(client, code=instance.code, answer=instance.answer)
        assert response.status_code == 200
        body = response.json()
        assert {k: body[k] for k in ("status", "score", "feedback")} == \
            {"status": "correct", "score": 1.0, "feedback": "Correct."}
        assert body["interpreted"] and body["family"] == instance.family
        assert body["code"] == instance.code

    def test_matrix_expression_with_shapes(self, client) -> None:
        """Declared shapes reach the grader: products do not commute, transposes are named."""
        shapes = {"X": "n×d", "w": "d", "y": "n"}
        right = _check(client, expected="X^T(Xw - y)", answer="Xᵀ(X w − y)",
                       kind="matrix-expression", shapes=shapes)
        assert right.status_code == 200 and right.json()["status"] == "correct"
        layout = _check(client, expected="X^T(Xw - y)", answer="(Xw - y)^T X",
                        kind="matrix-expression", shapes=shapes).json()
        assert layout["status"] == "incorrect" and "transpose" in layout["feedback"]
        unshaped = _check(client, expected="X^T(Xw - y)", answer="X^T(Xw - y)",
                          kind="matrix-expression")
        assert unshaped.status_code == 422 and "shapes" in unshaped.json()["detail"]

    def test_code_forgives_case_and_confusions(self, client, instances) -> None:
        """A code typed in lower case with O for 0 still finds the problem."""
        instance = instances["expression"]
        typed = instance.code.lower().replace("0", "o")
        assert _check(client, code=typed, answer=instance.answer).json()["status"] == "correct"

    def test_known_mistake_gets_its_own_feedback(self, client, instances) -> None:
        """A known mistake's answer gets that mistake's feedback and name."""
        instance = instances["expression"]
        mistake = instance.mistakes[0]
        body = _check(client, code=instance.code, answer=mistake.answer).json()
        assert (body["status"], body["feedback"], body["mistake"]) == \
            ("incorrect", mistake.feedback, mistake.name)

    def test_expected_form(self, client) -> None:
        """Without a code, expected/kind/variables/assume work as `check --expected`."""
        body = _check(client, expected="x^x*(ln(x)+1)", answer="x^x(ln x + 1)",
                      variables=["x"], assume={"x": "positive"}).json()
        assert body == {"status": "correct", "score": 1.0, "feedback": "Correct.",
                        "interpreted": "x^{x} \\left(\\ln x + 1\\right)", "mistake": "",
                        "code": "", "family": ""}

    def test_unreadable_answer(self, client) -> None:
        """An unreadable answer is a verdict (200), saying what and where."""
        body = _check(client, expected="2*x", answer="2t", variables="x").json()
        assert body["status"] == "invalid"
        assert body["feedback"] == ('Could not read your answer: "t" is not a variable of '
                                    'this problem; use x (column 2).')

    def test_script_answer_is_just_unreadable(self, client, instances) -> None:
        """`<script>` as an answer is read as maths, found unreadable, and not run."""
        instance = instances["expression"]
        response = _check(client, code=instance.code, answer="<script>alert(1)</script>")
        assert response.status_code == 200
        assert response.json()["status"] == "invalid"

    @pytest.mark.parametrize("code, message", [
        ("ABCD", "a problem code has 12 characters, as in ABCD-EFGH-JKMN; 'ABCD' has 4"),
        ("ZZZZ-ZZZZ-ZZZ!", "'!' (character 12) cannot appear in a problem code"),
    ])
    def test_unreadable_code_is_404(self, client, code: str, message: str) -> None:
        """A mistyped code is 404 with the command line's message."""
        response = _check(client, code=code, answer="x")
        assert response.status_code == 404
        assert response.json() == {"detail": message}

    def test_typo_in_code_is_404(self, client, instances) -> None:
        """One wrong character of a real code is caught by its check characters."""
        code = instances["expression"].code
        typo = code[:-1] + ("1" if code[-1] != "1" else "2")
        response = _check(client, code=typo, answer="x")
        assert response.status_code == 404
        assert "check it for a typo" in response.json()["detail"] or \
            "belongs to no known bank" in response.json()["detail"]

    @pytest.mark.parametrize("body, status, message", [
        ({"answer": "x"}, 422, "Value error, give either a problem code or an expected answer"),
        ({"code": "x", "expected": "x", "answer": "x"}, 422,
         "Value error, give either a problem code or an expected answer"),
        ({"expected": "x"}, 422, "answer: Field required"),
        ({"expected": "x", "answer": "x", "kind": "banana"}, 422,
         "kind: Input should be 'expression', 'vector', 'matrix', 'set', 'point', 'number', "
         "'label', 'interval' or 'matrix-expression'"),
        ({"expected": "x", "answer": 5}, 422, "answer: Input should be a valid string"),
        ({"expected": "x", "answer": "x", "tolerance": -1}, 422,
         "tolerance: Input should be greater than or equal to 0"),
        ({"expected": "2*", "answer": "x"}, 422,
         "expected: the expected answer '2*' cannot be read: ..."),
        ({"expected": "x", "answer": "x", "assume": {"x": "purple"}}, 422, None),
        ({"expected": "x", "answer": "x", "surprise": 1}, 422,
         "surprise: Extra inputs are not permitted"),
    ])
    def test_malformed_requests_are_4xx_with_a_message(self, client, body, status,
                                                       message) -> None:
        """Requests that make no sense get a 4xx and a sentence, never a 500."""
        response = _check(client, **body)
        assert response.status_code == status
        detail = response.json()["detail"]
        assert isinstance(detail, str) and detail
        if message is not None and message.endswith("..."):  # the rest is the grader's
            assert detail.startswith(message[:-3])
        elif message is not None:
            assert detail == message

    @pytest.mark.parametrize("raw", [b"{", b"", b"[1, 2]", b"null", b"\xff\xfe"])
    def test_malformed_json(self, client, raw: bytes) -> None:
        """Bodies that are not a JSON object are refused with a message."""
        response = client.post("/api/check", content=raw,
                               headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500
        assert isinstance(response.json()["detail"], str)

    def test_ten_megabyte_body_is_413(self, client) -> None:
        """A 10 MB body is refused before it is read, with a message."""
        response = client.post("/api/check", content=b"x" * 10_000_000,
                               headers={"content-type": "application/json"})
        assert response.status_code == 413
        assert response.json() == {"detail": "the request is too large: at most 64 kB; an "
                                              "answer is at most 2000 characters"}

    def test_hostile_answer_is_bounded(self, client, instances) -> None:
        """9^9^9^9 gets a verdict, quickly."""
        instance = instances["expression"]
        body = _check(client, code=instance.code, answer="9^9^9^9").json()
        assert body["status"] in ("incorrect", "undecided")


class TestPreview:
    def test_read_with_variables(self, client, instances) -> None:
        """The preview says how the answer is read and which variables it found."""
        matrix = instances["matrix"]
        names = list(matrix.variables)
        answer = f"[[{names[0]}, 1], [2, {names[1]}]]" if len(names) > 1 else "[[1]]"
        body = client.post("/api/preview", json={"code": matrix.code, "answer": answer}).json()
        assert body["state"] == "read"
        assert body["interpreted"].startswith("\\begin{bmatrix}")
        assert body["variables"] == sorted(names[:2])

    def test_every_kind_previews_with_its_own_reader(self, client) -> None:
        """Intervals and matrix expressions are read as they will be graded."""
        interval = client.post("/api/preview", json={"answer": "x > 4", "kind": "interval"})
        assert interval.json()["interpreted"] == r"\left(4, \infty\right)"
        shapes = {"X": "n×d", "w": "d", "y": "n"}
        bad = client.post("/api/preview", json={"answer": "X(Xw - y)", "shapes": shapes,
                                                "kind": "matrix-expression"}).json()
        assert bad["state"] == "unreadable" and "n×d times n×1" in bad["reason"]
        missing = client.post("/api/preview", json={"answer": "X", "kind": "matrix-expression"})
        assert missing.status_code == 422 and "needs shapes" in missing.json()["detail"]

    def test_unreadable_says_where(self, client) -> None:
        """An unreadable answer's preview gives the reason and the column."""
        body = client.post("/api/preview", json={"answer": "2x + (y", "variables": "x,y"}).json()
        assert body == {"state": "unreadable", "interpreted": "", "variables": [],
                        "reason": 'unbalanced "(" opened at column 6; a ")" is missing',
                        "column": 6}

    def test_empty(self, client) -> None:
        """Nothing typed yet: nothing to show."""
        assert client.post("/api/preview", json={"answer": "  "}).json()["state"] == "empty"

    def test_unknown_code(self, client) -> None:
        """A preview for a mistyped code is 404 with the code's message."""
        response = client.post("/api/preview", json={"code": "AB", "answer": "x"})
        assert response.status_code == 404


class TestProblems:
    def test_problem_by_code(self, client, instances) -> None:
        """The problem a code stands for: its statement in LaTeX, kind and variables."""
        instance = instances["matrix"]
        body = client.get(f"/api/problems/{instance.code}").json()
        assert (body["prompt"], body["kind"], body["variables"], body["family"]) == \
            (instance.prompt, "matrix", list(instance.variables), instance.family)

    def test_unknown_code(self, client) -> None:
        """An unreadable code is 404 with a message."""
        response = client.get("/api/problems/nope")
        assert response.status_code == 404
        assert response.json() == {"detail": "a problem code has 12 characters, as in "
                                              "ABCD-EFGH-JKMN; 'nope' has 4"}


class TestService:
    def test_healthz(self, client) -> None:
        """The health check answers while the server runs."""
        assert client.get("/healthz").json() == {"status": "ok"}

    def test_openapi_documents_the_api(self, client) -> None:
        """The OpenAPI page lists the three API routes and the health check."""
        paths = client.get("/openapi.json").json()["paths"]
        assert {"/api/check", "/api/preview", "/api/problems/{code}", "/healthz"} <= set(paths)
        assert client.get("/docs").status_code == 200

    def test_unknown_path(self, client) -> None:
        """A wrong address says where the page is."""
        response = client.get("/api/nothing")
        assert response.status_code == 404
        assert response.json() == {"detail": "nothing at /api/nothing; the self-check page is /"}

    def test_wrong_method(self, client) -> None:
        """GET on a POST route is 405 with a message."""
        response = client.get("/api/check")
        assert response.status_code == 405
        assert response.json() == {"detail": "GET is not accepted at /api/check"}
