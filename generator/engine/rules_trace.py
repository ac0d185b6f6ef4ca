"""Laws of the trace and the transpose; with them, the algebra of sums (rules_algebra.py)."""

from __future__ import annotations

from typing import Optional

from generator.engine.context import Context, has_differential
from generator.engine import rules_algebra
from generator.engine.rule import Rule
from generator.math.expr import (
    Add,
    Differential,
    Expr,
    Identity,
    Inverse,
    Mul,
    Norm,
    Number,
    Ones,
    Power,
    PowerSum,
    Symbol,
    Trace,
    Transpose,
    add,
    factors_of,
    mul,
    scalar_product,
    shifted,
    split_coefficient,
    transposed,
)


def _is_transposed_differential(e: Expr) -> bool:
    """`dX^T`, or a transposed factor holding the differential, `(A .* dX)^T`."""
    return (
        isinstance(e, Transpose) and has_differential(e.arg) and not isinstance(e.arg, Transpose)
    )  # (dX^T)^T is dX, not transposed


# ----- trace form ---------------------------------------------------------------------


def _norm_squared(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Power) and node.exponent == 2 and isinstance(node.base, Norm):
        v = node.base.arg
        if node.base.frobenius:
            return Trace(mul(Transpose(v), v))
        # 1 x 1, kept whole: flat, `x^T ||v||^2 y` would read `x^T v^T v y` as x^T v^T...
        return scalar_product(Transpose(v), v)
    return None


def _scalar_as_trace(node: Expr, ctx: Context) -> Expr | None:
    """A 1 x 1 product is its own trace; wrap it so the trace laws apply."""
    if isinstance(node, Trace) or not ctx.is_scalar(node):
        return None
    coefficient, rest = split_coefficient(node)
    if any(not ctx.is_scalar(f) for f in factors_of(rest)):
        return Trace(node)
    return None


# ----- trace laws ---------------------------------------------------------------------


def _trace_sum(node: Expr, ctx: Context) -> Expr | None:
    """tr(A + B) = tr(A) + tr(B)."""
    if isinstance(node, Trace) and isinstance(node.arg, Add):
        return add(*(Trace(t) for t in node.arg.terms))
    return None


def _trace_of_traces(node: Expr, ctx: Context) -> Expr | None:
    """tr(A) + tr(B) = tr(A + B), used to collect terms: only traces of matrices of one
    size (`tr(R^T dR) + tr(alpha dX)`, R = A X B - C, are not, and A + B has no value),
    and of one differential: with several variables, `tr(A dW1) + tr(B dW2)`
    stays two terms, one per gradient, while `tr(A dW1) + tr(C dW1)` is collected."""
    if not isinstance(node, Add):
        return None
    traces = [t for t in node.terms if isinstance(t, Trace)]
    if len(traces) < len(node.terms):
        return None
    groups: dict[tuple, list[Trace]] = {}
    for t in traces:
        groups.setdefault((ctx.shape(t.arg), _differentials(t)), []).append(t)
    if len(groups) == len(node.terms):
        return None
    return add(
        *(
            Trace(add(*(t.arg for t in group))) if len(group) > 1 else group[0]
            for group in groups.values()
        )
    )


def _differentials(e: Expr) -> frozenset[Expr]:
    """The differentials `e` holds (dX, dR, ...)."""
    return frozenset(n for n in e.walk() if isinstance(n, Differential))


def _trace_scalar_factor(node: Expr, ctx: Context) -> Expr | None:
    """c tr(A) = tr(c A): moves scalar coefficients inside so every term is tr(M dX)."""
    if not isinstance(node, Mul):
        return None
    traces = [f for f in node.factors if isinstance(f, Trace) and has_differential(f)]
    if len(traces) != 1:
        return None
    others = [f for f in node.factors if f is not traces[0]]
    if all(ctx.is_plain_scalar(f) for f in others):
        return Trace(mul(*others, traces[0].arg))
    return None


def _trace_scalar_out(node: Expr, ctx: Context) -> Expr | None:
    """tr(A c B) = c tr(A B) for a scalar c holding the differential: a factor such as
    `tr(dX)` (`tr(A tr(dX)) = tr(A) tr(dX)`, from `tr(tr(X) A)`) or a run of factors
    whose product is 1 x 1 (`tr(P x^T dx Q) = tr(P Q) x^T dx`, from `tr(x^T x A)`).
    Left inside, the cyclic and transpose laws would move it as a matrix and read an
    ill-shaped G."""
    if not (isinstance(node, Trace) and isinstance(node.arg, Mul)):
        return None
    run = _scalar_run_with_differential(node.arg.factors, ctx)
    if run is None:
        return None
    start, end = run
    factors = node.arg.factors
    return mul(Trace(mul(*factors[:start], *factors[end:])), *factors[start:end])


