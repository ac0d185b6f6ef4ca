"""General terms (generator/math/indexed.py, generator/engine/rules_general.py): a long
regular product is worked on by its period, its differential by the j-th term of a sum
over j, and the answer is written out where it must read back.  Each rule is checked
numerically, the evaluation of a run against its product written out, and whole
derivations against an independent directional derivative."""
from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from generator.api import derive, problem_context
from complex_step import value_along
from generator.check.numeric import STEP, Evaluator, draw_instance
from generator.check.verify import magnitude, relative_error
from generator.engine import catalogue as cat
from generator.engine.context import Context
from generator.engine.phase_rules import DEFAULT_PHASE_RULES
from generator.engine.recorder import Recorder, rewrite_first
from generator.engine.rule import Rule
from generator.engine.rules_general import with_general_terms
from generator.errors import VerificationError
from generator.math.expr import Differential, Mul, Symbol, Trace, Transpose, mul
from generator.math.indexed import Bound, IndexedSum, Run, is_general, spelled_out
from generator.problem.command_line import problem_from_text
from generator.render.text import render_text
from generator.syntax import parse, to_text
from generator.syntax.latex import to_latex


def _lets(*families: str, k: int = 6, shape: str = "n x n") -> tuple[str, ...]:
    return tuple(f"{f}{i}: {shape}" for f in families for i in range(1, k + 1))


def _chain(k: int, period: str = "A{} X") -> str:
    return "tr(" + " ".join(period.format(i) for i in range(1, k + 1)) + ")"


def _problem(objective: str, lets: tuple[str, ...], wrt: str = "X"):
    return problem_from_text(objective, wrt, lets)


def _context(objective: str, lets: tuple[str, ...]) -> tuple[Context, object]:
    problem = _problem(objective, lets)
    return problem_context(problem), problem.objective


def _value(expr, ctx: Context, seed: int) -> np.ndarray:
    return value_along(expr, ctx.table, ctx.wrt, seed)


def _same_value(a, b, ctx: Context) -> None:
    for seed in range(3):
        assert relative_error(_value(a, ctx, seed), _value(b, ctx, seed)) < 1e-9


# ----- writing a product by its period --------------------------------------------------

def test_a_long_run_that_holds_the_variable_is_written_by_its_period():
    ctx, objective = _context(_chain(6), _lets("A"))
    written = with_general_terms(objective, ctx)
    assert isinstance(written, Trace) and isinstance(written.arg, Run)
    run = written.arg
    assert (run.first.value, run.last.value, run.step) == (1, 6, 1)
    assert spelled_out(written) == objective       # nothing but notation
    assert to_text(written) == "tr(A1 X ... A6 X)"
    _same_value(written, objective, ctx)


@pytest.mark.parametrize("objective, wrt, lets, why", [
    (_chain(4), "X", _lets("A", k=4), "four periods: too short to be worth a general term"),
    ("tr(A1 A2 A3 A4 A5 A6 X)", "X", _lets("A"), "the run is constant: nothing to differentiate"),
    ("tr(X1 B X2 B X3 B X4 B X5 B)", "X1", _lets("X", k=5) + ("B: n x n",),
     "the numbered names vary: X1 is the variable"),
    ("log(" + " + ".join(f"x^T A{i} x" for i in range(1, 6)) + ")", "x", _lets("A", k=5),
     "a sum inside a function: its copies would stand beside the sum of its differentials"),
    ("tr(A1 X A2 X A3 X A4 X A5 X)", "X", ("A1: n x n", "A2: n x n", "A3: n x n",
                                           "A4: n x n", "A5: n x n", "X: n x n"),
     None),
])
def test_what_is_not_written_by_its_period(objective, wrt, lets, why):
    problem = problem_from_text(objective, wrt, lets)
    ctx = problem_context(problem)
    written = with_general_terms(problem.objective, ctx)
    if why is None:   # the control: the same run, written by its period
        assert is_general(written)
    else:
        assert not is_general(written), why


