"""vec, the Kronecker product and the commutation matrix, in scalar objectives.

All three are linear, so d passes through (`d(vec(X)) = vec(dX)`, and the product rule
for `A ⊗ B`).  To reach the trace form a Kronecker product applied to a vec becomes the
vec of a product, `(C ⊗ D) vec(X) = vec(D X C^T)`, the commutation matrix a transpose,
`K(m, n) vec(X) = vec(X^T)`, and the inner product of two vecs a trace,
`vec(A)^T vec(B) = tr(A^T B)`; `tr(A ⊗ B) = tr(A) tr(B)`.
"""

from __future__ import annotations

from typing import Callable

from generator.engine.context import Context, has_differential
from generator.engine.rule import Rule
from generator.math.expr import (
    Add,
    Commutation,
    Diag,
    Differential,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    Kron,
    Mul,
    Ones,
    Trace,
    Transpose,
    Unary,
    Vec,
    add,
    d,
    factors_of,
    mul,
    transposed,
)


def _differential_vec(node: Expr, ctx: Context) -> Expr | None:
    """d(vec(X)) = vec(dX)."""
    if isinstance(node, Differential) and isinstance(node.arg, Vec):
        return Vec(d(node.arg.arg))
    return None


def _differential_kron(node: Expr, ctx: Context) -> Expr | None:
    """d(A ⊗ B) = dA ⊗ B + A ⊗ dB (a constant factor has no term)."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Kron)):
        return None
    a, b = node.arg.left, node.arg.right
    terms = ([Kron(d(a), b)] if not ctx.is_constant(a) else []) + (
        [Kron(a, d(b))] if not ctx.is_constant(b) else []
    )
    return add(*terms)


def _vec_linear(node: Expr, ctx: Context) -> Expr | None:
    """vec(A + c B) = vec(A) + c vec(B): over the terms, the plain scalars in front."""
    if not isinstance(node, Vec):
        return None
    terms = node.arg.terms if isinstance(node.arg, Add) else (node.arg,)
    out = []
    for term in terms:
        scalars, rest = ctx.split_scalars(term.factors if isinstance(term, Mul) else (term,))
        out.append(mul(*scalars, Vec(mul(*rest))) if rest and scalars else Vec(term))
    split = add(*out)
    return None if split == node else split


def _kron_times_vec(node: Expr, ctx: Context) -> Expr | None:
    """(C ⊗ D) vec(X) = vec(D X C^T); K(m, n) vec(X) = vec(X^T)."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        left, right = f[i], f[i + 1]
        if not isinstance(right, Vec):
            continue
        while isinstance(left, Transpose) and isinstance(left.arg, Transpose):
            left = left.arg.arg  # the notation rules leave what holds no differential
        if isinstance(left, Transpose) and isinstance(left.arg, Kron):  # (C ⊗ D)^T
            left = Kron(transposed(left.arg.left), transposed(left.arg.right))
        if isinstance(left, Kron):
            inner = Vec(mul(left.right, right.arg, transposed(left.left)))
        elif isinstance(left, Commutation) or (
            isinstance(left, Transpose) and isinstance(left.arg, Commutation)
        ):
            inner = Vec(Transpose(right.arg))  # K(m, n)^T = K(n, m) does the same
        else:
            continue
        return mul(*f[:i], inner, *f[i + 2 :])
    return None


def _vec_inner(node: Expr, ctx: Context) -> Expr | None:
    """vec(A)^T vec(B) = tr(A^T B), in a trace or as a product of its own (the ones of
    m n entries are vec(ones(m, n)))."""
    arg = node.arg if isinstance(node, Trace) else node
    if not isinstance(arg, Mul):
        return None
    scalars, rest = ctx.split_scalars(arg.factors)
    if not (len(rest) == 2 and isinstance(rest[0], Transpose) and isinstance(rest[1], Vec)):
        return None
    first = rest[0].arg
    if isinstance(first, Ones):  # ones(m n) is vec(ones(m, n)): a sum of entries
        first = Vec(Ones(*ctx.shape(rest[1].arg)))
    if not isinstance(first, Vec):
        return None
    return mul(*scalars, Trace(mul(Transpose(first.arg), rest[1].arg)))


