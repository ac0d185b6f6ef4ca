"""Loading problem files and `--let` declarations (contract sections 1 and 3).

Every error is checked for its exact `file:line: key:` prefix, from real files written
to a temporary `problems/` folder (the tests run in that folder's parent, so paths
read as a user would type them).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import MathSyntaxError, ProblemError, ShapeError, TracetrickError
from generator.math.expr import Number
from generator.problem.letspec import parse_let
from generator.problem.loader import load_directory, load_file
from generator.problem.command_line import problem_from_text

REPO_PROBLEMS = Path(__file__).resolve().parent.parent / "problems"


@pytest.fixture()
def write(tmp_path, monkeypatch):
    """write("05.yaml", text) -> "problems/05.yaml", the path as the user would name it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "problems").mkdir()

    def write(name: str, text: str | bytes) -> str:
        path = tmp_path / "problems" / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return f"problems/{name}"
    return write


def error_of(path: str) -> str:
    with pytest.raises(ProblemError) as err:
        load_file(path)
    return str(err.value)


QUADRATIC = """\
title: Trace of quadratic product
number: 5
symbols:
  A: {shape: [n, n], constant: true}
  X: {shape: [n, m]}
objective: tr(X^T A X)
wrt: X
expect: (A + A^T) X
statement: A is a constant square matrix.
"""


# ----- a valid file ---------------------------------------------------------------------------

def test_a_valid_file_gives_a_complete_problem(write):
    (p,) = load_file(write("05.yaml", QUADRATIC))
    assert (p.title, p.number, p.wrt, p.method, p.solve) == (
        "Trace of quadratic product", 5, "X", "differential", False)
    assert p.objective_text == "tr(X^T A X)"
    assert str(p.expect) == "(A + A^T) X"
    assert p.statement == "A is a constant square matrix."
    assert [(s.name, s.shape, s.constant) for s in p.symbols.symbols] == [
        ("A", ("n", "n"), True), ("X", ("n", "m"), False)]
    assert (p.source.path, p.source.line) == ("problems/05.yaml", 1)


def test_undeclared_symbols_are_inferred_after_the_declared_ones(write):
    (p,) = load_file(write("06.yaml", "title: Regression\nsymbols:\n  b: {shape: [k]}\n"
                                      "objective: '||A x - b||^2 + lambda ||x||^2'\nwrt: x\n"))
    assert [(s.name, s.shape, s.declared) for s in p.symbols.symbols] == [
        ("b", ("k",), True), ("A", ("k", "n"), False), ("x", ("n",), False),
        ("lambda", (), False)]


def test_values_that_yaml_reads_as_numbers_or_booleans_are_taken_as_written(write):
    (p,) = load_file(write("a.yaml", "title: 2024\nobjective: tr(A X)\nwrt: X\nexpect: 0\n"
                                     "statement: yes\n"))
    assert (p.title, p.statement) == ("2024", "yes")
    assert p.expect == Number(0)


def test_a_symbol_may_be_declared_in_the_one_line_form_or_without_a_shape(write):
    (p,) = load_file(write("a.yaml", "title: T\nsymbols:\n  A: n x n, symmetric\n"
                                     "  S: {positive_definite: true}\n"
                                     "objective: tr(A X) + tr(S X)\nwrt: X\n"))
    assert p.symbols["A"].shape == ("n", "n") and p.symbols["A"].has("symmetric")
    assert p.symbols["S"].shape == ("n", "n") and p.symbols["S"].has("invertible")
    assert p.symbols.names() == ("A", "S", "X")


@pytest.mark.parametrize("declaration, value, expected", [
    ("X: {shape: [n, n], symmetric: true}", "true", True),
    ("X: {positive_definite: true}", "true", True),
    ("X: n x n, symmetric", "false", False),
    ("X: {shape: [n, m]}", "false", False),     # false is always allowed
])
def test_symmetric_gradient(write, declaration, value, expected):
    (p,) = load_file(write("s.yaml", f"title: T\nsymbols:\n  {declaration}\n"
                                     f"objective: tr(A X)\nwrt: X\nsymmetric_gradient: {value}\n"))
    assert p.symmetric_gradient is expected
    (q,) = load_file(write("t.yaml", "title: T\nobjective: tr(A X)\nwrt: X\n"))
    assert q.symmetric_gradient is False


