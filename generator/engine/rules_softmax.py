"""Softmax and log-sum-exp: the differentials of the functions that normalise a vector.

With p = softmax(z) = exp(z) / sum(exp(z)), the chain rule through the quotient gives
dp = p .* dz - p (p^T dz): the entrywise part and the part every entry shares through
the normalising sum (its Jacobian is the textbook `diag(p) - p p^T`).  log-sum-exp is
the log of that sum, so its differential is p^T dz, and log(softmax(z)) = z -
logsumexp(z) ones(n) has the differential dz - ones(n) p^T dz, the law of the
cross-entropy of a softmax.  Each stays written as softmax(z), never expanded into
exponentials, as lecture notes name it; written out, `exp(z) / sum(exp(z))` and
`log(sum(exp(z)))` are recognised before the differential is taken.
"""

from __future__ import annotations

from typing import TypeGuard

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import (
    Differential,
    Elementwise,
    Expr,
    Hadamard,
    Inverse,
    LogSumExp,
    Mul,
    Ones,
    Softmax,
    SumEntries,
    Transpose,
    add,
    d,
    mul,
    neg,
)


def _dsoftmax(node: Expr, ctx: Context) -> Expr | None:
    """d(softmax(z)) = softmax(z) .* dz - softmax(z) softmax(z)^T dz."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Softmax)):
        return None
    p, z = node.arg, node.arg.arg
    return add(Hadamard(p, d(z)), neg(mul(p, Transpose(p), d(z))))


def _dlogsumexp(node: Expr, ctx: Context) -> Expr | None:
    """d(logsumexp(z)) = softmax(z)^T dz."""
    if not (isinstance(node, Differential) and isinstance(node.arg, LogSumExp)):
        return None
    z = node.arg.arg
    return mul(Transpose(Softmax(z)), d(z))


def _dlog_softmax(node: Expr, ctx: Context) -> Expr | None:
    """d(log(softmax(z))) = dz - ones(n) softmax(z)^T dz: the quotient p ./ p cancels."""
    if not (
        isinstance(node, Differential)
        and isinstance(node.arg, Elementwise)
        and node.arg.func == "log"
        and isinstance(node.arg.arg, Softmax)
    ):
        return None
    z = node.arg.arg.arg
    ones = Ones(ctx.shape(z)[0])
    return add(d(z), neg(mul(ones, Transpose(Softmax(z)), d(z))))


def _is_exp_of_column(e: Expr, ctx: Context) -> TypeGuard[Elementwise]:
    return (
        isinstance(e, Elementwise)
        and e.func == "exp"
        and ctx.is_column(e.arg)
        and not ctx.is_scalar(e.arg)
    )


def _softmax_from_exp(node: Expr, ctx: Context) -> Expr | None:
    """exp(z) / sum(exp(z)) = softmax(z) (also written `./`, or with the sum first)."""
    if (
        isinstance(node, Hadamard)
        and node.divide
        and _is_exp_of_column(node.left, ctx)
        and node.right == SumEntries(node.left)
    ):
        return Softmax(node.left.arg)
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i, factor in enumerate(f):
        if not _is_exp_of_column(factor, ctx):
            continue
        for j, other in enumerate(f):
            if isinstance(other, Inverse) and other.arg == SumEntries(factor):
                rest = [g for k, g in enumerate(f) if k not in (i, j)]
                return mul(*rest[: min(i, j)], Softmax(factor.arg), *rest[min(i, j) :])
    return None


def _logsumexp_from_exp(node: Expr, ctx: Context) -> Expr | None:
    """log(sum(exp(z))) = logsumexp(z)."""
    if (
        isinstance(node, Elementwise)
        and node.func == "log"
        and isinstance(node.arg, SumEntries)
        and _is_exp_of_column(node.arg.arg, ctx)
    ):
        return LogSumExp(node.arg.arg.arg)
    return None


RULES = (
    Rule(
        "differential-softmax",
        "differential",
        "d of a softmax",
        "d(softmax(z)) = softmax(z) .* dz - softmax(z) softmax(z)^T dz",
        "Differential of the softmax (= (diag(p) - p p^T) dz with p = softmax(z))",
        _dsoftmax,
    ),
    Rule(
        "differential-logsumexp",
        "differential",
        "d of a log-sum-exp",
        "d(logsumexp(z)) = softmax(z)^T dz",
        "Differential of log-sum-exp: its gradient is the softmax",
        _dlogsumexp,
    ),
    Rule(
        "differential-log-softmax",
        "differential",
        "d of a log-softmax",
        "d(log(softmax(z))) = dz - ones(n) softmax(z)^T dz",
        "Differential of the log of a softmax (log(softmax(z)) = z - logsumexp(z) ones(n))",
        _dlog_softmax,
    ),
    Rule(
        "softmax-from-exp",
        "tidy",
        "recognise the softmax",
        "exp(z) ./ sum(exp(z)) = softmax(z)",
        "Recognise the softmax",
        _softmax_from_exp,
    ),
    Rule(
        "logsumexp-from-exp",
        "tidy",
        "recognise log-sum-exp",
        "log(sum(exp(z))) = logsumexp(z)",
        "Recognise log-sum-exp",
        _logsumexp_from_exp,
    ),
)
