"""Each rule of the catalogue on its own: what it rewrites, and that the law holds.

Every row is checked twice: against the expected text, and numerically (the rewrite
must not change the value, differentials included), so a wrong law cannot pass.
"""
from __future__ import annotations

import numpy as np
import pytest

from generator.engine import catalogue as cat
from generator.engine.context import Context
from generator.engine.recorder import rewrite_first
from generator.math.expr import Differential, Power, Symbol, mul
from complex_step import value_along
from generator.math.shapes import infer_symbols
from generator.math.symbols import SymbolInfo
from generator.syntax.parser import parse
from generator.check.verify import relative_error

DECLARED = {
    "A": SymbolInfo("A", ("n", "n"), declared=True),
    "B": SymbolInfo("B", ("n", "n"), declared=True),
    "C": SymbolInfo("C", ("n", "n"), declared=True),
    "X": SymbolInfo("X", ("n", "n"), constant=False, declared=True),
    "S": SymbolInfo("S", ("n", "n"), properties=frozenset({"symmetric"}), declared=True),
    "P": SymbolInfo("P", ("n", "n"), properties=frozenset({"invertible"}), declared=True),
    "x": SymbolInfo("x", ("n",), declared=True),
    "b": SymbolInfo("b", ("n",), declared=True),
    "alpha": SymbolInfo("alpha", (), declared=True),
    "k": SymbolInfo("k", (), properties=frozenset({"integer"}), declared=True),
    "q": SymbolInfo("q", ("n",), properties=frozenset({"sums_to_one"}), declared=True),
}

