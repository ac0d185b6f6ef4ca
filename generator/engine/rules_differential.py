"""Laws of the differential: they push `d(...)` inwards until it reaches symbols."""

from __future__ import annotations

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import (
    ZERO,
    Add,
    Det,
    Differential,
    Expr,
    Inverse,
    LogDet,
    Mul,
    Number,
    Ones,
    Power,
    PowerSum,
    Trace,
    Transpose,
    add,
    d,
    mul,
    shifted,
)


def _constant(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and ctx.is_constant(node.arg):
        return ZERO
    return None


def _trace(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and isinstance(node.arg, Trace):
        return Trace(d(node.arg.arg))
    return None


def _sum(node: Expr, ctx: Context) -> Expr | None:
    """d(A x - b) = d(A x) - db: one differential a term, its number in front.  A scalar
    term of a sum that is not a scalar is added to every entry (`x - alpha`): its
    differential is too, `d(x - alpha) = dx - dalpha ones(n)`."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Add)):
        return None
    ones = None if ctx.is_scalar(node.arg) else Ones(*ctx.shape(node.arg))
    return add(
        *(
            _differential_of_term(t, ones if ctx.is_scalar(t) and not ctx.is_constant(t) else None)
            for t in node.arg.terms
        )
    )


def _differential_of_term(term: Expr, broadcast: Expr | None) -> Expr:
    """d(term), its number in front, times the ones it is broadcast to (if any)."""
    number, rest = (
        ([term.factors[0]], mul(*term.factors[1:]))
        if isinstance(term, Mul) and isinstance(term.factors[0], Number) and len(term.factors) > 1
        else ([], term)
    )
    return mul(*number, d(rest), *([broadcast] if broadcast is not None else []))


def _constant_note(before: Expr, after: Expr) -> str:
    """`db = 0`, as `b` is constant: what the sheet says where a differential vanishes."""
    from generator.syntax.printer import to_text

    if not isinstance(before, Differential):
        return ""
    return f"`{to_text(before)} = 0`, as `{to_text(before.arg)}` is constant"


def _product(node: Expr, ctx: Context) -> Expr | None:
    """d(A B C) = dA B C + A dB C + A B dC, writing no term for a constant factor."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Mul)):
        return None
    factors = node.arg.factors
    terms = [
        mul(*factors[:i], d(f), *factors[i + 1 :])
        for i, f in enumerate(factors)
        if not ctx.is_constant(f)
    ]
    return add(*terms) if terms else None


def _transpose(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and isinstance(node.arg, Transpose):
        return Transpose(d(node.arg.arg))
    return None


def _inverse(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and isinstance(node.arg, Inverse):
        inv = node.arg
        if ctx.is_scalar(inv.arg):
            return mul(Number(-1), inv, inv, d(inv.arg))
        return mul(Number(-1), inv, d(inv.arg), inv)
    return None


def _det(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and isinstance(node.arg, Det):
        m = node.arg.arg
        return mul(node.arg, Trace(mul(Inverse(m), d(m))))
    return None


def _logdet(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Differential) and isinstance(node.arg, LogDet):
        m = node.arg.arg
        return Trace(mul(Inverse(m), d(m)))
    return None


def _power(node: Expr, ctx: Context) -> Expr | None:
    """d(X^k) = sum_j X^j dX X^(k-1-j); for a scalar base, k x^(k-1) dx.  A symbolic k
    (a declared constant: `X^k`, `s^p`) gives the same with k left a name: p s^(p-1) ds
    for a scalar, and the sum over j kept whole (PowerSum) for a matrix."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Power)):
        return None
    base, k = node.arg.base, node.arg.exponent
    if isinstance(k, Expr):  # symbolic
        if not ctx.is_constant(k):  # d(s^p) in p needs log s: not this law
            return None
        if ctx.is_scalar(base):
            return mul(k, Power(base, shifted(k, -1)), d(base))
        return PowerSum(base, k, d(base))
    if not isinstance(k, int) or k < 2:
        return None
    power = lambda j: base if j == 1 else Power(base, j)
    if ctx.is_scalar(base):
        return mul(Number(k), power(k - 1) if k > 1 else Number(1), d(base))
    terms = []
    for j in range(k):
        left = [power(j)] if j else []
        right = [power(k - 1 - j)] if k - 1 - j else []
        terms.append(mul(*left, d(base), *right))
    return add(*terms)


RULES = (
    Rule(
        "differential-trace",
        "differential",
        "swap d and tr",
        "d(tr(A)) = tr(dA)",
        "The trace is a sum and d is linear, so d and tr can be swapped",
        _trace,
    ),
    Rule(
        "differential-sum",
        "differential",
        "d of a sum",
        "d(A + c B) = dA + c dB; d(x + a) = dx + da ones(n)",
        "The differential of a sum is the sum of the differentials, numbers in front (a "
        "scalar added to every entry adds its differential to every entry)",
        _sum,
        conditions=("c constant",),
    ),
    Rule(
        "differential-product",
        "differential",
        "product rule",
        "d(A B) = dA B + A dB",
        "Product rule of the differential (a constant factor has no term)",
        _product,
    ),
    Rule(
        "differential-constant",
        "differential",
        "constants have d = 0",
        "dA = 0",
        "The differential of a constant is zero",
        _constant,
        conditions=("A constant",),
        because=_constant_note,
    ),
    Rule(
        "differential-transpose",
        "differential",
        "d of a transpose",
        "d(A^T) = (dA)^T",
        "The differential of a transpose is the transpose of the differential",
        _transpose,
        minor=True,
    ),
    Rule(
        "differential-inverse",
        "differential",
        "d of an inverse",
        "d(X^-1) = -X^-1 dX X^-1",
        "Differential of an inverse",
        _inverse,
        conditions=("X invertible",),
    ),
    Rule(
        "differential-det",
        "differential",
        "d of a determinant",
        "d(det(X)) = det(X) tr(X^-1 dX)",
        "Differential of a determinant (Jacobi's formula)",
        _det,
        conditions=("X invertible",),
    ),
    Rule(
        "differential-logdet",
        "differential",
        "d of a log-determinant",
        "d(logdet(X)) = tr(X^-1 dX)",
        "Differential of a log-determinant",
        _logdet,
        conditions=("X invertible",),
    ),
    Rule(
        "differential-power",
        "differential",
        "d of a power",
        "",
        "Differential of a power (product rule on its k factors)",
        _power,
        law_latex=r"\mathrm{d}(X^{k}) = \sum_{j=0}^{k-1} X^{j}\,\mathrm{d}X\,X^{k-1-j},\quad "
        r"\mathrm{d}(s^{p}) = p\, s^{p-1}\,\mathrm{d}s",
    ),
)
