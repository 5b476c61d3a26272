"""Hostile bank files: none runs code, each ends quickly with ``file:line: reason``.

Each bank below is the small valid bank BASE with one hostile change.  It goes through
``calcdrill banks validate`` (the instructor's check) and through the path ``generate``
takes (load the bank, make an instance), and both must give the same one-line message,
exit 1, and no traceback.  Payloads that would run code write a canary file; the canary
must not exist afterwards.
"""

from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
import sympy

from calcdrill.cli import cli
from generator.banks import limits
from generator.banks.load import load_bank
from generator.banks.operations import Text
from generator.errors import BankError, DeriveError
from generator.instance import make_instance
from tests.generator.banks.samples import GOOD_BANK

BASE = GOOD_BANK

CANARY = "CANARY"  # replaced by the test's canary path
RUN = f"__import__('os').system('touch {CANARY}')"
ALLOWED = ('a template may show a value ({{ f }}, {{ f|text }}, {{ f|latex }}, '
           '{{ f|decimal(3) }}) and test one ({% if f|text == "0" %}...{% else %}...'
           '{% endif %})')


def refused(what: str) -> str:
    return f"family square: template: {what} is not allowed; {ALLOWED}"


def prompt(template: str) -> tuple[str, str]:
    """A change replacing the prompt by ``template`` (as a block, so no quoting)."""
    return ("    prompt: Differentiate $f(x) = {{ f }}$.\n",
            "    prompt: |-\n" + textwrap.indent(template, "      ") + "\n")


def value(text: str) -> tuple[str, str]:
    """A change adding values after df."""
    return ("      df: {diff: [f, x]}\n",
            "      df: {diff: [f, x]}\n" + textwrap.indent(text, "      ") + "\n")


def param(text: str) -> tuple[str, str]:
    return ("      a: {range: [1, 9]}\n", textwrap.indent(text, "      ") + "\n")


UNDEFINED = "template uses {!r}, which is not a value; values are: a, f, df"

# (id, change to BASE, line, message after "file:line: ")
TEMPLATES = [
    ("sympy-equals", prompt(f'{{{{ f.value.equals("{RUN}") }}}}'), 16,
     refused("calling a function or method")),
    ("sympy-subs", prompt(f'{{{{ f.subs("x", "{RUN}") }}}}'), 16,
     refused("calling a function or method")),
    ("sympy-coeff", prompt(f'{{{{ f.coeff("{RUN}") }}}}'), 16,
     refused("calling a function or method")),
    ("sympy-diff-match-limit", prompt(f'{{{{ f.diff("{RUN}") }}}}{{{{ f.match("{RUN}") }}}}'),
     16, refused("calling a function or method")),
    ("mro", prompt("{{ ''.__class__.__mro__ }}"), 16, refused("attribute access (f.name)")),
    ("cycler-globals", prompt(f"{{{{ cycler.__init__.__globals__.os.system('touch {CANARY}') }}}}"),
     16, refused("calling a function or method")),
    ("lipsum", prompt("{{ lipsum }}"), 16, "family square: " + UNDEFINED.format("lipsum")),
    ("lipsum-globals", prompt("{{ lipsum.__globals__ }}"), 16,
     refused("attribute access (f.name)")),
    ("self", prompt("{{ self }}"), 16, "family square: " + UNDEFINED.format("self")),
    ("namespace", prompt("{% set ns = namespace(a=1) %}{{ ns }}"), 16,
     refused("setting a variable ({% set %})")),
    ("range", prompt("{% for i in range(10**9) %}x{% endfor %}"), 16,
     refused("a loop ({% for %})")),
    ("nested-loops", prompt("{% for i in range(100000) %}{% for j in range(100000) %}x"
                            "{% endfor %}{% endfor %}"), 16, refused("a loop ({% for %})")),
    ("item-access", prompt("{{ f['__class__'] }}"), 16, refused("item access (f[0])")),
    ("attr-filter", prompt("{{ f|attr('__class__') }}"), 16, refused("the filter |attr")),
    ("map-filter", prompt("{{ [f]|map('attr', '__class__')|list }}"), 16,
     refused("the filter |list")),
    ("format-string", prompt("{{ '{0.__class__}'.format(f) }}"), 16,
     refused("calling a function or method")),
    ("format-filter", prompt("{{ '%s'|format(f) }}"), 16, refused("the filter |format")),
    ("string-times", prompt("{{ 'x' * 10**9 }}"), 16, refused("arithmetic")),
    ("recursive-macro", prompt("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}"), 16,
     refused("a macro")),
    ("include", prompt("{% include '/etc/passwd' %}"), 16, refused("including another template")),
    ("import", prompt("{% import 'x' as y %}"), 16, refused("importing a template")),
    ("inline-if", prompt("{{ f if a else df }}"), 16, refused("an inline if (a if b else c)")),
    ("test", prompt("{% if f is defined %}x{% endif %}"), 16, refused("a test (is ...)")),
    ("decimal-digits", prompt("{{ f|decimal(1000000000) }}"), 16,
     "family square: template: |decimal(1000000000) asks for 1000000000 digits; from 1 to "
     "15 are allowed"),
    ("undefined-in-filter", prompt("{{ fx|text }}"), 16,
     "family square: " + UNDEFINED.format("fx")),
]

