"""The JSON API: check, preview, look up a problem.  Documented at ``/docs``.

Every handler calls the same functions as ``calcdrill check`` (in a worker process);
bad requests get 4xx answers with a ``detail`` message, never a 500.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from calcdrill.web import tasks
from calcdrill.web.service import Service
from grader import KINDS

__all__ = ["CheckRequest", "Preview", "PreviewRequest", "Problem", "Verdict", "router"]

router = APIRouter(prefix="/api", tags=["api"])

Kind = Literal[KINDS]  # type: ignore[valid-type]
_TEXT = Field(max_length=20_000)


class CheckRequest(BaseModel):
    """A check: a problem ``code`` and an ``answer``, or ``expected`` with its options."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"code": "TF00-8000-07TW", "answer": "(4x-3) e^(2x^2-3x)"},
        {"expected": "2*x*exp(x^2)", "answer": "2x e^(x^2)", "kind": "expression",
         "variables": ["x"]}]})

    answer: str = Field(max_length=20_000, description="The answer as typed.")
    code: str | None = Field(None, max_length=64, description="The printed problem code.")
    expected: str | None = Field(None, max_length=4000, description="The correct answer.")
    kind: Kind = "expression"
    variables: list[str] | str = Field(default_factory=lambda: ["x"],
                                       description="Names, or comma-separated.")
    assume: dict[str, str] = Field(default_factory=dict,
                                   description="e.g. {\"x\": \"positive\"}")
    tolerance: float | None = Field(None, ge=0)
    shapes: dict[str, str] | None = Field(
        None, description="For kind matrix-expression: {\"X\": \"n×d\", \"w\": \"d\"}.")
    student_id: str | None = Field(None, max_length=200,
                                   description="Stored only when the server asks for IDs.")

    @model_validator(mode="after")
    def _one_source(self) -> "CheckRequest":
        if (self.code is None) == (self.expected is None):
            raise ValueError("give either a problem code or an expected answer")
        return self


class Verdict(BaseModel):
    """The verdict, as ``calcdrill check --json`` prints it, with a little more."""

    status: Literal["correct", "incorrect", "invalid", "undecided"]
    score: float
    feedback: str
    interpreted: str = Field(description="LaTeX of how the answer was read.")
    mistake: str = Field("", description="The known mistake it matches, if any.")
    code: str = ""
    family: str = ""


class PreviewRequest(BaseModel):
    """What is typed so far, and the problem's code or its variables."""

    model_config = ConfigDict(extra="forbid")

    answer: str = Field(max_length=20_000)
    code: str | None = Field(None, max_length=64)
    variables: list[str] | str = Field(default_factory=lambda: ["x"])
    kind: Kind = "expression"
    shapes: dict[str, str] | None = Field(
        None, description="For kind matrix-expression without a code: the declared shapes.")


class Preview(BaseModel):
    """How the answer is read: ``state`` is ``read``, ``unreadable`` or ``empty``."""

    state: Literal["read", "unreadable", "empty"]
    interpreted: str
    variables: list[str]
    reason: str
    column: int | None


class Problem(BaseModel):
    """A problem regenerated from its code."""

    code: str
    bank: str
    family: str
    family_title: str
    kind: str
    variables: list[str]
    assume: dict[str, str]
    tolerance: float | None
    prompt: str = Field(description="The statement, text with LaTeX between $ signs.")


def _service(request: Request) -> Service:
    return request.app.state.service


def _names(variables: list[str] | str) -> list[str]:
    if isinstance(variables, str):
        return [v.strip() for v in variables.split(",") if v.strip()]
    return variables


# Handlers return JSONResponse themselves: the worker's dict is already the response, and
# validating it again through the response model cost more CPU than the rest of a request.
@router.post("/check", response_model=Verdict, response_class=JSONResponse,
             responses={404: {"description": "The code cannot be read."},
                        422: {"description": "A malformed request."},
                        429: {"description": "Too many requests."}})
async def api_check(body: CheckRequest, request: Request) -> JSONResponse:
    """Grade an answer, as ``calcdrill check --json`` does; the attempt is recorded."""
    service = _service(request)
    if body.code is not None:
        result = await service.check_code(body.code, body.answer, student_id=body.student_id)
        if not result["ok"]:
            raise HTTPException(404, result["error"])
    else:
        result = await service.check_expected(
            body.expected, body.answer, body.kind, _names(body.variables), body.assume,
            body.tolerance, shapes=body.shapes, student_id=body.student_id)
        if not result["ok"]:
            raise HTTPException(422, result["error"])
    return JSONResponse({**result["verdict"], "code": result["code"], "family": result["family"]})


@router.post("/preview", response_model=Preview,
             responses={404: {"description": "The code cannot be read."},
                        422: {"description": "A malformed request (e.g. no shapes)."}})
async def api_preview(body: PreviewRequest, request: Request) -> dict:
    """How the answer is read, or why and at which column it cannot be; no verdict."""
    result = await _service(request).pool.run(
        tasks.preview, body.answer, code=body.code, variables=tuple(_names(body.variables)),
        kind=body.kind, shapes=body.shapes)
    if not result["ok"]:
        raise HTTPException(result.get("status", 404), result["error"])
    return result


@router.get("/problems/{code}", response_model=Problem,
            responses={404: {"description": "The code cannot be read."}})
async def api_problem(code: str, request: Request) -> dict:
    """The problem a printed code stands for: its statement (LaTeX), kind and variables."""
    view = await _service(request).problem(code)
    if not view["ok"]:
        raise HTTPException(404, view["error"])
    return view
