"""The entry-by-entry method of the notes' first page (T1: grad_A tr(AB) = B^T)."""
from __future__ import annotations

import pytest

from generator.api import derive
from generator.errors import StuckError
from generator.problem.command_line import problem_from_text
from generator.render.latex_sheet import math_printer
from generator.syntax.printer import to_text
from generator.check.verify import agree
from generator.render.sheet import sheet_of

CASES = [  # (objective, wrt, the answer as a teacher writes it)
    ("tr(A B)", "A", "B^T"),
    ("tr(A X)", "X", "A^T"),
    ("a^T X b", "X", "a b^T"),
    ("x^T A x", "x", "(A + A^T) x"),
    ("tr(X^T A X)", "X", "(A + A^T) X"),
    ("||A x - b||^2", "x", "2 A^T (A x - b)"),
    ("tr(A B A^T C)", "A", "C^T A B^T + C A B"),
]


def elementwise(objective: str, wrt: str):
    return derive(problem_from_text(objective, wrt, method="elementwise"))


def test_t1_entry_by_entry_golden():
    d = elementwise("tr(A B)", "A")
    assert [s.rule for s in d.steps] == [
        "index-expand", "index-differentiate", "kronecker-collapse", "gradient-definition",
        "index-assemble", "index-assemble", "index-name"]
    lines = {s.rule: to_text(s.expr) for s in d.steps}
    # entries in lower case, as the notes write them: a_ij, b_ji
    assert lines["index-expand"] == "sum_{i,j} a_ij b_ji"
    assert lines["index-differentiate"] == "sum_{i,j} delta_ip delta_jq b_ji"
    assert lines["kronecker-collapse"] == "b_qp"
    assert lines["index-name"] == "B^T"
    assert [s.title for s in sheet_of(d)] == [
        "Write `L` with indices", "Differentiate with respect to one entry `a_pq`",
        "Assemble the matrix of partial derivatives"]
    assert d.verification.max_rel_error < 1e-12


@pytest.mark.parametrize("objective, wrt, answer", CASES)
def test_both_methods_give_the_same_answer(objective, wrt, answer):
    by_entries = elementwise(objective, wrt)
    problem = problem_from_text(objective, wrt)
    by_differentials = derive(problem)
    assert to_text(by_entries.gradient) == to_text(by_differentials.gradient) == answer
    assert agree(by_entries.gradient, by_differentials.gradient, problem.symbols, wrt) < 1e-12
    assert by_entries.verification.max_rel_error < 1e-9


def test_the_matrix_of_partials_is_written_out_as_in_the_notes():
    d = elementwise("tr(A B)", "A")
    latex = math_printer(d)
    assembled = [s.expr for s in d.steps if s.rule == "index-assemble"][0]
    text = latex(assembled)
    assert text.startswith(r"\begin{bmatrix}") and text.endswith(r"\end{bmatrix}")
    assert r"\cdots" in text and r"\vdots" in text and r"\ddots" in text
    assert "b_{11}" in text and "b_{21}" in text      # entry (1, 2) is b_21: the transpose
    partials = latex([s.expr for s in d.steps if s.rule == "gradient-definition"][0])
    assert r"\frac{\partial L}{\partial a_{11}}" in partials


def test_a_wrong_index_step_is_caught():
    """Tamper with the collapse: verification must stop the derivation."""
    from generator.errors import VerificationError
    from generator.index import calculus, method
    original = calculus.collapse

    def wrong(poly):
        good = original(poly)
        from generator.math.index_nodes import Monomial, IndexSum
        return IndexSum(tuple(Monomial(2 * m.coefficient, m.factors, m.summed)
                          for m in good.terms), good.free, good.sizes)
    method.collapse = wrong
    try:
        with pytest.raises(VerificationError, match="kronecker-collapse"):
            elementwise("tr(A X)", "X")
    finally:
        method.collapse = original


