"""Softmax and log-sum-exp: the differentials of the functions that normalise a vector.

With p = softmax(z) = exp(z) / sum(exp(z)), the chain rule through the quotient gives
dp = p .* dz - p (p^T dz): the entrywise part and the part every entry shares through
the normalising sum (its Jacobian is the textbook `diag(p) - p p^T`).  log-sum-exp is
the log of that sum, so its differential is p^T dz, and log(softmax(z)) = z -
logsumexp(z) ones(n) has the differential dz - ones(n) p^T dz, the law of the
cross-entropy of a softmax.  Each stays written as softmax(z), never expanded into
exponentials, as lecture notes name it.
"""
from __future__ import annotations

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import (
    Differential,
    Elementwise,
    Expr,
    Hadamard,
    LogSumExp,
    Ones,
    Softmax,
    Transpose,
    add,
    d,
    mul,
    neg,
)


def _dsoftmax(node: Expr, ctx: Context):
    """d(softmax(z)) = softmax(z) .* dz - softmax(z) softmax(z)^T dz."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Softmax)):
        return None
    p, z = node.arg, node.arg.arg
    return add(Hadamard(p, d(z)), neg(mul(p, Transpose(p), d(z))))


def _dlogsumexp(node: Expr, ctx: Context):
    """d(logsumexp(z)) = softmax(z)^T dz."""
    if not (isinstance(node, Differential) and isinstance(node.arg, LogSumExp)):
        return None
    z = node.arg.arg
    return mul(Transpose(Softmax(z)), d(z))


def _dlog_softmax(node: Expr, ctx: Context):
    """d(log(softmax(z))) = dz - ones(n) softmax(z)^T dz: the quotient p ./ p cancels."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Elementwise)
            and node.arg.func == "log" and isinstance(node.arg.arg, Softmax)):
        return None
    z = node.arg.arg.arg
    ones = Ones(ctx.shape(z)[0])
    return add(d(z), neg(mul(ones, Transpose(Softmax(z)), d(z))))


RULES = (
    Rule("differential-softmax", "differential", "d of a softmax",
         "d(softmax(z)) = softmax(z) .* dz - softmax(z) softmax(z)^T dz",
         "Differential of the softmax (= (diag(p) - p p^T) dz with p = softmax(z))",
         _dsoftmax),
    Rule("differential-logsumexp", "differential", "d of a log-sum-exp",
         "d(logsumexp(z)) = softmax(z)^T dz",
         "Differential of log-sum-exp: its gradient is the softmax", _dlogsumexp),
    Rule("differential-log-softmax", "differential", "d of a log-softmax",
         "d(log(softmax(z))) = dz - ones(n) softmax(z)^T dz",
         "Differential of the log of a softmax (log(softmax(z)) = z - logsumexp(z) ones(n))",
         _dlog_softmax),
)
