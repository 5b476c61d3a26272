"""The ``calcdrill`` command line.  Each command parses options and calls one function."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from calcdrill.csvtable import format_score
from calcdrill.errors import ClassFileError, RosterError
from calcdrill.plaintext import plain_text
from calcdrill.roster import Student, read_roster
from generator.banks.catalogue import CATALOGUE
from generator.banks.load import check_unique_ids, find_bank, shipped_banks
from generator.banks.validate import validate_bank_file
from generator.codes import CodeError
from generator.errors import BankError
from generator.instance import distinct_count, example_instance, instance_from_code, make_instance
from grader import KINDS, ReadError, check

EXIT_CODES = {"correct": 0, "incorrect": 1, "invalid": 2, "undecided": 3}


class UnreadableInput(click.ClickException):
    """Input that cannot be used (a mistyped code): exit 2, like an unreadable answer."""

    exit_code = 2


@click.group()
@click.version_option(package_name="calcdrill")
def cli() -> None:
    """Calculus-for-machine-learning exercises, and a grader that checks answers."""


def _parse_assume(values: tuple[str, ...]) -> dict[str, str]:
    assume = {}
    for item in values:
        for part in item.split(","):
            name, sep, what = part.partition("=")
            if not sep or not name.strip() or not what.strip():
                raise click.BadParameter(f"{part!r}: write NAME=ASSUMPTION, e.g. x=positive",
                                         param_hint="--assume")
            assume[name.strip()] = what.strip()
    return assume


def _parse_shapes(values: tuple[str, ...]) -> dict[str, str]:
    """``X=n×d,w=d`` (a comma before the next ``NAME=`` separates; ``n,d`` stays a shape)."""
    shapes = {}
    for item in values:
        for part in re.split(r",\s*(?=[^,=]+=)", item):
            name, sep, shape = part.partition("=")
            if not sep or not name.strip() or not shape.strip():
                raise click.BadParameter(f"{part!r}: write NAME=SHAPE, e.g. X=n×d,w=d",
                                         param_hint="--shapes")
            shapes[name.strip()] = shape.strip()
    return shapes


# Answers often start with "-" (-e^-x): unknown "options" are taken as the answer.
@cli.command("check", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, metavar="[CODE] ANSWER")
@click.option("--expected", metavar="E", help="The correct answer, e.g. '2*x*exp(x^2)'.")
@click.option("--kind", type=click.Choice(KINDS), default="expression", show_default=True)
@click.option("--vars", "variables", default=None,
              help="Comma-separated variables of the problem (default: x; none for "
                   "matrix-expression).")
@click.option("--assume", multiple=True, metavar="NAME=WHAT",
              help="positive, nonnegative, nonzero or real (default), e.g. x=positive.")
@click.option("--shapes", multiple=True, metavar="NAME=SHAPE,...",
              help="For --kind matrix-expression: the matrices and vectors, e.g. "
                   "X=n×d,w=d,y=n (one size is a column vector).")
@click.option("--tolerance", type=float, default=None,
              help="Absolute tolerance for numeric answers (default: exact).")
@click.option("--bank", "bank_paths", multiple=True, metavar="PATH",
              help="A bank file to look the CODE up in, besides the shipped banks.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
def check_command(args: tuple[str, ...], expected: str | None, kind: str,
                  variables: str | None, assume: tuple[str, ...], shapes: tuple[str, ...],
                  tolerance: float | None,
                  bank_paths: tuple[str, ...], as_json: bool) -> None:
    """Check ANSWER to the printed problem CODE, or against --expected.

    Exit status: 0 correct, 1 incorrect, 2 invalid (unreadable), 3 undecided.

    \b
    Examples:
      calcdrill check TF00-8000-00R7 '2x e^(x^2)'
      calcdrill check --expected '2*x*exp(x^2)' '2x e^(x^2)'
      calcdrill check --expected 'x^x*(ln(x)+1)' 'x^x(ln x + 1)' --assume x=positive
      calcdrill check --expected '[[2,0],[2*x*sqrt(y), x^2/(2*sqrt(y))]]' --kind matrix --vars x,y \\
          --assume y=positive '[[2, 0], [2x√y, x²/(2√y)]]'
      calcdrill check --expected 'X^T(Xw - y)' --kind matrix-expression \\
          --shapes X=n×d,w=d,y=n 'Xᵀ(X w − y)'
    """
    if expected is None:
        if len(args) != 2:
            raise click.UsageError("give a problem CODE and an ANSWER, or --expected E and "
                                   "an ANSWER (quote answers that contain spaces)")
        code, answer = args
        try:
            banks = check_unique_ids(shipped_banks() + [find_bank(p) for p in bank_paths])
            instance = instance_from_code(code, banks)
        except CodeError as err:
            raise UnreadableInput(str(err)) from None
        except (BankError, LookupError) as err:
            raise click.ClickException(str(err)) from None
        verdict = instance.grade(answer)
    else:
        if len(args) != 1:
            raise click.UsageError("give exactly one ANSWER (quote it if it contains spaces)")
        try:
            if kind == "matrix-expression" and not shapes:
                raise click.UsageError("--kind matrix-expression needs --shapes, e.g. "
                                       "--shapes X=n×d,w=d,y=n (products do not commute, "
                                       "so every matrix and vector must be declared)")
            if variables is None:
                variables = "" if kind == "matrix-expression" else "x"
            verdict = check(expected, args[0], kind=kind, variables=variables,
                            assume=_parse_assume(assume), tolerance=tolerance,
                            shapes=_parse_shapes(shapes) or None)
        except ReadError as err:
            raise click.BadParameter(err.message, param_hint="--expected") from None
        except ValueError as err:
            raise click.UsageError(str(err)) from None
    if as_json:
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
    else:
        click.echo(f"{verdict.status} (score {format_score(verdict.score)})")
        if verdict.interpreted:
            click.echo(f"read as: {plain_text(verdict.interpreted)}")
        click.echo(verdict.feedback)
    sys.exit(EXIT_CODES[verdict.status])


@cli.group("banks")
def banks_group() -> None:
    """List, validate and preview problem banks."""


@banks_group.command("list")
@click.option("--bank", "bank_paths", multiple=True, metavar="PATH",
              help="Also list this bank file.")
def banks_list(bank_paths: tuple[str, ...]) -> None:
    """Families of the shipped banks: what they cover, difficulty, distinct instances."""
    try:
        banks = check_unique_ids(shipped_banks() + [find_bank(p) for p in bank_paths])
    except (BankError, LookupError) as err:
        raise click.ClickException(str(err)) from None
    covered: set[str] = set()
    click.echo(f"{'bank/family':50} {'covers':32} {'diff':>4} {'instances':>14}")
    for bank in banks:
        for family in bank.families:
            count, how = distinct_count(family)
            shown = {"exact": "", "estimate": "~", "at most": "≤"}[how] + f"{count:,}"
            click.echo(f"{bank.id + '/' + family.id:50} {', '.join(family.covers):32} "
                       f"{family.difficulty:>4} {shown:>14}")
            covered.update(family.covers)
    missing = [c for c in CATALOGUE if c not in covered]
    click.echo(f"\ncatalogue: {len(CATALOGUE) - len(missing)} of {len(CATALOGUE)} ids covered"
               + (f"; missing: {', '.join(missing)}" if missing else ""))


@banks_group.command("catalogue")
def banks_catalogue() -> None:
    """The catalogue of topics the shipped banks cover: id, title, covering families.

    A bank's families may also name topics of their own (any id such as my-topic).
    """
    covering: dict[str, list[str]] = {}
    try:
        for bank in shipped_banks():
            for family in bank.families:
                for topic in family.covers:
                    covering.setdefault(topic, []).append(f"{bank.id}/{family.id}")
    except BankError as err:
        raise click.ClickException(str(err)) from None
    for topic, title in CATALOGUE.items():
        families = ", ".join(covering.get(topic, [])) or "(none)"
        click.echo(f"{topic:20} {title}\n{'':20} {families}")


@banks_group.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--seeds", default=10, show_default=True, help="Random instances tried per family.")
@click.option("--deep", is_flag=True, help="Also confirm every answer key independently.")
def banks_validate(paths: tuple[str, ...], seeds: int, deep: bool) -> None:
    """Check bank files; exit 1 with file:line messages when one is not usable."""
    failed = False
    for path in paths:
        errors = validate_bank_file(path, seeds=seeds, deep=deep)
        for error in errors:
            click.echo(str(error), err=True)
        if errors:
            failed = True
        else:
            click.echo(f"{path}: ok")
    if failed:
        sys.exit(1)


@banks_group.command("preview")
@click.argument("family_id")
@click.option("--bank", "bank_name", default=None, help="Bank id or path (default: search).")
@click.option("--example", is_flag=True, help="The seed document's own exercise.")
@click.option("--seed", default=1, show_default=True, help="Which instance.")
def banks_preview(family_id: str, bank_name: str | None, example: bool, seed: int) -> None:
    """Show one instance of a family: prompt, answer, solution, mistakes, code."""
    try:
        banks = [find_bank(bank_name)] if bank_name else shipped_banks()
        matches = [(b, f) for b in banks for f in b.families if f.id == family_id]
        if not matches:
            raise click.ClickException(f"no family {family_id!r}; see `calcdrill banks list`")
        bank, family = matches[0]
        instance = example_instance(bank, family) if example else make_instance(bank, family, seed)
    except (BankError, LookupError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{bank.id}/{family.id}  code {instance.code}  ({family.title})")
    click.echo(f"problem : {instance.prompt}")
    click.echo(f"answer  : {instance.answer}   [{instance.kind}]")
    click.echo(f"latex   : {instance.answer_latex}")
    click.echo("solution:")
    for step in instance.solution:
        click.echo(f"  - {step}")
    for mistake in instance.mistakes:
        click.echo(f"mistake : {mistake.name}: {mistake.answer}")


@cli.command("generate")
@click.option("--bank", "bank_names", multiple=True, required=True, metavar="NAME_OR_PATH",
              help="A shipped bank id or a bank file; repeat for several.")
@click.option("--problems", default=10, show_default=True, type=click.IntRange(1, 60),
              help="Problems per worksheet.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False),
              help="CSV with student_id,name (more columns are kept).")
@click.option("--copies", type=click.IntRange(min=1),
              help="Without a roster: this many numbered versions.")
@click.option("--seed", default=1, show_default=True, type=click.IntRange(0, 2**31),
              help="The class seed: same seed, same worksheets.")
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--title", default="Calculus for machine learning", show_default=True)
@click.option("--course", default="", help="Course name for the header.")
@click.option("--date", "date_", default="", help="Date printed on the worksheets.")
@click.option("--difficulty", default="", metavar="1,2,3",
              help="Only families of these difficulties.")
@click.option("--family", "family_ids", multiple=True, metavar="ID",
              help="Use these families, in this order (repeat).")
@click.option("--shuffle", is_flag=True, help="A different problem order for each student.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf",
              show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes to use (default: one per core).")
@click.option("--scheduler", default=None, envvar="CALCDRILL_SCHEDULER", metavar="ADDRESS",
              help="Run on a Dask cluster (tcp://host:8786) instead of local processes; "
                   "needs calcdrill[dask].  Default: $CALCDRILL_SCHEDULER.")
@click.option("--timeout", default=300.0, show_default=True, type=click.FloatRange(1),
              help="Seconds one student's documents may take before they are tried again.")
@click.option("--check-url", default="", metavar="URL",
              help="Where students check their answers (a `calcdrill serve` address), "
                   "printed on every worksheet; default: the `calcdrill check` command.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def generate_command(bank_names, problems, roster, copies, seed, out, title, course, date_,
                     difficulty, family_ids, shuffle, fmt, workers, scheduler, timeout,
                     check_url, quiet) -> None:
    """One worksheet version per student, an answer key, solutions and a manifest.

    An interrupted run resumes from the students already complete when run again with
    the same options.
    """
    from calcdrill.engines import EngineError
    from calcdrill.generate import generate_class
    from calcdrill.planning import class_warnings
    from generator.documents.render import DocumentInfo

    if bool(roster) == bool(copies):
        raise click.UsageError("give either --roster ROSTER.csv or --copies N")
    try:
        # Two files with one bank id would print colliding codes: refused, as is a copy
        # of a shipped bank under its id.
        banks = [find_bank(name) for name in bank_names]
        check_unique_ids([*shipped_banks(), *banks])
        banks = check_unique_ids(banks)
        students = read_roster(roster) if roster else [
            Student(f"v{k:03d}", f"Version {k}") for k in range(1, copies + 1)]
        levels = [int(d) for d in difficulty.split(",") if d.strip()] if difficulty else None
        for warning in class_warnings(banks, problems, len(students), seed=seed,
                                      difficulty=levels, family_ids=family_ids,
                                      shipped={b.id for b in shipped_banks()},
                                      check_url=check_url):
            click.echo(f"warning: {warning}", err=True)
        result = generate_class(banks, students, problems=problems, seed=seed, out=out,
                                info=DocumentInfo(title, course, date_, check_url), fmt=fmt,
                                difficulty=levels, family_ids=family_ids, shuffle=shuffle,
                                workers=workers, scheduler=scheduler, timeout=timeout,
                                progress=not quiet)
    except (BankError, RosterError, LookupError, EngineError) as err:
        raise click.ClickException(str(err)) from None
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    for who, missing in result.unprintable:
        click.echo(f"warning: no installed font has {missing!r} (in the name of {who}); "
                   "it prints as empty boxes: install a font covering it", err=True)
    if result.resumed:
        click.echo(f"resumed: {result.resumed} students were already complete")
    click.echo(f"{len(result.worksheets)} worksheets in {result.out / 'worksheets'}")
    click.echo(f"answer key: {result.answer_key}")
    click.echo(f"solutions : {result.solutions}")
    click.echo(f"manifest  : {result.manifest}")
    if result.failed:
        for who, reason in result.failed:
            click.echo(f"failed: {who}: {reason}", err=True)
        raise click.ClickException(f"{len(result.failed)} students could not be generated "
                                   "(listed above); run the same command again to retry them")


@cli.command("grade")
@click.argument("submissions", type=click.Path(exists=True, dir_okay=False))
@click.option("--manifest", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The manifest.json written by `calcdrill generate`.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="GRADED.csv to write (totals go beside it).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes to use (default: one per core).")
@click.option("--refresh-keys", is_flag=True,
              help="Recompute the keys from the banks as they are now (after a bank fix).")
@click.option("--bank", "bank_paths", multiple=True, metavar="PATH",
              help="A bank file the class came from, besides the shipped banks.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def grade_command(submissions: str, manifest: str, out: str, workers: int | None,
                  refresh_keys: bool, bank_paths: tuple[str, ...], quiet: bool) -> None:
    """Grade SUBMISSIONS.csv against the manifest of the class's worksheets.

    SUBMISSIONS.csv is long (student_id,code,answer), wide (student_id,q1,q2,...), a Moodle
    quiz Responses report or a Canvas quiz Student Analysis report.
    """
    from calcdrill.rekey import RekeyError
    from calcdrill.workflow import grade_files

    try:
        banks = check_unique_ids(shipped_banks() + [find_bank(p) for p in bank_paths]) \
            if refresh_keys else None
        outcome = grade_files(submissions, manifest, out, refresh_from=banks, workers=workers,
                              progress=not quiet)
    except (ClassFileError, BankError, LookupError, RekeyError) as err:
        raise click.ClickException(str(err)) from None
    if outcome.keys is not None:
        click.echo(f"keys: {outcome.keys[0]} of {outcome.keys[1]} differ from the printed ones")
    summary, report = outcome.summary, outcome.report_path
    for hint in summary["hints"]:
        click.echo(f"note: {hint}", err=True)
    click.echo(f"{_count(summary['rows'], 'row')}, {_count(summary['answers'], 'answer')}: "
               f"{summary['correct']} correct, {summary['blank']} blank, {summary['invalid']} "
               f"unreadable, {summary['flagged']} flagged, {summary['refused']} refused")
    if summary["blank_rows"]:
        click.echo(f"{_count(summary['blank_rows'], 'empty row')} skipped")
    if summary["unknown_students"]:
        click.echo(f"unknown students (kept, not counted): {', '.join(summary['unknown_students'])}")
    if summary["missing_students"]:
        click.echo(f"no submission from (no score in exports): "
                   f"{', '.join(summary['missing_students'])}")
    click.echo(f"graded: {out}")
    click.echo(f"totals: {summary['totals']}")
    click.echo(f"report: {report}")


def _count(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


@cli.command("export")
@click.argument("graded", type=click.Path(exists=True, dir_okay=False))
@click.option("--lms", type=click.Choice(["canvas", "moodle", "blackboard", "generic"]),
              required=True)
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@click.option("--assignment", default="calcdrill worksheet", show_default=True,
              help="Name of the gradebook column.")
@click.option("--column-id", default="", help="The LMS's id of an existing column "
              "(Canvas assignment id, Blackboard Column ID) to update it in place.")
def export_command(graded: str, lms: str, out: str, assignment: str, column_id: str) -> None:
    """Write GRADED.csv's totals as a gradebook import file for an LMS."""
    from calcdrill.workflow import export_file

    try:
        path = export_file(graded, lms, out, assignment=assignment, column_id=column_id)
    except ClassFileError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"{lms} gradebook file: {path}")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for the whole network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--bank", "bank_paths", multiple=True, metavar="PATH",
              help="A bank file whose codes can be checked, besides the shipped banks.")
