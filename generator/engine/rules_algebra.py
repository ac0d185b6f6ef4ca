"""The algebra that rewrites a sum: zero terms dropped, a product expanded over a sum,
like terms collected (`a A + c A = (a + c) A`) and common factors taken out
(`A B C + A D C = A (B + D) C`).  The trace and transpose laws (rules_trace.py) and
the tidy pass (rules_tidy.py) use it.
"""

from __future__ import annotations

from fractions import Fraction

from generator.engine.context import Context
from generator.engine.rule import Rule
from generator.math.expr import (
    ONE,
    ZERO,
    Add,
    Expr,
    Hadamard,
    Identity,
    Mul,
    Number,
    Trace,
    Transpose,
    add,
    factors_of,
    is_zero,
    mul,
    split_coefficient,
)
from generator.math.memo import node_memo


def _drop_zero(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Add) and any(is_zero(t) for t in node.terms):
        return add(*(t for t in node.terms if not is_zero(t)))
    if isinstance(node, (Trace, Transpose)) and is_zero(node.arg):
        return ZERO
    return None


def _distribute(node: Expr, ctx: Context) -> Expr | None:
    """A (B + C) D = A B D + A C D."""
    if not isinstance(node, Mul):
        return None
    for i, f in enumerate(node.factors):
        if isinstance(f, Add):
            before, after = node.factors[:i], node.factors[i + 1 :]
            return add(*(mul(*before, t, *after) for t in f.terms))
    return None


def _hadamard_factors(e: Expr) -> list[Expr]:
    if isinstance(e, Hadamard) and not e.divide:
        return _hadamard_factors(e.left) + _hadamard_factors(e.right)
    return [e]


_LIKE_KEYS: dict = {}  # the memo of like_key, by node


def like_key(e: Expr) -> Expr:
    """A form in which `a .* x` and `x .* a` are the same (the Hadamard product commutes).
    Only compared within one derivation, never shown: the factors are ordered by hash
    (printing each to order it made long sums quadratic)."""
    return e.map_bottom_up(_hadamard_sorted, node_memo(_LIKE_KEYS), idempotent=True)


def _hadamard_sorted(node: Expr) -> Expr:
    if isinstance(node, Hadamard) and not node.divide:
        factors = sorted(_hadamard_factors(node), key=hash)
        out = factors[0]
        for f in factors[1:]:
            out = Hadamard(out, f)
        return out
    return node


def collect_like_terms(node: Expr, ctx: Context) -> Expr | None:
    """2 A + 3 A = 5 A: terms equal up to a numeric coefficient are merged."""
    if not isinstance(node, Add):
        return None
    order: list[Expr] = []
    first: dict[Expr, Expr] = {}
    total: dict[Expr, Fraction] = {}
    for t in node.terms:
        c, rest = split_coefficient(t)
        key = like_key(rest)
        if key not in total:
            order.append(key)
            first[key] = rest
            total[key] = Fraction(0)
        total[key] += c
    if len(order) == len(node.terms):
        return None
    return add(*(mul(Number(total[k]), first[k]) for k in order if total[k] != 0))


def _common_affixes(lists: list[tuple[Expr, ...]]) -> tuple[int, int]:
    shortest = min(len(f) for f in lists)
    prefix = 0
    while prefix < shortest and all(f[prefix] == lists[0][prefix] for f in lists):
        prefix += 1
    suffix = 0
    while suffix < shortest - prefix and all(
        f[len(f) - 1 - suffix] == lists[0][-1 - suffix] for f in lists
    ):
        suffix += 1
    return prefix, suffix


def factor_terms(terms: tuple[Expr, ...], ctx: Context, with_identity: bool = True) -> Expr | None:
    """A B C + A D C = A (B + D) C for the factors common to all `terms`.

    A term with nothing (or only scalars) left between the common factors gets an
    identity of the right size: `A X + X = (A + I) X`, `N S^-1 - S^-1 C S^-1 =
    (N I - S^-1 C) S^-1`; when no identity fits (the others are not square), None.
    """
    split = [split_coefficient(t) for t in terms]
    lists = [factors_of(rest) for _, rest in split]
    prefix, suffix = _common_affixes(lists)
    if prefix + suffix == 0:
        return None
    middles = [list(f[prefix : len(f) - suffix]) for f in lists]
    matrix_middles = [m for m in middles if m and not ctx.is_scalar(mul(*m))]
    if matrix_middles and len(matrix_middles) < len(middles):
        rows, cols = ctx.shape(mul(*matrix_middles[0]))
        if rows != cols or not with_identity:
            return None
        middles = [m if m in matrix_middles else m + [Identity(rows)] for m in middles]
    elif not matrix_middles and any(not m for m in middles):
        middles = [m or [ONE] for m in middles]
    parts = [mul(Number(c), *m) for (c, _), m in zip(split, middles)]
    common = lists[0]
    return mul(*common[:prefix], add(*parts), *common[len(common) - suffix :])


def _factor_common(node: Expr, ctx: Context) -> Expr | None:
    """A B C + A D C = A (B + D) C, for the factors common to every term."""
    if not isinstance(node, Add):
        return None
    return factor_terms(node.terms, ctx)


RULES = (
    Rule(
        "drop-zero",
        "algebra",
        "drop zero terms",
        "A + 0 = A",
        "Drop the zero terms",
        _drop_zero,
        minor=True,
    ),
    Rule(
        "distribute",
        "algebra",
        "expand the product",
        "A (B + C) D = A B D + A C D",
        "Expand the product over the sum",
        _distribute,
    ),
    Rule(
        "collect-like-terms",
        "algebra",
        "collect like terms",
        "a A + c A = (a + c) A",
        "Collect like terms",
        collect_like_terms,
    ),
    Rule(
        "factor-common",
        "algebra",
        "factor out common factors",
        "A B C + A D C = A (B + D) C; A B + A = A (B + I)",
        "Factor out the common factors",
        _factor_common,
    ),
)