def test_a_long_sum_of_terms_alike_is_written_by_its_term():
    problem = problem_from_text(" + ".join(f"x^T A{i} x + b{i}^T x" for i in range(1, 6)),
                                "x", _lets("A", k=5) + _lets("b", k=5, shape="n x 1"))
    ctx = problem_context(problem)
    written = with_general_terms(problem.objective, ctx)
    assert [type(t) for t in written.terms] == [IndexedSum, IndexedSum]   # one per family
    assert to_text(written) == "(sum_(i=1)^5 x^T A_i x) + sum_(i=1)^5 b_i^T x"
    assert sorted(map(str, spelled_out(written).terms)) == \
        sorted(map(str, problem.objective.terms))
    _same_value(written, problem.objective, ctx)
    # a period that holds a constant term is no sum to work on: it stays as written
    problem = problem_from_text(" + ".join(f"x^T A{i} x + tr(B{i})" for i in range(1, 6)),
                                "x", _lets("A", "B", k=5))
    assert not is_general(with_general_terms(problem.objective, problem_context(problem)))


def test_a_sum_over_i_before_another_term_is_written_in_parentheses():
    problem = _problem(" + ".join(f"tr(A{i} X)" for i in range(1, 6)) + " + tr(B X)",
                       _lets("A", k=5) + ("B: n x n",))
    d = derive(problem)
    ((_, shown),) = d.shown_answers
    assert to_text(shown) == "(sum_(i=1)^5 A_i^T) + B^T"
    assert to_latex(shown).startswith(r"\left(\sum_{i=1}^{5} A_{i}^{T}\right) + ")


def test_a_run_numbered_down_or_with_a_longer_period_is_written_too():
    ctx, objective = _context("tr(A6 X A5 X A4 X A3 X A2 X A1 X)", _lets("A"))
    run = with_general_terms(objective, ctx).arg
    assert (run.first.value, run.last.value, run.step) == (6, 1, -1)
    ctx, objective = _context(_chain(5, "A{0} X B{0}"), _lets("A", "B", k=5))
    written = with_general_terms(objective, ctx)
    assert isinstance(written.arg, Run) and spelled_out(written) == objective
    assert to_text(written) == "tr(A1 X B1 ... A5 X B5)"


def test_a_member_is_written_as_its_family_is_named():
    ctx, objective = _context(_chain(5, "W_{} X"), _lets("W_", k=5))
    d = derive(_problem(_chain(5, "W_{} X"), _lets("W_", k=5)))
    assert is_general(with_general_terms(objective, ctx))
    sheet = render_text(d)
    assert "W_j dX" in sheet and "W_(j+1)" in sheet          # W_j, never W__j
    assert r"W_{j+1}" in to_latex(d.shown_answers[0][1])


# ----- the rules, each on its own -------------------------------------------------------

def _chain_context(k: int = 6):
    ctx, objective = _context(_chain(k), _lets("A", k=k))
    return ctx, with_general_terms(objective, ctx).arg


def _apply(rule_id: str, expr, ctx: Context):
    found = rewrite_first(expr, (cat.rule(rule_id),), ctx)
    assert found is not None, f"{rule_id} did not apply to {expr}"
    return found[1]


def test_the_product_rule_on_a_run_gives_a_sum_over_j_of_the_same_value():
    ctx, run = _chain_context()
    summed = _apply("differential-run", Differential(run), ctx)
    assert isinstance(summed, IndexedSum)
    assert to_text(summed) == "sum_(j=1)^6 A1 X ... A_(j-1) X d(A_j X) A_(j+1) X ... A6 X"
    _same_value(summed, Differential(run), ctx)
    # written out, the sum is the product rule's six terms
    assert len(spelled_out(summed).terms) == 6


def _differential_pushed(ctx: Context, run: Run):
    """d of the run, pushed in by the differential phase: the sum over j of A_j dX."""
    rec = Recorder(ctx)
    return rec.exhaust(Symbol("dL"), Differential(run), DEFAULT_PHASE_RULES.differential)


