"""The checks evaluate each line once on all the draws (generator/check/numeric.py: every
value rule works on a stack of matrices): the stack's values are each draw's own, and
a verification costs the same number of evaluations whatever the number of draws."""
from __future__ import annotations

import numpy as np
import pytest

from corpus import CORPUS
from generator.api import derive
from generator.check import numeric, verify
from generator.check.numeric import Evaluator, UnluckyInstance, draw_instance
from generator.problem.command_line import problem_from_text
from generator.syntax import parse

ROWS = [row for row in CORPUS if not row.solve][::3]   # a third of the corpus, every kind


def _problem(row):
    return problem_from_text(row.objective, row.wrt, row.lets, hessian=row.hessian is not None)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_a_stack_of_draws_evaluates_to_each_draws_own_value(row):
    """The objective and the answer on a stack of 3 draws, against each draw alone."""
    problem = _problem(row)
    answer = derive(problem, verify=False).gradient
    rng = np.random.default_rng(7)
    for _ in range(20):
        inst = draw_instance(problem.symbols, problem.wrt, rng, draws=3)
        stacked = Evaluator(inst.values, inst.dims)
        try:
            values = [stacked(e) for e in (problem.objective, answer)]
            alone = [[Evaluator({k: v[i] for k, v in inst.values.items()}, inst.dims)(e)
                      for i in range(3)] for e in (problem.objective, answer)]
        except UnluckyInstance:
            continue
        for value, each in zip(values, alone):
            if value.ndim == 2:   # a constant (the identity): the same in every draw
                value = np.broadcast_to(value, (3, *value.shape))
            assert value.shape == (3, *each[0].shape)
            for i in range(3):
                assert np.allclose(value[i], each[i], rtol=1e-10, atol=1e-12)
        return
    pytest.skip("no draw of 3 in the domain")


def test_kron_vec_and_a_symbolic_power_evaluate_draw_by_draw():
    """The rules that are not plain numpy broadcasts: kron, vec, diag, a matrix power with
    an exponent that differs from draw to draw."""
    from generator.math.symbols import SymbolInfo, SymbolTable
    table = SymbolTable((SymbolInfo("A", ("n", "n")), SymbolInfo("B", ("m", "n")),
                         SymbolInfo("x", ("n", 1)),
                         SymbolInfo("k", (), properties=frozenset({"integer"}))))
    rng = np.random.default_rng(3)
    inst = draw_instance(table, "A", rng, draws=4)
    assert len({float(v[0, 0]) for v in inst.values["k"]}) > 1   # the exponents differ
    stacked = Evaluator(inst.values, inst.dims)
    for text in ("kron(A, B)", "vec(B)", "diag(x)", "diag(A)", "A^k", "softmax(x)",
                 "logsumexp(x)", "||B||"):
        e = parse(text)
        value = stacked(e)
        for i in range(4):
            own = Evaluator({k: v[i] for k, v in inst.values.items()}, inst.dims)(e)
            assert np.allclose(value[i], own), text


def test_a_verification_evaluates_each_line_once_for_all_draws(monkeypatch):
    """The same claim verified with 3 draws and with 1 makes the same number of
    evaluations: the draws are one stack, not one pass each."""
    d = derive(problem_from_text("x^T A x + sum(exp(B x))", "x", ("B: m x n",)),
               verify=False)
    from generator.check.verify import Claim
    claim = Claim(d.problem.objective, "x", d.symbols, {}, d.steps, d.gradient,
                  names=d.names)
    calls = {"n": 0}
    real = numeric.Evaluator._eval

    def counted(self, e):
        calls["n"] += 1
        return real(self, e)

    monkeypatch.setattr(numeric.Evaluator, "_eval", counted)
    counts = {}
    for trials in (1, 3):
        monkeypatch.setattr(verify, "TRIALS", trials)
        calls["n"] = 0
        result = verify.verify(claim)
        assert result.trials == trials and result.checks == trials * (len(d.steps) + 1)
        counts[trials] = calls["n"]
    assert counts[3] == counts[1] > 0


def test_agree_measures_a_difference_as_the_checks_measure_a_line():
    """Two values that both vanish by cancelling parts (`X X^-1 A - A`) agree with 0: the
    difference is measured against the parts' rounding noise, not against itself; a real
    difference is still found."""
    from generator.check.verify import agree
    from generator.math.symbols import SymbolInfo, SymbolTable
    table = SymbolTable((SymbolInfo("X", ("n", "n")), SymbolInfo("A", ("n", "n"))))
    assert agree(parse("X X^-1 A - A"), parse("0 A"), table, "X") < 1e-8
    assert agree(parse("X X^-1 A"), parse("A"), table, "X") < 1e-8
    assert agree(parse("X X^-1 A"), parse("2 A"), table, "X") > 0.1
    assert agree(parse("X^T A"), parse("A X"), table, "X") > 0.1
