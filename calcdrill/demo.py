"""A graded sample: the seed examples answered the way students type them.

``calcdrill demo`` runs these through the grader, so a newcomer sees in one command what
calcdrill reads and how it answers.  Each row is (question, expected, answer, options).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from calcdrill.generate import ClassResult, generate_class
from calcdrill.roster import read_roster
from calcdrill.workflow import GradeOutcome, export_file, grade_files
from generator.banks.load import shipped_banks
from generator.documents.render import DocumentInfo
from generator.resources import resource_dir
from grader import Mistake, Verdict, check

__all__ = ["DemoResult", "SAMPLE", "SAMPLE_ROSTER", "SampleAnswer", "grade_sample", "run_demo",
           "sample_submissions"]

#: The sample class of ``calcdrill demo``.
SAMPLE_ROSTER = resource_dir("examples") / "roster.csv"


@dataclass(frozen=True)
class SampleAnswer:
    question: str
    expected: str
    answer: str
    kind: str = "expression"
    variables: tuple[str, ...] = ("x",)
    assume: dict[str, str] = field(default_factory=dict)
    tolerance: float | None = None
    mistakes: tuple[Mistake, ...] = ()


_CHAIN_FORGOTTEN = Mistake("exp(x^2)", "Chain rule forgotten: multiply e^(x^2) by the "
                           "derivative of the exponent, 2x.", "chain-rule-forgotten")
_POWER_RULE = Mistake("x*x^(x-1)", "The power rule needs a constant exponent; for x^x write "
                      "x^x = e^(x ln x) and differentiate that.", "power-rule-on-x^x")

SAMPLE: tuple[SampleAnswer, ...] = (
    SampleAnswer("d/dx e^(x^2)", "2*x*exp(x^2)", "2x e^(x^2)"),
    SampleAnswer("d/dx e^(x^2)", "2*x*exp(x^2)", "e^(x^2)", mistakes=(_CHAIN_FORGOTTEN,)),
    SampleAnswer("d/dx x^x", "x^x*(ln(x)+1)", "x^x(ln x + 1)", assume={"x": "positive"},
                 mistakes=(_POWER_RULE,)),
    SampleAnswer("d/dx x^x", "x^x*(ln(x)+1)", "x·x^(x−1)", assume={"x": "positive"},
                 mistakes=(_POWER_RULE,)),
    SampleAnswer("sigma'(x)", "sigmoid(x)*(1-sigmoid(x))", r"\frac{e^{-x}}{(1+e^{-x})^2}"),
    SampleAnswer("Jacobian of [2x, x^2 sqrt(y)]",
                 "[[2, 0], [2*x*sqrt(y), x^2/(2*sqrt(y))]]", "[[2, 0], [2x√y, x²/(2√y)]]",
                 kind="matrix", variables=("x", "y"), assume={"y": "positive"}),
    SampleAnswer("Jacobian of [2x, x^2 sqrt(y)]",
                 "[[2, 0], [2*x*sqrt(y), x^2/(2*sqrt(y))]]", "[[2, 2x√y], [0, x²/(2√y)]]",
                 kind="matrix", variables=("x", "y"), assume={"y": "positive"}),
    SampleAnswer("Hessian of x^2 y^3", "[[2*y^3, 6*x*y^2], [6*x*y^2, 6*x^2*y]]",
                 "[2y^3, 3xy^2; 3xy^2, 6x^2y]", kind="matrix", variables=("x", "y")),
    SampleAnswer("critical points of 3x^4-4x^3-12x^2+32", "{-1, 0, 2}", "x=2, x=-1, x=0",
                 kind="set"),
    SampleAnswer("min of x+y on x^2+y^2=1", "-sqrt(2)", "-1.414", kind="number",
                 variables=()),
    SampleAnswer("(-0.9)^(-0.9)", "(-0.9)^(-0.9)", "-1.05 - 0.34i", kind="number",
                 variables=(), tolerance=0.01),
    SampleAnswer("d/dx ln(x^2)", "2/x", "2 sine(x)"),
)


def grade_sample() -> list[tuple[SampleAnswer, Verdict]]:
    """Grade every sample answer."""
    return [(s, check(s.expected, s.answer, kind=s.kind, variables=s.variables,
                      assume=s.assume, tolerance=s.tolerance, mistakes=s.mistakes))
            for s in SAMPLE]


def sample_submissions(manifest_path: Path, target: Path, *, seed: int = 7) -> Path:
    """A plausible class's answers to a generated class: mostly right, some of the
    families' known mistakes, some blank; long form, codes typed in lower case."""
    import csv
    import json
    import random

    rng = random.Random(seed)
    manifest = json.loads(manifest_path.read_text("utf-8"))
    with open(target, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "code", "answer"])
        for student in manifest["students"]:
            for problem in student["problems"]:
                roll = rng.random()
                if roll < 0.7:
                    answer = problem["answer"]
                elif roll < 0.9 and problem["mistakes"]:
                    answer = rng.choice(problem["mistakes"])["answer"]
                else:
                    answer = ""
                writer.writerow([student["student_id"], problem["code"].lower(), answer])
    return target


@dataclass(frozen=True)
class DemoResult:
    """What ``calcdrill demo`` made: the class, its graded sample answers, a gradebook file."""

    generated: ClassResult
    grading: GradeOutcome
    canvas: Path


def run_demo(out: str | Path, *, progress: bool = True) -> DemoResult:
    """The main job of the README: a sample class generated, answered, graded, exported."""
    result = generate_class(shipped_banks(), read_roster(SAMPLE_ROSTER), problems=8, seed=2026,
                            out=Path(out), info=DocumentInfo("Sample worksheet",
                                                             "Calculus for ML", ""),
                            progress=progress)
    submissions = sample_submissions(result.manifest, result.out / "submissions.csv")
    outcome = grade_files(submissions, result.manifest, result.out / "GRADED.csv")
    canvas = export_file(outcome.graded_path, "canvas", result.out / "canvas.csv",
                         assignment="Sample worksheet")
    return DemoResult(result, outcome, canvas)
