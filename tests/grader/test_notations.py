"""Notations of issue 12: MATLAB matrices, scientific notation, sets with ±, the empty set,
reciprocal and inverse function spellings, factorials, labels and "+ C"."""

import pytest

from grader import AmbiguousReading, check, parse, to_latex
from grader.errors import ReadError

XY = ["x", "y"]


class TestMatlabMatrices:
    """Inside brackets without commas, spaces separate entries and ";" rows."""

    @pytest.mark.parametrize("expected, answer, kind, variables", [
        ("[[2, 0, -1], [1, 3, 4]]", "[2 0 -1; 1 3 4]", "matrix", []),
        ("[[6x, 2y], [2y, 2x]]", "[6x 2y; 2y 2x]", "matrix", XY),
        ("[1, 2, 3]", "[1 2 3]", "vector", []),
        ("[[1, 2, 3]]", "[1 2 3]", "matrix", []),
        ("[[1], [2], [3]]", "[1; 2; 3]", "matrix", []),
        ("[x, -1]", "[x, -1]", "vector", ["x"]),
        ("[x - 1]", "[x - 1]", "vector", ["x"]),
        ("[x - 1]", "[x-1]", "vector", ["x"]),
        ("[[x*y, 2], [3, 4]]", "[xy 2; 3 4]", "matrix", XY),
        ("[sin(x), cos(x)]", "[sin x cos x]", "vector", ["x"]),
        ("[2*x, y]", "[2 x, y]", "vector", XY),
        ("[[1, 2], [3, 4]]", "[[1 2], [3 4]]", "matrix", []),
        ("[[1, 2], [3, 4]]", "[1  2 ;  3  4]", "matrix", []),
        ("[x^2, 2]", "[x² 2]", "vector", ["x"]),
        ("[1, 2, -3]", "[1 2 -3]", "vector", []),
        ("[1, 2, -3]", "[ 1  2 -3]", "vector", []),
        ("[x, 2, -1]", "[x 2 -1]", "vector", ["x"]),
        ("[[2, 0, -1], [1, 3, 4]]", "[[ 2  0 -1]\n [ 1  3  4]]", "matrix", []),
        ("[[1, -2], [3, 4]]", "[1 -2; 3 4]", "matrix", []),
        ("[[1, -2], [-3, 4]]", "[1 -2; -3 4]", "matrix", []),
        ("[(x+1), 2]", "[(x+1) 2]", "vector", ["x"]),
    ])
    def test_read(self, expected, answer, kind, variables):
        """Space-separated entries are read as MATLAB and NumPy print them."""
        v = check(expected, answer, kind=kind, variables=variables)
        assert (v.status, v.feedback) == ("correct", "Correct.")

    def test_symbols_side_by_side_are_two_entries(self):
        """[6x 2y; 2y 2x] is 2×2, not a silent 2×1 of products."""
        assert to_latex(parse("[6x 2y; 2y 2x]", variables=XY)) == \
            "\\begin{bmatrix} 6 x & 2 y \\\\ 2 y & 2 x \\end{bmatrix}"

    def test_spaced_sign_is_ambiguous(self):
        """[x -1]: one entry x − 1 or two entries? Both readings are shown."""
        with pytest.raises(AmbiguousReading) as info:
            parse("[x -1]", variables=["x"])
        assert info.value.reason == (
            'ambiguous: it can be read as two entries x and -1 or as one entry x - 1; '
            'write "x, -1" for two entries or "x - 1" for one')
        assert info.value.span.start == 1
        assert len(info.value.readings) == 2

    def test_spaced_sign_follows_spaces_elsewhere(self):
        """[1 2 -3]: spaces already separate entries, so -3 is one of them."""
        assert to_latex(parse("[1 2 -3]")) == "\\left[1, 2, -3\\right]"

    @pytest.mark.parametrize("text", ["[1 -2]", "[x +1]", "[2x -y]"])
    def test_lone_spaced_sign_is_asked(self, text):
        """With no other space between entries, a spaced sign has two readings."""
        with pytest.raises(AmbiguousReading):
            parse(text, variables=XY)

    @pytest.mark.parametrize("expected, kind, status", [
        ("[x, -1]", "vector", "invalid"),
        ("[x - 1]", "vector", "invalid"),
        ("[x + 1, 2]", "vector", "incorrect"),
    ])
    def test_ambiguity_matters_only_when_verdicts_differ(self, expected, kind, status):
        """Both readings are graded; only differing verdicts make the answer invalid."""
        v = check(expected, "[x -1]", kind=kind, variables=["x"])
        assert v.status == status
        if status == "invalid":
            assert v.feedback == (
                'Could not read your answer: ambiguous: it can be read as two entries x and '
                '-1 or as one entry x - 1; write "x, -1" for two entries or "x - 1" for one '
                '(column 2).')
            assert v.interpreted == ""

    def test_numbers_side_by_side_outside_brackets_still_refused(self):
        """Outside brackets, "2 3" is still a typo, not a list."""
        with pytest.raises(ReadError) as info:
            parse("2 3")
        assert info.value.reason == 'two numbers side by side ("2 3"); write 2*3 or 23'


