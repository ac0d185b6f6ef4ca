"""Golden derivations of the notes' Problems 4, 5 and 6, from the real YAML files.

Each golden row fixes the rules applied, in order, and the answer; the answer is
also checked independently against a hand-written formula by finite differences.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from generator.api import derive
from generator.problem.loader import load_file
from generator.syntax.parser import parse
from generator.syntax.printer import to_text
from generator.check.verify import agree
from generator.render.sheet import sheet_of

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"

GOLDEN = {
    "04-trace-linear.yaml": (
        ["differential-trace", "differential-product", "identify-gradient"],
        "A^T", None),
    "05-trace-quadratic.yaml": (
        ["differential-trace", "differential-product", "differential-transpose", "trace-sum",
         "trace-transpose", "transpose-product", "trace-collect",
         "factor-common", "identify-gradient", "transpose-product", "transpose-sum",
         "transpose-transpose"],
        "(A + A^T) X", None),
    "06-linear-regression.yaml": (
        ["norm-squared", "introduce-name", "scalar-as-trace", "differential-trace",
         "differential-product", "differential-transpose", "trace-sum", "trace-transpose",
         "transpose-product", "trace-collect", "collect-like-terms",
         "differential-sum", "differential-product", "differential-constant", "drop-zero",
         "substitute", "substitute", "identify-gradient", "transpose-product",
         "solve-set-zero", "distribute", "solve-move-constant",
         "solve-cancel-scalar", "solve-invert"],
        "2 A^T (A x - b)", "(A^T A)^-1 A^T b"),
}


@pytest.fixture(scope="module", params=sorted(GOLDEN))
def golden(request):
    (problem,) = load_file(PROBLEMS / request.param)
    return request.param, problem, derive(problem)


def test_rules_in_order(golden):
    name, _, derivation = golden
    assert [s.rule for s in derivation.steps] == GOLDEN[name][0]


def test_answer_as_a_teacher_writes_it(golden):
    name, _, derivation = golden
    assert to_text(derivation.gradient) == GOLDEN[name][1]
    if GOLDEN[name][2] is not None:
        assert to_text(derivation.solution) == GOLDEN[name][2]


def test_every_step_was_verified(golden):
    _, _, derivation = golden
    v = derivation.verification
    assert v.trials == 3 and v.max_rel_error < 1e-9
    assert v.checks >= 3 * len(derivation.steps)


def test_answer_agrees_with_an_independent_formula(golden):
    """Hand-written gradients (the notes' answers), compared by value."""
    name, problem, derivation = golden
    independent = {"04-trace-linear.yaml": "A^T", "05-trace-quadratic.yaml": "A X + A^T X",
                   "06-linear-regression.yaml": "2 A^T A x - 2 A^T b"}[name]
    assert agree(parse(independent), derivation.gradient, problem.symbols, problem.wrt) < 1e-12


def _derived(name: str):
    (problem,) = load_file(PROBLEMS / name)
    return derive(problem)


def test_problem_5_sheet_reads_like_the_notes():
    derivation = _derived("05-trace-quadratic.yaml")
    titles = [s.title for s in sheet_of(derivation)]
    assert titles == [
        "Take the differential of both sides",
        "Since the trace is a sum and d is a linear operator, we can swap d and tr; use the "
        "product rule of the differential",
        "The trace of a sum is the sum of the traces",
        "A matrix and its transpose have the same trace",
        "Identify `G`"]
    rhs = [to_text(line.rhs) for line in sheet_of(derivation)[1].lines]
    assert rhs[-1] == "tr(dX^T A X + X^T A dX)"
    collect = [to_text(line.rhs) for line in sheet_of(derivation)[3].lines]
    assert collect[-1] == "tr(X^T (A^T + A) dX)"


def test_problem_6_states_what_must_be_invertible():
    derivation = _derived("06-linear-regression.yaml")
    assert [str(c) for c in derivation.conditions] == ["A^T A is invertible"]
    notes = [line.note_math for s in sheet_of(derivation) for line in s.lines if line.note_math]
    assert parse("A x - b") in notes  # "where R = A x - b", as in the notes


def test_problem_6_finds_dr_as_the_notes_do():
    """Notes: dR = d(Ax - b) = A dx - db (db crossed out: b is constant) = A dx."""
    derivation = _derived("06-linear-regression.yaml")
    (step,) = [s for s in sheet_of(derivation) if s.title == "Find `dR`"]
    assert [to_text(line.rhs) for line in step.lines] == [
        "d(A x - b)", "d(A x) - db", "A dx - db", "A dx"]
    assert step.lines[-2].struck == parse("db", differentials=True)   # crossed out there
    assert step.lines[-1].note == "as `b` is constant"
    assert [line.struck for line in step.lines[:-2] + step.lines[-1:]] == [None] * 3


def test_a_line_that_cannot_be_evaluated_is_named_not_blamed_on_bad_luck():
    """An instance where a matrix is singular is drawn again; a line that can never be
    evaluated (an engine bug) stops at once and names the line."""
    from generator.errors import VerificationError
    from generator.math.expr import Identity, Symbol
    from generator.check.verify import Claim, verify
    from generator.derivation import Step
    (problem,) = load_file(PROBLEMS / "04-trace-linear.yaml")
    good = derive(problem)
    bad = Step("bogus-rule", "", Symbol("L"), Identity(None))
    claim = Claim(problem.objective, problem.wrt, good.symbols or problem.symbols, {},
                  (bad,), good.gradient)
    with pytest.raises(VerificationError) as err:
        verify(claim)
    message = str(err.value)
    assert "step 1 (bogus-rule) could not be evaluated" in message
    assert "an identity whose size is not known" in message and "invertible" not in message


def test_a_wrong_rule_is_caught_by_verification():
    """Break the product rule (drop a term): the numeric check must stop the sheet."""
    from generator.engine import rules_differential as rd
    from generator.errors import VerificationError
    from generator.math.expr import Differential, Mul, add, d, mul

    def broken(node, ctx):
        if isinstance(node, Differential) and isinstance(node.arg, Mul):
            f = node.arg.factors
            return add(mul(*f[:-1], d(f[-1])))
        return None

    from dataclasses import replace

    from generator.engine.phase_rules import DEFAULT_PHASE_RULES
    product = next(r for r in rd.RULES if r.id == "differential-product")
    swapped = tuple(replace(r, apply=broken) if r == product else r
                    for r in DEFAULT_PHASE_RULES.differential)
    (problem,) = load_file(PROBLEMS / "05-trace-quadratic.yaml")
    with pytest.raises(VerificationError, match="differential-product"):
        derive(problem, phases=replace(DEFAULT_PHASE_RULES, differential=swapped))
    assert derive(problem).gradient is not None   # the catalogue itself is untouched


CANCELLING = ("tr(X X^-1 A)", "||(A + X^T X^-T + 3 I)^-1 A^T||_F^2", "tr(X^T X) - tr(X X^T)",
              "||X X^-1 A||_F^2",   # d(X X^-1 ...) is measured by its parts
              # ... and a named residual R by what it names (x^T (X - X^T) x is 0)
              "||norm(X (X^T A x - b))^2 (x^T (X - X^T) x) (sigmoid(X^-1) .* sigmoid(X^-1)) "
              "norm(A b)^2 X^-1 A b - b||^2")


@pytest.mark.parametrize("objective", CANCELLING)
def test_lines_whose_large_parts_cancel_pass_the_check_on_every_draw(objective, monkeypatch):
    """`G = 0` after X X^-1 cancelled is measured against the parts it came from, not
    against the rounding noise left (it failed on 16 of 40 draws of tr(X X^-1 A))."""
    import generator.api as api
    from generator.check.verify import verify
    from generator.problem.command_line import problem_from_text
    problem = problem_from_text(objective, "X", ("X: n x n", "A: n x n", "x: n", "b: n"))
    claims = []
    monkeypatch.setattr(api, "verify_claim",
                        lambda claim: claims.append(claim) or verify(claim, seed=0))
    gradient = to_text(derive(problem).gradient)
    # 0, but where the engine cannot see that x^T (X - X^T) x is 0
    assert gradient == "0" or "(X - X^T)" in objective
    (claim,) = claims   # what the sheet claims, checked on 29 more draws: no failure
    for seed in range(1, 30):
        verify(claim, seed=seed)


def test_a_small_gradient_beside_cancelling_parts_is_still_checked():
    """The parts of the lines before it do not excuse a wrong answer: 0 for
    tr(X X^-1 A) + tr(A X)/1000, whose gradient is A^T/1000, fails."""
    from generator.check.verify import Claim, verify
    from generator.errors import VerificationError
    from generator.math.expr import Number
    from generator.problem.command_line import problem_from_text
    problem = problem_from_text("tr(X X^-1 A) + tr(A X)/1000", "X", ("X: n x n", "A: n x n"))
    d = derive(problem)
    assert to_text(d.gradient) == "1/1000 A^T"
    for seed in range(10):
        with pytest.raises(VerificationError, match="fails the finite-difference check"):
            verify(Claim(problem.objective, "X", d.symbols, {}, d.steps, Number(0), None,
                         d.names), seed=seed)


def test_a_wrong_term_deep_in_a_long_gradient_is_caught(monkeypatch):
    """Let `sigmoid(X^T - X^T)` become `sigmoid(0)` again (a number where a matrix of
    1/2 stood): the lines after it are wrong by as much as they are worth, and the check
    must say so however deep the term sits.  It measured them against a bound of norms
    a million times too large and passed them (the fuzzer's one wrong answer)."""
    from generator.errors import VerificationError
    from generator.math import expr
    from generator.problem.command_line import problem_from_text
    monkeypatch.setattr(expr.Elementwise, "rebuild",
                        lambda self, kids: expr.Elementwise(self.func, kids[0]))
    problem = problem_from_text(
        "||(X^-1 A^T .* X A^T) sigmoid((X^T - X^T)) tr((X^T .* A)) sum(A^T) (x - b) - b||^2",
        "X", ("X: n x n", "A: n x n", "x: n", "b: n"))
    with pytest.raises(VerificationError, match="failed its numeric check"):
        derive(problem)


def test_expect_mismatch_is_a_problem_error(tmp_path):
    from generator.errors import ProblemError
    f = tmp_path / "p.yaml"
    f.write_text("title: T\nobjective: tr(X^T A X)\nwrt: X\nexpect: 2 A X\n")
    (problem,) = load_file(f)
    with pytest.raises(ProblemError, match="expect"):
        derive(problem)


@pytest.mark.parametrize("objective, wrt, expected", [
    ("tr(A X B)", "X", "A^T B^T"),
    ("x^T A x", "x", "(A + A^T) x"),
    ("a^T X b", "X", "a b^T"),
    ("tr(X^T X)", "X", "2 X"),
    ("||X||_F^2", "X", "2 X"),
    ("logdet(X)", "X", "X^-T"),
    ("tr(X^-1 A)", "X", "-X^-T A^T X^-T"),
    ("tr(A X) + tr(B X^T)", "X", "A^T + B"),
    ("tr(X^3)", "X", "3 (X^2)^T"),
    ("tr(X)^2", "X", "2 tr(X) I_n"),
    ("alpha tr(X^T X)", "X", "2 alpha X"),
    ("tr(X A X^T B)", "X", "B^T X A^T + B X A"),
    ("||A x - b||^2 + lambda ||x||^2", "x", "2 A^T (A x - b) + 2 lambda x"),
    # Simple objectives that looped, got stuck or failed their own check, found by a
    # sweep of a few thousand; identities of no given size:
    # factor-number and expand-identity looped on `2 (X + I)`
    ("tr(X^T X) + 2 tr(X)", "X", "2 X + 2 I_n"),
    # d(I) in a sum is zero of the sum's size; `c I` takes the size of its sum
    ("tr(A (X + I))", "X", "A^T"),
    ("||X - I||_F^2", "X", "2 X - 2 I_n"),
    ("tr(X - 2 I)", "X", "I_n"),
    # tr(dX^T) = tr(dX): the transpose is the whole argument of the trace
    ("tr(X^T)", "X", "I_n"),
    ("tr(X) + tr(X^T)", "X", "2 I_n"),
    # `A^T + I^T`, `(-A)^T + I^T`: a transposed I of no given size in a sum
    ("tr((A + I) X)", "X", "A^T + I_n"),
    ("tr(X^T (I - A) X)", "X", "(2 I_n - A - A^T) X"),
    # and `I x` (expand-identity) is as large as x, not an identity to size
    ("x^T (A + I) x", "x", "(A + A^T) x + 2 x"),
    # `I a a^T`: a leading I of no given size; its magnitude in a product
    ("||(X + I) a||^2", "X", "2 (X + I_n) a a^T"),
    # tr(X - I) = tr(X) + tr(-I_n): the identity split off gets its size ...
    ("tr(X - I)^2", "X", "2 tr(X - I_n) I_n"),
    # ... only when the term is c I: the I of `A I^T ...` is m x m, not n x n
    ("2 logdet(X^-1) + ||I (X A)^T||_F^2", "X", "2 X A A^T - 2 X^-T"),
    # dL = 0: `G^T = 0` is a 1 x 1 zero
    ("x^T x - ||x||^2", "x", "0"),
    ("tr(X^T X) - ||X||_F^2", "X", "0"),
    # tr(R^T dR) and tr(alpha dX) are traces of matrices of different sizes
    ("||A X B - C||_F^2 + alpha tr(X)", "X", "2 A^T (A X B - C) B^T + alpha I_n"),
    # factor-common with the middle `tr(X) I`: its size comes from dX, never `I_?`
    ("tr(X I) tr(X)", "X", "2 tr(X) I_n"),
    # `(3 I + 3 I^T) dX` and `G^T = 3 I + 3 I^T`: only dX tells the size of I
    ("3 tr((X + X^T) I)", "X", "6 I_n"),
    # `d(X I)` is as large as X, not the differential of an identity (which is 0)
    ("1/2 logdet(X I)", "X", "1/2 X^-T"),
    ("alpha ||I (X - I)||_F^2 - tr(X)", "X", "2 alpha (X - I_n) - I_n"),
    # `-tr(X) I` in a sum is an identity times a scalar, not a 1 x 1 broadcast
    ("2 det(X^-1) - ||X||_F^2 - tr(X I) tr(X)", "X", "-2 det(X^-1) X^-T - 2 X - 2 tr(X) I_n"),
    ("tr(X^T X) - tr(X I) tr(X)", "X", "2 X - 2 tr(X) I_n"),
    # hadamard-expand distributed the 2 of `2 (A^T X^T - B^T)`, factor-number took it out
    ("logdet(2 X A - 2 B) + tr(X)", "X", "(X A - B)^-T A^T + I_n"),
    # tr(A tr(dX)) = tr(A) tr(dX): a scalar holding dX leaves the outer trace
    ("tr(tr(X) X)", "X", "2 tr(X) I_n"),
    ("tr(tr(X) A)", "X", "tr(A) I_n"),
    # tr(P x^T dx Q) = tr(P Q) x^T dx: a 1 x 1 run holding dx leaves the outer trace
    # (the cyclic law moved `x^T dx` as a matrix: G^T = (A^T + A) x^T)
    ("tr(x^T x A)", "x", "2 tr(A) x"),
    # ... and the numeric check evaluates `A x^T x` as A times the scalar x^T x
    ("tr(A x^T x)", "x", "2 tr(A) x"),
    ("tr(X a^T a)", "X", "a^T a I_n"),
    ("tr(B x^T A x)", "x", "tr(B) (A + A^T) x"),
    ("tr(x^T A x B)", "x", "tr(B) (A + A^T) x"),
    ("tr(x^T x A) + x^T x", "x", "2 tr(A) x + 2 x"),
    # tr(a^T a dX): the coefficient `a^T a` is a 1 x 1 run, so G = a^T a I_n
    ("tr(a^T a X)", "X", "a^T a I_n"),
    # a bare I takes the size inference finds for it, wherever it stands (issue 10)
    ("sum(I .* X)", "X", "I_n"),
    ("x^T (alpha I) x", "x", "2 alpha x"),
    ("tr((A (I .* (x ones(n)^T)) A^T)^-1)", "x",
     "-((A^T (A (I_n .* (x ones(n)^T)) A^T)^-1 (A (I_n .* (x ones(n)^T)) A^T)^-1 A) .* I_n)"
     " ones(n)"),
    ("tr(I A I B) + tr(X)", "X", "I_n"),
    # a product keeps its scalar runs whole (`x^T (dx^T x) I x`), so every term reaches
    # tr(M dx) (issue 10)
    ("x^T (A + ||x||^2 I) x / (x^T x)", "x",
     "(x^T x)^-1 (A + A^T) x - 2 (x^T x)^-1 (x^T x)^-1 (x^T A x) x + 2 x"),
    ("tr((w^T w) X^-1)", "X", "-(w^T w) X^-T X^-T"),
    ("a^T (x^T x) F a", "x", "2 (a^T F a) x"),
    # issue 11's reproducers: trace-hadamard with no matrix (or only scalars) before the
    # Hadamard product wrote A = 1 where the law has I (a wrong line, caught by the check)
    ("-tr(exp(X))", "X", "-(I_n .* exp(X))"),
    ("tr(X .* X^-1)", "X", "I_n .* X^-1 - X^-T (I_n .* X) X^-T"),
    ("alpha tr(X^-1 .* A)", "X", "-alpha X^-T (I_n .* A) X^-T"),
    ("b^T X^T x tr(A .* X^T)", "X", "tr(A .* X^T) x b^T + (b^T X^T x) (I_n .* A)"),
    # ... a scalar holding dX that the cyclic move brings beside matrices leaves the trace
    ("||tr(X) A^T alpha||_F^2", "X", "2 alpha alpha tr(X) tr(A A^T) I_n"),
    # ... and the refusals that identities and scalar runs kept whole now derive
    ("tr(X) (a^T b)", "X", "(a^T b) I_n"),
    ("x^T I x", "x", "2 x"),
    ("q^T (I .* X) q", "X", "I_n .* (q q^T)"),
    # a scalar holding dx that left its trace in the tr(M dx) phase goes back into one
    # (it looped for 18 s, then stopped)
    ("||(x^T x) A||_F^2", "x", "4 (x^T x) tr(A^T A) x"),
    # a zero inside a transpose made the product it stood in zero (`2 A b 0^T x` was
    # refused as a shape mismatch)
    ("x^T (b - b) b^T x + x^T x", "x", "2 x"),
    ("tr(x (b - b)^T A x b^T) + b^T x", "x", "b"),
    # a squared norm inside a product is a 1 x 1 group, and a run of a product ends where
    # the rest still conforms (`x^T v^T v y` was refused)
    # under exp, sigmoid or log a sum that cancels keeps its shape: `sigmoid(X^T - X^T)`
    # is a matrix of 1/2, `sigmoid(0)` was the number 1/2 (a wrong answer, as checked)
    ("sum(exp(b - b)) x^T x", "x", "2 sum(exp(b - b)) x"),
    ("x^T exp(b - b) + x^T x", "x", "exp(b - b) + 2 x"),
    ("tr(sigmoid(A - A) X)", "X", "sigmoid(A - A)^T"),
    ("x^T ||(x^T x) A x||^2 b", "x", "(x^T x)^2 (x^T A^T A x) b + 4 (x^T x) (x^T b) "
                                     "(x^T A^T A x) x + 2 (x^T x)^2 (x^T b) A^T A x"),
])
def test_more_gradients_by_value(objective, wrt, expected):
    """Each derives, verifies, and agrees with a gradient written by hand."""
    from generator.problem.command_line import problem_from_text
    problem = problem_from_text(objective, wrt)
    derivation = derive(problem)
    assert derivation.verification.trials == 3
    table = derivation.symbols or problem.symbols
    assert agree(parse(expected), derivation.gradient, table, wrt) < 1e-9


@pytest.mark.parametrize("objective, wrt, solution, conditions", [
    ("||A x - b||^2", "x", "(A^T A)^-1 A^T b", ["A^T A is invertible"]),
    ("||A x - b||^2 + lambda ||x||^2", "x", "(A^T A + lambda I_n)^-1 A^T b",
     ["A^T A + lambda I_n is invertible"]),
    ("1/2 x^T A x - b^T x", "x", "2 (A + A^T)^-1 b", ["A + A^T is invertible"]),
    ("alpha x^T x - 2 b^T x", "x", "b / alpha", ["alpha is nonzero"]),
    ("3 x^T x - 2 b^T x", "x", "1/3 b", []),
    ("||X A - B||_F^2", "X", "B A^T (A A^T)^-1", ["A A^T is invertible"]),
])
def test_solve(objective, wrt, solution, conditions):
    from generator.problem.command_line import problem_from_text
    derivation = derive(problem_from_text(objective, wrt, solve=True))
    assert to_text(derivation.solution) == solution
    assert [str(c) for c in derivation.conditions] == conditions


@pytest.mark.parametrize("objective, wrt, words", [
    ("x^T A x x^T x", "x", "not linear"),
    ("tr(X^T A X B)", "X", "both sides"),
])
def test_solve_refuses_what_it_cannot_solve(objective, wrt, words):
    from generator.errors import StuckError
    from generator.problem.command_line import problem_from_text
    with pytest.raises(StuckError, match=words):
        derive(problem_from_text(objective, wrt, solve=True))


def test_a_sylvester_equation_is_named_as_a_teacher_writes_it():
    """The eigenvector problem of PCA: S W = W Lambda, not a bare refusal."""
    from generator.errors import StuckError
    from generator.problem.command_line import problem_from_text
    problem = problem_from_text("tr(W^T S W) - tr(W^T W Λ)", "W",
                                ("S: n x n, symmetric", "Λ: m x m, symmetric"), solve=True)
    with pytest.raises(StuckError, match=r"the Sylvester equation `S W = W Lambda`"):
        derive(problem)


@pytest.mark.parametrize("let, answer", [
    ("A: n x n, symmetric", "2 A x"),
    ("A: n x n, positive_definite", "2 A x"),
    ("A: n x n, diagonal", "2 A x"),
    ("A: n x n", "(A + A^T) x"),
])
def test_a_property_that_changes_the_answer_is_cited(let, answer):
    from generator.problem.command_line import problem_from_text
    d = derive(problem_from_text("x^T A x", "x", (let,)))
    assert to_text(d.gradient) == answer
    cited = [line.note for s in sheet_of(d) for line in s.lines if line.note.startswith("since")]
    assert cited == (["since `A` is symmetric"] if answer == "2 A x" else [])


@pytest.mark.parametrize("objective, expected", [
    ("alpha tr(A)", "tr(A)"),
    ("alpha^2 x^T x + alpha tr(A)", "2 alpha x^T x + tr(A)"),
    ("exp(alpha) sum(X)", "exp(alpha) sum(X)"),
    ("tr(alpha A X)", "tr(A X)"),
])
def test_a_scalar_variable(objective, expected):
    from generator.problem.command_line import problem_from_text
    problem = problem_from_text(objective, "alpha")
    d = derive(problem)
    assert agree(parse(expected), d.gradient, problem.symbols, "alpha") < 1e-9


def test_an_identity_that_nothing_sizes_any_more_is_printed_with_its_size():
    """`I I` in the objective becomes `I^2` inside a trace of the answer: printed bare,
    the answer would not read back (`the size of the identity ... is not known`)."""
    from generator.math.shapes import infer_shapes
    from generator.problem.command_line import problem_from_text
    problem = problem_from_text("tr(exp(sigmoid(A x x^T))) tr((A x x^T + A x x^T) - I I)", "x",
                                ("A: n x n", "x: n"))
    derivation = derive(problem)
    text = to_text(derivation.gradient)
    assert "tr(-I_n^2)" in text
    declared = {s.name: s for s in derivation.symbols.symbols}
    (back,) = infer_shapes(parse(text), declared, None).exprs
    assert agree(back, derivation.gradient, derivation.symbols, "x") < 1e-12