def _scalar_run_with_differential(
    factors: tuple[Expr, ...], ctx: Context
) -> Optional[tuple[int, int]]:
    """(i, i + 1) for the one factor holding the differential when it is a scalar
    (`(x^T dx)`, kept whole by inference; `tr(dX)`) and matrices stand beside it; or
    None.  (Among scalars only, the product is an ordinary one: `x^T dx b^T x`.)"""
    where = [i for i, f in enumerate(factors) if has_differential(f)]
    if len(where) != 1:
        return None
    i = where[0]
    others = factors[:i] + factors[i + 1 :]
    if ctx.is_scalar(factors[i]) and any(not ctx.is_scalar(f) for f in others):
        return i, i + 1
    return None


def _trace_transpose(node: Expr, ctx: Context) -> Expr | None:
    """tr(A) = tr(A^T), used when the differential appears transposed."""
    if (
        isinstance(node, Trace)
        and not isinstance(node.arg, Transpose)
        and any(_is_transposed_differential(f) for f in factors_of(node.arg))
    ):
        return Trace(Transpose(node.arg))
    return None


def _trace_untranspose(node: Expr, ctx: Context) -> Expr | None:
    """tr(A^T) = tr(A) where the transpose is the whole argument and holds the differential
    (`tr(dX^T)`, from `tr(X^T)`); never back to a transposed differential."""
    if (
        isinstance(node, Trace)
        and isinstance(node.arg, Transpose)
        and _is_transposed_differential(node.arg)
        and not any(_is_transposed_differential(f) for f in factors_of(node.arg.arg))
    ):
        return Trace(node.arg.arg)
    return None


def _trace_power_sum(node: Expr, ctx: Context) -> Expr | None:
    """tr(sum_j X^j M X^(k-1-j)) = k tr(X^(k-1) M): cycled, every term of the sum is the
    same (the differential of `tr(X^k)` for a symbolic k; scalar factors ride along)."""
    if not isinstance(node, Trace):
        return None
    factors = factors_of(node.arg)
    sums = [f for f in factors if isinstance(f, PowerSum)]
    if len(sums) != 1 or not all(ctx.is_plain_scalar(f) for f in factors if f is not sums[0]):
        return None
    found = sums[0]
    others = [f for f in factors if f is not found]
    return Trace(
        mul(*others, found.exponent, Power(found.base, shifted(found.exponent, -1)), found.inner)
    )


def _trace_cyclic(node: Expr, ctx: Context) -> Expr | None:
    """tr(P dX Q) = tr(Q P dX); scalar factors stay in front.  The factor holding the
    differential (`dX`, or `A .* dX`) is the one brought to the end."""
    if not (isinstance(node, Trace) and isinstance(node.arg, Mul)):
        return None
    factors = node.arg.factors
    scalars, matrices = ctx.split_scalars(factors)
    where = [i for i, f in enumerate(matrices) if has_differential(f)]
    if len(where) != 1 or where[0] == len(matrices) - 1:
        return None
    i = where[0]
    return Trace(mul(*scalars, *matrices[i + 1 :], *matrices[: i + 1]))


def _scalar_to_front(node: Expr, ctx: Context) -> Expr | None:
    """A scalar factor commutes: `A alpha dX` is written `alpha A dX`."""
    if not isinstance(node, Mul):
        return None
    factors = node.factors
    is_s = [ctx.is_plain_scalar(f) for f in factors]
    first_matrix = next((i for i, s in enumerate(is_s) if not s), len(factors))
    if any(is_s[first_matrix:]) and not all(is_s):
        return mul(*(f for group in ctx.split_scalars(factors) for f in group))
    return None


# ----- transpose laws -----------------------------------------------------------------


def _transpose_product(node: Expr, ctx: Context) -> Expr | None:
    """(c A B)^T = c B^T A^T: scalar factors are their own transposes and stay in front,
    and a transposed factor comes out untransposed ((A^T B)^T = B^T A, never (A^T)^T,
    which the notation phases would leave where it holds no differential)."""
    if isinstance(node, Transpose) and isinstance(node.arg, Mul):
        scalars = [f for f in node.arg.factors if ctx.is_scalar(f)]
        matrices = [f for f in node.arg.factors if not ctx.is_scalar(f)]
        return mul(*scalars, *(transposed(f) for f in reversed(matrices)))
    return None