class TestScientificNotation:
    """NeM: unsigned is 10^M; signed is asked; spaces or a caret make e the constant."""

    @pytest.mark.parametrize("text, latex", [
        ("2e3", "2 \\cdot 10^{3}"),
        ("1E5", "1 \\cdot 10^{5}"),
        ("2.5e10x", "2.5 \\cdot 10^{10} x"),
        ("2e^3", "2 e^{3}"),
        ("2e + 3", "2 e + 3"),
        ("2e+3", "2 e + 3"),
        ("2 e - 1", "2 e - 1"),
        ("2e", "2 e"),
        ("2e-x", "2 e - x"),
        ("1e-3", "1 \\cdot 10^{-3}"),
        ("1.0e+5", "1.0 \\cdot 10^{5}"),
    ])
    def test_unambiguous(self, text, latex):
        """The rule decides these readings without asking."""
        assert to_latex(parse(text, variables=["x"])) == latex

    @pytest.mark.parametrize("text, first, second", [
        ("5.1e-2", "5.1·10^-2", "5.1·e - 2"),
        ("2e-3", "2·10^-3", "2·e - 3"),
        ("1.5e+3", "1.5·10^3", "1.5·e + 3"),
        ("5.1e−2", "5.1·10^-2", "5.1·e - 2"),
    ])
    def test_signed_exponent_has_two_readings(self, text, first, second):
        """A signed exponent reads both ways; the message shows both."""
        with pytest.raises(AmbiguousReading) as info:
            parse(text)
        assert [d for d, _ in info.value.readings] == [first, second]
        assert info.value.reason.startswith(f"ambiguous: it can be read as {first} or as {second};")

    @pytest.mark.parametrize("expected, answer, kind, status", [
        ("0.051", "5.1e-2", "number", "invalid"),
        ("5.1*e - 2", "5.1e-2", "number", "invalid"),
        ("7", "5.1e-2", "number", "incorrect"),
        ("0.051", "5.1*10^-2", "number", "correct"),
        ("0.051", "5.1e-2 ", "number", "invalid"),
        ("2000", "2e3", "number", "correct"),
        ("1500", "1.5e+3", "number", "invalid"),
        ("2*e + 3", "2e+3", "number", "correct"),
        ("0.002*x", "2e-3x", "expression", "invalid"),
        ("0.002*x", "2*10^(-3) x", "expression", "correct"),
    ])
    def test_verdicts(self, expected, answer, kind, status):
        """Ambiguous only when the two readings get different verdicts."""
        assert check(expected, answer, kind=kind, variables=["x"]).status == status

    def test_ambiguous_feedback(self):
        """The student sees both readings and how to write each."""
        v = check("0.051", "5.1e-2", kind="number")
        assert v.feedback == (
            "Could not read your answer: ambiguous: it can be read as 5.1·10^-2 or as "
            "5.1·e - 2; write 5.1*10^-2 for the first, or put spaces around the sign "
            "(5.1e - 2) for the second (column 1).")

    def test_capital_e_is_not_the_constant(self):
        """5.1E-2 has one reading: E is not a name for e."""
        assert check("0.051", "5.1E-2", kind="number").status == "correct"

    def test_huge_exponent_refused(self):
        """1e999 is refused before an exact value with 999 digits is built."""
        with pytest.raises(ReadError) as info:
            parse("1e999")
        assert info.value.reason == "exponent too large in 1e999 (at most 10^300)"

    def test_expected_answer_must_be_unambiguous(self):
        """An instructor's ambiguous expected answer is an error, not a guess."""
        with pytest.raises(ReadError, match="ambiguous"):
            check("5.1e-2", "0.051", kind="number")


