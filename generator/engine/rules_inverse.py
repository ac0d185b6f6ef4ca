"""The tidy pass's laws of inverses and of the identity: a matrix beside its inverse
cancels (`X X^-1 = I`), the identity drops out of a product, the inverse of a product,
of a scalar multiple and of an inverse taken apart.  They come first in the tidy pass
(generator/engine/rules_tidy.py): what cancels should cancel before terms are
collected around it.
"""

from __future__ import annotations

from typing import Iterator

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import (
    ONE,
    Add,
    Expr,
    Identity,
    Inverse,
    Mul,
    Number,
    add,
    factors_of,
    mul,
    split_coefficient,
)


def _cancel_inverse(node: Expr, ctx: Context) -> Expr | None:
    """X X^-1 = X^-1 X = I, also where X is a product written out beside its inverse
    (`(A^T A)^-1 A^T A x = x`: the product associates)."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        for start, inner, end in _beside_its_inverse(f, i):
            rest_before, rest_after = f[:start], f[end:]
            if ctx.is_scalar(inner):
                return mul(*rest_before, *rest_after) if rest_before or rest_after else ONE
            return mul(*rest_before, Identity(ctx.shape(inner)[0]), *rest_after)
    return None


def _beside_its_inverse(f: tuple[Expr, ...], i: int) -> Iterator[tuple[int, Expr, int]]:
    """(start, X, end) where f[start:end] is X^-1 X or X X^-1 and begins at i; X may be
    a product whose factors stand one by one."""
    first = f[i]
    if isinstance(first, Inverse):  # X^-1 followed by X (whole, or its factors)
        inner = first.arg
        for parts in ((inner,), factors_of(inner)):
            if tuple(f[i + 1 : i + 1 + len(parts)]) == parts:
                yield i, inner, i + 1 + len(parts)
                return
    for end in range(i + 1, len(f)):  # X (whole, or its factors) followed by X^-1
        last = f[end]
        if isinstance(last, Inverse) and (
            last.arg == first if end == i + 1 else tuple(f[i:end]) == factors_of(last.arg)
        ):
            yield i, last.arg, end + 1
            return


def _distribute_to_cancel(node: Expr, ctx: Context) -> Expr | None:
    """X^-1 (X A + B) = X^-1 X A + X^-1 B: a sum is expanded where a term of it would
    meet the inverse's matrix (`(A^T A)^-1 A^T (A x - b)`), and nowhere else: expanding
    gains only where something cancels."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i, inverse in enumerate(f):
        if not isinstance(inverse, Inverse):
            continue
        k = next((j for j in range(i + 1, len(f)) if isinstance(f[j], Add)), None)
        if k is None:
            continue
        total = f[k]
        assert isinstance(total, Add)
        matrix, prefix = factors_of(inverse.arg), tuple(f[i + 1 : k])
        for term in total.terms:
            rest = factors_of(split_coefficient(term)[1])
            if (prefix + rest)[: len(matrix)] == matrix or (not prefix and rest[0] == inverse.arg):
                return add(*(mul(*f[:k], t, *f[k + 1 :]) for t in total.terms))
    return None


def _identity_product(node: Expr, ctx: Context) -> Expr | None:
    """A I = I A = A."""
    if not isinstance(node, Mul):
        return None
    kept = [g for g in node.factors if not isinstance(g, Identity)]
    # not when that changes the shape: `(a^T a) I_n` is a matrix, `a^T a` a scalar
    if len(kept) < len(node.factors) and kept and ctx.shape(mul(*kept)) == ctx.shape(node):
        return mul(*kept)
    return None


def _inverse_inverse(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Inverse) and isinstance(node.arg, Inverse):
        return node.arg.arg
    return None


def _reciprocal(node: Expr, ctx: Context) -> Expr | None:
    """`2^-1` is the number 1/2: arithmetic, as the notes write it."""
    if isinstance(node, Inverse) and isinstance(node.arg, Number) and node.arg.value != 0:
        return Number(1 / node.arg.value)
    return None


def _inverse_identity(node: Expr, ctx: Context) -> Expr | None:
    """I^-1 = I."""
    if isinstance(node, Inverse) and isinstance(node.arg, Identity):
        return node.arg
    return None


def _inverse_product(node: Expr, ctx: Context) -> Expr | None:
    """(A B)^-1 = B^-1 A^-1 for square A and B (a product of non-square factors, such as
    A^T A, has an inverse but its factors have none)."""
    if not (isinstance(node, Inverse) and isinstance(node.arg, Mul)):
        return None
    factors = node.arg.factors
    if any(ctx.is_scalar(f) or len(set(ctx.shape(f))) != 1 for f in factors):
        return None
    return mul(*(Inverse(f) for f in reversed(factors)))


