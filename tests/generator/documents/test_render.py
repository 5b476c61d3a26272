"""Documents as HTML: headers, codes, answer spaces shaped like the answer."""

import pytest

from generator.banks.load import shipped_banks
from calcdrill.generate import make_version
from generator.instance import make_instance
from generator.documents.render import (DocumentInfo, Version, answer_space, key_section_html,
                              solutions_html, worksheet_html)
from calcdrill.roster import Student

INFO = DocumentInfo("Week 3", "ML 101", "2026-11-21")


def instance_of_kind(kind):
    for bank in shipped_banks():
        for family in bank.families:
            if family.answer_kind == kind:
                return make_instance(bank, family, 1)
    pytest.skip(f"no shipped family with {kind} answers")


def test_worksheet_header_and_problems():
    bank = shipped_banks()[0]
    version = make_version(Student("s1", "Siobhán O'Brien <b>"), [(bank, bank.families[0])] * 3,
                           seed=5)
    html = worksheet_html(version, INFO)
    assert "Siobhán O&#39;Brien &lt;b&gt;" in html  # escaped, never markup
    assert "ML 101" in html and "Week 3" in html and "2026-11-21" in html
    assert html.count('class="problem"') == 3
    for instance in version.instances:
        assert instance.code in html
    assert "<svg" in html


@pytest.mark.parametrize("kind, marker", [("matrix", "<table class=\"grid\">"),
                                          ("vector", "<table class=\"grid\">"),
                                          ("expression", "class=\"box\""),
                                          ("point", "point-space")])
def test_answer_space_fits_the_kind(kind, marker):
    instance = instance_of_kind(kind)
    space = str(answer_space(instance))
    assert marker in space
    if kind == "matrix":
        rows = instance.answer.count("], [") + 1
        assert space.count("<tr>") == rows


def test_key_and_solutions_show_answers_and_steps():
    bank = shipped_banks()[0]
    version = Version(Student("s9", "Mehmet Yılmaz"),
                      (make_instance(bank, bank.families[0], 0),))
    key = str(key_section_html(version))
    assert "Mehmet Yılmaz" in key and version.instances[0].code in key
    solutions = solutions_html([version], INFO)
    assert solutions.count("<li>") == len(version.instances[0].solution)


def widths_of(space: str) -> list[float]:
    import re
    return [float(w) for w in re.findall(r"width:([\d.]+)mm", space)]


def keyed(answer: str, kind: str):
    from types import SimpleNamespace
    return SimpleNamespace(answer=answer, kind=kind)


def test_answer_cells_are_sized_from_the_key():
    """A softmax Jacobian entry gets more room than `2x`; every column its own width."""
    softmax = "exp(z1)*exp(z2)/(exp(z1) + exp(z2))^2"
    space = str(answer_space(keyed(f"[[{softmax}, 2*x], [1, 0]]", "matrix")))
    wide, narrow = widths_of(space)[:2]
    assert wide > 2.5 * narrow and narrow == 16.0
    assert space.count("<tr>") == 2 and space.count("<td") == 4


def test_answer_grid_stays_within_the_page():
    long = "exp(z1)*exp(z2)*exp(z3)/(exp(z1) + exp(z2) + exp(z3))^2"
    row = ", ".join([long] * 3)
    widths = widths_of(str(answer_space(keyed(f"[[{row}], [{row}], [{row}]]", "matrix"))))
    assert sum(widths[:3]) + 2.5 * 4 <= 150.0 + 1e-6


def test_a_long_expression_gets_a_taller_box():
    short = str(answer_space(keyed("2*x", "expression")))
    long = str(answer_space(keyed("x^x*(ln(x) + 1)*(x^2 + 3*x + 1)/(x^4 + 6*x^2 + 9)^2", "expression")))
    assert "height" not in short and "height:2" in long


@pytest.mark.parametrize("kind, example", [("vector", "[2x, -1]"), ("matrix", "[[2, 0], [1, x]]"),
                                           ("set", "{-1, 0, 2}")])
def test_self_check_line_shows_an_answer_of_the_first_problems_kind(kind, example):
    """The example typed after the code is of the kind that problem expects."""
    instance = instance_of_kind(kind)
    html = worksheet_html(Version(Student("s1", "Ana"), (instance,)), INFO)
    assert f'calcdrill check {instance.code} "{example}"' in html