class TestSets:
    """Brackets, the empty set, ± in points and scalar multiples of points."""

    @pytest.mark.parametrize("expected, answer, variables", [
        ("{-2, 1, 3}", "[-2, 1, 3]", []),
        ("{-2, 1, 3}", "[-2 1 3]", []),
        ("{}", "{}", []),
        ("{}", "∅", []),
        ("{}", "\\emptyset", []),
        ("{}", "\\varnothing", []),
        ("{}", "none", []),
        ("{}", "No solution.", []),
        ("{(1, 0), (-1, 0)}", "(±1, 0)", []),
        ("{(1, 0), (-1, 0)}", "x = ±1, y = 0", XY),
        ("{(1, 2), (-1, -2)}", "±(1, 2)", []),
        ("{(1, 2), (-1, -2), (3, 0), (-3, 0)}", "±(1, 2), (±3, 0)", []),
        ("{(sqrt(2)/2, sqrt(2)/2), (-sqrt(2)/2, sqrt(2)/2), (sqrt(2)/2, -sqrt(2)/2), "
         "(-sqrt(2)/2, -sqrt(2)/2)}", "(±√2/2, ±√2/2)", []),
        ("{(1, 0), (-1, 0)}", "[(1, 0), (-1, 0)]", []),
        ("{(-1/sqrt(5), -2/sqrt(5)), (1/sqrt(5), 2/sqrt(5))}", "±(1, 2)/√5", []),
    ])
    def test_correct(self, expected, answer, variables):
        """Each notation lists the same set."""
        v = check(expected, answer, kind="set", variables=variables)
        assert (v.status, v.feedback) == ("correct", "Correct.")

    @pytest.mark.parametrize("expected, answer, score, message", [
        ("{1}", "∅", 0.0, "1 element is missing."),
        ("{}", "{1}", 0.0, "1 of yours is not in the set."),
        ("{(1, 0), (-1, 0), (0, 1)}", "(±1, 0)", 2 / 3, "1 element is missing."),
        ("{(1, 0)}", "(±1, 0)", 0.0, "1 of yours is not in the set."),
    ])
    def test_incorrect(self, expected, answer, score, message):
        """Missing and extra elements are counted after expanding ±."""
        v = check(expected, answer, kind="set")
        assert (v.status, v.score, v.feedback) == ("incorrect", pytest.approx(score), message)

    @pytest.mark.parametrize("expected, answer, kind", [
        ("[-1/sqrt(5), -2/sqrt(5)]", "-(1, 2)/√5", "vector"),
        ("(-1/sqrt(5), -2/sqrt(5))", "-(1, 2)/√5", "point"),
        ("(2, 4)", "2(1, 2)", "point"),
        ("[[-1, -2], [-3, -4]]", "-[1 2; 3 4]", "matrix"),
    ])
    def test_scalar_times_point(self, expected, answer, kind):
        """A scalar times a point or vector is taken entry by entry."""
        assert check(expected, answer, kind=kind).status == "correct"


class TestFunctions:
    """Reciprocal and inverse spellings, and bounded factorials."""

    @pytest.mark.parametrize("expected, answer", [
        ("1/sin(x)", "cosec(x)"),
        ("1/sinh(x)", "cosech x"),
        ("1/tan(x)", "cotan(x)"),
        ("1/tan(x)", "ctg x"),
        ("acos(1/x)", "arcsec(x)"),
        ("acos(1/x)", "sec^-1 x"),
        ("asin(1/x)", "arccsc(x)"),
        ("asin(1/x)", "arccosec x"),
        ("atanh(1/x)", "arcoth(x)"),
        ("asinh(1/x)", "arcsch(x)"),
    ])
    def test_spellings(self, expected, answer):
        """Each spelling names the allowed function (on its real domain)."""
        v = check(expected, answer, variables=["x"], assume={"x": "positive"})
        assert v.status == "correct", v.feedback

    def test_asech_domain(self):
        """arsech is real on (0, 1] only."""
        v = check("acosh(1/x)", "arsech(x)", variables=["x"], assume={"x": "positive"})
        assert v.status == "correct", v.feedback

    @pytest.mark.parametrize("expected, answer, kind, variables", [
        ("6", "3!", "number", []),
        ("3628800", "factorial(10)", "number", []),
        ("6", "(2+1)!", "number", []),
        ("1", "0!", "number", []),
        ("n*factorial(n-1)", "n!", "expression", ["n"]),
        ("2*factorial(n)", "2n!", "expression", ["n"]),
    ])
    def test_factorials(self, expected, answer, kind, variables):
        """n! and factorial(n) are read; with a variable n! is Γ(n + 1)."""
        v = check(expected, answer, kind=kind, variables=variables,
                  assume={n: "positive" for n in variables})
        assert (v.status, v.feedback) == ("correct", "Correct.")

    @pytest.mark.parametrize("answer, message", [
        ("171!", "factorial too large (at most 170!) (column 4)"),
        ("(10^10)!", "factorial too large (at most 170!) (column 8)"),
        ("factorial(9^9^9)", "factorial too large (at most 170!) (column 1)"),
        ("2.5!", "factorial of a number that is not a whole number "
                 "(only 0!, 1!, ..., 170! are read) (column 4)"),
        ("(-1)!", "factorial of a negative number (column 5)"),
        ("3!!", "double factorials (n!!) are not accepted; write the product out (column 2)"),
    ])
    def test_factorial_bounds(self, answer, message):
        """A factorial of a large or non-integer number is invalid, quickly."""
        v = check("6", answer, kind="number")
        assert (v.status, v.feedback) == ("invalid", f"Could not read your answer: {message}.")

    def test_factorial_latex(self):
        """n! prints as typed."""
        assert to_latex(parse("(n+1)! + 3!", variables=["n"])) == \
            "\\left(n + 1\\right)! + 3!"