VALUES = [
    ("label-simplify", value(f's: {{label: "{RUN}"}}\nt: {{simplify: s}}'), 17,
     "family square: value t: s is text (a label); text can be passed on by name (to pick, "
     "list or a solver) but not used in an expression or an operation"),
    ("label-in-expression", value(f's: {{label: "{RUN}"}}\nt: sin(s) + x'), 17,
     "family square: value t: s is text (a label); text can be passed on by name (to pick, "
     "list or a solver) but not used in an expression or an operation"),
    ("label-decimal", value(f's: {{label: "{RUN}"}}\nt: {{decimal: [s, 3]}}'), 17,
     "family square: value t: s is text (a label); text can be passed on by name (to pick, "
     "list or a solver) but not used in an expression or an operation"),
    ("label-matrix", value(f's: {{label: "{RUN}"}}\nt: {{matrix: [[s, 1], [1, s]]}}'), 17,
     "family square: value t: s is text (a label); text can be passed on by name (to pick, "
     "list or a solver) but not used in an expression or an operation"),
    ("diff-order", value("g: {diff: [f, x, 100000000]}"), 16,
     "family square: value g: diff: the order must be a whole number from 0 to 10, "
     "not 100000000"),
    ("expand-5000", value("g: {expand: (x+a+1)^5000}"), 16,
     "family square: value g: '(x+a+1)^5000' has a power with exponent 5000; at most 1000"),
    ("power-200", value("g: (x+a+1)^200"), 16,
     "family square: value g: '(x+a+1)^200' holds a power with exponent 200; powers of "
     "expressions may have exponents up to 100"),
    ("det-14", value("M: {matrix: [" + ", ".join(
        "[" + ", ".join(f"x^{i + j % 3} + {i}*a" for j in range(14)) + "]"
        for i in range(14)) + "]}\ng: {det: M}"), 17,
     "family square: value g: det: the matrix is 14x14; at most 6x6"),
    ("decimal-digits-op", value("g: {decimal: [pi, 10^9]}"), 16,
     "family square: value g: decimal: the digits must be a whole number from 0 to 15, "
     "not '10^9'"),
    ("solver-dimension", value("s: {solver: {name: jacobian_shape, "
                               "args: {item: 0, m: 1000000000, n: 2}}}"), 16,
     "family square: value s: m must be from 1 to 20, not 1000000000"),
    ("sin-as-name", value("sin: x^2"), 16,
     "family square: value 'sin' is named like the function sin(); choose another name"),
    ("e-as-name", value("e: 2"), 16,
     "family square: value 'e' is named like the constant e; choose another name"),
]