@click.option("--database", default=None, metavar="URL",
              help="SQLAlchemy URL for the attempts [default: sqlite:///calcdrill-attempts.sqlite3].")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="Grading processes.")
@click.option("--rate-limit", default=300, show_default=True, type=click.IntRange(0, 10**6),
              metavar="PER_MINUTE", help="Checks per minute per client address; 0: no limit.")
@click.option("--solutions-after", default=None, type=click.IntRange(1, 1000), metavar="N",
              help="Show the worked solution after N tries [default: only once correct].")
@click.option("--ask-student-id", is_flag=True, help="Ask for a student ID and store it.")
@click.option("--instructor-token", envvar="CALCDRILL_INSTRUCTOR_TOKEN", default=None,
              metavar="T", help="Token for /instructor (or CALCDRILL_INSTRUCTOR_TOKEN); "
              "without one /instructor is off.")
def serve_command(host: str, port: int, bank_paths: tuple[str, ...], database: str | None,
                  workers: int, rate_limit: int, solutions_after: int | None,
                  ask_student_id: bool, instructor_token: str | None) -> None:
    """Start the self-check web app: students type a problem code and their answer."""
    from calcdrill.web import DEFAULT_DATABASE, WebConfig, serve
    from calcdrill.web.store import StoreError

    config = WebConfig(bank_paths=bank_paths, database=database or DEFAULT_DATABASE,
                       workers=workers, rate_limit=rate_limit,
                       solutions_after=solutions_after, ask_student_id=ask_student_id,
                       instructor_token=instructor_token or None)
    try:
        serve(config, host=host, port=port,
              ready=lambda url: click.echo(f"calcdrill self-check at {url}  (Ctrl+C stops)"))
    except (BankError, StoreError, LookupError) as err:
        raise click.ClickException(str(err)) from None