def _transpose_sum(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Transpose) and isinstance(node.arg, Add):
        return add(*(Transpose(t) for t in node.arg.terms))
    return None


def _transpose_transpose(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Transpose) and isinstance(node.arg, Transpose):
        return node.arg.arg
    return None


def _transpose_scalar(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Transpose) and (isinstance(node.arg, Number) or ctx.is_scalar(node.arg)):
        return node.arg
    return None


def transpose_written(e: Expr, ctx: Context) -> Expr:
    """e^T as the normal form writes it, by the transpose laws above applied all the way
    down (`(y - X w)^T` is `y^T - w^T X^T`): a rule that must recognise a transpose
    compares with this, not with a copy of the laws."""
    node = Transpose(e)
    for law in (_transpose_sum, _transpose_product, _transpose_transpose, _transpose_scalar):
        out = law(node, ctx)
        if out is not None:
            break
    else:
        return node

    def inner(x: Expr) -> Expr:
        return transpose_written(x.arg, ctx) if isinstance(x, Transpose) else x

    if isinstance(out, Add):
        return add(*(inner(t) for t in out.terms))
    if isinstance(out, Mul):
        return mul(*(inner(f) for f in out.factors))
    return out


def _transposes(e: Expr) -> int:
    return sum(isinstance(n, Transpose) for n in e.walk())


def _scalar_run_transposed(node: Expr, ctx: Context) -> Expr | None:
    """x^T A^T y = y^T A x: a run of a product that is a scalar equals its transpose,
    written so where that has fewer transposes (`x x^T A^T x` is `x x^T A x`, and the
    two terms of the Rayleigh quotient's gradient become like terms)."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    rows = [ctx.shape(g)[0] == 1 for g in f]
    cols = [ctx.shape(g)[1] == 1 for g in f]
    for i in range(len(f)):
        if not rows[i] or ctx.is_scalar(f[i]):
            continue
        for j in range(i + 2, len(f) + 1):
            if not cols[j - 1] or ctx.is_scalar(f[j - 1]):
                continue
            run = mul(*f[i:j])
            if not ctx.is_scalar(run) or has_differential(run):
                continue
            flipped = transpose_written(run, ctx)
            # against the run as the transpose laws write it (`(b^T)^T` is b): a double
            # transpose the normal rules have not yet cancelled is no transpose saved
            if _transposes(flipped) < _transposes(transpose_written(flipped, ctx)):
                return mul(*f[:i], flipped, *f[j:])
    return None


def _transpose_identity(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Transpose) and isinstance(node.arg, Identity):
        return node.arg
    return None


def _transpose_ones(node: Expr, ctx: Context) -> Expr | None:
    """ones(n, m)^T = ones(m, n); a vector's `ones(n)^T` is how a row of ones is written."""
    if isinstance(node, Transpose) and isinstance(node.arg, Ones) and node.arg.cols != 1:
        return Ones(node.arg.cols, node.arg.rows)
    return None


def _transpose_symmetric(node: Expr, ctx: Context) -> Expr | None:
    """A^T = A for a symmetric A, and for a power of it: (A^k)^T = (A^T)^k = A^k."""
    if not isinstance(node, Transpose):
        return None
    base = node.arg.base if isinstance(node.arg, Power) else node.arg
    if isinstance(base, Symbol) and ctx.has_property(base.name, "symmetric"):
        return node.arg
    return None


def _transpose_inverse(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Transpose) and isinstance(node.arg, Inverse):
        return Inverse(Transpose(node.arg.arg))
    return None