def _inverse_product_to_cancel(node: Expr, ctx: Context) -> Expr | None:
    """M R (P Q R)^-1 = M R R^-1 Q^-1 P^-1, and (P Q R)^-1 P N likewise: the inverse of a
    product of square matrices taken apart only where a factor meets its inverse (so
    `A X (X^T A X)^-1` becomes `X^-T`; apart, where nothing cancels, it would be longer)."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i, g in enumerate(f):
        apart = _inverse_product(g, ctx)
        if apart is None:
            continue
        assert isinstance(g, Inverse) and isinstance(g.arg, Mul)  # as _inverse_product found
        inside = g.arg.factors
        if (i > 0 and f[i - 1] == inside[-1]) or (i + 1 < len(f) and f[i + 1] == inside[0]):
            return mul(*f[:i], apart, *f[i + 1 :])
    return None


def _inverse_scalar(node: Expr, ctx: Context) -> Expr | None:
    """(c A)^-1 = c^-1 A^-1 for a scalar c; a product of scalars commutes, so its
    inverse is the product of the inverses (`(2 ||x|| ||y||)^-1 = 1/2 ||x||^-1 ||y||^-1`)."""
    if not (isinstance(node, Inverse) and isinstance(node.arg, Mul)):
        return None
    f = node.arg.factors
    if all(ctx.is_scalar(g) for g in f):
        c, rest = split_coefficient(node.arg)
        return mul(Number(1 / c), *(Inverse(g) for g in factors_of(rest) if g != ONE))
    # the leading scalar factors: numbers, `alpha`, a run kept whole such as `(u^T u)`
    i = next((k for k, g in enumerate(f) if not ctx.is_scalar(g)), len(f))
    if not 0 < i < len(f):
        return None
    c, scalar = split_coefficient(mul(*f[:i]))
    inverse_scalar = Number(1 / c) if scalar == ONE else mul(Number(1 / c), Inverse(scalar))
    return mul(inverse_scalar, Inverse(mul(*f[i:])))


RULES = (
    Rule(
        "cancel-inverse",
        "tidy",
        "cancel the inverse",
        "X X^-1 = I; X^-1 X = I",
        "A matrix times its inverse is the identity",
        _cancel_inverse,
        conditions=("X invertible",),
    ),
    Rule(
        "distribute-to-cancel",
        "tidy",
        "expand beside the inverse",
        "X^-1 (X A + B) = X^-1 X A + X^-1 B",
        "Expand the product where a term meets the inverse of its matrix",
        _distribute_to_cancel,
    ),
    Rule(
        "identity-product",
        "tidy",
        "drop the identity",
        "A I = A; I A = A",
        "Multiplying by the identity changes nothing",
        _identity_product,
        minor=True,
    ),
    Rule(
        "inverse-inverse",
        "tidy",
        "inverse of an inverse",
        "(X^-1)^-1 = X",
        "The inverse of an inverse",
        _inverse_inverse,
        minor=True,
        conditions=("X invertible",),
    ),
    Rule(
        "reciprocal",
        "tidy",
        "the reciprocal of a number",
        "",
        "Write the reciprocal of a number",
        _reciprocal,
        minor=True,
        law_latex=r"c^{-1} = \tfrac{1}{c} \text{ for a number } c \neq 0",
    ),
    Rule(
        "inverse-identity",
        "tidy",
        "inverse of the identity",
        "I_n^-1 = I_n",
        "The identity is its own inverse",
        _inverse_identity,
        minor=True,
    ),
    Rule(
        "inverse-product",
        "tidy",
        "inverse of a product",
        "(A B)^-1 = B^-1 A^-1",
        "The inverse of a product of square matrices is the "
        "product of the inverses in reverse order",
        _inverse_product,
        conditions=("A invertible", "B invertible"),
    ),
    Rule(
        "inverse-product-cancel",
        "tidy",
        "inverse of a product",
        "(A B)^-1 = B^-1 A^-1",
        "The inverse of a product of square matrices taken apart, where a factor meets its inverse",
        _inverse_product_to_cancel,
        conditions=("A invertible", "B invertible"),
    ),
    Rule(
        "inverse-scalar",
        "tidy",
        "scalars out of an inverse",
        "(c A)^-1 = c^-1 A^-1; (a c)^-1 = a^-1 c^-1",
        "A scalar factor leaves the inverse",
        _inverse_scalar,
        conditions=("c scalar", "A invertible"),
    ),
)
