"""The shape rules: one function per node type, giving (rows, cols) of a node from its
children's shapes, in an algebra (generator.math.dims.Algebra) that is either the
Unifier (inference: dimensions are variables solved from use) or a complete table's
sizes (checking: dimensions are only compared).  Written once, so that inference and
checking cannot disagree (generator/math/shapes.py runs them).

The scalar rule (contract section 2; the notes write `(x^T b) X` and `X alpha`): a factor
of a product that is known to be 1 x 1 is a scalar and commutes, so it never constrains
its neighbours.  A known 1 x 1 term of a sum or of a Hadamard product broadcasts
(`1 + exp(v)`).  An inferred dimension stands for a general size and is never unified
with 1, so "known 1 x 1" is decided when a factor is met and does not depend on order.
"""

from __future__ import annotations

from typing import Callable, Iterator, Optional

from generator.errors import ShapeError
from generator.math.dims import Algebra, AnyShape
from generator.math.indexed import IndexedName, IndexedSum, Run
from generator.math.expr import (
    Add,
    Commutation,
    Det,
    Diag,
    Differential,
    Elementwise,
    EntrywisePower,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    Kron,
    LogDet,
    LogSumExp,
    Mul,
    Norm,
    Number,
    Ones,
    Power,
    PowerSum,
    Quantity,
    Softmax,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
    Vec,
)


def _part(parts: tuple[Expr, ...]) -> Expr:
    """The leading factors of a product, as one expression for a message."""
    return parts[0] if len(parts) == 1 else Mul(parts)


def _scalar(e: Expr, alg: Algebra) -> AnyShape:
    """Numbers, and scalar-valued functions (the arguments are checked by their own rule)."""
    for child in e.children():
        alg.shape(child)
    return alg.scalar


def _same(e: Expr, alg: Algebra) -> AnyShape:
    """`d(X)`, `exp(X)`: the shape of the argument."""
    return alg.shape(e.children()[0])


def _transpose(e: Transpose, alg: Algebra) -> AnyShape:
    s = alg.shape(e.arg)
    return (s[1], s[0])


def _square(what: str, to_scalar: bool) -> Callable[[Expr, Algebra], AnyShape]:
    """A rule for an operation defined only on square matrices (tr, det, inverse, power)."""

    def rule(e: Expr, alg: Algebra) -> AnyShape:
        arg = e.children()[0]
        s = alg.shape(arg)
        if not alg.same(s[0], s[1]):
            alg.fail(
                f"shape mismatch in `{e}`: {arg} is {alg.show(s)}, "
                f"but {what} needs a square matrix",
                (arg,),
            )
        return alg.scalar if to_scalar else s

    return rule


def _power(e: Power, alg: Algebra) -> AnyShape:
    """`X^k` of a square matrix (or a scalar); a symbolic exponent is a scalar."""
    shape = _square("a matrix power", False)(e, alg)
    if isinstance(e.exponent, Expr):  # symbolic
        s = alg.shape(e.exponent)
        if not (alg.same(s[0], alg.scalar[0]) and alg.same(s[1], alg.scalar[1])):
            alg.fail(
                f"`{e}`: the exponent {e.exponent} is {alg.show(s)}, but an exponent is a scalar",
                (e.exponent,),
            )
    return shape


def _diag(e: Diag, alg: Algebra) -> AnyShape:
    """diag(v) of a column vector is square; diag(X) of a square matrix is a column."""
    s = alg.shape(e.arg)
    if alg.is_one(s[1]):
        return (s[0], s[0])
    if alg.same(s[0], s[1]):
        return (s[0], alg.scalar[1])
    alg.fail(
        f"shape mismatch in `{e}`: {e.arg} is {alg.show(s)}, but diag takes a column "
        f"vector (the diagonal matrix with it on its diagonal) or a square matrix (the "
        f"vector of its diagonal)",
        (e.arg,),
    )