def _commutation_under(op: type[Unary]) -> Callable[[Expr, Context], Expr | None]:
    """K(m, n)^T = K(m, n)^-1 = K(n, m) (`op` Transpose or Inverse): the commutation
    matrix is a permutation, whose transpose is its inverse, the inverse permutation."""

    def apply(node: Expr, ctx: Context) -> Expr | None:
        if isinstance(node, op) and isinstance(node.arg, Commutation):
            return Commutation(node.arg.cols, node.arg.rows)
        return None

    return apply


def _kron_under(op: type[Unary]) -> Callable[[Expr, Context], Expr | None]:
    """kron(A, B)^T = kron(A^T, B^T) and kron(A, B)^-1 = kron(A^-1, B^-1) (`op`
    Transpose or Inverse): each goes to the factors, in their order."""

    def apply(node: Expr, ctx: Context) -> Expr | None:
        if isinstance(node, op) and isinstance(node.arg, Kron):
            return Kron(op(node.arg.left), op(node.arg.right))
        return None

    return apply


# ----- the vec form of a matrix differential: vec(dF) = J vec(dX) --------------------------


def _vec_of_product(node: Expr, ctx: Context) -> Expr | None:
    """vec(A M B) = (B^T ⊗ A) vec(M), M the factor holding the differential (A or B may be
    missing: an identity of the right size stands for it)."""
    if not (isinstance(node, Vec) and isinstance(node.arg, Mul)):
        return None
    scalars, factors = ctx.split_scalars(node.arg.factors)
    holding = [k for k, f in enumerate(factors) if has_differential(f)]
    if len(holding) != 1 or len(factors) == 1:
        return None
    k = holding[0]
    middle = factors[k]
    rows, cols = ctx.shape(middle)
    before = mul(*factors[:k]) if k > 0 else Identity(rows)
    after = transposed(mul(*factors[k + 1 :])) if k + 1 < len(factors) else Identity(cols)
    return mul(*scalars, Kron(after, before), Vec(middle))


def _vec_of_transpose(node: Expr, ctx: Context) -> Expr | None:
    """vec(dX^T) = K(m, n) vec(dX) for an m x n X."""
    if isinstance(node, Vec) and isinstance(node.arg, Transpose) and has_differential(node):
        rows, cols = ctx.shape(node.arg.arg)
        return mul(Commutation(rows, cols), Vec(node.arg.arg))
    return None


def _vec_of_hadamard(node: Expr, ctx: Context) -> Expr | None:
    """vec(P .* dX) = diag(vec(P)) vec(dX)."""
    if not (isinstance(node, Vec) and isinstance(node.arg, Hadamard)) or node.arg.divide:
        return None
    for constant, varying in ((node.arg.left, node.arg.right), (node.arg.right, node.arg.left)):
        if has_differential(varying) and not has_differential(constant):
            return mul(Diag(Vec(constant)), Vec(varying))
    return None


def _vec_of_column(node: Expr, ctx: Context) -> Expr | None:
    """vec(v) = v for a column vector."""
    if isinstance(node, Vec) and ctx.is_column(node.arg):
        return node.arg
    return None


def _vec_of_scalar_times(node: Expr, ctx: Context) -> Expr | None:
    """vec(c M) = vec(M) c for a scalar c that holds the differential, and
    tr(P dX) = vec(P^T)^T vec(dX): the differential ends the term."""
    if isinstance(node, Vec) and isinstance(node.arg, Mul):
        held = [f for f in node.arg.factors if has_differential(f) and ctx.is_scalar(f)]
        if len(held) == 1 and not ctx.is_scalar(node.arg):
            rest = [f for f in node.arg.factors if f is not held[0]]
            return mul(Vec(mul(*rest)), held[0])
    if isinstance(node, Trace) and has_differential(node):
        factors = factors_of(node.arg)
        if has_differential(factors[-1]) and not any(map(has_differential, factors[:-1])):
            weights = (
                transposed(mul(*factors[:-1]))
                if len(factors) > 1
                else Identity(ctx.shape(factors[-1])[0])
            )
            return mul(Transpose(Vec(weights)), Vec(factors[-1]))
    return None


def _kron_by_scalar(node: Expr, ctx: Context) -> Expr | None:
    """kron(A, c) = kron(c, A) = c A for a 1 x 1 c (I_1 is the number 1)."""
    if not isinstance(node, Kron):
        return None
    for scalar, other in ((node.right, node.left), (node.left, node.right)):
        if ctx.is_scalar(scalar):
            return other if isinstance(scalar, Identity) else mul(scalar, other)
    return None