def test_declared_but_unused_symbols_are_kept(write):
    (p,) = load_file(write("a.yaml", "title: T\nsymbols:\n  B: {shape: [3, 3]}\n"
                                     "objective: tr(X)\nwrt: X\n"))
    assert p.symbols["B"].shape == (3, 3)


# ----- errors name the file, the line and the key -----------------------------------------------

ERRORS = [
    # name, text, exact message after "problems/<name>:"
    ("wrong-wrt.yaml", QUADRATIC.replace("wrt: X", "wrt: Y"),
     "7: wrt: 'Y' is not a symbol of the objective (symbols: A, X)"),
    ("typo.yaml", "title: T\nobjectve: tr(X)\nwrt: X\n",
     "2: unknown key 'objectve'; did you mean 'objective'?"),
    ("alien.yaml", "title: T\nobjective: tr(X)\nwrt: X\ncolour: red\n",
     "4: unknown key 'colour'; valid keys: title, number, label, symbols, objective, where, wrt, "
     "method, "
     "solve, expect, solution, statement, symmetric_gradient, hessian, newton, sympy, reveal, "
     "edition, points, code"),
    ("set-key.yaml", "title: T\ndescription: Traces.\nobjective: tr(X)\nwrt: X\n",
     "2: unknown key 'description'; a set's description goes in set.yaml beside the problem "
     "files"),
    ("symgrad-not-symmetric.yaml", "title: T\nobjective: tr(A X)\nwrt: X\n"
                                   "symmetric_gradient: true\n",
     "4: symmetric_gradient: only meaningful when the variable is a symmetric matrix, but X is "
     "not declared symmetric or positive_definite; declare it, e.g. `symbols: {X: {shape: "
     "[n, n], symmetric: true}}`, or remove `symmetric_gradient`"),
    ("symgrad-bool.yaml", "title: T\nsymbols:\n  X: {symmetric: true}\nobjective: tr(A X)\n"
                          "wrt: X\nsymmetric_gradient: sometimes\n",
     "6: symmetric_gradient: expected true or false, found 'sometimes'"),
    ("no-title.yaml", "objective: tr(X)\nwrt: X\n",
     "1: title: missing; every problem needs it, e.g. `title: Trace of a product`"),
    ("no-objective.yaml", "title: T\nwrt: X\n",
     "1: objective: missing; every problem needs it, e.g. `objective: tr(X^T A X)`"),
    ("no-wrt.yaml", "title: T\nobjective: tr(X)\n",
     "1: wrt: missing; every problem needs it, e.g. `wrt: X`"),
    ("empty-objective.yaml", "title: T\nobjective:\nwrt: X\n",
     "2: objective: is empty; write a value, e.g. `objective: tr(X^T A X)`"),
    ("title-list.yaml", "title: [a, b]\nobjective: tr(X)\nwrt: X\n",
     "1: title: expected text, found a list; e.g. `title: Trace of a product`"),
    ("solve.yaml", "title: T\nobjective: tr(X)\nwrt: X\nsolve: maybe\n",
     "4: solve: expected true or false, found 'maybe'"),
    ("number.yaml", "title: T\nnumber: -3\nobjective: tr(X)\nwrt: X\n",
     "2: number: expected a positive whole number, found '-3'; e.g. `number: 5`"),
    ("method.yaml", "title: T\nobjective: tr(X)\nwrt: X\nmethod: diferential\n",
     "4: method: 'diferential' is not a method; use differential or elementwise"),
    ("twice.yaml", "title: T\nobjective: tr(X)\ntitle: U\nwrt: X\n",
     "3: title: appears twice (first on line 1); keep one"),
    ("symbols.yaml", "title: T\nsymbols: [A]\nobjective: tr(X)\nwrt: X\n",
     "2: symbols: expected a mapping of names, found a list; e.g. `symbols: {A: {shape: [n, n]}}`"),
    ("symkey.yaml", "title: T\nsymbols:\n  A: {shape: [n, n], symetric: true}\n"
                    "objective: tr(A X)\nwrt: X\n",
     "3: symbols: A: unknown key 'symetric'; did you mean 'symmetric'?"),
    ("dim.yaml", "title: T\nsymbols:\n  A:\n    shape: [n, 0]\nobjective: tr(A X)\nwrt: X\n",
     "4: symbols: A: shape: a dimension must be positive, not 0"),   # as --let says it
    ("bool.yaml", "title: T\nsymbols:\n  A:\n    shape: [true, n]\nobjective: tr(A X)\nwrt: X\n",
     "4: symbols: A: shape: 'true' is not a dimension; a dimension is a name such as n or a "
     "positive integer"),
    ("huge.yaml", "title: T\nsymbols:\n  X:\n    shape: [3000, 3000]\nobjective: tr(X)\n"
                  "wrt: X\n",
     "4: symbols: X: shape: a fixed dimension may be at most 100 (every line is checked on "
     "instances of that size), not 3000; write a name such as n: the derivation is the same "
     "for every size"),
    ("square.yaml", "title: T\nsymbols:\n  A: {shape: [n, m], symmetric: true}\n"
                    "objective: tr(A X)\nwrt: X\n",
     "3: symbols: A: A is symmetric but its shape n x m is not square; give it a shape such "
     "as [n, n]"),
    ("identity.yaml", "title: T\nsymbols:\n  I: {shape: [n, n]}\nobjective: tr(X)\nwrt: X\n",
     "3: symbols: `I` is reserved (the identity or a function); choose another name"),
    ("constant-wrt.yaml", "title: T\nsymbols:\n  X: {shape: [n, n], constant: true}\n"
                          "objective: tr(X)\nwrt: X\n",
     "3: symbols: X: X is the variable (wrt: X), so it cannot be constant; remove `constant`"),
    ("solution.yaml", "title: T\nobjective: tr(X)\nwrt: X\nsolution: X\n",
     "4: solution: given without `solve: true`; add `solve: true` or remove it"),
    ("expect-symbol.yaml", "title: T\nobjective: tr(A X)\nwrt: X\nexpect: B^T\n",
     "4: expect: 'B' is not a symbol of the objective (symbols: A, X)"),
    ("expect-shape.yaml", "title: T\nobjective: tr(A X)\nwrt: X\nexpect: A\n",
     "4: expect: the gradient with respect to X has the shape of X (n x m), but `A` is m x n"),
    ("shape.yaml", "title: T\nsymbols:\n  A: {shape: [n, n]}\n  X: {shape: [m, m]}\n"
                   "objective: tr(A X)\nwrt: X\n",
     "5: objective: shape mismatch in `A X`: A is n x n but X is m x m (the columns of A must "
     "equal the rows of X)"),
    ("expect-mismatch.yaml", "title: T\nobjective: '||A x - b||^2'\nwrt: x\nsolve: true\n"
                             "solution: A + b\n",
     "5: solution: shape mismatch in `A + b`: A is m x n but b is m x 1 (the terms of a sum "
     "must have the same shape); b was inferred to be a column vector from its name: declare it "
     "a scalar (`b: {shape: []}` in a file, `--let \"b: scalar\"` on the command line) if it "
     "is one"),
    ("not-scalar.yaml", "title: T\nobjective: x^T A x + c\nwrt: x\n",
     "2: objective: the objective `x^T A x + c` is m x 1 only because c, added to scalars, "
     "was inferred to be a column vector from its name: declare it a scalar (`c: {shape: []}` "
     "in a file, `--let \"c: scalar\"` on the command line) if it is one (to derive the "
     "Jacobian of the vector, declare its shape, e.g. `c: {shape: [m]}`)"),
    ("unsized.yaml", "title: T\nobjective: tr(X) + tr(I)\nwrt: X\n",
     "2: objective: the size of the identity in `tr(I)` is not known: nothing around it "
     "fixes it; write it with its size, e.g. `I_n` or `I_3`"),
    ("norm.yaml", "title: T\nobjective: '||X||'\nwrt: X\n",
     "2: objective: `||X||`: X is a matrix (n x m) and `||.||` is the norm of a vector; "
     "write `||X||_F` for the Frobenius norm"),
]