PARAMS = [
    ("power-tower", param('a: {choice: ["9^9^9^9"]}'), 11,
     "family square: parameter a: '9^9^9^9' holds a power of a number with exponent "
     "387420489; at most 1000"),
    ("big-choice", param("a: {choice: [1" + "0" * 2000 + "]}"), 11,
     "family square: parameter a: a number with over 1000 digits"),
    ("big-range", param("a: {range: [1, 1" + "0" * 400 + "]}"), 11,
     "family square: parameter a: the range and step must be finite numbers below 10^15"),
    ("range-inf", param("a: {range: [0, .inf]}"), 11,
     "family square: parameter a: the range and step must be finite numbers below 10^15"),
    ("range-huge", param("a: {range: [0, 1.0e+300]}"), 11,
     "family square: parameter a: the range and step must be finite numbers below 10^15"),
    ("range-long", param("a: {range: [0, 100000]}"), 11,
     "family square: parameter a: 100001 values; at most 10000"),
    ("pi-as-name", ("      a: {range: [1, 9]}\n", "      a: {range: [1, 9]}\n      pi: {range: [1, 2]}\n"),
     12, "family square: parameter 'pi' is named like the constant pi; choose another name"),
    ("nan-tolerance", ("    answer: {kind: expression, value: df}\n",
                       "    answer: {kind: number, value: 'df', tolerance: .nan}\n"), 17,
     "family square: answer.tolerance must be a finite number, 0 or more, not nan"),
    ("negative-tolerance", ("    answer: {kind: expression, value: df}\n",
                            "    answer: {kind: number, value: 'df', tolerance: -0.5}\n"), 17,
     "family square: answer.tolerance must be a finite number, 0 or more, not -0.5"),
]

CASES = TEMPLATES + VALUES + PARAMS


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, 10):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n" + BASE


def _alias_chain() -> str:
    """Anchors nested inside each other: each shallow, together 120 deep."""
    lines = ['a0: &a0 ' + "[" * 40 + '"x"' + "]" * 40]
    for k in (1, 2):
        lines.append(f"a{k}: &a{k} " + "[" * 40 + f"*a{k - 1}" + "]" * 40)
    return "\n".join(lines) + "\n" + BASE


WHOLE_FILES = [
    ("alias-bomb", _alias_bomb(), 6,
     "not a usable bank: the document is too large: over 200000 values once its aliases "
     "(*name) are expanded"),
    ("alias-chain", _alias_chain(), 3,
     "not a usable bank: nested more than 100 levels deep once its aliases (*name) are "
     "expanded"),
    ("deep-list", BASE.replace("    covers: [basic-rules]\n",
                               "    covers: " + "[" * 5000 + "]" * 5000 + "\n"), 7,
     "not a usable bank: nested more than 50 levels deep"),
    ("self-alias", BASE.replace("    covers: [basic-rules]\n", "    covers: &c [*c]\n"), 7,
     "not a usable bank: an anchor (&name) is used inside itself"),
    ("huge-integer", BASE.replace("version: 2", "version: 1" + "0" * 5000), 1,
     "not a usable bank: a number has too many digits"),
    ("too-large", BASE + "#" + "x" * 1_000_001 + "\n", 1, "bank file too large (over 1 MB)"),
]


def _hostile(tmp_path: Path, change, name: str = "bank.yaml") -> tuple[Path, Path]:
    canary = tmp_path / "canary"
    if isinstance(change, str):
        text = change
    else:
        old, new = change
        assert old in BASE
        text = BASE.replace(old, new)
    path = tmp_path / name
    path.write_text(text.replace(CANARY, str(canary)), "utf-8")
    return path, canary


def _generate_message(path: Path) -> str:
    """The message ``generate`` gives: load the bank, make an instance of each family."""
    try:
        bank = load_bank(path)
        for family in bank.families:
            make_instance(bank, family, 1)
    except BankError as err:
        return str(err)
    return "no error"


def _check(runner, path: Path, canary: Path, line: int, message: str) -> None:
    expected = f"{path}:{line}: {message}"
    started = time.monotonic()
    result = runner.invoke(cli, ["banks", "validate", str(path)])
    assert result.exit_code == 1, result.output
    assert result.stderr == expected + "\n"
    assert "Traceback" not in result.output
    assert _generate_message(path) == expected
    assert time.monotonic() - started < 30
    assert not canary.exists()


def test_the_canary_would_be_seen(tmp_path):
    """The payload really creates the canary when run: the tests below can fail."""
    path, canary = _hostile(tmp_path, BASE + f"# {RUN}\n")
    code = path.read_text("utf-8").splitlines()[-1][2:]
    subprocess.run([sys.executable, "-c", code], check=True)
    assert canary.exists()