# (rule id, before, after): `before` is rewritten by that rule alone, once, at the
# outermost place it fits.  Differentials are written dX, d(...).
CASES = [
    ("differential-trace", "d(tr(A X))", "tr(d(A X))"),
    ("differential-sum", "d(A X + X B)", "d(A X) + d(X B)"),
    ("differential-sum", "d(A X - 2 B)", "d(A X) - 2 dB"),
    ("differential-sum", "d(X - b c^T)", "dX - d(b c^T)"),
    ("differential-sum", "d(X + tr(X))", "dX + d(tr(X)) ones(n, n)"),   # added to each entry
    ("differential-sum", "d(X + 1)", "dX + d(1)"),   # a constant: its d is 0 anyway
    ("differential-product", "d(X^T A X)", "d(X^T) A X + X^T A dX"),
    ("differential-product", "d(A X B)", "A dX B"),
    ("differential-product", "d(2 X X)", "2 dX X + 2 X dX"),
    ("differential-constant", "d(A B)", "0"),
    ("differential-transpose", "d(X^T)", "dX^T"),
    ("differential-inverse", "d(X^-1)", "-X^-1 dX X^-1"),
    ("differential-det", "d(det(X))", "det(X) tr(X^-1 dX)"),
    ("differential-logdet", "d(logdet(X))", "tr(X^-1 dX)"),
    ("differential-power", "d(X^3)", "dX X^2 + X dX X + X^2 dX"),
    ("differential-power", "d(tr(X)^k)", "k tr(X)^(k - 1) d(tr(X))"),   # a symbolic k
    ("sum-to-one", "sum(q)", "1"),
    ("inner-reciprocal", "x^T (b .* (1 ./ x))", "sum(b)"),
    ("inner-reciprocal", "A x x^T (b .* (1 ./ x))", "A x sum(b)"),
    ("differential-hadamard", "d(A .* X)", "A .* dX"),
    ("differential-hadamard", "d(X .* X)", "dX .* X + X .* dX"),
    ("differential-hadamard", "d(A ./ X)", "-(A ./ (X .* X) .* dX)"),
    ("differential-elementwise", "d(exp(X))", "exp(X) .* dX"),
    ("differential-elementwise", "d(log(X))", "dX ./ X"),
    ("differential-elementwise", "d(sigmoid(X))", "sigmoid(X) .* (1 - sigmoid(X)) .* dX"),
    ("differential-elementwise", "d(sin(X))", "cos(X) .* dX"),
    ("differential-elementwise", "d(cos(X))", "-(sin(X) .* dX)"),
    ("differential-elementwise", "d(tanh(X))", "(1 - tanh(X) .* tanh(X)) .* dX"),
    ("differential-elementwise", "d(softplus(X))", "sigmoid(X) .* dX"),
    ("differential-elementwise", "d(relu(X))", "step(X) .* dX"),
    ("differential-elementwise", "d(abs(X))", "sign(X) .* dX"),
    ("differential-elementwise", "d(step(X))", "0"),
    ("differential-elementwise", "d(sqrt(X))", "dX ./ (2 sqrt(X))"),
    ("differential-entrywise-power", "d(X .^ 3)", "3 (X .^ 2 .* dX)"),
    ("differential-entrywise-power", "d(X .^ 2)", "2 (X .* dX)"),
    ("differential-entrywise-power", "d(X .^ (1/2))", "1/2 (X .^ (-1/2) .* dX)"),
    ("elementwise-at-zero", "x^T (1 + cos(b - b))", "x^T (1 + ones(n))"),
    ("differential-sum-entries", "d(sum(A X))", "sum(d(A X))"),
    ("differential-norm", "d(||X||_F)", "||X||_F^-1 tr(X^T dX)"),
    ("differential-norm", "d(||X b||)", "||X b||^-1 (X b)^T d(X b)"),
    ("norm-squared", "||A x - b||^2", "(A x - b)^T (A x - b)"),
    ("norm-squared", "||X||_F^2", "tr(X^T X)"),
    ("scalar-as-trace", "x^T A x", "tr(x^T A x)"),
    ("trace-sum", "tr(A dX + dX B)", "tr(A dX) + tr(dX B)"),
    ("trace-collect", "tr(A dX) + tr(B dX)", "tr(A dX + B dX)"),
    ("trace-scalar-factor", "alpha tr(A dX)", "tr(alpha A dX)"),
    ("trace-scalar-out", "tr(A tr(dX))", "tr(A) tr(dX)"),
    ("trace-scalar-out", "tr(A x^T dx B)", "tr(A B) x^T dx"),
    ("trace-untranspose", "tr(dX^T)", "tr(dX)"),
    ("transpose-identity", "I_n^T A", "I_n A"),
    ("transpose-ones", "ones(n, 3)^T A", "ones(3, n) A"),
    ("transpose-diag", "diag(x)^T A", "diag(x) A"),
    ("differential-diag", "d(diag(A X))", "diag(d(A X))"),
    ("diag-linearity", "diag(A X - 2 B)", "diag(A X) - 2 diag(B)"),
    ("diag-linearity", "diag(alpha A x)", "alpha diag(A x)"),
    ("trace-diag", "tr(A diag(dx))", "tr(diag(A)^T dx)"),
    ("trace-diag", "tr(alpha diag(dx))", "tr(alpha ones(n)^T dx)"),
    ("trace-diag", "tr(x^T A diag(dX))", "tr(diag((x^T A)^T) dX)"),
    ("diag-outer", "diag(A x b^T)", "A x .* b"),
    ("diag-outer", "diag(A ones(n, n))", "A ones(n) .* ones(n)"),
    ("diag-ones", "diag(ones(n)) A", "I_n A"),
    ("hadamard-ones", "x .* ones(n)", "x"),
    ("ones-as-sum", "A x ones(n)^T b", "A x sum(b)"),
    ("untrace-scalar", "tr(exp(alpha) x^T b) A", "exp(alpha) x^T b A"),
    ("ones-as-sum", "A b^T ones(n)", "A sum(b)"),
    ("ones-as-sum", "alpha (x^T - alpha) ones(n)", "alpha sum(x^T - alpha)"),
    ("ones-as-sum", "tr(exp(X + A)^T ones(n, n))", "sum(exp(X + A))"),
    ("differential-softmax", "d(softmax(A x))",
     "softmax(A x) .* d(A x) - softmax(A x) softmax(A x)^T d(A x)"),
    ("differential-logsumexp", "d(logsumexp(X b))", "softmax(X b)^T d(X b)"),
    ("differential-log-softmax", "d(log(softmax(x)))", "dx - ones(n) softmax(x)^T dx"),
    ("softmax-from-exp", "A exp(x) / sum(exp(x))", "A softmax(x)"),
    ("softmax-from-exp", "sum(exp(A x))^-1 exp(A x)", "softmax(A x)"),
    ("softmax-from-exp", "exp(x) ./ sum(exp(x))", "softmax(x)"),
    ("logsumexp-from-exp", "log(sum(exp(A x)))", "logsumexp(A x)"),
    ("diag-product", "A diag(x) diag(b) x", "A diag(x .* b) x"),
    ("scalar-powers", "alpha^3 A alpha^-1", "alpha^2 A"),
    ("scalar-powers", "(alpha^-1)^2 x alpha", "alpha^-1 x"),
    ("scalar-powers", "alpha A alpha^-1", "A"),
    ("differential-vec", "d(vec(A X))", "vec(d(A X))"),
    ("differential-kron", "d(kron(A, X))", "kron(A, dX)"),
    ("differential-kron", "d(kron(X, X))", "kron(dX, X) + kron(X, dX)"),
    ("vec-linearity", "vec(A X - 2 alpha B)", "vec(A X) - 2 alpha vec(B)"),
    ("kron-vec", "vec(C)^T kron(A, B) vec(X)", "vec(C)^T vec(B X A^T)"),
    ("kron-vec", "vec(C)^T kron(A, B)^T vec(X)", "vec(C)^T vec(B^T X A)"),
    ("kron-vec", "vec(C)^T K(n, n) vec(X)", "vec(C)^T vec(X^T)"),
    ("vec-inner", "2 vec(A)^T vec(dX)", "2 tr(A^T dX)"),
    ("vec-inner", "tr(vec(A)^T vec(dX))", "tr(A^T dX)"),
    ("transpose-commutation", "vec(C)^T K(n, n)^T", "vec(C)^T K(n, n)"),
    ("transpose-kron", "kron(A, X)^T", "kron(A^T, X^T)"),
    ("trace-kron", "tr(kron(A, X))", "tr(A) tr(X)"),
    ("vec-product", "vec(A dX B)", "kron(B^T, A) vec(dX)"),
    ("vec-product", "vec(2 dX B)", "2 kron(B^T, I_n) vec(dX)"),
    ("vec-product", "vec(A dX)", "kron(I_n, A) vec(dX)"),
    ("vec-transpose", "vec(dX^T)", "K(n, n) vec(dX)"),
    ("vec-hadamard", "vec(A .* dX)", "diag(vec(A)) vec(dX)"),
    ("vec-column", "vec(A dx)", "A dx"),
    ("vec-scalar-differential", "vec(tr(dX) A)", "vec(A) tr(dX)"),
    ("vec-scalar-differential", "tr(A dX)", "vec(A^T)^T vec(dX)"),
    ("commutation-vector", "K(n, 1) x", "I_n x"),
    ("kron-scalar", "kron(A, alpha)", "alpha A"),
    ("kron-absorb", "diag(b) kron(x^T, I_n)", "kron(x^T, diag(b))"),
    ("kron-absorb", "kron(x, I_n) A B", "kron(x, A) B"),
    ("kron-collect", "kron(x^T, A) - 2 kron(x^T, b b^T)", "kron(x^T, A - 2 b b^T)"),
    ("kron-collect", "kron(A, x) + kron(x, C) + alpha kron(B, x)", "kron(A + alpha B, x) + kron(x, C)"),
    ("scalar-run-transposed", "x x^T A^T x", "x x^T A x"),
    ("scalar-run-transposed", "b^T A^T x C", "x^T A b C"),
    # the answer's notation (rules_written.py)
    ("divide-by-scalar", "alpha^-1 A x", "A x / alpha"),
    ("divide-by-scalar", "2 (x^T x)^-1 tr(X)^-1 b", "2 b / (x^T x) / tr(X)"),
    ("transpose-gathered", "A^T X^T + X^T A^T", "(X A + A X)^T"),
    ("transpose-gathered", "2 A^T (X^2)^T - (X^2)^T A^T", "(2 X^2 A - A X^2)^T"),
    ("number-into-hadamard", "2 (x .* b)", "2 x .* b"),
    ("number-into-hadamard", "1/2 (x .* b .* x)", "1/2 x .* b .* x"),
    ("ones-broadcast", "log(x) + ones(n)", "log(x) + 1"),
    ("ones-broadcast", "A - 2 ones(n, n)", "A - 2"),
    ("inverse-kron", "kron(P, A + A^T)^-1 vec(X)", "kron(P^-1, (A + A^T)^-1) vec(X)"),
    ("inverse-commutation", "K(n, n)^-1 vec(A)", "K(n, n) vec(A)"),
    ("vec-collect", "vec(A) - 2 alpha vec(B X) + kron(x, x)",
     "vec(A - 2 alpha B X) + kron(x, x)"),
    ("inverse-identity", "A I_n^-1", "A I_n"),
    ("inverse-product", "(P A)^-1 x", "A^-1 P^-1 x"),
    ("kron-scalar", "kron(I_1, A)", "A"),
    ("diag-sum", "A + diag(x) - 2 diag(b)", "diag(x - 2 b) + A"),
    ("scalar-flip", "x^T A (dx^T b)", "x^T A (b^T dx)"),
    ("scalar-flip", "dx^T A x", "x^T A^T dx"),
    ("differential-last", "dx (x^T b)", "(x^T b) dx"),
    ("differential-last", "(b^T dx) x", "x (b^T dx)"),
    ("differential-last", "A x (dx^T b)", "A x b^T dx"),
    ("hadamard-as-diag", "b .* A dx", "diag(b) A dx"),
    ("hadamard-as-diag", "dx .* exp(x)", "diag(exp(x)) dx"),
    ("diag-swap", "A diag(dx) b", "A diag(b) dx"),
    ("trace-of-scalar", "tr(b^T dx) x", "(b^T dx) x"),
    ("sum-as-product", "x sum(A dx)", "x (ones(n)^T A dx)"),
    ("hadamard-ones", "ones(n, n)^T .* A", "A"),
    ("elementwise-at-zero", "x^T exp(b - b)", "x^T ones(n)"),
    ("elementwise-at-zero", "A .* sigmoid(X + A - X - A)", "A .* (1/2 ones(n, n))"),
    ("elementwise-at-zero", "alpha sigmoid(alpha - alpha)", "1/2 alpha"),
    ("reciprocal", "2^-1 A", "1/2 A"),
    ("sum-linearity", "sum(A .* dX + dX)", "sum(A .* dX) + sum(dX)"),
    ("sum-linearity", "sum(alpha A dX)", "alpha sum(A dX)"),
    ("hadamard-distribute", "A .* (dX + B)", "A .* dX + A .* B"),
    ("hadamard-scalar", "A dX ./ alpha", "alpha^-1 A dX"),
    ("hadamard-rearrange", "(A .* dX) .* B", "(A .* B) .* dX"),
    ("hadamard-rearrange", "dX ./ A", "(1 ./ A) .* dX"),
    ("sum-as-trace", "sum(A .* dX)", "tr(A^T dX)"),
    ("sum-as-trace", "sum(A dX)", "tr(ones(n, n)^T A dX)"),
    ("trace-hadamard", "tr(A (B .* dX))", "tr((A^T .* B)^T dX)"),
    ("trace-transpose", "tr(dX^T A X)", "tr((dX^T A X)^T)"),
    ("trace-cyclic", "tr(A dX B)", "tr(B A dX)"),
    ("trace-cyclic", "tr(2 dX A)", "tr(2 A dX)"),
    ("scalar-commute", "A alpha dX", "alpha A dX"),
    ("transpose-product", "(X^T A X)^T", "X^T A^T X"),    # (X^T)^T written X at once
    ("transpose-product", "(2 A X)^T", "2 X^T A^T"),
    ("transpose-sum", "(A + X)^T", "A^T + X^T"),
    ("transpose-transpose", "X^T^T", "X"),
    ("transpose-scalar", "(x^T b)^T", "x^T b"),
    ("transpose-symmetric", "S^T X", "S X"),
    ("transpose-inverse", "(P^-1)^T", "P^-T"),
    ("drop-zero", "A X + 0", "A X"),
    ("distribute", "A (X + B) C", "A X C + A B C"),
    ("collect-like-terms", "A X + 2 A X", "3 A X"),
    ("collect-like-terms", "A X - A X + B", "B"),
    ("factor-common", "X^T A dX + X^T B dX", "X^T (A + B) dX"),
    ("factor-common", "A X C + 2 A B C", "A (X + 2 B) C"),
    ("cancel-inverse", "A P P^-1 B", "A I_n B"),
    ("cancel-inverse", "P^-1 P", "I_n"),
    ("cancel-inverse", "(A^T A)^-1 A^T A x", "I_n x"),
    ("distribute-to-cancel", "(A^T A)^-1 A^T (A x - b)", "(A^T A)^-1 A^T A x - (A^T A)^-1 A^T b"),
    ("distribute-to-cancel", "(A + B)^-1 ((A + B) x - 2 b)", "(A + B)^-1 (A + B) x - 2 (A + B)^-1 b"),
    ("cancel-inverse", "x^T A B (A B)^-1", "x^T I_n"),
    ("identity-product", "A I_n B", "A B"),
    ("inverse-inverse", "(P^-1)^-1 A", "P A"),
    ("hadamard-sign", "(-A) .* (2 X)", "-2 (A .* X)"),
    ("hadamard-cancel", "1 ./ X .* A .* X", "A"),
    ("sigmoid-from-exp", "1 ./ (1 + exp(X)) .* exp(X)", "sigmoid(X)"),
    ("sigmoid-from-exp", "exp(X) ./ (1 + exp(X))", "sigmoid(X)"),
    ("sigmoid-from-exp", "(1 + exp(b^T x))^-1 exp(b^T x) x", "sigmoid(b^T x) x"),
    ("factor-number", "1/2 A + 1/2 X", "1/2 (A + X)"),
    ("factor-some", "A X + B X + C", "(A + B) X + C"),
    ("hadamard-expand", "(1 - A) .* X - A .* (1 - X)", "X - A"),
    ("order-terms", "-A + X", "X - A"),
    ("factor-out", "A X B + A C B", "A (X + C) B"),
    ("product-to-power", "A X X X B", "A X^3 B"),
    ("product-to-power", "X^T (X^2)^T", "(X^3)^T"),
    ("product-to-power", "(P^3)^-T (P^2)^T", "P^-T"),
    ("product-to-power", "(X^T)^2", "(X^2)^T"),
    ("entrywise-powers", "x ./ (x ./ b)", "b"),
    ("entrywise-powers", "x .* (1 ./ (x ./ b)) .* (x ./ (b .* b))", "x ./ b"),
    ("power-coefficient", "(2 alpha)^2", "4 alpha^2"),
    ("squared-norm", "alpha (x^T - b^T A^T) (x - A b)", "alpha ||x - A b||^2"),
    ("inverse-product-cancel", "A X (B A X)^-1", "A X X^-1 A^-1 B^-1"),
    ("sigmoid-complement", "1 - sigmoid(-(A x))", "sigmoid(A x)"),
    ("transpose-symmetric", "(S^2)^T", "S^2"),
    ("trace-hadamard", "tr(A .* dX)", "tr((I_n .* A)^T dX)"),
    ("expand-identity", "(alpha I_n - A) X", "alpha I_n X - A X"),
    ("inverse-scalar", "(x^T b P)^-1", "(x^T b)^-1 P^-1"),
    ("collect-like-terms", "A .* X + X .* A", "2 (A .* X)"),
]