@pytest.mark.parametrize("name, text, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_each_error_names_file_line_and_key(write, name, text, message):
    assert error_of(write(name, text)) == f"problems/{name}:{message}"


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty; write a mapping with title, objective and wrt (or a list under "
         "`problems:`)"),
    ("# only a comment\n", "the file is empty"),
    ("- title: T\n", "1: expected a mapping with title, objective and wrt (or a list under "
                     "`problems:`), found a list"),
    ("just words\n", "1: expected a mapping"),
    (b"\x00\x01binary", "not a text file (it contains NUL bytes)"),
    ("title: Caf\xe9\n".encode("latin-1"), "1:11: not UTF-8 text (byte 0xe9); save the file "
                                           "as UTF-8"),
])
def test_files_that_are_not_a_problem_mapping(write, text, message):
    path = write("odd.yaml", text)
    assert error_of(path).startswith(f"{path}{'' if message[0].isdigit() else ': '}"
                                     f"{':' if message[0].isdigit() else ''}{message}")


def test_a_missing_file_and_a_folder_are_clear_errors(write, tmp_path):
    assert error_of("problems/none.yaml") == "problems/none.yaml: no such file"
    assert "is a folder" in error_of("problems")


# ----- YAML and math syntax errors show where, with a caret ---------------------------------------

