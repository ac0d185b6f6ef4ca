"""Expr -> math syntax: golden strings in the notes' notation, and the round trip
`parse(to_text(e), differentials=True) == e` on random well-formed trees."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.math.expr import (
    Det, Diag, Differential, Elementwise, Hadamard, Identity, Inverse,
    LogDet, Norm, Number, Power, SumEntries, Symbol, Trace, Transpose, add, mul, neg,
)
from generator.math.functions import ELEMENTWISE_FUNCTIONS
from generator.syntax.parser import parse
from generator.syntax.printer import to_text

A, B, C, X, Y = (Symbol(n) for n in "ABCXY")
b, v, x, y = (Symbol(n) for n in "bvxy")
alpha = Symbol("alpha")
dX = Differential(X)
T = Transpose


def N(value, denominator=1):
    return Number(Fraction(value, denominator))


GOLDEN = [
    (Trace(mul(A, X)), "tr(A X)"),                                          # Problem 4
    (Trace(mul(T(X), A, X)), "tr(X^T A X)"),                                # Problem 5
    (mul(add(A, T(A)), X), "(A + A^T) X"),                                  # Problem 5
    (Trace(add(mul(T(dX), A, X), mul(T(X), A, dX))), "tr(dX^T A X + X^T A dX)"),
    (mul(N(2), T(A), add(mul(A, x), neg(b))), "2 A^T (A x - b)"),           # Problem 6
    (mul(Inverse(mul(T(A), A)), T(A), b), "(A^T A)^-1 A^T b"),              # Problem 6
    (Power(Norm(add(mul(A, x), neg(b))), 2), "||A x - b||^2"),              # Problem 6
    (Power(Norm(X, True), 2), "||X||_F^2"),
    (Norm(v), "||v||"),
    (Inverse(T(X)), "X^-T"),
    (T(Inverse(X)), "(X^-1)^T"),
    (T(T(X)), "(X^T)^T"),
    (Power(X, 2), "X^2"),
    (Power(X, Symbol("k")), "X^k"),
    (Power(X, add(Symbol("k"), Number(-1))), "X^(k - 1)"),
    (Power(Inverse(X), 2), "(X^-1)^2"),
    (mul(N(1, 2), Trace(X)), "1/2 tr(X)"),
    (mul(N(-1, 2), X), "-1/2 X"),
    (N(1, 2), "1/2"),
    (N(-3), "-3"),
    (N(0), "0"),
    (neg(X), "-X"),
    (neg(mul(A, B)), "-A B"),
    (mul(N(-2), A), "-2 A"),
    (add(A, neg(B), mul(N(-2), C)), "A - B - 2 C"),
    (add(neg(A), B), "-A + B"),
    (add(X, N(-3)), "X - 3"),
    (add(A, neg(add(B, C))), "A - (B + C)"),
    (mul(x, Inverse(alpha)), "x alpha^-1"),
    (Inverse(alpha), "alpha^-1"),
    (Hadamard(A, B), "A .* B"),
    (Hadamard(A, B, True), "A ./ B"),
    (Hadamard(Hadamard(A, B), C), "A .* B .* C"),
    (Hadamard(A, Hadamard(B, C)), "A .* (B .* C)"),
    (Hadamard(y, mul(A, x)), "y .* A x"),
    (mul(Hadamard(A, B), C), "(A .* B) C"),
    (Hadamard(neg(A), B), "(-A) .* B"),
    (Elementwise("exp", v), "exp(v)"),
    (Hadamard(Elementwise("sigmoid", v), add(N(1), neg(Elementwise("sigmoid", v)))),
     "sigmoid(v) .* (1 - sigmoid(v))"),
    (SumEntries(X), "sum(X)"),
    (Det(X), "det(X)"),
    (LogDet(X), "logdet(X)"),
    (mul(Det(X), T(Inverse(X))), "det(X) (X^-1)^T"),
    (Identity(), "I"),
    (Identity("n"), "I_n"),
    (add(X, Identity(3)), "X + I_3"),
    (dX, "dX"),
    (T(dX), "dX^T"),
    (Differential(mul(A, X)), "d(A X)"),
    (Differential(T(X)), "d(X^T)"),
    (Differential(Symbol("elta")), "d(elta)"),    # `delta` would read back as a name
    (Differential(Symbol("et")), "d(et)"),        # `det` is a function
    (Differential(Identity()), "d(I)"),
    (mul(Symbol("d"), add(A, B)), "d (A + B)"),
    (Norm(mul(x, Norm(y))), "||(x ||y||)||"),
    (mul(N(2), T(N(3))), "2 3^T"),
    (T(N(-2)), "(-2)^T"),
    (T(N(1, 2)), "(1/2)^T"),
]


@pytest.mark.parametrize(("tree", "text"), GOLDEN, ids=[t for _, t in GOLDEN])
def test_prints(tree, text):
    assert to_text(tree) == text


@pytest.mark.parametrize(("tree", "text"), GOLDEN, ids=[t for _, t in GOLDEN])
def test_golden_text_reads_back(tree, text):
    assert parse(text, differentials=True) == tree


def test_str_of_an_expression_is_its_text():
    assert str(mul(N(2), T(A), add(mul(A, x), neg(b)))) == "2 A^T (A x - b)"


def test_non_expression_is_rejected():
    with pytest.raises(TypeError):
        to_text("A X")


# ----- the round trip on random trees ---------------------------------------------

# `T`, `d`, `e`, `et` and `x_1` probe the corners: a name that is also an exponent,
# the bare `d`, and names whose differential (`det`) must not print as `dname`.
NAMES = ("A", "B", "X", "x", "b", "alpha", "lambda", "x_1", "AX", "d", "T", "e", "et")

numbers = st.builds(
    lambda n, d: Number(Fraction(n, d)), st.integers(-3, 3), st.sampled_from([1, 1, 2, 3]),
)
leaves = st.one_of(
    st.sampled_from(NAMES).map(Symbol),
    st.sampled_from([None, "n", 3]).map(Identity),
    numbers,
    st.sampled_from(NAMES).map(lambda name: Differential(Symbol(name))),
)


def _elementwise(func, arg):
    """`log(det(X))` is LogDet by definition, so that Elementwise is never built."""
    return Elementwise("exp" if func == "log" and isinstance(arg, Det) else func, arg)


def _extend(children):
    several = st.lists(children, min_size=2, max_size=3)
    return st.one_of(
        several.map(lambda terms: add(*terms)),
        several.map(lambda factors: mul(*factors)),
        children.map(neg),
        st.sampled_from([Transpose, Inverse, Trace, Det, LogDet, SumEntries, Diag,
                         Differential])
        .flatmap(children.map),
        st.builds(Power, children, st.sampled_from([2, 3, Symbol("k"), add(Symbol("k"), Number(-1))])),
        st.builds(Norm, children, st.booleans()),
        st.builds(Hadamard, children, children, st.booleans()),
        st.builds(_elementwise, st.sampled_from(ELEMENTWISE_FUNCTIONS), children),
    )


expressions = st.recursive(leaves, _extend, max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(expressions)
def test_round_trip(tree):
    text = to_text(tree)
    assert parse(text, differentials=True) == tree, text