@pytest.mark.parametrize("change, line, message", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_hostile_bank_is_refused(runner, tmp_path, change, line, message):
    path, canary = _hostile(tmp_path, change)
    _check(runner, path, canary, line, message)


@pytest.mark.parametrize("text, line, message", [c[1:] for c in WHOLE_FILES],
                         ids=[c[0] for c in WHOLE_FILES])
def test_hostile_file_is_refused(runner, tmp_path, text, line, message):
    path, canary = _hostile(tmp_path, text)
    _check(runner, path, canary, line, message)


def test_text_never_reaches_sympify(tmp_path):
    """Even handed to SymPy directly, a bank's text is not evaluated."""
    canary = tmp_path / "canary"
    text = Text(f"__import__('os').system('touch {canary}')")
    assert sympy.sympify(text) is text
    for call in (sympy.simplify, sympy.N, lambda t: sympy.sin(t), lambda t: sympy.Rational(t)):
        try:
            call(text)
        except Exception:
            pass
    assert not canary.exists()


def test_deadline_stops_a_slow_value(runner, tmp_path, monkeypatch):
    """A computation within the static limits but too slow ends at the deadline."""
    monkeypatch.setattr(limits, "DEADLINE_SECONDS", 1.0)
    path, canary = _hostile(tmp_path, value("r: {solve: [x^97 + a*x^37 - 3*x + 1, x]}"))
    _check(runner, path, canary, 16, "family square: value r: computing an instance of "
           "family square took longer than 1 s; make the expressions smaller")


class TestTimeBudget:
    """time_budget bounds optional work (printing a key factored) inside the deadline."""

    @staticmethod
    def _spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pass

    def test_the_body_is_stopped_and_the_deadline_keeps_running(self):
        """Past its budget the body stops with OverBudget; the instance's deadline then
        still ends a slow computation after it."""
        with pytest.raises(DeriveError, match="took longer than 0.6 s"):
            with limits.deadline(0.6, what="x"):
                start = time.monotonic()
                with pytest.raises(limits.OverBudget, match="took longer than 0.1 s"):
                    with limits.time_budget(0.1):
                        self._spin(5)
                assert time.monotonic() - start < 0.4
                self._spin(5)

    def test_a_body_within_its_budget_runs_to_the_end(self):
        """No alarm is left behind: the deadline is not shortened by the budget."""
        with limits.deadline(0.5, what="x"):
            with limits.time_budget(0.2):
                pass
            self._spin(0.3)  # past the budget's 0.2 s, within the deadline

    def test_the_reserve_of_the_deadline_is_not_touched(self):
        """With less than the budget and the reserve left, the body is not started."""
        ran = []
        with limits.deadline(0.5, what="x"):
            with pytest.raises(limits.OverBudget, match="not started"):
                with limits.time_budget(0.1, reserve=1.0):
                    ran.append(True)
        assert ran == []

    def test_without_a_deadline(self):
        """Alone, a budget still stops its body."""
        with pytest.raises(limits.OverBudget):
            with limits.time_budget(0.05):
                self._spin(5)

    def test_a_budget_alarm_swallowed_rings_again(self):
        with pytest.raises(limits.OverBudget):
            with limits.time_budget(0.1):
                try:
                    self._spin(5)
                except BaseException:  # noqa: BLE001 - a library's bare except:
                    pass
                self._spin(5)


class TestLostAlarms:
    """An alarm lands wherever the program is; where it is lost, it rings again."""

    _spin = staticmethod(TestTimeBudget._spin)

    def test_swallowed_by_a_bare_except(self):
        caught = []
        started = time.monotonic()
        with pytest.raises(DeriveError, match="took longer than 0.2 s"):
            with limits.deadline(0.2, what="x"):
                try:
                    self._spin(5)
                except BaseException:  # noqa: BLE001 - as SymPy's and mpmath's bare except:
                    caught.append(True)
                self._spin(5)
        assert caught == [True]
        assert time.monotonic() - started < 2

    @pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    def test_lost_in_a_finaliser(self):
        """An exception in __del__ (or a garbage-collector callback) is only printed."""
        spin = self._spin

        class SlowToDie:
            def __del__(self):
                spin(0.5)

        started = time.monotonic()
        with pytest.raises(DeriveError, match="took longer than 0.2 s"):
            with limits.deadline(0.2, what="x"):
                SlowToDie()  # dies at once; the alarm rings inside its __del__
                self._spin(5)
        assert time.monotonic() - started < 2

    def test_no_alarm_after_the_body(self):
        """A body that ends in time leaves no alarm behind, even one already on its way."""
        with limits.deadline(0.05, what="x"):
            pass
        self._spin(0.3)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)

    def test_a_timer_running_before_is_given_back(self):
        """A worker's limit for its whole job survives the instance's deadline inside it."""
        previous = signal.signal(signal.SIGALRM, lambda *_: None)
        try:
            signal.setitimer(signal.ITIMER_REAL, 30)
            with limits.deadline(0.5, what="x"):
                pass
            left, _ = signal.getitimer(signal.ITIMER_REAL)
            assert 25 < left <= 30
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("error", [BankError("value f: too big", "/banks/b.yaml", 12),
                                   DeriveError("diff: the order must be...")])
