"""The engine's own quantities never share a name with the user's symbols (issue 10).

A user may call a matrix L, G, R, d or Q.  The objective (`L`), the matrix of the
theorem (`G`) and a named repeated subexpression (`R`) are then printed under other
names, every line is still checked, and the answer is the one written by hand.
"""
from __future__ import annotations

import subprocess
import sys

import pytest

from generator.api import derive_text
from generator.engine.names import RESIDUAL_NAMES, engine_names, fresh_name, residual_name
from generator.math.expr import Quantity, Symbol
from generator.render.text import render_text
from generator.syntax.parser import parse
from generator.check.verify import agree
from generator.render.sheet import sheet_of


def _lhs_quantities(derivation) -> set[Quantity]:
    found = set()
    for step in sheet_of(derivation):
        for line in step.lines:
            if line.lhs is not None:
                found |= {n for n in line.lhs.walk() if isinstance(n, Quantity)}
    return found


@pytest.mark.parametrize("objective, wrt, expected", [
    ("tr(L X)", "X", "L^T"),
    ("tr(X^T G X)", "X", "(G + G^T) X"),
    ("tr(L^T G X) + tr(X^T X)", "X", "G^T L + 2 X"),
    ("d^T X d", "X", "d d^T"),
    ("tr(R S X) + ||A X - B||_F^2", "X", "S^T R^T + 2 A^T (A X - B)"),
])
def test_a_user_symbol_named_like_an_engine_quantity_keeps_its_meaning(objective, wrt, expected):
    derivation = derive_text(objective, wrt)
    assert derivation.verification.trials == 3
    table = derivation.symbols
    assert agree(parse(expected), derivation.gradient, table, wrt) < 1e-9
    user = set(derivation.problem.symbols.names())
    for quantity in _lhs_quantities(derivation):
        assert quantity.name not in user, quantity


def test_the_sheet_calls_the_objective_f_when_the_user_has_an_l():
    text = render_text(derive_text("tr(L X)", "X"))
    assert "Let f = tr(L X)" in text
    assert "df = d(tr(L X))" in text
    assert "Answer: grad_X f = L^T" in text


def test_the_theorem_matrix_is_h_when_the_user_has_a_g():
    text = render_text(derive_text("tr(X^T G X)", "X"))
    assert "H^T = X^T (G^T + G)" in text
    assert "=> H = (G + G^T) X" in text


def test_a_named_residual_skips_the_users_r():
    derivation = derive_text("tr(R X) + ||A X - B||_F^2", "X")
    named = [n for n in derivation.symbols.names() if n not in derivation.problem.symbols.names()]
    assert named == ["S"]
    assert agree(parse("R^T + 2 A^T (A X - B)"), derivation.gradient,
                 derivation.symbols, "X") < 1e-9


def test_fresh_names_avoid_the_taken_ones_and_each_other():
    names = engine_names({"L", "f", "G"})
    assert (names.objective.name, names.gradient.name) == ("J", "H")
    assert fresh_name(("L",), {"L", "L_1"}) == "L_2"
    assert residual_name(set(RESIDUAL_NAMES[:2]), engine_names()) == RESIDUAL_NAMES[2]
    assert residual_name(set(RESIDUAL_NAMES), engine_names()) == "R_1"


def test_a_quantity_is_not_the_symbol_it_prints_as():
    names = engine_names()
    assert names.objective != Symbol("L") and str(names.objective) == "L"


def test_the_cli_derives_tr_l_x_as_a_subprocess():
    proc = subprocess.run([sys.executable, "-m", "generator", "derive", "tr(L X)", "--wrt", "X"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "grad_X f = L^T" in proc.stdout


def test_the_named_residual_is_the_engines_quantity_not_a_symbol():
    derivation = derive_text("||A x - b||^2", "x")
    named = [step.changed for step in derivation.steps if step.rule == "introduce-name"]
    assert named == [Quantity("residual", "R")]
    assert all(not (isinstance(n, Symbol) and n.name == "R")
               for step in derivation.steps for n in step.expr.walk())
    assert str(named[0]) == "R"
