"""Hadamard products, elementwise functions, sums of entries and norms.

The differential goes through them entry by entry (`d exp(z) = exp(z) .* dz`, the
chain rule as textbooks write it with `.*`, equivalently `diag(exp(z)) dz`), and the
identity `sum(A .* B) = tr(A^T B)` brings such terms back to the trace form.
"""

from __future__ import annotations

from typing import Callable

from generator.engine.context import Context, has_differential
from generator.engine.rule import Rule
from generator.math.functions import ENTRYWISE
from generator.math.expr import (
    ONE,
    ZERO,
    Add,
    EntrywisePower,
    Differential,
    Elementwise,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    Mul,
    Norm,
    Number,
    Ones,
    SumEntries,
    Trace,
    Transpose,
    add,
    d,
    factors_of,
    mul,
    neg,
    split_coefficient,
    transposed,
)


def _dhadamard(node: Expr, ctx: Context) -> Expr | None:
    """d(A .* B) = dA .* B + A .* dB;  d(A ./ B) = dA ./ B - (A ./ (B .* B)) .* dB."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Hadamard)):
        return None
    a, b = node.arg.left, node.arg.right
    terms: list[Expr] = []
    if not node.arg.divide:
        if not ctx.is_constant(a):
            terms.append(Hadamard(d(a), b))
        if not ctx.is_constant(b):
            terms.append(Hadamard(a, d(b)))
    else:
        if not ctx.is_constant(a):
            terms.append(Hadamard(d(a), b, divide=True))
        if not ctx.is_constant(b):
            terms.append(neg(Hadamard(Hadamard(a, Hadamard(b, b), divide=True), d(b))))
    return add(*terms) if terms else None


def _times(derivative: Callable[[Elementwise], Expr]) -> Callable[[Elementwise, Expr], Expr]:
    """f'(Z) .* dZ, with f'(Z) built from the node f(Z)."""
    return lambda node, dz: Hadamard(derivative(node), dz)


# name -> d(f(Z)) from the node f(Z) and dZ: the chain rule entry by entry, written as
# textbooks write each one (every function of generator/math/functions.py has one)
DIFFERENTIALS: dict[str, Callable[[Elementwise, Expr], Expr]] = {
    "exp": _times(lambda f: f),
    "log": lambda f, dz: Hadamard(dz, f.arg, divide=True),
    "sigmoid": _times(lambda f: Hadamard(f, add(ONE, neg(f)))),
    "sin": _times(lambda f: Elementwise("cos", f.arg)),
    "cos": lambda f, dz: neg(Hadamard(Elementwise("sin", f.arg), dz)),
    "tanh": _times(lambda f: add(ONE, neg(Hadamard(f, f)))),
    "softplus": _times(lambda f: Elementwise("sigmoid", f.arg)),
    "relu": _times(lambda f: Elementwise("step", f.arg)),
    "abs": _times(lambda f: Elementwise("sign", f.arg)),
    "step": lambda f, dz: ZERO,
    "sign": lambda f, dz: ZERO,
    "sqrt": lambda f, dz: Hadamard(dz, mul(Number(2), f), divide=True),
}


def _dpower(node: Expr, ctx: Context) -> Expr | None:
    """d(Z .^ c) = c Z .^ (c - 1) .* dZ (of a scalar, d(s^c) = c s^(c - 1) ds)."""
    if not (isinstance(node, Differential) and isinstance(node.arg, EntrywisePower)):
        return None
    power = node.arg
    c = power.exponent
    lowered = power.base if c == 2 else EntrywisePower(power.base, c - 1, power.dotted)
    if c == 1:
        return d(power.base)
    return mul(Number(c), Hadamard(lowered, d(power.base)))


def _delementwise(node: Expr, ctx: Context) -> Expr | None:
    if not (isinstance(node, Differential) and isinstance(node.arg, Elementwise)):
        return None
    return DIFFERENTIALS[node.arg.func](node.arg, d(node.arg.arg))


def _convention(before: Expr, after: Expr) -> str:
    """What the sheet says where a function without a derivative everywhere is used."""
    if isinstance(before, Differential) and isinstance(before.arg, Elementwise):
        return ENTRYWISE[before.arg.func].convention
    return ""


def _dsum(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and isinstance(node.arg, SumEntries):
        return SumEntries(d(node.arg.arg))
    return None


def _dnorm(node: Expr, ctx: Context) -> Expr | None:
    """d||x|| = x^T dx / ||x||;  d||X||_F = tr(X^T dX) / ||X||_F."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Norm)):
        return None
    m = node.arg.arg
    inner = mul(Transpose(m), d(m))
    if node.arg.frobenius:
        inner = Trace(inner)
    return mul(Inverse(node.arg), inner)