class TestLabels:
    """Inflection points, shapes and numbers where a label is expected."""

    @pytest.mark.parametrize("expected, answer", [
        ("neither", "inflection point"),
        ("neither", "point of inflection"),
        ("neither", "an inflection point"),
        ("2x3", "2x3 matrix"),
        ("2x3", "2 × 3 matrix"),
        ("2x3", "(2, 3)"),
        ("2x3", "shape (2, 3)"),
        ("3x1", "(3, 1)"),
    ])
    def test_correct(self, expected, answer):
        """Synonyms and NumPy's shape tuples are labels."""
        assert check(expected, answer, kind="label").status == "correct"

    @pytest.mark.parametrize("expected, answer, message", [
        ("local minimum", "3", 'Not "3": the answer is a word, not a number.'),
        ("saddle point", "-1.5", 'Not "-1.5": the answer is a word, not a number.'),
        ("2x3", "(3, 2)", 'Not "3x2".'),
    ])
    def test_incorrect(self, expected, answer, message):
        """A number or a wrong shape is incorrect, not unreadable."""
        v = check(expected, answer, kind="label")
        assert (v.status, v.feedback) == ("incorrect", message)


class TestConstantOfIntegration:
    """"+ C" on a derivative says why it is wrong."""

    @pytest.mark.parametrize("answer", ["2x + C", "2x+c", "2x + const", "2x + C_1", "2x - K"])
    def test_message(self, answer):
        v = check("2*x", answer, variables=["x"])
        assert (v.status, v.feedback) == (
            "invalid", 'A derivative needs no constant: the "+ C" belongs to antiderivatives. '
                       "Remove it and give the derivative alone.")

    def test_c_elsewhere_is_an_unknown_name(self):
        """A C that is not a trailing constant keeps the usual message."""
        v = check("2*x", "C + 2x", variables=["x"])
        assert v.feedback == ('Could not read your answer: "C" is not a variable of this '
                              "problem; use x (column 1).")

    def test_c_as_a_variable(self):
        """When C is a variable of the problem, it is read as one."""
        assert check("x^2 + C", "x² + C", variables=["x", "C"]).status == "correct"


class TestDepthBound:
    """The reader skips the tree-depth walk for short answers: the bound must hold."""

    @pytest.mark.parametrize("text", [
        "-" * 40 + "x", "x^-x^-x^-x^-x", "√√√√√x", "xyxyxyxyxy", "sin^2 x", "sin^-1 x",
        "½x", "2[1, 2]", "-(-(-(1, 2)))", "3!", "\\sqrt[3]{x}", "\\frac{\\frac{1}{x}}{y}",
        "x sin x cos x tan x", "(((((x)))))", "-[1 2; 3 4]", "±(1, 2)", "e^-x^2",
        "|x|·|y|·|x - y|", "[[1, 2], [3, 4]]", "2x e^(x^2) + x/y - 3",
    ])
    def test_depth_at_most_two_per_token(self, text):
        from grader.parse import _resolve_names
        from grader.tokens import tokenize
        from grader.tree import depth
        tokens = _resolve_names(tokenize(text), ("x", "y"), False)
        assert depth(parse(text, variables=XY)) <= 2 * len(tokens) + 2