def _context(*texts: str) -> Context:
    exprs = [parse(t, differentials=True) for t in texts]
    # X is declared, so it is in the table even where a row does not use it.
    table = infer_symbols(exprs[0], DECLARED, None, tuple(exprs[1:]) + (Symbol("X"),))
    return Context(table, "X", frozenset({"X"}))


def _value(expr, ctx: Context, seed: int):
    """The value of an expression with dX a random direction, d(...) by complex step."""
    return value_along(expr, ctx.table, "X", seed)


@pytest.mark.parametrize("rule_id, before, after", CASES)
def test_rule_rewrites_as_its_law_says(rule_id, before, after):
    ctx = _context(before, after)
    rule = cat.rule(rule_id)
    # the engine's rules see products with their scalar runs kept whole (ctx.canonical)
    found = rewrite_first(ctx.canonical(parse(before, differentials=True)), (rule,), ctx)
    assert found is not None, f"{rule_id} did not apply to {before}"
    _, result, _, _ = found
    assert ctx.canonical(result) == ctx.canonical(parse(after, differentials=True)), str(result)


@pytest.mark.parametrize("rule_id, before, after", CASES)
def test_rule_preserves_the_value(rule_id, before, after):
    ctx = _context(before, after)
    lhs = ctx.canonical(parse(before, differentials=True))
    rhs = ctx.canonical(parse(after, differentials=True))
    for seed in range(3):
        assert relative_error(_value(lhs, ctx, seed), _value(rhs, ctx, seed)) < 1e-9