def test_a_yaml_syntax_error_shows_the_line_and_a_caret(write):
    path = write("06.yaml", "title: Regression\nobjective: ||A x - b||^2\nwrt: x\n")
    assert error_of(path) == (
        "problems/06.yaml:2:13: YAML syntax error: expected chomping or indentation indicators, "
        "but found '|'; a value starting with | must be quoted: `objective: \"||A x - b||^2\"`\n"
        "  objective: ||A x - b||^2\n"
        "              ^")


@pytest.mark.parametrize("text, hint", [
    ("title: T\n\tobjective: tr(X)\n", "2:1: YAML syntax error: found character '\\t' that "
                                        "cannot start any token; indent with spaces"),
    ("title: T\nobjective: tr(X): 2\n", "2:17: YAML syntax error: mapping values are not "
                                         "allowed here; a value that contains ': ' must be quoted"),
    ("title: T\n---\ntitle: U\n", "2:1: YAML syntax error: expected a single document in the "
                                   "stream, but found another document; a file holds one YAML "
                                   "document; list several problems under `problems:`"),
])
def test_common_yaml_mistakes_get_a_hint(write, text, hint):
    assert error_of(write("y.yaml", text)).startswith(f"problems/y.yaml:{hint}")


MATH_ERRORS = [
    # a file whose objective has a syntax error; the file line and column of the culprit
    ("title: T\nobjective: tr(X ++ A)\nwrt: X\n", 2, 18),
    ("title: T\nobjective:     tr(X ++ A)\nwrt: X\n", 2, 22),
    ('title: T\nobjective: "tr(X ++ A)"\nwrt: X\n', 2, 19),
    ("title: T\nobjective: 'X'' ++ A'\nwrt: X\n", 2, 18),
    ("title: T\nobjective: |\n  tr(X^T A X)\n    + tr(X ++ A)\nwrt: X\n", 4, 13),
    ("problems:\n  - title: T\n    objective: tr(X)\n    wrt: X\n"
     "  - title: U\n    objective: tr(X ++ A)\n    wrt: X\n", 6, 22),
]


@pytest.mark.parametrize("text, line, column", MATH_ERRORS)
def test_a_math_syntax_error_points_at_the_column_in_the_file(write, text, line, column):
    message = error_of(write("m.yaml", text))
    assert message.startswith(f"problems/m.yaml:{line}:{column}: objective: unexpected '+'")
    assert text.splitlines()[line - 1][column - 1] == "+"
    shown, caret = message.splitlines()[1:3]
    assert shown.strip() and caret.index("^") - 2 == shown[2:].index("++") + 1


def test_a_math_syntax_error_in_expect_names_expect(write):
    message = error_of(write("e.yaml", "title: T\nobjective: tr(A X)\nwrt: X\nexpect: A^T)\n"))
    assert message.startswith("problems/e.yaml:4:12: expect: ")


# ----- files with a list of problems, and folders ------------------------------------------------

LIST = """\
problems:
  - title: First
    objective: tr(A X)
    wrt: X
  - title: Second
    number: 8
    objective: x^T A x
    wrt: x
"""