RULES = (
    Rule(
        "norm-squared",
        "trace",
        "squared norm as a product",
        "||x||^2 = x^T x; ||X||_F^2 = tr(X^T X)",
        "Write the squared norm as an inner product",
        _norm_squared,
    ),
    Rule(
        "scalar-as-trace",
        "trace",
        "a scalar is its own trace",
        "tr(a) = a",
        "A scalar equals its trace",
        _scalar_as_trace,
        conditions=("a scalar",),
    ),
    Rule(
        "trace-sum",
        "trace",
        "linearity of the trace",
        "tr(A + B) = tr(A) + tr(B)",
        "Linearity of the trace",
        _trace_sum,
    ),
    Rule(
        "trace-collect",
        "trace",
        "linearity of the trace",
        "tr(A) + tr(B) = tr(A + B)",
        "Linearity of the trace, to collect the terms",
        _trace_of_traces,
    ),
    Rule(
        "trace-scalar-factor",
        "trace",
        "scalars move into the trace",
        "c tr(A) = tr(c A)",
        "A scalar factor moves inside the trace",
        _trace_scalar_factor,
        conditions=("c scalar",),
    ),
    Rule(
        "trace-scalar-out",
        "trace",
        "a scalar leaves the trace",
        "tr(A c B) = c tr(A B)",
        "A scalar factor holding the differential leaves the trace",
        _trace_scalar_out,
        conditions=("c scalar",),
    ),
    Rule(
        "trace-transpose",
        "trace",
        "trace of a transpose",
        "tr(A) = tr(A^T)",
        "The trace of a transpose is the same",
        _trace_transpose,
    ),
    Rule(
        "trace-untranspose",
        "trace",
        "trace of a transpose",
        "tr(A^T) = tr(A)",
        "The trace of a transpose is the same",
        _trace_untranspose,
    ),
    Rule(
        "trace-power-sum",
        "trace",
        "cyclic property of the trace, term by term",
        "",
        "Each term of the sum over j, cycled, is tr(X^(k-1) M)",
        _trace_power_sum,
        law_latex=r"\operatorname{tr}\Big(\sum_{j=0}^{k-1} X^{j} M X^{k-1-j}\Big) = "
        r"k \operatorname{tr}\left(X^{k-1} M\right)",
    ),
    Rule(
        "trace-cyclic",
        "trace",
        "cyclic property of the trace",
        "tr(A B) = tr(B A)",
        "Cyclic property of the trace",
        _trace_cyclic,
    ),
    Rule(
        "scalar-run-transposed",
        "transpose",
        "a scalar is its own transpose",
        "x^T A^T y = y^T A x; x x^T A^T x = x x^T A x",
        "A scalar is its own transpose: written with fewer transposes",
        _scalar_run_transposed,
    ),
    Rule(
        "scalar-commute",
        "algebra",
        "scalars commute",
        "A c B = c A B",
        "A scalar factor commutes with matrices",
        _scalar_to_front,
        conditions=("c scalar",),
        minor=True,
    ),
    Rule(
        "transpose-product",
        "transpose",
        "transpose of a product",
        "(A B)^T = B^T A^T",
        "Transpose of a product",
        _transpose_product,
        minor=True,
    ),
    Rule(
        "transpose-sum",
        "transpose",
        "transpose of a sum",
        "(A + B)^T = A^T + B^T",
        "Transpose of a sum",
        _transpose_sum,
        minor=True,
    ),
    Rule(
        "transpose-transpose",
        "transpose",
        "double transpose",
        "(A^T)^T = A",
        "A double transpose cancels",
        _transpose_transpose,
        minor=True,
    ),
    Rule(
        "transpose-scalar",
        "transpose",
        "transpose of a scalar",
        "a^T = a",
        "A scalar is its own transpose",
        _transpose_scalar,
        conditions=("a scalar",),
        minor=True,
    ),
    Rule(
        "transpose-identity",
        "transpose",
        "transpose of the identity",
        "I_n^T = I_n",
        "The identity is its own transpose",
        _transpose_identity,
        minor=True,
    ),
    Rule(
        "transpose-ones",
        "transpose",
        "transpose of the ones",
        "ones(n, n)^T = ones(n, n)",
        "The transpose of a matrix of ones is one",
        _transpose_ones,
        minor=True,
    ),
    Rule(
        "transpose-symmetric",
        "transpose",
        "symmetry",
        "A^T = A; (A^2)^T = A^2",
        "Use the symmetry of the matrix",
        _transpose_symmetric,
        conditions=("A symmetric",),
        because="since `{}` is symmetric",
    ),
    Rule(
        "transpose-inverse",
        "transpose",
        "transpose of an inverse",
        "(X^-1)^T = (X^T)^-1",
        "Transpose of an inverse",
        _transpose_inverse,
        minor=True,
        conditions=("X invertible",),
        # the printer writes both sides X^{-T}: the notes' chain is shown as it is written
        law_latex=r"(X^{-1})^{T} = (X^{T})^{-1} = X^{-T}",
    ),
) + rules_algebra.RULES