@pytest.mark.parametrize("rule_id, text", [
    ("differential-constant", "d(X A)"),
    ("trace-cyclic", "tr(A B dX)"),
    ("transpose-symmetric", "A^T"),
    ("factor-common", "A X + B C"),
    ("trace-transpose", "tr(A dX)"),
    ("trace-transpose", "tr(dX^T)"),          # that is trace-untranspose's
    ("trace-scalar-factor", "tr(A tr(dX))"),  # that is trace-scalar-out's
    ("transpose-scalar", "I_n^T"),            # that is transpose-identity's
    ("transpose-ones", "ones(n)^T x"),        # a row of ones is written so
    ("transpose-diag", "diag(A)^T x"),        # a column, not a diagonal matrix
    ("trace-diag", "tr(diag(x) A)"),          # the cyclic property comes first
    ("diag-outer", "diag(A B)"),
    ("diag-product", "diag(x) A diag(b)"),
    ("scalar-powers", "alpha A c"),
    ("product-to-power", "X^T X"),             # one transposed, one not: no power
    ("entrywise-powers", "x .* (1 ./ b)"),     # nothing to combine
    ("squared-norm", "x^T x"),                 # one vector's: as the textbooks write it
    ("squared-norm", "(x^T - b^T) (b - x)"),   # the transpose of its negative
    ("inverse-product-cancel", "B (A X)^-1 C"),   # no factor meets its inverse
    ("sigmoid-complement", "1 - sigmoid(x)"),
    ("diag-sum", "diag(x) + A"),
    ("kron-vec", "kron(A, B) kron(A, B)"),
    ("vec-product", "vec(A B)"),
    ("vec-transpose", "vec(A^T)"),
    ("commutation-vector", "K(n, n)"),
    ("kron-scalar", "kron(A, B)"),
    ("kron-absorb", "alpha kron(x^T, I_n)"),   # a scalar beside it: kron-scalar's
    ("kron-absorb", "kron(x^T, B) kron(x, I_n)"),   # no factor beside an identity
    ("kron-collect", "kron(A, x) + kron(x, B)"),   # no factor shared
    ("scalar-run-transposed", "x^T A b"),      # its transpose has more
    ("scalar-run-transposed", "b^T (x^T)^T"),  # the double transpose is transpose-transpose's
    ("divide-by-scalar", "2 alpha^-1"),        # nothing is divided
    ("divide-by-scalar", "x / alpha"),         # written so already
    ("divide-by-scalar", "A^-1 x"),            # a matrix inverse
    ("transpose-gathered", "A^T + B^T"),       # no shorter so
    ("transpose-gathered", "A^T B + X^T A^T"),   # B is no transpose
    ("number-into-hadamard", "-2 (x .* b)"),   # `(-2 x) .* b` would need parentheses
    ("ones-broadcast", "ones(n) + 2 ones(n)"),   # nothing else to add every entry to
    ("ones-broadcast", "alpha + 1"),
    ("vec-collect", "vec(A) + kron(x, x)"),    # one vec: nothing to gather
    ("inverse-product", "(x^T A x)^-1"),       # a product that is a scalar
    ("vec-inner", "vec(A)^T kron(A, B) vec(X)"),
    ("distribute-to-cancel", "(A^T A)^-1 A^T (exp(x) - b)"),
    ("hadamard-ones", "x^T .* ones(n)^T x"),
    ("inner-reciprocal", "b^T (b .* (1 ./ x))"),   # b is not what is divided by
    ("sigmoid-from-exp", "(1 + exp(b^T x))^-1 exp(x^T b)"),   # two different exponents
    ("ones-as-sum", "ones(n)^T A x"),    # A x is no single factor
    ("ones-as-sum", "ones(n, n)^T x"),
    ("untrace-scalar", "tr(2 b^T dx)"),          # the trace form the theorem reads
    ("differential-log-softmax", "d(log(exp(x)))"),
    ("softmax-from-exp", "exp(x) / sum(exp(b))"),   # two different vectors
    ("logsumexp-from-exp", "log(sum(exp(X)))"),      # of a matrix: no logsumexp
    ("scalar-flip", "b^T dx"),                 # it ends with the differential already
    ("differential-last", "A dx"),
    ("hadamard-as-diag", "dX .* A"),           # matrices: not a diagonal matrix times one
    ("sum-as-product", "sum(dX)"),
    ("elementwise-at-zero", "log(b - b + x)"),
    ("elementwise-at-zero", "x^T (1 + sin(b - b))"),   # its value there is a shapeless 0
    ("inverse-inverse", "2^-1"),              # that is reciprocal's
    ("scalar-as-trace", "tr(A X)"),
])
def test_rule_does_not_apply_where_its_law_does_not(rule_id, text):
    ctx = _context(text)
    assert rewrite_first(ctx.canonical(parse(text, differentials=True)), (cat.rule(rule_id),), ctx) is None