def test_the_rules_of_a_sum_over_j_keep_its_value():
    ctx, run = _chain_context()
    summed = _differential_pushed(ctx, run)
    assert to_text(summed) == "sum_(j=1)^6 A1 X ... A_(j-1) X A_j dX A_(j+1) X ... A6 X"
    traced = _apply("sum-over-j-linearity", Trace(summed), ctx)
    assert isinstance(traced, IndexedSum) and isinstance(traced.body, Trace)
    _same_value(traced, Trace(summed), ctx)
    B = Symbol("A1")   # an n x n constant beside the sum
    product = _apply("sum-over-j-linearity", mul(B, summed, B), ctx)
    assert isinstance(product, IndexedSum)
    _same_value(product, mul(B, summed, B), ctx)
    cycled = _apply("trace-cyclic", traced, ctx)
    collected = _apply("sum-over-j-collect", cycled, ctx)
    assert isinstance(collected, Trace) and collected.arg.factors[-1] == Differential(Symbol("X"))
    _same_value(collected, traced, ctx)
    coefficient = collected.arg.factors[0]
    flipped = _apply("transpose-sum-over-j", Transpose(coefficient), ctx)
    assert isinstance(flipped, IndexedSum)
    _same_value(flipped, Transpose(coefficient), ctx)
    reversed_run = _apply("transpose-run", Transpose(run), ctx)
    assert isinstance(reversed_run, Run) and reversed_run.step == -1
    assert spelled_out(reversed_run) == mul(
        *(Transpose(run.instance(i)) for i in reversed(run.numbers())))
    _same_value(reversed_run, Transpose(run), ctx)


def test_a_sum_is_not_collected_where_its_terms_hold_other_differentials():
    ctx, run = _chain_context()
    summed = _apply("differential-run", Differential(run), ctx)
    # d(A_j X) is still whole: the differential is not the last factor alone
    assert rewrite_first(IndexedSum(Trace(summed.body), "j", summed.first, summed.last),
                         (cat.rule("sum-over-j-collect"),), ctx) is None


# ----- the numbers ------------------------------------------------------------------------

def test_a_run_and_a_sum_evaluate_to_their_products_written_out_in_any_order():
    ctx, run = _chain_context(9)
    inst = draw_instance(ctx.table, "X", np.random.default_rng(4), draws=3)
    written = Evaluator(inst.values, inst.dims)
    # each run leaves its prefixes and suffixes behind for the next: the parts of the
    # sum's terms evaluated in its order, backwards and out of order, against written out
    for order in (range(1, 10), range(9, 0, -1), (5, 2, 8)):
        ev = Evaluator(inst.values, inst.dims)
        for j in order:
            for part in (run.up_to(j - 1), run.down_from(j + 1), run.up_to(j)):
                assert np.allclose(ev(part), written(spelled_out(part)))
    summed = _differential_pushed(ctx, run)
    ev = Evaluator(inst.values, inst.dims, {"X": inst.direction})
    plain = Evaluator(inst.values, inst.dims, {"X": inst.direction})
    assert ev(summed).shape == (3, 3, 3) or ev(summed).shape[0] == 3
    assert np.allclose(ev(summed), plain(spelled_out(summed)))


def test_a_run_is_measured_as_its_product_written_out():
    ctx, run = _chain_context(7)
    inst = draw_instance(ctx.table, "X", np.random.default_rng(2), draws=3)
    ev = Evaluator(inst.values, inst.dims)
    period_products = Mul(tuple(run.instance(i) for i in run.numbers()))
    assert np.allclose(magnitude(run, Evaluator(inst.values, inst.dims)),
                       magnitude(period_products, ev))
    # a sum over j counts each term's size, as a sum written out does
    summed = IndexedSum(mul(run.up_to(2), run.down_from(3)), "j", run.first, run.first)
    assert np.allclose(magnitude(summed, Evaluator(inst.values, inst.dims)),
                       magnitude(run, Evaluator(inst.values, inst.dims)))


# ----- whole derivations ------------------------------------------------------------------