def _of_column(what: str, to_scalar: bool) -> Callable[[Expr, Algebra], AnyShape]:
    """A rule for a function of a column vector (softmax, logsumexp): a row vector or a
    matrix would leave open over which entries it normalises."""

    def rule(e: Expr, alg: Algebra) -> AnyShape:
        s = alg.shape(e.children()[0])
        if not alg.is_one(s[1]) or alg.is_scalar(s):
            alg.fail(
                f"shape mismatch in `{e}`: {e.children()[0]} is {alg.show(s)}, but "
                f"{what} takes a column vector (of a matrix it would leave open which "
                f"entries are normalised together: write it of each column)",
                (e.children()[0],),
            )
        return alg.scalar if to_scalar else s

    return rule


def _entrywise_power(e: EntrywisePower, alg: Algebra) -> AnyShape:
    """`Z .^ c` has Z's shape; `s^(1/2)` written without the dot is a real power of a
    scalar only (of a matrix it would be a matrix root)."""
    s = alg.shape(e.base)
    if not e.dotted and not alg.is_scalar(s):
        alg.fail(
            f"`{e}`: {e.base} is {alg.show(s)}, and a power that is no whole number is "
            f"taken of a scalar, or entry by entry with `.^`: write "
            f"`{EntrywisePower(e.base, e.exponent)}`",
            (e.base,),
        )
    return s


def _vec(e: Vec, alg: Algebra) -> AnyShape:
    """vec(X) of an m x n X is m n x 1 (the row index runs fastest)."""
    rows, cols = alg.shape(e.arg)
    return (alg.product(rows, cols), alg.scalar[1])


def _kron(e: Kron, alg: Algebra) -> AnyShape:
    """kron(A, B) of m x n and p x q is m p x n q (B's index runs fastest)."""
    (m, n), (p, q) = alg.shape(e.left), alg.shape(e.right)
    return (alg.product(p, m), alg.product(q, n))


def _commutation(e: Commutation, alg: Algebra) -> AnyShape:
    """K(m, n) is m n x m n: it takes vec(X) of an m x n X to vec(X^T)."""
    m, n = alg.identity(e.rows)[0], alg.identity(e.cols)[0]
    return (alg.product(n, m), alg.product(m, n))


def _inverse(e: Inverse, alg: Algebra) -> AnyShape:
    """`X^-1` of a square matrix; `a / s` divides by a scalar only."""
    if e.division:
        s = alg.shape(e.arg)
        if not alg.is_scalar(s):
            alg.fail(
                f"`/ {e.arg}` divides by a matrix ({alg.show(s)}), but `/` divides by a "
                f"scalar only; write the inverse on the side you mean: `A {_base(e.arg)}^-1`"
                f" or `{_base(e.arg)}^-1 A`",
                (e.arg,),
            )
        return s
    return _square("the inverse", False)(e, alg)


def _base(e: Expr) -> str:
    return str(e) if isinstance(e, Symbol) else f"({e})"


def _norm(e: Norm, alg: Algebra) -> AnyShape:
    """`||v||` needs a vector; a matrix needs the Frobenius norm, written `||X||_F`."""
    s = alg.shape(e.arg)
    if not e.frobenius and not (alg.is_one(s[0]) or alg.is_one(s[1])):
        alg.fail(
            f"`{e}`: {e.arg} is a matrix ({alg.show(s)}) and `||.||` is the "
            f"norm of a vector; write `{Norm(e.arg, True)}` for the Frobenius norm",
            (),
        )
    return alg.scalar


def _mul(e: Mul, alg: Algebra) -> AnyShape:
    """Fold left to right; a known 1 x 1 side is a scalar multiplication, and so is a run
    of factors whose product is 1 x 1 (`X (x^T b)` is stored flat as `X x^T b`)."""
    run: AnyShape | None = None
    i = 0
    while i < len(e.factors):
        factor = e.factors[i]
        s = alg.shape(factor)
        if run is None or alg.is_scalar(run):
            run = s
        elif alg.is_scalar(s) or alg.same(run[1], s[0]):
            run = run if alg.is_scalar(s) else (run[0], s[1])
        else:
            end = _scalar_run(e.factors, i, alg)
            if end is None:
                left = _part(e.factors[:i])
                alg.fail(
                    f"shape mismatch in `{e}`: {left} is {alg.show(run)} but "
                    f"{factor} is {alg.show(s)} (the columns of {left} must "
                    f"equal the rows of {factor})",
                    (left, factor),
                )
            i = end
        i += 1
    assert run is not None  # a product has factors
    return run