def test_a_file_may_hold_a_list_of_problems(write):
    first, second = load_file(write("list.yaml", LIST))
    assert (first.title, first.source.line) == ("First", 2)
    assert (second.title, second.number, second.source.line) == ("Second", 8, 5)
    assert str(second.source) == "problems/list.yaml:5"


@pytest.mark.parametrize("text, message", [
    ("problems: []\n", "1: problems: expected a list of problems (`- title: ...`), found a list"),
    ("problems:\n  - title: A\n    objective: tr(X)\n    wrt: X\n  - 5\n",
     "5: problems: item 2 is '5'; each item is a mapping with title, objective and wrt"),
    ("title: x\nproblems:\n  - title: A\n    objective: tr(X)\n    wrt: X\n",
     "1: unknown key 'title' beside `problems:`; a file with a problem list holds only the list"),
    (LIST.replace("wrt: x", "wrt: y"),
     "8: wrt: 'y' is not a symbol of the objective (symbols: A, x)"),
])
def test_errors_in_a_list_of_problems(write, text, message):
    assert error_of(write("l.yaml", text)) == f"problems/l.yaml:{message}"


def test_a_folder_loads_sorted_by_number_then_file_name(write, tmp_path):
    write("b.yaml", "title: B\nnumber: 2\nobjective: tr(X)\nwrt: X\n")
    write("a.yaml", "title: A\nobjective: tr(X)\nwrt: X\n")
    write("c.yml", "title: C\nnumber: 1\nobjective: tr(X)\nwrt: X\n")
    write("0.yaml", "problems:\n  - {title: Z1, objective: tr(X), wrt: X}\n"
                    "  - {title: Z2, objective: tr(X), wrt: X, number: 3}\n")
    write("notes.txt", "not a problem")
    (tmp_path / "problems" / "sub").mkdir()
    (tmp_path / "problems" / "sub" / "d.yaml").write_text("nonsense: [")
    titles = [p.title for p in load_directory("problems")]
    assert titles == ["C", "B", "Z2", "Z1", "A"]


def test_two_problems_with_one_number_are_an_error(write):
    write("a.yaml", "title: A\nnumber: 2\nobjective: tr(X)\nwrt: X\n")
    write("b.yaml", "title: B\nnumber: 2\nobjective: tr(X)\nwrt: X\n")
    with pytest.raises(ProblemError) as err:
        load_directory("problems")
    assert str(err.value) == ("problems/b.yaml:1: number: 2 is also the number of the problem at "
                              "problems/a.yaml:1; give each problem its own number")


def test_an_empty_or_missing_folder_is_an_error(write):
    with pytest.raises(ProblemError, match="no problem files"):
        load_directory("problems")
    with pytest.raises(ProblemError, match="no such folder"):
        load_directory("elsewhere")


def test_every_problem_of_the_repository_loads():
    problems = load_directory(REPO_PROBLEMS)
    assert len(problems) >= 3
    by_number = {p.number: p for p in problems}
    assert by_number[4].symbols["A"].shape == ("m", "n")
    assert by_number[6].solve and str(by_number[6].solution) == "(A^T A)^-1 A^T b"
    for path in sorted(REPO_PROBLEMS.glob("*.y*ml")):
        assert load_file(path)


# ----- never a traceback -----------------------------------------------------------------------

@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="title:objectivewrX tr()^T|-\n'\"[]{},#A 01", max_size=80))
def test_any_text_is_a_problem_or_one_clear_error(write, text):
    path = write("fuzz.yaml", text)
    try:
        load_file(path)
    except TracetrickError as err:
        assert str(err).startswith("problems/fuzz.yaml")


# ----- --let and the command line ------------------------------------------------------------