def _directional(objective, gradient, table, seed: int, wrt: str = "X"):
    """d L along a random direction, by complex step on the objective alone, and
    tr(G^T E): the derivation's answer put to a check that shares nothing with it."""
    inst = draw_instance(table, wrt, np.random.default_rng(seed))
    perturbed = dict(inst.values)
    perturbed[wrt] = inst.values[wrt] + 1j * STEP * inst.direction
    by_step = np.imag(Evaluator(perturbed, inst.dims)(objective)) / STEP
    g = Evaluator(inst.values, inst.dims)(gradient)
    return by_step.reshape(-1), np.array([np.sum(g * inst.direction)])


@pytest.mark.parametrize("objective, lets", [
    (_chain(6), _lets("A")),
    (_chain(12), _lets("A", k=12)),
    ("tr(A6 X A5 X A4 X A3 X A2 X A1 X)", _lets("A")),
    ("tr(C " + _chain(5)[3:], _lets("A", k=5) + ("C: n x n",)),
    ("3 " + _chain(5) + " + tr(B X)", _lets("A", k=5) + ("B: n x n",)),
    ("x^T A1 X A2 X A3 X A4 X A5 X y", _lets("A", k=5)),
    (_chain(5, "A{0} X B{0}"), _lets("A", "B", k=5)),
    (_chain(5, "A{} X^T"), _lets("A", k=5)),
    (_chain(6, "A{} X"), _lets("A", shape="m x n") + ("X: n x m",)),
    (_chain(5) + " + " + _chain(5, "B{} X"), _lets("A", "B", k=5)),
    # sums the problem wrote, by their term (the product rule's j, the sum's own i)
    (" + ".join(f"tr(A{i} X)" for i in range(1, 7)) + " + tr(B X)", _lets("A") + ("B: n x n",)),
    (" + ".join(f"tr(X^T A{i} X)" for i in range(6, 0, -1)), _lets("A")),
    (" + ".join(f"tr(X^T A{i} X) + tr(C{i} X)" for i in range(1, 6)), _lets("A", "C", k=5)),
    (" + ".join(f"sum(exp(A{i} X))" for i in range(1, 6)), _lets("A", k=5)),
    # the run inside a transpose, a norm, a square, beside other terms
    ("tr((" + _chain(5)[3:-1] + ")^T B)", _lets("A", k=5) + ("B: n x n",)),
    ("||" + _chain(5)[3:-1] + "||_F^2", _lets("A", k=5)),
    ("tr((" + _chain(5)[3:-1] + ")^2)", _lets("A", k=5)),
    ("tr(X^T X) + " + _chain(5), _lets("A", k=5)),
    # a part that is another in each term (A_i x - b_i) is not named once: no R
    (" + ".join(f"||A{i} x - b{i}||^2" for i in range(1, 6)), _lets("A", k=5, shape="m x n")),
])
def test_a_general_term_derivation_is_right_and_its_answer_reads_back(objective, lets):
    wrt = "x" if " x" in objective else "X"
    problem = _problem(objective, lets, wrt)
    d = derive(problem)
    ((_, shown),) = d.shown_answers
    assert is_general(shown) and not is_general(d.gradient)
    assert "sum_(j=" in render_text(d) or "sum_(i=" in render_text(d)
    for seed in range(3):
        by_step, by_answer = _directional(problem.objective, d.gradient, d.symbols, seed, wrt)
        assert np.allclose(by_step, by_answer, rtol=1e-8, atol=1e-10)
    # the written-out answer reads back, and the JSON gives both forms
    from generator.output.formats import FORMATS, text_of
    fmt = next(f for f in FORMATS if f.name == "json")
    data = json.loads(text_of([d], "single", fmt, title="chain"))
    assert parse(data["gradient"]) == parse(to_text(d.gradient))
    assert "sum_(" in data["layered"][wrt]


@pytest.mark.parametrize("objective", [
    _chain, lambda k: " + ".join(f"x^T A{i} x" for i in range(1, k + 1))],
    ids=["chain", "quadratic forms"])