def test_the_differential_of_a_symbolic_matrix_power_closes_under_the_trace():
    """d(X^k) is the sum over j (PowerSum, which the syntax cannot write); under a trace
    every term cycles to the same one: k tr(X^(k-1) dX).  Both rewrites checked by value,
    and neither applies where its law does not."""
    from generator.math.expr import PowerSum, Trace, add, neg, shifted
    ctx = _context("tr(X^k) + alpha")
    x, k, dx = Symbol("X"), Symbol("k"), Differential(Symbol("X"))
    summed = rewrite_first(Differential(Power(x, k)), (cat.rule("differential-power"),), ctx)[1]
    assert summed == PowerSum(x, k, dx)
    closed = rewrite_first(Trace(summed), (cat.rule("trace-power-sum"),), ctx)[1]
    assert closed == Trace(mul(k, Power(x, shifted(k, -1)), dx))
    d_power = Differential(Power(x, k))
    for seed in range(3):   # each difference on one instance: 0
        size = np.linalg.norm(_value(d_power, ctx, seed))
        assert np.linalg.norm(_value(add(summed, neg(d_power)), ctx, seed)) < 1e-9 * size
        assert abs(_value(add(closed, neg(Trace(d_power))), ctx, seed)[0, 0]) < 1e-9 * size
    # beside a matrix the terms differ: no closed form
    assert rewrite_first(Trace(mul(Symbol("A"), summed)), (cat.rule("trace-power-sum"),),
                         ctx) is None
    # a varying exponent is not this law's (d(s^p) in p needs log s)
    assert cat.rule("differential-power").apply(Differential(Power(x, Symbol("X"))), ctx) \
        is None


def test_every_rewriting_rule_has_a_case():
    covered = {case[0] for case in CASES} | {"trace-power-sum"}   # the test above
    # each with its own cases, numerically checked, in test_general_terms
    covered |= {"differential-run", "differential-sum-over-j", "sum-over-j-linearity", "sum-over-j-collect", "sum-over-j-split", "transpose-gathered-over-j",
                "transpose-sum-over-j", "transpose-run"}
    rewriting = {r.id for r in cat.CATALOGUE if r.apply is not cat._not_a_rewrite}
    assert rewriting - covered == set()


def test_catalogue_ids_are_unique_kebab_case_with_a_law():
    ids = [r.id for r in cat.CATALOGUE]
    assert len(ids) == len(set(ids))
    for r in cat.CATALOGUE:
        assert r.id == r.id.lower() and " " not in r.id
        assert (r.law or r.law_latex) and r.says and r.name