@pytest.mark.parametrize("text, name, shape, props", [
    ("A: n x n, constant", "A", ("n", "n"), set()),
    ("A: n x n, symmetric", "A", ("n", "n"), {"symmetric"}),
    ("x: n", "x", ("n",), set()),
    ("alpha: scalar", "alpha", (), set()),
    ("X: 3 x 4", "X", (3, 4), set()),
    ("S: 3 x 3, positive_definite", "S", (3, 3), {"positive_definite"}),
    ("S: n × n, positive definite, diagonal", "S", ("n", "n"), {"positive_definite", "diagonal"}),
    ("B: n*m", "B", ("n", "m"), set()),
    ("B: 3x4", "B", (3, 4), set()),
    ("  W :  k x k ,  invertible ", "W", ("k", "k"), {"invertible"}),
])
def test_let_forms(text, name, shape, props):
    info = parse_let(text)
    assert (info.name, info.shape, set(info.properties)) == (name, shape, props)
    assert info.declared


@pytest.mark.parametrize("text, why", [
    ("A n x n", "expected 'NAME: SHAPE[, PROPERTY...]'"),
    ("A: n y n", "'n y n' is not a dimension"),
    ("A: n x m x k", "'n x m x k' has 3 dimensions; at most two"),
    ("A: 0 x 3", "a dimension must be positive, not 0"),
    ("A: n x n, symetric", "unknown property 'symetric'; did you mean 'symmetric'?"),
    ("A: n x m, symmetric", "A is symmetric but its shape n x m is not square"),
    ("tr: n x n", "`tr` is reserved"),
    ("2A: n", "'2A' is not a symbol name"),
])
def test_bad_let_forms_say_what_would_be_right(text, why):
    with pytest.raises(ProblemError) as err:
        parse_let(text)
    assert str(err.value).startswith(f"--let '{text}': {why}")
    assert str(err.value).endswith("write it like 'A: n x n, constant', 'x: n', 'alpha: scalar' "
                                   "or 'X: 3 x 4, positive_definite'")


def test_problem_from_text():
    p = problem_from_text("tr(X^T A X)", "X", ("A: n x n, symmetric",))
    assert p.title == "Gradient of `tr(X^T A X)`"
    assert p.objective_text == "tr(X^T A X)"
    assert [(s.name, s.shape, s.constant) for s in p.symbols.symbols] == [
        ("A", ("n", "n"), True), ("X", ("n", "m"), False)]
    assert problem_from_text("||A x - b||^2", "x", solve=True, title="LS").solve


@pytest.mark.parametrize("args, kwargs, message", [
    (("tr(A X)", "Y"), {}, "--wrt: 'Y' is not a symbol of the objective (symbols: A, X)"),
    (("tr(X)", "X", ("X: n x n", "X: n x n")), {}, "--let 'X: n x n': X is declared twice"),
    (("tr(X)", "X", ("X: n x n, constant",)), {}, "--let 'X: n x n, constant': X is the variable"),
    (("tr(X)", "X"), {"method": "magic"}, "--method: 'magic' is not a method"),
])
def test_problem_from_text_errors(args, kwargs, message):
    with pytest.raises(ProblemError) as err:
        problem_from_text(*args, **kwargs)
    assert str(err.value).startswith(message)


def test_problem_from_text_symmetric_gradient():
    p = problem_from_text("logdet(X)", "X", ("X: n x n, symmetric",), symmetric_gradient=True)
    assert p.symmetric_gradient
    assert not problem_from_text("logdet(X)", "X").symmetric_gradient
    with pytest.raises(ProblemError) as err:
        problem_from_text("logdet(X)", "X", symmetric_gradient=True)
    assert str(err.value) == (
        "--symmetric-gradient: only meaningful when the variable is a symmetric matrix, but X "
        "is not declared symmetric or positive_definite; declare it, e.g. --let \"X: n x n, "
        "symmetric\", or drop --symmetric-gradient")


def test_set_yaml_is_not_a_problem(write):
    write("set.yaml", "title: Traces\n")
    write("a.yaml", "title: A\nobjective: tr(X)\nwrt: X\n")
    assert [p.title for p in load_directory("problems")] == ["A"]
    assert error_of("problems/set.yaml") == (
        "problems/set.yaml: set.yaml gives the title and description of the set in its folder; "
        "it is not a problem file")


def test_problem_from_text_passes_math_and_shape_errors_through():
    with pytest.raises(MathSyntaxError) as err:
        problem_from_text("tr(X ++ A)", "X")
    assert err.value.column == 7
    with pytest.raises(ShapeError, match="the objective `x\\^T A x \\+ c` is m x 1 only"):
        problem_from_text("x^T A x + c", "x")