def test_the_derivation_of_a_long_chain_or_sum_is_as_long_for_any_k(objective):
    def derivation_length(k: int) -> int:   # from Step 1 on: the statement lists k names
        wrt = "X" if objective(1).startswith("tr") else "x"
        sheet = render_text(derive(_problem(objective(k), _lets("A", k=k), wrt)))
        return len(sheet[sheet.index("Step 1"):])

    lengths = {k: derivation_length(k) for k in (16, 64)}
    # every line holds one general term: longer by the digits of k, not by k
    assert lengths[64] < 1.05 * lengths[16]


def test_a_wrong_general_term_is_caught_by_the_checks():
    """A product rule that leaves out the last term of the sum over j prints a false
    line; the checks stop it (they can fire on a general term)."""
    real = cat.rule("differential-run")

    def one_term_short(node, ctx):
        found = real.apply(node, ctx)
        if found is None:
            return None
        return replace(found, last=found.last.shifted(-1))

    broken = Rule(real.id, real.group, real.name, real.law, real.says, one_term_short,
                  law_latex=real.law_latex)
    phases = replace(DEFAULT_PHASE_RULES, differential=tuple(
        broken if r.id == real.id else r for r in DEFAULT_PHASE_RULES.differential))
    with pytest.raises(VerificationError):
        derive(_problem(_chain(6), _lets("A")), phases=phases)


def test_a_hessian_of_a_chain_is_derived_on_the_answer_written_out():
    """The gradient is found by its general term; the Hessian, a Jacobian of it, works on
    it written out (every line checked, as always)."""
    problem = problem_from_text(_chain(5), "X", _lets("A", k=5), hessian=True)
    d = derive(problem)
    assert is_general(d.shown_answers[0][1])
    assert d.second_order is not None and not is_general(d.second_order.hessian)


def test_a_sum_over_i_with_two_variables_is_split_by_differential():
    """sum_i (tr(y^T A_i^T dx) + tr(x^T A_i dy)): each gradient is read from its own sum."""
    from generator.check.verify import agree
    problem = problem_from_text(" + ".join(f"x^T A{i} y" for i in range(1, 6)), ("x", "y"))
    d = derive(problem)
    assert "sum-over-j-split" in [s.rule for s in d.steps]
    expected = {"x": "(A1 + A2 + A3 + A4 + A5) y", "y": "(A1 + A2 + A3 + A4 + A5)^T x"}
    for variable, gradient in d.gradients:
        assert agree(gradient, parse(expected[variable]), d.symbols, variable) < 1e-9
    ctx = problem_context(problem)
    summed = IndexedSum(parse("tr(y^T A1^T dx) + tr(x^T A1 dy)", differentials=True),
                        "i", Bound(None, 1), Bound(None, 1))
    split = _apply("sum-over-j-split", summed, replace(ctx, wrt="x"))
    assert len(split.terms) == 2
    assert rewrite_first(IndexedSum(parse("tr(y^T A1^T dx) + tr(A1 dx)", differentials=True),
                                    "i", Bound(None, 1), Bound(None, 1)),
                         (cat.rule("sum-over-j-split"),), ctx) is None   # one differential


def test_a_term_of_transposes_is_written_as_one_transpose():
    """sum_j A_j^T (run of transposes) = sum_j (run forwards A_j)^T, as the Cookbook
    writes sum_r (X^r A X^(k-r-1))^T; not where a factor is no transpose."""
    ctx, run = _chain_context()
    flipped = _apply("transpose-run", Transpose(run.up_to(3)), ctx)
    inner = Recorder(ctx).exhaust(Symbol("G"), flipped, DEFAULT_PHASE_RULES.normal)
    summed = IndexedSum(mul(Transpose(Symbol("A1")), inner), "j", Bound(None, 1), Bound(None, 2))
    gathered = _apply("transpose-gathered-over-j", summed, ctx)
    assert to_text(gathered) == "sum_(j=1)^2 (A1 X A2 X A3 X A1)^T"
    _same_value(gathered, summed, ctx)
    assert rewrite_first(IndexedSum(mul(Symbol("A1"), inner), "j", Bound(None, 1),
                                    Bound(None, 2)),
                         (cat.rule("transpose-gathered-over-j"),), ctx) is None
