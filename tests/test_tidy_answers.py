"""Answers as short as a textbook prints them (issue 14, point 3): each of these was
longer before the rule that fixes it, and `make bench` measures the whole corpus."""
from __future__ import annotations

import pytest

from generator.api import derive
from generator.problem.command_line import problem_from_text
from generator.syntax.printer import to_text

# (objective, variable, declarations, the answer as printed, the rule that makes it so)
TIDY = [
    ("tr(X^3)", "X", (), "3 (X^2)^T", "product-to-power"),
    ("tr(X^4)", "X", (), "4 (X^3)^T", "product-to-power"),
    ("det(X^2)", "X", (), "2 det(X^2) X^-T", "product-to-power"),
    ("det(X^3)", "X", (), "3 det(X^3) X^-T", "product-to-power"),
    ("sum(p .* log(p ./ q))", "q", (), "-(p ./ q)", "entrywise-powers"),
    ("a^T (x ./ b)", "x", (), "a ./ b", None),     # printed as a quotient
    ("det(A X B)", "X", ("A: n x n", "X: n x n", "B: n x n"), "det(A X B) X^-T",
     "inverse-product-cancel"),
    ("det(X^T A X)", "X", ("A: n x n", "X: n x n"), "2 det(X^T A X) X^-T",
     "inverse-product-cancel"),
    ("sum(log(sigmoid(-(U v))))", "U", (), "-sigmoid(U v) v^T", "sigmoid-complement"),
    ("1 / (2 v)", "v", ("v: scalar",), "-1/2 (v^2)^-1", "power-coefficient"),
    ("tr(S^2 X)", "X", ("S: n x n, symmetric",), "S^2", "transpose-symmetric"),
    ("N/2 log(v) + ||y - X w||^2 / (2 v)", "v", ("v: scalar", "N: scalar"),
     "1/2 (N / v - ||y - X w||^2 / v^2)", "squared-norm"),
    # the Rayleigh quotient: x^T A^T x is x^T A x, so two terms are one
    ("x^T A x / (x^T x)", "x", (), "(A + A^T - 2 x x^T A / (x^T x)) x / (x^T x)",
     "scalar-run-transposed"),
    # the answer's notation, last (engine/rules_written.py)
    ("||x||", "x", (), "x / ||x||", "divide-by-scalar"),
    ("tr(A X) / tr(B X)", "X", (), "A^T / tr(B X) - tr(A X) B^T / tr(B X)^2",
     "divide-by-scalar"),
    ("logsumexp(z / tau)", "z", (), "softmax(z / tau) / tau", "divide-by-scalar"),
    ("tr(X^2 B)", "X", (), "(X B + B X)^T", "transpose-gathered"),
    ("tr(A X^3)", "X", (), "(X^2 A + X A X + A X^2)^T", "transpose-gathered"),
    ("x^T (a .* x)", "x", (), "2 a .* x", "number-into-hadamard"),
    ("sum(x .* x .* x)", "x", (), "3 x .* x", "number-into-hadamard"),
    ("sum(p .* log(p))", "p", (), "log(p) + 1", "ones-broadcast"),
    ("softmax(W x)", "W", (), "kron(x^T, diag(softmax(W x)) - softmax(W x) softmax(W x)^T)",
     "kron-collect"),
]


@pytest.mark.parametrize("objective, wrt, lets, answer, rule", TIDY,
                         ids=[t[0] for t in TIDY])
def test_the_answer_is_what_a_textbook_prints(objective, wrt, lets, answer, rule):
    derivation = derive(problem_from_text(objective, wrt, lets))
    assert to_text(derivation.gradient) == answer
    if rule is not None:   # the rule is applied, recorded and so checked numerically
        assert rule in {s.rule for s in derivation.steps}


def test_powers_of_a_matrix_that_do_not_meet_stay_apart():
    """`A^T X^T + X^T A^T`: no two adjacent factors share a base (the answer is written
    with one transpose, of the whole sum)."""
    derivation = derive(problem_from_text("tr(A X^2)", "X"))
    assert to_text(derivation.gradient) == "(X A + A X)^T"
    assert "product-to-power" not in {s.rule for s in derivation.steps}


def test_an_inverse_of_a_product_of_non_square_factors_stays_whole():
    """(X^T A X)^-1 for a non-square X: its factors have no inverse."""
    wide = derive(problem_from_text("det(X^T A X)", "X", ("A: n x n", "X: n x m")))
    assert "(X^T A X)^-1" in to_text(wide.gradient)