# ----- back to the trace form ---------------------------------------------------------


def _sum_linear(node: Expr, ctx: Context) -> Expr | None:
    """sum(A + B) = sum(A) + sum(B);  sum(c A) = c sum(A) for a scalar c."""
    if not isinstance(node, SumEntries):
        return None
    if isinstance(node.arg, Add):
        return add(*(SumEntries(t) for t in node.arg.terms))
    if isinstance(node.arg, Mul):
        scalars, rest = ctx.split_scalars(node.arg.factors)
        if scalars and rest:
            return mul(*scalars, SumEntries(mul(*rest)))
    return None


def _hadamard_distribute(node: Expr, ctx: Context) -> Expr | None:
    """A .* (B + C) = A .* B + A .* C, when the sum holds the differential."""
    if not isinstance(node, Hadamard) or node.divide:
        return None
    if isinstance(node.right, Add) and has_differential(node.right):
        return add(*(Hadamard(node.left, t) for t in node.right.terms))
    if isinstance(node.left, Add) and has_differential(node.left):
        return add(*(Hadamard(t, node.right) for t in node.left.terms))
    return None


def _hadamard_by_scalar(node: Expr, ctx: Context) -> Expr | None:
    """A .* s = s A and A ./ s = s^-1 A for a scalar s."""
    if not isinstance(node, Hadamard):
        return None
    if ctx.is_scalar(node.right):
        return mul(Inverse(node.right) if node.divide else node.right, node.left)
    if ctx.is_scalar(node.left) and not node.divide and not isinstance(node.left, Number):
        return mul(node.left, node.right)
    return None


def _chain(e: Expr) -> list[Expr]:
    """The factors of a chain of `.*`."""
    if isinstance(e, Hadamard) and not e.divide:
        return _chain(e.left) + _chain(e.right)
    return [e]


def _hadamard_rearrange(node: Expr, ctx: Context) -> Expr | None:
    """Gather the factors without the differential on the left: (B .* dX) .* C = (B .* C) .* dX,
    and dX ./ B = (1 ./ B) .* dX."""
    if not isinstance(node, Hadamard):
        return None
    if node.divide:
        if has_differential(node.left) and not has_differential(node.right):
            return Hadamard(Hadamard(ONE, node.right, divide=True), node.left)
        return None
    chain = _chain(node)
    with_d = [f for f in chain if has_differential(f)]
    if len(with_d) != 1:
        return None
    others = [f for f in chain if not has_differential(f)]
    if chain[-1] is with_d[0] and len(others) <= 1:
        return None
    combined = others[0]
    for f in others[1:]:
        combined = Hadamard(combined, f)
    return Hadamard(combined, with_d[0])


def _sum_as_trace(node: Expr, ctx: Context) -> Expr | None:
    """sum(A .* B) = tr(A^T B); sum(M) = tr(ones^T M)."""
    if not (isinstance(node, SumEntries) and has_differential(node.arg)):
        return None
    m = node.arg
    if isinstance(m, Hadamard) and not m.divide and not has_differential(m.left):
        if isinstance(m.right, Hadamard):
            return None  # gather the chain first (hadamard-rearrange)
        return Trace(mul(transposed(m.left), m.right))  # (y^T)^T is written y
    if isinstance(m, (Hadamard, Add)):
        return None
    rows, cols = ctx.shape(m)
    return Trace(mul(Transpose(Ones(rows, cols)), m))


def _trace_hadamard(node: Expr, ctx: Context) -> Expr | None:
    """tr(R (B .* dX)) = tr((R^T .* B)^T dX): the differential leaves the Hadamard product."""
    if (
        isinstance(node, Trace)
        and isinstance(node.arg, Hadamard)
        and not node.arg.divide
        and has_differential(node.arg.right)
        and not has_differential(node.arg.left)
    ):
        # tr(B .* dX) = tr(I (B .* dX)): the diagonal of B, as (I .* B)^T dX
        size = ctx.shape(node.arg)[0]
        return Trace(mul(Transpose(Hadamard(Identity(size), node.arg.left)), node.arg.right))
    if not (isinstance(node, Trace) and isinstance(node.arg, Mul)):
        return None
    coefficient, product = split_coefficient(node.arg)
    *rest, last = factors_of(product)
    if not (
        isinstance(last, Hadamard)
        and not last.divide
        and has_differential(last.right)
        and not has_differential(last.left)
    ) or any(has_differential(f) for f in rest):
        return None
    # with no matrix before the Hadamard product (`tr(c (B .* dX))`), the law's A is c I
    before = mul(*rest)
    if not rest or ctx.is_scalar(before):
        before = mul(*rest, Identity(ctx.shape(last)[0]))
    moved = Hadamard(transposed(before), last.left)  # (y^T)^T is written y
    return Trace(mul(Number(coefficient), Transpose(moved), last.right))