def _kron_absorbs(node: Expr, ctx: Context) -> Expr | None:
    """A kron(r, I_n) = kron(r, A) for a row r, and kron(c, I_n) A = kron(c, A) for a
    column c: the mixed-product law (1 ⊗ A)(r ⊗ I_n) = r ⊗ A, the factor beside the
    identity taken into it (`diag(s) kron(x^T, I_k)` is `kron(x^T, diag(s))`)."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        left, right = f[i], f[i + 1]
        if (
            isinstance(right, Kron)
            and isinstance(right.right, Identity)
            and ctx.shape(right.left)[0] == 1
            and not ctx.is_scalar(left)
        ):
            return mul(*f[:i], Kron(right.left, left), *f[i + 2 :])
        if (
            isinstance(left, Kron)
            and isinstance(left.right, Identity)
            and ctx.shape(left.left)[1] == 1
            and not ctx.is_scalar(right)
        ):
            return mul(*f[:i], Kron(left.left, right), *f[i + 2 :])
    return None


def _kron_collect(node: Expr, ctx: Context) -> Expr | None:
    """kron(A, B) + c kron(A, C) = kron(A, B + c C), and kron(A, C) + c kron(B, C) =
    kron(A + c B, C): the terms that share a factor of their Kronecker products, first
    the left ones, then the right."""
    if not isinstance(node, Add):
        return None
    for side in ("left", "right"):
        groups: dict[Expr, list[tuple[int, Expr]]] = {}
        for i, term in enumerate(node.terms):
            scalars, rest = ctx.split_scalars(factors_of(term))
            if len(rest) == 1 and isinstance(rest[0], Kron):
                kron = rest[0]
                shared, own = (kron.left, kron.right) if side == "left" else (kron.right, kron.left)
                groups.setdefault(shared, []).append((i, mul(*scalars, own)))
        for shared, members in groups.items():
            if len(members) < 2:
                continue
            gathered = add(*(part for _, part in members))
            kron = Kron(shared, gathered) if side == "left" else Kron(gathered, shared)
            first, used = members[0][0], {i for i, _ in members}
            return add(
                *(
                    kron if i == first else t
                    for i, t in enumerate(node.terms)
                    if i not in used or i == first
                )
            )
    return None


def _commutation_of_a_vector(node: Expr, ctx: Context) -> Expr | None:
    """K(n, 1) = K(1, n) = I_n: a column's vec is its transpose's."""
    if isinstance(node, Commutation) and 1 in (node.rows, node.cols):
        return Identity(node.cols if node.rows == 1 else node.rows)
    return None


def _vec_collect(node: Expr, ctx: Context) -> Expr | None:
    """vec(A) + c vec(B) = vec(A + c B): the terms that are (scalar multiples of) vecs of
    matrices of one shape become one vec (the others stay)."""
    if not isinstance(node, Add):
        return None
    inside, outside = [], []
    for term in node.terms:
        scalars, rest = ctx.split_scalars(factors_of(term))
        if len(rest) == 1 and isinstance(rest[0], Vec) and not ctx.is_column(rest[0].arg):
            inside.append(mul(*scalars, rest[0].arg))
        else:
            outside.append(term)
    if len(inside) < 2 or len({ctx.shape(t) for t in inside}) > 1:
        return None
    return add(Vec(add(*inside)), *outside)


def _trace_kron(node: Expr, ctx: Context) -> Expr | None:
    """tr(A ⊗ B) = tr(A) tr(B)."""
    if isinstance(node, Trace) and isinstance(node.arg, Kron):
        return mul(Trace(node.arg.left), Trace(node.arg.right))
    return None


RULES = (
    Rule(
        "differential-vec",
        "differential",
        "d of a vec",
        "d(vec(X)) = vec(dX)",
        "vec is linear, so d and vec can be swapped",
        _differential_vec,
    ),
    Rule(
        "differential-kron",
        "differential",
        "d of a Kronecker product",
        "d(A ⊗ B) = dA ⊗ B + A ⊗ dB",
        "Product rule for the Kronecker product",
        _differential_kron,
    ),
    Rule(
        "vec-linearity",
        "trace",
        "linearity of vec",
        "vec(A + c B) = vec(A) + c vec(B)",
        "vec is linear",
        _vec_linear,
        conditions=("c scalar",),
    ),
    Rule(
        "kron-vec",
        "trace",
        "a Kronecker product applied to a vec",
        "kron(C, D) vec(X) = vec(D X C^T); kron(C, D)^T vec(X) = vec(D^T X C); "
        "K(n, n) vec(X) = vec(X^T)",
        "A Kronecker product applied to vec(X) is the vec of a product",
        _kron_times_vec,
    ),
    Rule(
        "vec-inner",
        "trace",
        "inner product of vecs",
        "vec(A)^T vec(B) = tr(A^T B)",
        "The inner product of two vecs is a trace",
        _vec_inner,
    ),
    Rule(
        "transpose-commutation",
        "transpose",
        "transpose of the commutation matrix",
        "K(n, n)^T = K(n, n)",
        "The transpose of K(m, n) is K(n, m)",
        _commutation_under(Transpose),
        minor=True,
    ),
    Rule(
        "transpose-kron",
        "transpose",
        "transpose of a Kronecker product",
        "kron(A, B)^T = kron(A^T, B^T)",
        "The transpose of a Kronecker product",
        _kron_under(Transpose),
    ),
    Rule(
        "vec-product",
        "vec",
        "vec of a product",
        "vec(A X B) = kron(B^T, A) vec(X)",
        "The vec of a product is a Kronecker product applied to the vec",
        _vec_of_product,
    ),
    Rule(
        "vec-transpose",
        "vec",
        "vec of a transpose",
        "vec(X^T) = K(n, n) vec(X)",
        "The commutation matrix turns vec(X) into vec(X^T)",
        _vec_of_transpose,
    ),
    Rule(
        "vec-hadamard",
        "vec",
        "vec of an entrywise product",
        "vec(A .* X) = diag(vec(A)) vec(X)",
        "An entrywise product is a diagonal matrix applied to the vec",
        _vec_of_hadamard,
    ),
    Rule(
        "vec-column",
        "vec",
        "vec of a column",
        "vec(x) = x",
        "A column vector is its own vec",
        _vec_of_column,
        minor=True,
    ),
    Rule(
        "vec-scalar-differential",
        "vec",
        "the differential to the end",
        "vec(c A) = vec(A) c; tr(A X) = vec(A^T)^T vec(X)",
        "A scalar holding the differential goes last; a trace is an inner product of vecs",
        _vec_of_scalar_times,
    ),
    Rule(
        "kron-scalar",
        "tidy",
        "Kronecker product by a scalar",
        "kron(A, a) = a A",
        "A Kronecker product by a scalar is a multiple",
        _kron_by_scalar,
        minor=True,
    ),
    Rule(
        "kron-absorb",
        "tidy",
        "the factor beside the identity",
        "A kron(x^T, I_n) = kron(x^T, A); kron(x, I_n) A = kron(x, A)",
        "The mixed-product law: the factor beside the identity goes into it",
        _kron_absorbs,
    ),
    Rule(
        "kron-collect",
        "tidy",
        "one Kronecker product of the sum",
        "kron(A, B) + c kron(A, C) = kron(A, B + c C); kron(A, C) - kron(B, C) = kron(A - B, C)",
        "The Kronecker product is linear in each factor",
        _kron_collect,
        conditions=("c scalar",),
    ),
    Rule(
        "commutation-vector",
        "tidy",
        "commutation of a vector",
        "K(n, 1) = I_n",
        "The commutation matrix of a vector is the identity",
        _commutation_of_a_vector,
        minor=True,
    ),
    Rule(
        "inverse-kron",
        "vec",
        "inverse of a Kronecker product",
        "kron(A, B)^-1 = kron(A^-1, B^-1)",
        "The inverse of a Kronecker product is the Kronecker product of the inverses",
        _kron_under(Inverse),
        conditions=("A invertible", "B invertible"),
    ),
    Rule(
        "inverse-commutation",
        "vec",
        "inverse of the commutation matrix",
        "K(n, n)^-1 = K(n, n)",
        "The inverse of K(m, n) is K(n, m), its transpose",
        _commutation_under(Inverse),
        minor=True,
    ),
    Rule(
        "vec-collect",
        "vec",
        "one vec of the sum",
        "vec(A) + c vec(B) = vec(A + c B)",
        "vec is linear: a sum of vecs is the vec of the sum",
        _vec_collect,
        conditions=("c scalar",),
    ),
    Rule(
        "trace-kron",
        "trace",
        "trace of a Kronecker product",
        "tr(kron(A, B)) = tr(A) tr(B)",
        "The trace of a Kronecker product",
        _trace_kron,
    ),
)