def test_what_indices_cannot_write_is_a_clear_error():
    with pytest.raises(StuckError, match="method: differential"):
        elementwise("tr(X^-1)", "X")


def test_every_node_type_is_in_each_printers_table_and_an_unknown_one_is_an_error():
    """One dispatch table per concern: the text and LaTeX printers know every node of the
    tree and of the index notation; a node type they do not know is an error, not a
    guess (the evaluator and the shape rules likewise)."""
    from dataclasses import dataclass

    from generator.check.numeric import EvaluationError, Evaluator
    from generator.errors import ShapeError
    from generator.math import expr as tree, index_nodes
    from generator.math.shapes import shape_of
    from generator.math.symbols import SymbolTable
    from generator.syntax import latex, printer
    nodes = [cls for module in (tree, index_nodes) for cls in vars(module).values()
             if isinstance(cls, type) and issubclass(cls, tree.Expr)
             and cls not in (tree.Expr, tree.Unary)]
    assert len(nodes) >= 20
    from generator.check import numeric
    for cls in nodes:
        assert cls in printer._text.registry, cls
        assert cls in latex._METHODS, cls
        # L has a value through its definition; an entry or a delta with its IndexSum
        assert cls in numeric._VALUES or cls in (tree.Quantity, index_nodes.Entry,
                                                 index_nodes.Delta), cls

    @dataclass(frozen=True)
    class Unknown(tree.Expr):
        pass
    with pytest.raises(TypeError):
        printer.to_text(Unknown())
    with pytest.raises(TypeError):
        latex.to_latex(Unknown())
    with pytest.raises(ShapeError):
        shape_of(Unknown(), SymbolTable(()))
    with pytest.raises(EvaluationError):
        Evaluator({}, {})(Unknown())


@pytest.mark.parametrize("method", ["differential", "elementwise"])
def test_t2_the_gradient_with_respect_to_a_transpose(method):
    """The notes' T2: grad_{A^T} f(A) = (grad_A f(A))^T, proved as the notes prove it,
    from the matrix of partials (citing T2 would prove it by itself)."""
    d = derive(problem_from_text("tr(A B)", "A^T", method=method))
    assert to_text(d.gradient) == "B"
    rules = [s.rule for s in d.steps]
    assert "gradient-transposed" not in rules
    assert rules[-3:] == ["gradient-definition", "index-name", "substitute"] or \
        rules[-4:-1] == ["gradient-definition", "index-name", "substitute"]
    last = sheet_of(d)[-1]
    assert last.title == "The gradient with respect to `A^T`, from the matrix of partial " \
        "derivatives"
    assert [to_text(line.rhs) for line in last.lines][-2:] == ["(grad_A L)^T", "B"]
    assert "dL/da_21" in to_text(last.lines[1].rhs)    # the entries of A^T: a_qp
    assert d.problem.wrt_text == "A^T"


def test_a_matrix_of_partials_with_its_indices_swapped_is_the_transpose():
    """The check reads the indices of a matrix of partials: `[dL/da_qp]_pq` is the
    transpose of `[dL/da_pq]_pq`, so a sheet that printed one for the other fails."""
    import numpy as np
    from generator.check.numeric import Evaluator
    from generator.math.index_nodes import COL, ROW
    from generator.math.index_nodes import ExplicitMatrix, Partial
    from generator.syntax.parser import parse
    objective = parse("tr(A B)")
    rng = np.random.default_rng(3)
    values = {"A": rng.normal(size=(3, 3)), "B": rng.normal(size=(3, 3))}
    ev = Evaluator(values, {"n": 3})
    straight = ev(ExplicitMatrix(Partial(objective, "A", ROW, COL), ROW, COL, "n", "n"))
    swapped = ev(ExplicitMatrix(Partial(objective, "A", COL, ROW), ROW, COL, "n", "n"))
    assert np.allclose(straight, values["B"].T) and np.allclose(swapped, values["B"])