RULES = (
    Rule(
        "differential-hadamard",
        "differential",
        "d of a Hadamard product",
        "d(A .* B) = dA .* B + A .* dB",
        "Product rule for the Hadamard (elementwise) product",
        _dhadamard,
    ),
    Rule(
        "differential-elementwise",
        "differential",
        "chain rule, entry by entry",
        "d(exp(Z)) = exp(Z) .* dZ; d(log(Z)) = dZ ./ Z; "
        "d(sigmoid(Z)) = sigmoid(Z) .* (1 - sigmoid(Z)) .* dZ; "
        "d(sin(Z)) = cos(Z) .* dZ; d(cos(Z)) = -sin(Z) .* dZ; "
        "d(tanh(Z)) = (1 - tanh(Z) .* tanh(Z)) .* dZ; d(softplus(Z)) = sigmoid(Z) .* dZ; "
        "d(relu(Z)) = step(Z) .* dZ; d(abs(Z)) = sign(Z) .* dZ; "
        "d(sqrt(Z)) = dZ ./ (2 sqrt(Z))",
        "Chain rule for a function applied entry by entry (= diag(f'(z)) dz)",
        _delementwise,
        because=_convention,
    ),
    Rule(
        "differential-entrywise-power",
        "differential",
        "d of a power, entry by entry",
        "d(Z .^ 3) = 3 Z .^ 2 .* dZ; d(Z .^ (1/2)) = 1/2 Z .^ (-1/2) .* dZ",
        "Power rule, entry by entry (d(s^c) = c s^(c-1) ds for a scalar)",
        _dpower,
    ),
    Rule(
        "differential-sum-entries",
        "differential",
        "d of a sum of entries",
        "d(sum(A)) = sum(dA)",
        "The sum of the entries is linear",
        _dsum,
    ),
    Rule(
        "differential-norm",
        "differential",
        "d of a norm",
        "d(||x||) = x^T dx / ||x||; d(||X||_F) = tr(X^T dX) / ||X||_F",
        "Differential of a norm",
        _dnorm,
        conditions=("x nonzero",),
    ),
    Rule(
        "sum-linearity",
        "hadamard",
        "linearity of the sum",
        "sum(A + c B) = sum(A) + c sum(B)",
        "The sum of the entries is linear",
        _sum_linear,
        conditions=("c scalar",),
    ),
    Rule(
        "hadamard-distribute",
        "hadamard",
        "expand the Hadamard product",
        "A .* (B + C) = A .* B + A .* C",
        "The Hadamard product distributes over sums",
        _hadamard_distribute,
    ),
    Rule(
        "hadamard-scalar",
        "hadamard",
        "a scalar times a matrix",
        "A .* s = s A; A ./ s = s^-1 A",
        "An elementwise product with a scalar is a scalar multiple",
        _hadamard_by_scalar,
        conditions=("s scalar",),
        minor=True,
    ),
    Rule(
        "hadamard-rearrange",
        "hadamard",
        "rearrange the Hadamard product",
        "(A .* dX) .* B = (A .* B) .* dX; dX ./ B = (1 ./ B) .* dX",
        "The Hadamard product commutes and associates",
        _hadamard_rearrange,
    ),
    Rule(
        "sum-as-trace",
        "hadamard",
        "sum of entries as a trace",
        "sum(A .* B) = tr(A^T B); sum(A) = tr(ones(n, n)^T A)",
        "A sum of entries is a trace",
        _sum_as_trace,
    ),
    Rule(
        "trace-hadamard",
        "hadamard",
        "trace of a Hadamard product",
        "tr(A^T (B .* C)) = tr((A .* B)^T C)",
        "Move the differential out of the Hadamard product",
        _trace_hadamard,
    ),
)
