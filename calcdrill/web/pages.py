"""The pages: the student's self-check page (with htmx fragments) and the instructor's.

The student page works in three ways from the same templates: with JavaScript, htmx
loads the problem as the code is typed, previews the answer as typing pauses and shows
the verdict in place; without it, the form posts to ``/`` and the whole page comes back
with the verdict.  Everything a student typed is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import hmac
from typing import Any

import jinja2
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from markupsafe import Markup

from calcdrill.web import tasks
from calcdrill.web.service import Service
from calcdrill.web.store import attempts_csv
from generator.codes import normalize_code
from generator.resources import resource_dir
from grader.hints import HINTS

__all__ = ["render", "router"]


router = APIRouter(include_in_schema=False)

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(resource_dir("templates") / "web"),
                          autoescape=True, undefined=jinja2.StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)


# Short for the pages: scripts only from here; inline styles for the typeset math.
_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                               "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_FIELD = 4000  # longest form field read; the grader reads 2000 characters of an answer


def render(template: str, status_code: int = 200, headers: dict[str, str] | None = None,
           **context: Any) -> HTMLResponse:
    """A page or fragment from ``templates/web/``, with the security headers."""
    body = _ENV.get_template(template).render(**context)
    return HTMLResponse(body, status_code, headers={**_HEADERS, **(headers or {})})


def _service(request: Request) -> Service:
    return request.app.state.service


def _problem_context(view: dict[str, Any] | None) -> dict[str, Any]:
    if view is None or not view["ok"]:
        return {"problem": None, "code_error": view["error"] if view else ""}
    return {"problem": {**view, "prompt_html": Markup(view["prompt_html"]),
                        "hint": HINTS.get(view["kind"], "")},
            "code_error": ""}


def _page(request: Request, *, code: str = "", answer: str = "", view=None, result=None,
          tries: int = 0, student_id: str = "", status: int = 200) -> HTMLResponse:
    config = _service(request).config
    return render("page.html.j2", status, code=code, answer=answer, result=result,
                  tries=tries, tries_code=normalize_code(code) if code else "",
                  ask_student_id=config.ask_student_id, student_id=student_id,
                  **_problem_context(view))


@router.get("/", response_class=HTMLResponse)
async def student_page(request: Request, code: str = "") -> HTMLResponse:
    """The self-check page; ``?code=`` opens a problem directly."""
    code = code[:64]
    view = await _service(request).problem(code) if code.strip() else None
    return _page(request, code=code, view=view)


async def _check(request: Request, code: str, answer: str, tries: int, tries_code: str,
                 student_id: str) -> tuple[dict | None, dict | None, int]:
    """Grade a form's answer; returns (problem view, result for the template, tries)."""
    service = _service(request)
    code, answer = code[:64], answer[:_FIELD]
    if not code.strip():
        return None, {"message": "Type the problem code first: it is printed beside the "
                                 "problem, as in ABCD-EFGH-JKMN."}, tries
    view = await service.problem(code)
    if not view["ok"]:
        return view, None, 0
    if not answer.strip():
        return view, {"message": "Type your answer in the box, then press Enter."}, \
            tries if tries_code == view["code"] else 0
    graded = await service.check_code(code, answer, student_id=student_id[:200], html=True)
    verdict = graded["verdict"]
    tries = (tries if tries_code == view["code"] else 0) + (verdict["status"] != "invalid")
    after = service.config.solutions_after
    show = verdict["status"] == "correct" or (after is not None and tries >= after)
    result = {
        "message": "", "verdict": verdict, "answer": answer,
        "interpreted_html": Markup(graded["interpreted_html"]),
        "entries": [[{**c, "html": Markup(c["html"])} for c in row]
                    for row in graded["entries"]] if graded["entries"] else None,
        "solution": [Markup(s) for s in view["solution_html"]] if show else None,
        "tries": tries, "solutions_after": after,
    }
    return view, result, tries