@cli.command("demo")
@click.option("--out", default="demo", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the sample class.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def demo_command(out: str, quiet: bool) -> None:
    """Generate worksheets for a sample roster, grade a sample class, check typed answers."""
    from calcdrill.demo import grade_sample, run_demo

    demo = run_demo(out, progress=not quiet)
    result, outcome = demo.generated, demo.grading
    click.echo(f"Worksheets: {len(result.worksheets)} PDFs in {result.out / 'worksheets'}")
    click.echo(f"Answer key: {result.answer_key}")
    click.echo(f"Solutions : {result.solutions}")
    click.echo(f"Manifest  : {result.manifest}")
    summary, graded_path, report, canvas = (outcome.summary, outcome.graded_path,
                                            outcome.report_path, demo.canvas)
    click.echo(f"Graded a sample class's answers ({summary['answers']} answers, "
               f"{summary['correct']} right): {graded_path}")
    click.echo(f"Class report: {report}; Canvas gradebook file: {canvas}")
    click.echo("")
    click.echo("Grading sample answers, typed the way students type them:")
    for sample, verdict in grade_sample():
        click.echo(f"  {sample.question}")
        click.echo(f"    answer : {sample.answer}")
        click.echo(f"    verdict: {verdict.status} (score {format_score(verdict.score)}) - "
                   f"{verdict.feedback}")
