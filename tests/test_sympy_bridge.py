"""The second opinion from sympy: recorded, never trusted over the numeric check."""
from __future__ import annotations

from dataclasses import replace

import pytest

from generator.api import derive
from generator.problem.command_line import problem_from_text
from generator.syntax.parser import parse
from generator.check.sympy_bridge import from_sympy, sympy_gradient, to_sympy
from generator.check.verify import agree
from generator.math.shapes import infer_shapes


@pytest.mark.parametrize("text", ["tr(X^T A X)", "(A + A^T) X", "2 A^T (A X - B)",
                                  "X^-1 A", "det(X) tr(X)", "(X + I) A", "1/2 X^T"])
def test_translation_round_trip(text):
    """Through sympy and back, the expression keeps its value on random instances."""
    problem = problem_from_text(f"tr({text})", "X")
    (expr,) = infer_shapes(parse(text), {s.name: replace(s, declared=True)
                                         for s in problem.symbols.symbols}, "X").exprs
    back = from_sympy(to_sympy(expr, problem.symbols))
    assert agree(expr, back, problem.symbols, "X") < 1e-12


def test_a_changed_translation_would_be_caught():
    problem = problem_from_text("tr(X A)", "X")
    assert agree(parse("X A"), parse("A X"), problem.symbols, "X") > 1e-3


def _asking_sympy(objective: str, wrt: str):
    return replace(problem_from_text(objective, wrt), sympy=True)


@pytest.mark.parametrize("objective, wrt", [("tr(X^T A X)", "X"), ("tr(A X)", "X"),
                                            ("||A x - b||^2", "x")])
def test_sympy_agrees_on_the_notes_problems(objective, wrt):
    assert derive(_asking_sympy(objective, wrt)).verification.sympy_agrees is True


def test_sympy_is_not_asked_unless_a_problem_or_the_command_line_asks(monkeypatch):
    """Its opinion costs more than the rest of a derivation: it is asked for."""
    import generator.check.sympy_bridge as bridge
    asked = []
    monkeypatch.setattr(bridge, "sympy_gradient", lambda *args: asked.append(args))
    derivation = derive(problem_from_text("tr(X^T A X)", "X"))
    assert derivation.verification.sympy_agrees is None and asked == []
    assert "sympy" not in derivation.verification.sympy_opinion


def test_sympy_is_wrong_on_log_det_and_we_say_so_after_checking_its_value():
    """sympy 1.14 returns 0 for d/dX log det X; our answer X^-T passes the numeric check,
    and sympy's 0 is put to the same check, which it fails."""
    problem = _asking_sympy("logdet(X)", "X")
    assert sympy_gradient(problem.objective, "X", problem.symbols) == parse("0")
    derivation = derive(problem)
    assert str(derivation.gradient) == "X^-T"
    assert derivation.verification.sympy_agrees is False
    assert "fails the same check" in derivation.verification.sympy_opinion


def test_a_value_of_sympys_that_passes_the_check_is_never_called_wrong(monkeypatch):
    """Were sympy's value told apart from ours (here: a comparison made to fail) while it
    passes the finite-difference check too, the sheet gives no verdict, not a false one."""
    import generator.check.verify as verify
    monkeypatch.setattr(verify, "agree", lambda *args, **kwargs: 1.0)
    derivation = derive(_asking_sympy("tr(X^T A X)", "X"))
    assert derivation.verification.sympy_agrees is None
