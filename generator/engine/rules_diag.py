"""diag: the diagonal matrix of a vector, and the vector of a square matrix's diagonal.

Both are linear, so d passes through (`d(diag(x)) = diag(dx)`), and a differential
inside one leaves the trace by `tr(A diag(x)) = diag(A)^T x` (a vector's diagonal
matrix) or `u^T diag(X) = tr(diag(u) X)` (a matrix's diagonal): the trace form the
theorem reads.  Which diag a node is, its argument's shape says (Context.is_column).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TypeGuard

from generator.engine.context import Context, has_differential
from generator.engine.rule import Rule
from generator.math.expr import (
    Add,
    Diag,
    Differential,
    Expr,
    Hadamard,
    Identity,
    Mul,
    Number,
    Ones,
    Trace,
    Transpose,
    add,
    d,
    mul,
    split_coefficient,
    transposed,
)


def _differential(node: Expr, ctx: Context) -> Expr | None:
    """d(diag(A)) = diag(dA)."""
    if isinstance(node, Differential) and isinstance(node.arg, Diag):
        return Diag(d(node.arg.arg))
    return None


def _linear(node: Expr, ctx: Context) -> Expr | None:
    """diag(A + c B) = diag(A) + c diag(B): over the terms, the scalars of each in front."""
    if not isinstance(node, Diag):
        return None
    terms = node.arg.terms if isinstance(node.arg, Add) else (node.arg,)
    split = add(*(_scalars_out(t, ctx) for t in terms))
    return None if split == node else split


def _scalars_out(term: Expr, ctx: Context) -> Expr:
    """diag(c A) = c diag(A) for the scalar factors c (without a differential)."""
    scalars, rest = ctx.split_scalars(term.factors if isinstance(term, Mul) else (term,))
    return mul(*scalars, Diag(mul(*rest))) if rest else Diag(term)


def _transpose(node: Expr, ctx: Context) -> Expr | None:
    """diag(x)^T = diag(x): a diagonal matrix is symmetric (not so the column diag(X))."""
    if isinstance(node, Transpose) and isinstance(node.arg, Diag) and ctx.is_column(node.arg.arg):
        return node.arg
    return None


def _out_of_trace(node: Expr, ctx: Context) -> Expr | None:
    """tr(A diag(dx)) = tr(diag(A)^T dx);  tr(u^T diag(dX)) = tr(diag(u) dX): the diag
    holding the differential is the last factor (the cyclic property put it there)."""
    if not isinstance(node, Trace):
        return None
    factors = node.arg.factors if isinstance(node.arg, Mul) else (node.arg,)
    last = factors[-1]
    if not (isinstance(last, Diag) and has_differential(last)):
        return None
    scalars, before = ctx.split_scalars(factors[:-1])
    if any(has_differential(f) for f in before):
        return None
    inner = last.arg
    if ctx.is_column(inner):
        rows = ctx.shape(inner)[0]
        weights = Diag(mul(*before)) if before else Ones(rows)
        return Trace(mul(*scalars, Transpose(weights), inner))
    if not before:
        return None
    return Trace(mul(*scalars, Diag(Transpose(mul(*before))), inner))


def _of_outer_product(node: Expr, ctx: Context) -> Expr | None:
    """diag(u v^T) = u .* v: the diagonal of an outer product of two columns (a matrix
    of ones is one: ones(m, n) = ones(m) ones(n)^T)."""
    if not (isinstance(node, Diag) and isinstance(node.arg, Mul)) or ctx.is_column(node.arg):
        return None
    factors = [
        g
        for f in node.arg.factors
        for g in (
            (Ones(f.rows), Transpose(Ones(f.cols))) if isinstance(f, Ones) and f.cols != 1 else (f,)
        )
    ]
    for k in range(1, len(factors)):
        left, right = mul(*factors[:k]), mul(*factors[k:])
        if ctx.is_column(left) and not ctx.is_scalar(left) and ctx.shape(right)[0] == 1:
            return Hadamard(left, transposed(right))
    return None


def _is_diagonal_matrix(e: Expr, ctx: Context) -> TypeGuard[Diag]:
    return isinstance(e, Diag) and ctx.is_column(e.arg)


def _merged_product(node: Expr, ctx: Context) -> Expr | None:
    """diag(u) diag(v) = diag(u .* v): diagonal matrices multiply entry by entry."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i, (first, second) in enumerate(zip(f, f[1:])):
        if _is_diagonal_matrix(first, ctx) and _is_diagonal_matrix(second, ctx):
            return mul(*f[:i], Diag(Hadamard(first.arg, second.arg)), *f[i + 2 :])
    return None


def _merged_sum(node: Expr, ctx: Context) -> Expr | None:
    """diag(u) + c diag(v) = diag(u + c v): diagonal matrices add entry by entry (the
    numbers go inside; other terms stay)."""
    if not isinstance(node, Add):
        return None
    inside: list[tuple[Fraction, Diag]] = []
    outside: list[tuple[Fraction, Expr]] = []
    for term in node.terms:
        c, rest = split_coefficient(term)
        if _is_diagonal_matrix(rest, ctx):
            inside.append((c, rest))
        else:
            outside.append((c, rest))
    if len(inside) < 2:
        return None
    merged = Diag(add(*(mul(Number(c), diagonal.arg) for c, diagonal in inside)))
    return add(merged, *(mul(Number(c), rest) for c, rest in outside))


def _of_ones(node: Expr, ctx: Context) -> Expr | None:
    """diag(ones(n)) = I_n."""
    if isinstance(node, Diag) and isinstance(node.arg, Ones) and node.arg.cols == 1:
        return Identity(node.arg.rows)
    return None


RULES = (
    Rule(
        "differential-diag",
        "differential",
        "d of a diag",
        "d(diag(x)) = diag(dx); d(diag(X)) = diag(dX)",
        "diag is linear, so d and diag can be swapped",
        _differential,
    ),
    Rule(
        "diag-linearity",
        "trace",
        "linearity of diag",
        "diag(x + c y) = diag(x) + c diag(y); diag(A + c B) = diag(A) + c diag(B)",
        "diag is linear",
        _linear,
        conditions=("c scalar",),
    ),
    Rule(
        "transpose-diag",
        "transpose",
        "a diagonal matrix is symmetric",
        "diag(x)^T = diag(x)",
        "A diagonal matrix is its own transpose",
        _transpose,
        minor=True,
    ),
    Rule(
        "trace-diag",
        "trace",
        "the differential out of diag",
        "tr(A diag(x)) = tr(diag(A)^T x); tr(x^T diag(X)) = tr(diag(x) X)",
        "Move the differential out of diag",
        _out_of_trace,
    ),
    Rule(
        "diag-outer",
        "tidy",
        "diagonal of an outer product",
        "diag(x y^T) = x .* y",
        "The diagonal of an outer product is the entrywise product",
        _of_outer_product,
    ),
    Rule(
        "diag-product",
        "tidy",
        "product of diagonal matrices",
        "diag(x) diag(y) = diag(x .* y)",
        "Diagonal matrices multiply entry by entry",
        _merged_product,
    ),
    Rule(
        "diag-sum",
        "tidy",
        "sum of diagonal matrices",
        "diag(x) + c diag(y) = diag(x + c y)",
        "Diagonal matrices add entry by entry",
        _merged_sum,
        conditions=("c scalar",),
    ),
    Rule(
        "diag-ones",
        "tidy",
        "diagonal matrix of ones",
        "diag(ones(n)) = I_n",
        "The diagonal matrix of ones is the identity",
        _of_ones,
        minor=True,
    ),
)
