"""The student page and its fragments, and the instructor's view, over HTTP."""

from __future__ import annotations

import csv
import html as html_module
import io
import re

from grader.hints import HINTS
from generator.instance import Instance


def _text(html: str) -> str:
    """What a reader sees: tags and SVG drawings removed, whitespace collapsed."""
    html = re.sub(r"<svg.*?</svg>", " [math] ", html, flags=re.S)
    return html_module.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


class TestStudentPage:
    def test_empty_page(self, client) -> None:
        """The page has labelled inputs, live regions and the vendored htmx (no CDN)."""
        html = client.get("/").text
        assert '<label for="code">' in html and '<label for="answer">' in html
        assert html.count('aria-live="polite"') == 3
        assert '<script src="/static/htmx.min.js"' in html
        assert "http://" not in html.split("<body>")[0] and "https://" not in html
        assert client.get("/static/htmx.min.js").status_code == 200

    def test_code_in_address_shows_the_problem_typeset(self, client, instances) -> None:
        """?code= shows the statement with its maths as SVG, and the kind's hint."""
        instance = instances["matrix"]
        html = client.get("/", params={"code": instance.code}).text
        assert '<svg class="math"' in html
        assert HINTS["matrix"] in html
        assert instance.code in html

    def test_form_without_javascript(self, client, instances) -> None:
        """Posting the form gives back the page with the verdict and the feedback."""
        instance = instances["expression"]
        mistake = instance.mistakes[0]
        html = client.post("/", data={"code": instance.code, "answer": mistake.answer}).text
        text = _text(html)
        assert "Not yet right" in text
        assert _text(mistake.feedback) in text

    def test_script_is_shown_as_text(self, client, instances) -> None:
        """`<script>` typed as an answer comes back escaped, never as markup."""
        instance = instances["expression"]
        html = client.post("/", data={"code": instance.code,
                                      "answer": "<script>alert(1)</script>"}).text
        assert "<script>alert" not in html
        assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html

    def test_mistyped_code_message(self, client) -> None:
        """A mistyped code gets the command line's message."""
        html = client.get("/fragment/problem", params={"code": "ABCD-EFGH"}).text
        assert _text(html) == ("a problem code has 12 characters, as in ABCD-EFGH-JKMN; "
                               "'ABCD-EFGH' has 8")

    def test_preview_fragment(self, client, instances) -> None:
        """The preview fragment typesets how the answer is read and echoes the sequence."""
        instance = instances["expression"]
        response = client.post("/fragment/preview", data={"code": instance.code,
                                                          "answer": "2x e^(x^2)", "seq": "7"})
        assert response.headers["x-preview-seq"] == "7"
        assert _text(response.text) == "Read as [math] Variables found: x"

    def test_preview_unreadable(self, client, instances) -> None:
        """An unreadable answer's preview says why and at which column."""
        instance = instances["expression"]
        response = client.post("/fragment/preview", data={"code": instance.code,
                                                          "answer": "2x + (x"})
        assert _text(response.text) == ('Cannot read this yet: unbalanced "(" opened at '
                                        'column 6; a ")" is missing.')

    def test_matrix_entries_marked(self, client, instances) -> None:
        """A matrix with one wrong entry shows each entry, that one marked wrong."""
        instance = instances["matrix"]
        from grader import parse
        from grader.tree import Matrix
        rows = parse(instance.answer, variables=instance.variables).rows
        assert isinstance(parse(instance.answer, variables=instance.variables), Matrix)
        # Change entry (1,1) only: add 1 to it.
        texts = re.findall(r"\[([^\[\]]*)\]", instance.answer)
        first = texts[0].split(",")
        first[0] = f"({first[0]}) + 1"
        wrong = "[[" + ",".join(first) + "], " + ", ".join(f"[{t}]" for t in texts[1:]) + "]"
        html = client.post("/fragment/check", data={"code": instance.code,
                                                    "answer": wrong}).text
        assert html.count('<td class="wrong">') == 1
        assert html.count('<td class="right">') == len(rows) * len(rows[0]) - 1
        assert "Entry (1,1) is wrong." in html

    def test_tries_and_solution(self, client, instances) -> None:
        """The worked solution appears after --solutions-after tries (2 here), not before."""
        instance = instances["expression"]
        first = client.post("/fragment/check", data={"code": instance.code, "answer": "x"}).text
        assert "Worked solution" not in first
        assert 'id="tries" name="tries" value="1"' in first
        second = client.post("/fragment/check", data={"code": instance.code, "answer": "x",
                                                      "tries": "1",
                                                      "tries_code": instance.code}).text
        assert "Worked solution" in second

    def test_tries_restart_for_another_code(self, client, instances) -> None:
        """Tries counted for one problem do not carry over to another."""
        instance = instances["expression"]
        html = client.post("/fragment/check", data={"code": instance.code, "answer": "x",
                                                    "tries": "5", "tries_code": "OTHER"}).text
        assert 'id="tries" name="tries" value="1"' in html

    def test_solution_after_correct(self, client, instances) -> None:
        """A correct answer shows the worked solution at once."""
        instance = instances["vector"]
        html = client.post("/fragment/check", data={"code": instance.code,
                                                    "answer": instance.answer}).text
        assert "Correct" in html and "Worked solution" in html

    def test_rate_and_size_limits_reach_pages_as_messages(self, client) -> None:
        """A too-large form post gets a message, not a stack trace."""
        response = client.post("/", data={"code": "x", "answer": "y" * 100_000})
        assert response.status_code == 413
        assert "too large" in response.text and "Traceback" not in response.text


class TestInstructor:
    def test_needs_the_token(self, client) -> None:
        """Without the token: 401 with a message; with a wrong one: 403."""
        response = client.get("/instructor")
        assert response.status_code == 401
        assert "needs the token" in response.text
        assert client.get("/instructor", params={"token": "guess"}).status_code == 403
        assert client.get("/instructor/attempts.csv").status_code == 401

    def test_summary_and_csv(self, client, instances, token: str) -> None:
        """Checks show up per family, and in the CSV with formula cells neutralised."""
        instance = instances["set"]
        client.post("/api/check", json={"code": instance.code, "answer": "=1+1"})
        client.post("/api/check", json={"code": instance.code, "answer": instance.answer})
        html = client.get("/instructor", params={"token": token}).text
        assert f"{instance.bank}/{instance.family}" in html
        rows = list(csv.DictReader(io.StringIO(
            client.get("/instructor/attempts.csv", params={"token": token}).text)))
        answers = [r["answer"] for r in rows if r["family"] == instance.family]
        assert "'=1+1" in answers and instance.answer in answers

    def test_bearer_header(self, client, token: str) -> None:
        """The token may come in an Authorization header instead."""
        response = client.get("/instructor", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200
