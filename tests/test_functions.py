"""The functions applied entry by entry (generator/math/functions.py): each one read,
printed, typeset, evaluated and differentiated, every gradient graded by finite
differences of the objective's own values (not by the engine); relu and abs state
their convention at 0 on the sheet."""
from __future__ import annotations

import numpy as np
import pytest

from generator.api import derive_text
from generator.check.arrays import ELEMENTWISE as NUMERIC_VALUES
from generator.engine.rules_elementwise import DIFFERENTIALS
from generator.math.functions import ELEMENTWISE_FUNCTIONS, ENTRYWISE
from generator.render.code import BACKENDS
from generator.render.text import render_text
from generator.syntax.latex import to_latex
from generator.syntax.parser import parse
from random_objectives import grade


def test_every_function_has_a_differential_a_value_and_latex():
    assert set(DIFFERENTIALS) == set(ENTRYWISE) == set(NUMERIC_VALUES)
    for backend in BACKENDS.values():   # the code export writes each one in each library
        assert set(backend.entrywise) == set(ENTRYWISE), backend.name
    for name in ELEMENTWISE_FUNCTIONS:
        assert str(parse(f"{name}(A x)")) == f"{name}(A x)"
        assert to_latex(parse(f"{name}(X)")).startswith(ENTRYWISE[name].latex)


@pytest.mark.parametrize("name", ELEMENTWISE_FUNCTIONS)
def test_the_value_at_zero_is_the_functions(name):
    """f(0) as the tidy rule `exp(b - b) = ones(n)` uses it, against numpy's value."""
    at_zero = ENTRYWISE[name].at_zero
    if at_zero is not None:
        assert NUMERIC_VALUES[name](np.zeros((2, 1))) == pytest.approx(float(at_zero))


@pytest.mark.parametrize("text, wrt, answer", [
    ("sum(sin(x))", "x", "cos(x)"),
    ("sum(cos(A x))", "x", "-A^T sin(A x)"),
    ("sum(tanh(X b))", "X", "(1 - tanh(X b) .* tanh(X b)) b^T"),
    ("sum(softplus(A x))", "x", "A^T sigmoid(A x)"),
    ("sum(relu(X b))", "X", "step(X b) b^T"),
    ("sum(abs(x - b))", "x", "sign(x - b)"),
    ("b^T tanh(A x)", "x", "A^T (b .* (1 - tanh(A x) .* tanh(A x)))"),
    ("sin(alpha) x^T x", "alpha", "cos(alpha) x^T x"),
    ("sum(step(x) .* x)", "x", "step(x)"),
    ("tr(cos(X))", "X", "-(I_n .* sin(X))"),
    # square roots and real powers (drawn on their domain: on_positive_domain)
    ("sum(sqrt(x))", "x", "1/2 (1 ./ sqrt(x))"),
    ("sum(sqrt(x .* x + 1))", "x", "x ./ sqrt(x .* x + 1)"),
    ("sum(x .^ 3)", "x", "3 x .^ 2"),
    ("sum(x .^ (-1))", "x", "-x .^ (-2)"),
    ("sum(X .^ 2)", "X", "2 X"),
    ("(b^T x)^(-1/2)", "x", "-1/2 (b^T x)^(-3/2) b"),
    ("(x^T A x)^(1/2)", "x", "1/2 (x^T A x)^(-1/2) (A + A^T) x"),
    ("alpha^(3/2) x^T x", "alpha", "3/2 alpha^(1/2) x^T x"),
])
def test_each_gradient_agrees_with_finite_differences(text, wrt, answer):
    assert grade(text, wrt) == ("ok", "")
    assert str(derive_text(text, wrt, ("X: n x n", "A: n x n", "alpha: scalar")).gradient) \
        == answer


@pytest.mark.parametrize("name, words", [
    ("relu", "relu has no derivative at 0"),
    ("abs", "abs has no derivative at 0"),
])
def test_the_sheet_states_the_convention_at_zero(name, words):
    sheet = render_text(derive_text(f"sum({name}(W x))", "W"))
    assert words in sheet
    assert words not in render_text(derive_text("sum(exp(W x))", "W"))


@pytest.mark.parametrize("text, printed, latex", [
    ("X .^ 2", "X .^ 2", r"X^{\circ 2}"),
    ("v .^ 0.5", "v .^ (1/2)", r"v^{\circ 1/2}"),
    ("s^(1/2)", "s^(1/2)", "s^{1/2}"),
    ("s^(-3/2)", "s^(-3/2)", "s^{-3/2}"),
    ("sqrt(x^T x)", "sqrt(x^T x)", r"\sqrt{x^{T} x}"),
])
def test_powers_read_print_and_typeset(text, printed, latex):
    assert str(parse(text)) == printed and parse(printed) == parse(text)
    assert to_latex(parse(text)) == latex


def test_a_real_power_of_a_matrix_asks_for_the_dot():
    from generator.errors import ShapeError
    with pytest.raises(ShapeError, match=r"entry by entry with `\.\^`: write `X \.\^ \(1/2\)`"):
        derive_text("sum(X^(1/2))", "X")


def test_a_layer_s_jacobian_through_tanh():
    d = derive_text("tanh(W x)", "x", ("W: m x n",))
    assert str(d.gradient) == "diag(1 - tanh(W x) .* tanh(W x)) W"
