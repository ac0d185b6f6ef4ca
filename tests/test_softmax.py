"""softmax and log-sum-exp (contract 5.1): named in answers, recognised where written out,
and the refusals of before that were bugs, each graded by finite differences of the
objective's own values (not by the engine)."""
from __future__ import annotations

import numpy as np
import pytest

from generator.api import derive_text
from generator.check.numeric import Evaluator
from generator.errors import ProblemError, ShapeError
from random_objectives import grade
from test_jacobian import finite_difference_jacobian


@pytest.mark.parametrize("text, wrt, lets, answer", [
    # written out, recognised before the differential: the answer names the softmax
    ("log(exp(z) / sum(exp(z)))", "z", (), "I_n - ones(n) softmax(z)^T"),
    ("exp(z) / sum(exp(z))", "z", (), "diag(softmax(z)) - softmax(z) softmax(z)^T"),
    ("log(softmax(W x))", "x", ("W: m x n",), "W - ones(m) softmax(W x)^T W"),
])
def test_a_jacobian_through_the_softmax(text, wrt, lets, answer):
    derivation = derive_text(text, wrt, lets)
    assert str(derivation.gradient) == answer
    expected, inst = finite_difference_jacobian(derivation.problem)
    ours = np.real(Evaluator(inst.values, inst.dims)(derivation.gradient))
    assert np.allclose(ours, expected, atol=1e-6)


@pytest.mark.parametrize("text, wrt, answer", [
    ("log(sum(exp(x)))", "x", "softmax(x)"),
    ("logsumexp(A x - b)", "x", "A^T softmax(A x - b)"),
    ("-b^T log(softmax(X x))", "x", "sum(b) X^T softmax(X x) - X^T b"),
    ("b^T softmax(x)", "x", "b .* softmax(x) - softmax(x) softmax(x)^T b"),
    # the refusals of before (issue 13), now derived
    ("(x - alpha)^T (x - alpha)", "alpha", "-2 sum(x^T - alpha)"),
    ("sum(log(exp(b)) .* x)", "x", "log(exp(b))"),
    ("sum(log(exp(X)))", "X", "ones(n, n)"),
])
def test_a_gradient_through_softmax_and_log_sum_exp(text, wrt, answer):
    assert grade(text, wrt) == ("ok", "")
    lets = ("X: n x n", "A: n x n", "alpha: scalar")
    assert str(derive_text(text, wrt, lets).gradient) == answer


@pytest.mark.parametrize("text, message", [
    ("softmax(X)", "softmax takes a column vector"),
    ("logsumexp(x^T)", "logsumexp takes a column vector"),
])
def test_a_softmax_of_what_is_not_a_column_is_refused(text, message):
    with pytest.raises(ShapeError, match=message):
        derive_text(f"sum({text})", "X" if "X" in text else "x", ("X: n x m",))


# ----- a target that sums to one (`sums_to_one`) ------------------------------------------

def test_a_target_declared_to_sum_to_one_lands_on_softmax_minus_y():
    from generator.api import derive_text
    from generator.render.sheet import sheet_of
    declared = derive_text("-y^T log(softmax(W x))", "W", ("y: k, sums_to_one",))
    assert str(declared.gradient) == "(softmax(W x) - y) x^T"
    last = sheet_of(declared)[-1].lines[-1]
    assert last.note == "as the entries of `y` sum to 1"
    # without the declaration the answer holds for any y, and keeps sum(y)
    general = derive_text("-y^T log(softmax(W x))", "W", ("y: k",))
    assert str(general.gradient) == "(sum(y) softmax(W x) - y) x^T"


def test_sum_to_one_needs_the_declaration_and_a_vector():
    from generator.engine import catalogue as cat
    from generator.engine.context import Context
    from generator.math.expr import ONE, SumEntries, Symbol
    from generator.math.symbols import SymbolInfo, SymbolTable
    rule = cat.rule("sum-to-one")
    for properties, expected in ((frozenset({"sums_to_one"}), ONE), (frozenset(), None)):
        table = SymbolTable((SymbolInfo("y", ("k",), properties=properties),
                             SymbolInfo("x", ("k",), constant=False)))
        assert rule.apply(SumEntries(Symbol("y")), Context.of_problem(table, ("x",))) == expected
    with pytest.raises(ProblemError, match="sums to one, which is said of a column vector"):
        from generator.problem.command_line import problem_from_text
        problem_from_text("tr(Y X)", "X", ("Y: k x k, sums_to_one",))


def test_a_target_that_sums_to_one_is_drawn_so():
    import numpy as np
    from generator.check.numeric import draw_instance
    from generator.math.symbols import SymbolInfo, SymbolTable
    table = SymbolTable((SymbolInfo("y", ("k",), properties=frozenset({"sums_to_one"})),
                         SymbolInfo("z", ("k",), constant=False)))
    for seed in range(5):
        inst = draw_instance(table, "z", np.random.default_rng(seed), positive=frozenset({"y"}))
        assert abs(inst.values["y"].sum() - 1) < 1e-12