@router.post("/", response_class=HTMLResponse)
async def student_page_post(request: Request, code: str = Form(""), answer: str = Form(""),
                            tries: int = Form(0), tries_code: str = Form(""),
                            student_id: str = Form("")) -> HTMLResponse:
    """The form without JavaScript: the page again, with the problem and the verdict."""
    view, result, tries = await _check(request, code, answer, tries, tries_code, student_id)
    return _page(request, code=code[:64], answer=answer[:_FIELD], view=view, result=result,
                 tries=tries, student_id=student_id[:200])


@router.get("/fragment/problem", response_class=HTMLResponse)
async def problem_fragment(request: Request, code: str = "") -> HTMLResponse:
    """The problem of a code being typed, or why the code cannot be read."""
    code = code[:64]
    view = await _service(request).problem(code) if code.strip() else None
    return render("_problem.html.j2", code=code, **_problem_context(view))


@router.post("/fragment/preview", response_class=HTMLResponse)
async def preview_fragment(request: Request, code: str = Form(""), answer: str = Form(""),
                           seq: str = Form("")) -> HTMLResponse:
    """How the answer in the box is read; ``seq`` comes back so stale ones are dropped."""
    headers = {"X-Preview-Seq": seq[:20]}
    if not code.strip():
        return render("_preview.html.j2", headers=headers, preview=None,
                      message="Type the problem code first.")
    result = await _service(request).pool.run(tasks.preview, answer[:_FIELD],
                                              code=code[:64], html=True)
    if not result["ok"]:
        return render("_preview.html.j2", headers=headers, preview=None,
                      message=result["error"])
    result["interpreted_html"] = Markup(result["interpreted_html"])
    return render("_preview.html.j2", headers=headers, preview=result, message="")


@router.post("/fragment/check", response_class=HTMLResponse)
async def check_fragment(request: Request, code: str = Form(""), answer: str = Form(""),
                         tries: int = Form(0), tries_code: str = Form(""),
                         student_id: str = Form(""), seq: str = Form("")) -> HTMLResponse:
    """The verdict, feedback and (when earned) the worked solution."""
    view, result, tries = await _check(request, code, answer, tries, tries_code, student_id)
    if view is not None and not view["ok"]:
        result = {"message": view["error"]}
    return render("_result.html.j2", headers={"X-Check-Seq": seq[:20]}, result=result,
                  tries=tries, tries_code=view["code"] if view and view["ok"] else "",
                  oob=True)


# -- instructor -----------------------------------------------------------------------------

def _authorize(request: Request, token: str) -> str:
    expected = _service(request).config.instructor_token
    if not expected:
        raise HTTPException(404, "The instructor view is off: start the server with "
                                 "--instructor-token T (or set CALCDRILL_INSTRUCTOR_TOKEN).")
    given = token or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    if not given:
        raise HTTPException(401, "The instructor view needs the token given to "
                                 "`calcdrill serve --instructor-token`: add ?token=T.")
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode()):
        raise HTTPException(403, "That instructor token is not the right one.")
    return given


@router.get("/instructor", response_class=HTMLResponse)
def instructor_page(request: Request, token: str = "") -> HTMLResponse:
    """Per family: attempts, share correct, the commonest known mistakes; a CSV link."""
    given = _authorize(request, token)
    store = _service(request).store
    families = store.summary()
    return render("instructor.html.j2", families=families, total=sum(f.attempts for f in families),
                  token=given)


@router.get("/instructor/attempts.csv")
def instructor_csv(request: Request, token: str = "") -> StreamingResponse:
    """Every attempt as CSV (cells that a spreadsheet would run are neutralised)."""
    _authorize(request, token)
    store = _service(request).store
    return StreamingResponse(attempts_csv(store.attempts()), media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition":
                                      'attachment; filename="calcdrill-attempts.csv"',
                                      "X-Content-Type-Options": "nosniff"})
