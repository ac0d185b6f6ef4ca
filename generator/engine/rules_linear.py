"""The linear form of a vector's differential: every term `M dx`, the differential last.

Where the gradient of a scalar brings dL to `tr(G^T dX)`, the Jacobian of a vector
function brings df to `J dx` (generator/engine/jacobian.py).  These rules move the
differential to the right end of each term: a scalar holding it is transposed so that
`dx` ends it (`dx^T a = a^T dx`) and goes to the end of its product, where it may join
the matrices (`(a^T dx) u = u a^T dx`); an entrywise product is a diagonal matrix times
a vector (`s .* dx = diag(s) dx`); a trace or a sum of a 1 x 1 or column is written as
a product.
"""

from __future__ import annotations

from generator.engine.context import Context, has_differential
from generator.engine.rule import Rule
from generator.math.expr import (
    Diag,
    Expr,
    Hadamard,
    Mul,
    Ones,
    SumEntries,
    Trace,
    Transpose,
    mul,
    scalar_product,
    transposed,
)


def _ends_with_differential(e: Expr) -> bool:
    factors = e.factors if isinstance(e, Mul) else (e,)
    return has_differential(factors[-1])


def _transposed(factors: tuple[Expr, ...]) -> list[Expr]:
    """The factors of the transpose of their product: reversed, each transposed."""
    return [transposed(f) for f in reversed(factors)]


def _scalar_flipped(node: Expr, ctx: Context) -> Expr | None:
    """x^T y = y^T x: a 1 x 1 product holding the differential, written so that the
    differential is its last factor (a scalar is its own transpose)."""
    if not (isinstance(node, Mul) and has_differential(node) and ctx.is_scalar(node)):
        return None
    if _ends_with_differential(node):
        return None
    flipped = _transposed(node.factors)
    product = scalar_product(*flipped) if node.scalar else mul(*flipped)
    return product if _ends_with_differential(product) else None


def _differential_last(node: Expr, ctx: Context) -> Expr | None:
    """Bring the factor holding the differential to the end of its product, by the
    scalars around it, which commute: `dx (y^T z) = (y^T z) dx`, `(y^T dx) u =
    u (y^T dx)`; a scalar run that holds it is its own transpose, `u (dx^T y) =
    u y^T dx`; and a scalar ending in the differential joins the matrices,
    `u (y^T dx) = u y^T dx`."""
    if not isinstance(node, Mul) or ctx.is_scalar(node):
        return None
    factors = node.factors
    holding = [k for k, f in enumerate(factors) if has_differential(f)]
    if len(holding) != 1:
        return None
    k = holding[0]
    held, before, after = factors[k], factors[:k], factors[k + 1 :]
    if after and ctx.is_scalar(mul(*after)):
        return mul(scalar_product(*after), *before, held)
    if after and ctx.is_scalar(held):
        return mul(*before, *after, held)
    if after and k > 0 and ctx.is_scalar(mul(*factors[k:])):
        return mul(*before, *_transposed(factors[k:]))
    if not after and isinstance(held, Mul) and held.scalar and _ends_with_differential(held):
        return mul(*before, *held.factors)
    return None


def _hadamard_as_diag(node: Expr, ctx: Context) -> Expr | None:
    """s .* v = diag(s) v for columns: the entrywise product with the differential's
    side, a diagonal matrix times it."""
    if not isinstance(node, Hadamard) or node.divide or not ctx.is_column(node):
        return None
    for constant, varying in ((node.left, node.right), (node.right, node.left)):
        if has_differential(varying) and not has_differential(constant):
            return mul(Diag(constant), varying)
    return None


def _diag_swapped(node: Expr, ctx: Context) -> Expr | None:
    """diag(u) v = diag(v) u for columns: `diag(dx) v = diag(v) dx` (both are u .* v)."""
    if not isinstance(node, Mul):
        return None
    factors = node.factors
    for k, f in enumerate(factors[:-1]):
        if isinstance(f, Diag) and has_differential(f) and ctx.is_column(f.arg):
            rest = mul(*factors[k + 1 :])
            if ctx.is_column(rest) and not has_differential(rest):
                return mul(*factors[:k], Diag(rest), f.arg)
    return None


def _trace_of_scalar(node: Expr, ctx: Context) -> Expr | None:
    """tr(a) = a for a 1 x 1 a holding the differential."""
    if isinstance(node, Trace) and has_differential(node) and ctx.is_scalar(node.arg):
        return node.arg
    return None


def _sum_as_product(node: Expr, ctx: Context) -> Expr | None:
    """sum(v) = ones(n)^T v for a column v holding the differential."""
    if isinstance(node, SumEntries) and has_differential(node.arg) and ctx.is_column(node.arg):
        return scalar_product(Transpose(Ones(ctx.shape(node.arg)[0])), node.arg)
    return None


RULES = (
    Rule(
        "scalar-flip",
        "linear",
        "a scalar is its own transpose",
        "x^T y = y^T x",
        "Transpose the scalar, to end it with the differential",
        _scalar_flipped,
    ),
    Rule(
        "differential-last",
        "linear",
        "the differential to the end",
        "(y^T x) u = u y^T x; x (y^T z) = (y^T z) x; u (x^T y) = u y^T x",
        "Scalars commute; a scalar ending in the differential joins the product",
        _differential_last,
    ),
    Rule(
        "hadamard-as-diag",
        "linear",
        "entrywise product as a diagonal matrix",
        "y .* x = diag(y) x",
        "An entrywise product is a diagonal matrix times the vector",
        _hadamard_as_diag,
    ),
    Rule(
        "diag-swap",
        "linear",
        "swap the diagonal matrices",
        "diag(x) y = diag(y) x",
        "diag(u) v and diag(v) u are both u .* v",
        _diag_swapped,
    ),
    Rule(
        "trace-of-scalar",
        "linear",
        "the trace of a scalar",
        "tr(x^T y) = x^T y",
        "A scalar is its own trace",
        _trace_of_scalar,
        minor=True,
    ),
    Rule(
        "sum-as-product",
        "linear",
        "the sum of entries as a product",
        "sum(x) = ones(n)^T x",
        "The sum of the entries is a product with ones",
        _sum_as_product,
    ),
)