def test_errors_survive_pickling(error):
    """generate's worker processes send errors back pickled; they arrive intact."""
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), str(again)) == (type(error), str(error))
    if isinstance(error, BankError):
        assert (again.reason, again.path, again.line) == (error.reason, error.path, error.line)


def test_error_crosses_a_process_pool(tmp_path):
    """The same file:line message comes back from a worker, and the pool stays usable."""
    path, _ = _hostile(tmp_path, value("g: {diff: [f, x, 100000000]}"))
    bank = load_bank(path)
    with ProcessPoolExecutor(max_workers=1) as pool:
        with pytest.raises(BankError) as caught:
            pool.submit(make_instance, bank, bank.families[0], 1).result(timeout=120)
        assert str(caught.value) == (f"{path}:16: family square: value g: diff: the order "
                                     "must be a whole number from 0 to 10, not 100000000")
        assert pool.submit(len, "ok").result(timeout=120) == 2


def test_hostile_banks_in_a_memory_limited_process(tmp_path):
    """All hostile banks at once, in a process limited to 4 GB: each is reported, none
    crashes it, and it ends within a minute (a few seconds in practice)."""
    paths = []
    for k, (_, change, line, message) in enumerate(CASES + WHOLE_FILES):
        path, _ = _hostile(tmp_path, change, f"hostile-{k}.yaml")
        paths.append((path, line, message))
    script = ("import resource, sys; resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30)); "
              "from calcdrill.cli import cli; sys.argv = ['calcdrill', 'banks', 'validate', "
              "*sys.argv[1:]]; cli()")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", script, *(str(p) for p, _, _ in paths)],
                            capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).resolve().parents[3])
    assert time.monotonic() - started < 60
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [f"{p}:{line}: {message}" for p, line, message in paths]
    assert not (tmp_path / "canary").exists()


class TestSizeCheckedAgain:
    """A value is checked each time it is used; one that passed is remembered."""

    X = sympy.Symbol("x")
    # 901 nodes: small enough to be remembered; 23 copies are over the budget (20,000).
    VALUE = sympy.Add(*sympy.symbols("x0:900"))

    @pytest.mark.parametrize("remembered", [False, True])
    def test_a_value_that_passed_still_counts_against_the_budget(self, remembered):
        """Copies of a value that passed alone are refused together, remembered or not."""
        limits._COUNTED.clear()
        if remembered:
            assert limits.check_size(self.VALUE, "f") is self.VALUE
            assert limits._COUNTED == {self.VALUE: 901}
        with pytest.raises(DeriveError) as info:
            limits.check_size([self.VALUE] * 23, "the list")
        assert str(info.value) == "the list is too large (over 20000 terms and factors)"
        assert limits.check_size([self.VALUE] * 22, "the list") == [self.VALUE] * 22

    def test_a_refused_value_is_refused_again(self):
        """A value with a number too large is refused every time, not remembered."""
        huge = self.X + sympy.Integer(10) ** 2000
        for _ in range(2):
            with pytest.raises(DeriveError) as info:
                limits.check_size(huge, "g")
            assert str(info.value) == "g holds a number with over 1000 digits"