def _scalar_run(factors: tuple[Expr, ...], start: int, alg: Algebra) -> Optional[int]:
    """The last index of the shortest run from `start` whose product is 1 x 1, or None
    (no side effects then: the algebra is rolled back)."""
    return next(scalar_run_ends(factors, start, alg), None)


def scalar_run_ends(factors: tuple[Expr, ...], start: int, alg: Algebra) -> Iterator[int]:
    """Each last index of a run from `start` whose product is 1 x 1, shortest first (a
    run that does not conform may when longer: `v^T x^T` does not, `v^T x^T x` does).
    The algebra keeps what the run yielded taught it (inference: the sizes in it) until
    a longer one is asked for."""
    for end in range(start + 1, len(factors)):
        saved = alg.snapshot()
        try:
            s = alg.shape(Mul(factors[start : end + 1]))
        except ShapeError:
            alg.restore(saved)
            continue
        if alg.is_scalar(s):
            yield end
        alg.restore(saved)


def _broadcast(e: Expr, parts: tuple[Expr, ...], alg: Algebra, why: str) -> AnyShape:
    """All parts the same shape, except known 1 x 1 parts, which are added to every entry."""
    base: AnyShape | None = None
    base_part: Expr = parts[0]
    for part in parts:
        s = alg.shape(part)
        if alg.is_scalar(s):
            continue
        if base is None:
            base, base_part = s, part
        elif not (alg.same(base[0], s[0]) and alg.same(base[1], s[1])):
            alg.fail(
                f"shape mismatch in `{e}`: {base_part} is {alg.show(base)} but "
                f"{part} is {alg.show(s)} ({why})",
                (base_part, part),
            )
    return alg.scalar if base is None else base


def _add(e: Add, alg: Algebra) -> AnyShape:
    return _broadcast(e, e.terms, alg, "the terms of a sum must have the same shape")


def _hadamard(e: Hadamard, alg: Algebra) -> AnyShape:
    what = "quotient" if e.divide else "product"
    return _broadcast(
        e, (e.left, e.right), alg, f"both sides of an elementwise {what} must have the same shape"
    )


RULES: dict[type, Callable] = {
    Symbol: lambda e, alg: alg.symbol(e.name),
    Number: _scalar,
    Quantity: lambda e, alg: alg.symbol(e.name),  # a named subexpression: in the table
    Identity: lambda e, alg: alg.identity(e.size),
    # ones(n, m) is n x m; each algebra turns a size into a dimension through identity()
    Ones: lambda e, alg: (alg.identity(e.rows)[0], alg.identity(e.cols)[0]),
    Add: _add,
    Mul: _mul,
    Hadamard: _hadamard,
    Transpose: _transpose,
    Differential: _same,
    Elementwise: _same,
    Inverse: _inverse,
    Power: _power,
    PowerSum: lambda e, alg: alg.shape(e.inner),
    # a general term is shaped as its members are: every member alike (math.indexed)
    IndexedName: lambda e, alg: alg.symbol(e.example.name),
    Run: lambda e, alg: alg.shape(e.period),
    IndexedSum: lambda e, alg: alg.shape(e.body),
    Trace: _square("the trace", True),
    Det: _square("the determinant", True),
    LogDet: _square("the log-determinant", True),
    SumEntries: _scalar,
    Norm: _norm,
    Diag: _diag,
    Vec: _vec,
    Kron: _kron,
    Commutation: _commutation,
    Softmax: _of_column("softmax", False),
    LogSumExp: _of_column("logsumexp", True),
    EntrywisePower: _entrywise_power,
}


def apply_rule(e: Expr, alg: Algebra) -> AnyShape:
    rule = RULES.get(type(e))
    if rule is None:
        raise ShapeError(f"no shape rule for a {type(e).__name__} node")
    return rule(e, alg)
