"""The ``calcdrill`` command line.  Each command parses options and calls one function."""

from __future__ import annotations

import json
import sys

import click

from grader import KINDS, ReadError, check

EXIT_CODES = {"correct": 0, "incorrect": 1, "invalid": 2, "undecided": 3}


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


# Answers often start with "-" (-e^-x): unknown "options" are taken as the answer.
@cli.command("check", context_settings={"ignore_unknown_options": True})
@click.argument("args", nargs=-1, required=True, metavar="ANSWER")
@click.option("--expected", metavar="E", help="The correct answer, e.g. '2*x*exp(x^2)'.")
@click.option("--kind", type=click.Choice(KINDS), default="expression", show_default=True)
@click.option("--vars", "variables", default="x", show_default=True,
              help="Comma-separated variables of the problem.")
@click.option("--assume", multiple=True, metavar="NAME=WHAT",
              help="positive, nonnegative, nonzero or real (default), e.g. x=positive.")
@click.option("--tolerance", type=float, default=None,
              help="Absolute tolerance for numeric answers (default: exact).")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
def check_command(args: tuple[str, ...], expected: str | None, kind: str, variables: str,
                  assume: tuple[str, ...], tolerance: float | None, as_json: bool) -> None:
    """Check ANSWER against --expected.

    Exit status: 0 correct, 1 incorrect, 2 invalid (unreadable), 3 undecided.

    \b
    Examples:
      calcdrill check --expected '2*x*exp(x^2)' '2x e^(x^2)'
      calcdrill check --expected 'x^x*(ln(x)+1)' 'x^x(ln x + 1)' --assume x=positive
      calcdrill check --expected '[[2,0],[2*x*sqrt(y), x^2/(2*sqrt(y))]]' --kind matrix --vars x,y \\
          --assume y=positive '[[2, 0], [2x√y, x²/(2√y)]]'
    """
    if expected is None:
        raise click.UsageError("give the correct answer with --expected E "
                               "(checking a printed problem by its code comes with the banks)")
    if len(args) != 1:
        raise click.UsageError("give exactly one ANSWER (quote it if it contains spaces)")
    try:
        verdict = check(expected, args[0], kind=kind, variables=variables,
                        assume=_parse_assume(assume), tolerance=tolerance)
    except ReadError as err:
        raise click.BadParameter(err.message, param_hint="--expected") from None
    except ValueError as err:
        raise click.UsageError(str(err)) from None
    if as_json:
        click.echo(json.dumps(verdict.as_dict(), ensure_ascii=False))
    else:
        click.echo(f"{verdict.status} (score {verdict.score:g})")
        if verdict.interpreted:
            click.echo(f"read as: {verdict.interpreted}")
        click.echo(verdict.feedback)
    sys.exit(EXIT_CODES[verdict.status])


@cli.command("demo")
def demo_command() -> None:
    """Grade a sample of answers typed the way students type them."""
    from generator.demo import grade_sample

    for sample, verdict in grade_sample():
        click.echo(f"{sample.question}")
        click.echo(f"  answer : {sample.answer}")
        click.echo(f"  verdict: {verdict.status} (score {verdict.score:g})")
        click.echo(f"  {verdict.feedback}")
