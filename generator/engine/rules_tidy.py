"""The tidy pass: the gradient as a teacher writes it.

Each rule here is an identity (`X X^-1 = I`, `exp(z) ./ (1 + exp(z)) = sigmoid(z)`,
`1/2 A + 1/2 B = 1/2 (A + B)`); applied to `G`, every line is still checked by the
theorem, so the printed answer is proved equal to the untidied one.
"""

from __future__ import annotations


from generator.engine.context import Context, has_differential
from generator.engine import rules_inverse
from generator.engine.rule import Rule
from generator.engine.rules_algebra import collect_like_terms, factor_terms
from generator.math.functions import ENTRYWISE
from generator.math.expr import (
    ONE,
    Add,
    Elementwise,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    Mul,
    Number,
    Ones,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
    add,
    transposed,
    factors_of,
    is_zero,
    mul,
    split_coefficient,
)
from generator.math.memo import FORGOTTEN, node_memo, recall, remember


def _hadamard_sign(node: Expr, ctx: Context) -> Expr | None:
    """(c A) .* B = c (A .* B) for a number c."""
    if not isinstance(node, Hadamard):
        return None
    cl, left = split_coefficient(node.left)
    cr, right = split_coefficient(node.right)
    if node.divide:
        cr = 1 / cr
    if cl == 1 and cr == 1 or left == ONE or (right == ONE and not node.divide):
        return None
    return mul(Number(cl * cr), Hadamard(left, right, node.divide))


def chain(e: Expr) -> list[Expr]:
    if isinstance(e, Hadamard) and not e.divide:
        return chain(e.left) + chain(e.right)
    return [e]


def _rebuild_chain(factors: list[Expr]) -> Expr:
    if not factors:
        return ONE
    out = factors[0]
    for f in factors[1:]:
        out = Hadamard(out, f)
    return out


def _reciprocal_of(e: Expr) -> Expr | None:
    if isinstance(e, Hadamard) and e.divide and e.left == ONE:
        return e.right
    return None


def _hadamard_cancel(node: Expr, ctx: Context) -> Expr | None:
    """(1 ./ u) .* u = 1 inside a chain of `.*`."""
    if not isinstance(node, Hadamard) or node.divide:
        return None
    factors = chain(node)
    for i, f in enumerate(factors):
        u = _reciprocal_of(f)
        if u is not None and u in factors:
            j = factors.index(u)
            return _rebuild_chain([g for k, g in enumerate(factors) if k not in (i, j)])
    return None


def _inner_reciprocal(node: Expr, ctx: Context) -> Expr | None:
    """u^T (v .* (1 ./ u)) = sum(v): the entries of u cancel in the inner product (what
    the log of a named softmax p leaves: p^T (y .* (1 ./ p)) = sum(y))."""
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        row, entrywise = f[i], f[i + 1]
        if not (
            isinstance(row, Transpose)
            and isinstance(entrywise, Hadamard)
            and not entrywise.divide
            and ctx.is_column(row.arg)
            and not ctx.is_scalar(row.arg)
        ):
            continue
        factors = chain(entrywise)
        for k, g in enumerate(factors):
            if _reciprocal_of(g) == row.arg:
                rest = _rebuild_chain([h for j, h in enumerate(factors) if j != k])
                return mul(*f[:i], SumEntries(rest), *f[i + 2 :])
    return None


def _one_plus_exp(e: Expr) -> Expr | None:
    """z where e is `1 + exp(z)`."""
    if (
        isinstance(e, Add)
        and len(e.terms) == 2
        and e.terms[0] == ONE
        and isinstance(e.terms[1], Elementwise)
        and e.terms[1].func == "exp"
    ):
        return e.terms[1].arg
    return None


def _sigmoid_from_exp(node: Expr, ctx: Context) -> Expr | None:
    """exp(z) ./ (1 + exp(z)) = sigmoid(z), in a chain of `.*`, or of a scalar z in a
    product (`(1 + exp(a^T x))^-1 exp(a^T x)`, the softplus's derivative)."""
    if isinstance(node, Mul):
        f = list(node.factors)
        for i, g in enumerate(f):
            z = _one_plus_exp(g.arg) if isinstance(g, Inverse) else None
            if z is not None and ctx.is_scalar(z) and Elementwise("exp", z) in f:
                j = f.index(Elementwise("exp", z))
                rest = [h for k, h in enumerate(f) if k not in (i, j)]
                return mul(*rest[: min(i, j)], Elementwise("sigmoid", z), *rest[min(i, j) :])
        return None
    if not isinstance(node, Hadamard):
        return None
    factors = chain(node) if not node.divide else [Hadamard(ONE, node.right, True), node.left]
    for i, factor in enumerate(factors):
        u = _reciprocal_of(factor)
        z = _one_plus_exp(u) if u is not None else None
        if z is not None and Elementwise("exp", z) in factors:
            j = factors.index(Elementwise("exp", z))
            rest = [g for k, g in enumerate(factors) if k not in (i, j)]
            return _rebuild_chain(rest + [Elementwise("sigmoid", z)])
    return None


def _sigmoid_complement(node: Expr, ctx: Context) -> Expr | None:
    """1 - sigmoid(-z) = sigmoid(z), entry by entry (the ones a vector's, or a scalar 1)."""
    if not (
        isinstance(node, Add)
        and len(node.terms) == 2
        and (node.terms[0] == ONE or isinstance(node.terms[0], Ones))
    ):
        return None
    c, rest = split_coefficient(node.terms[1])
    if c == -1 and isinstance(rest, Elementwise) and rest.func == "sigmoid":
        sign, z = split_coefficient(rest.arg)
        if sign < 0:
            return Elementwise("sigmoid", mul(Number(-sign), z))
    return None


def _factor_number(node: Expr, ctx: Context) -> Expr | None:
    """1/2 A + 1/2 B = 1/2 (A + B);  2 A - 2 B = 2 (A - B)."""
    if not isinstance(node, Add):
        return None
    split = [split_coefficient(t) for t in node.terms]
    sizes = {abs(c) for c, _ in split}
    if len(sizes) == 1 and (c := sizes.pop()) != 1:
        return mul(Number(c), add(*(mul(Number(k / c), rest) for k, rest in split)))
    return None


def _factor_some(node: Expr, ctx: Context) -> Expr | None:
    """A X + B X + C = (A + B) X + C: factor the terms that share a factor."""
    if not isinstance(node, Add) or len(node.terms) < 3:
        return None
    for side in (-1, 0):
        groups: dict[Expr, list[int]] = {}
        for i, t in enumerate(node.terms):
            fs = factors_of(split_coefficient(t)[1])
            if len(fs) > 1 and not ctx.is_scalar(fs[side]):
                groups.setdefault(fs[side], []).append(i)
        for members in groups.values():
            if not 1 < len(members) < len(node.terms):
                continue
            factored = factor_terms(tuple(node.terms[i] for i in members), ctx, with_identity=False)
            if factored is not None:
                return add(
                    *(
                        factored if i == members[0] else t
                        for i, t in enumerate(node.terms)
                        if i == members[0] or i not in members
                    )
                )
    return None


def _factor_out(node: Expr, ctx: Context) -> Expr | None:
    """A B C + A D C = A (B + D) C, where no identity is needed to write it."""
    if not isinstance(node, Add):
        return None
    return factor_terms(node.terms, ctx, with_identity=False)


# A factor written once more for each further term of the sum is tidier only while it
# is short: `(I - B) C = C - B C`, but a long C twice (and its copies expanded again,
# each sum of them doubling the answer) is not.
EXPANDED_AT_MOST = 16  # nodes of the rest of the product


def _expand_identity(node: Expr, ctx: Context) -> Expr | None:
    """(c I - B) C = c C - B C: an identity inside a factored sum is expanded away."""
    if not isinstance(node, Mul):
        return None
    for i, f in enumerate(node.factors):
        if isinstance(f, Add) and any(
            isinstance(g, Identity) for t in f.terms for g in factors_of(t)
        ):
            before, after = node.factors[:i], node.factors[i + 1 :]
            if all(ctx.is_scalar(g) for g in (*before, *after)):
                return None  # `2 (X + I)`: no matrix to expand over (factor-number's form)
            if sum(_size(g) for g in (*before, *after)) > EXPANDED_AT_MOST:
                return None
            return add(*(mul(*before, t, *after) for t in f.terms))
    return None


def _order_terms(node: Expr, ctx: Context) -> Expr | None:
    """Positive terms first: `-y + s` is written `s - y`."""
    if not isinstance(node, Add):
        return None
    negative = [split_coefficient(t)[0] < 0 for t in node.terms]
    if negative[0] and not all(negative):
        return add(
            *(t for t, n in zip(node.terms, negative) if not n),
            *(t for t, n in zip(node.terms, negative) if n),
        )
    return None


_SIZES: dict = {}  # memos by node: the rule below is tried at every sum, step
_EXPANDED: dict = {}  # after step, and most of them are the sums it saw before
_DISTRIBUTED: dict = {}


def _size(e: Expr) -> int:
    """How many nodes `e` has."""
    seen = recall(_SIZES, e)
    if seen is not FORGOTTEN:
        return seen
    size = 1 + sum(_size(child) for child in e.children())
    remember(_SIZES, e, size)
    return size


def _distribute_number(node: Expr) -> Expr:
    """`c (A + B) = c A + c B` for a number c."""
    if (
        isinstance(node, Mul)
        and len(node.factors) == 2
        and isinstance(node.factors[0], Number)
        and isinstance(node.factors[1], Add)
    ):
        return add(*(mul(node.factors[0], t) for t in node.factors[1].terms))
    return node


def _expand_node(node: Expr) -> Expr:
    """One level of `A .* (B + C) = A .* B + A .* C`, numbers out, `1 .* A = A`;
    also `c (A + B) = c A + c B` for a number c."""
    distributed = _distribute_number(node)
    if distributed is not node:
        return distributed
    if not isinstance(node, Hadamard) or node.divide:
        return node
    for side, other, rebuild in (
        (node.right, node.left, lambda t: Hadamard(node.left, t)),
        (node.left, node.right, lambda t: Hadamard(t, node.right)),
    ):
        if isinstance(side, Add):
            return add(*(_expand_node(rebuild(t)) for t in side.terms))
    cl, left = split_coefficient(node.left)
    cr, right = split_coefficient(node.right)
    if left == ONE:
        return mul(Number(cl * cr), right)
    if right == ONE:
        return mul(Number(cl * cr), left)
    return mul(Number(cl * cr), Hadamard(left, right))


def _times_ones(node: Expr, ctx: Context) -> Expr | None:
    """A .* ones = ones .* A = A (of the same shape)."""
    if not isinstance(node, Hadamard) or node.divide:
        return None
    for ones, other in ((node.left, node.right), (node.right, node.left)):
        if (
            isinstance(ones, (Ones, Transpose))
            and ctx.shape(ones) == ctx.shape(other)
            and isinstance(ones.arg if isinstance(ones, Transpose) else ones, Ones)
        ):
            return other
    return None


def _untrace_scalar(node: Expr, ctx: Context) -> Expr | None:
    """tr(a) = a for a 1 x 1 a in an answer (`tr(exp(alpha) x^T x)`); a trace holding the
    differential keeps its trace form, which the theorem reads."""
    if isinstance(node, Trace) and ctx.is_scalar(node.arg) and not has_differential(node):
        return node.arg
    return None


def _is_ones_row(e: Expr) -> bool:
    return isinstance(e, Transpose) and isinstance(e.arg, Ones) and e.arg.cols == 1


def _sum_to_one(node: Expr, ctx: Context) -> Expr | None:
    """sum(y) = 1 for a vector declared to sum to one (`sums_to_one`)."""
    if (
        isinstance(node, SumEntries)
        and isinstance(node.arg, Symbol)
        and ctx.has_property(node.arg.name, "sums_to_one")
    ):
        return ONE
    return None


def _sums_to_one_note(before: Expr, after: Expr) -> str:
    from generator.syntax.printer import to_text

    assert isinstance(before, SumEntries)  # the node the law matched: sum(y)
    return f"as the entries of `{to_text(before.arg)}` sum to 1"


def _ones_as_sum(node: Expr, ctx: Context) -> Expr | None:
    """ones(n)^T v = sum(v) for a column v, r ones(n) = sum(r) for a row r, a scalar
    factor of its own; tr(A^T ones(n, m)) = sum(A), the sum of entries as a trace read
    back."""
    if isinstance(node, Trace) and isinstance(node.arg, Mul) and len(node.arg.factors) == 2:
        first, ones = node.arg.factors
        if (
            isinstance(first, Transpose)
            and isinstance(ones, Ones)
            and ctx.shape(first.arg) == ctx.shape(ones)
        ):
            return SumEntries(first.arg)
    if not isinstance(node, Mul):
        return None
    f = node.factors
    for i in range(len(f) - 1):
        left, right = f[i], f[i + 1]
        if _is_ones_row(left) and ctx.is_column(right) and not ctx.is_scalar(right):
            inner = right
        elif (
            isinstance(right, Ones)
            and right.cols == 1
            and not ctx.is_scalar(left)
            and ctx.shape(left)[0] == 1
        ):
            inner = transposed(left) if isinstance(left, Transpose) else left
        else:
            continue
        return mul(*f[:i], SumEntries(inner), *f[i + 2 :])
    return None


def _elementwise_at_zero(node: Expr, ctx: Context) -> Expr | None:
    """exp(b - b) = ones(n): an argument whose terms cancel is a zero of its shape, so
    the function's value at 0 in every entry.  The number comes back and the rewrite
    gives it the node's shape (Context.keeping_shape); the node itself keeps its
    argument, as a zero has no shape (Elementwise.rebuild)."""
    if not isinstance(node, Elementwise) or not isinstance(node.arg, Add):
        return None
    value = ENTRYWISE[node.func].at_zero
    if not value:  # undefined, or 0: a zero has no shape, and `1 + sin(b - b)` needs one
        return None
    collected = collect_like_terms(node.arg, ctx)
    return Number(value) if collected is not None and is_zero(collected) else None


def _expand_and_collect(node: Expr, ctx: Context) -> Expr | None:
    """Expand the Hadamard products over sums and collect: kept only when it is shorter,
    as when `(1 - y) .* s - y .* (1 - s)` becomes `s - y`."""
    if not isinstance(node, Add):
        return None
    expanded = node.map_bottom_up(_expand_node, node_memo(_EXPANDED))
    if expanded == node:
        return None
    collected = collect_like_terms(expanded, ctx) if isinstance(expanded, Add) else None
    result = collected if collected is not None else expanded
    # Shorter than the sum with only its numbers distributed: `2 (A - B)` -> `2 A - 2 B`
    # saves a node but gains nothing, and factor-number writes it back (a loop).
    distributed = node.map_bottom_up(_distribute_number, node_memo(_DISTRIBUTED))
    return result if _size(result) < _size(distributed) else None


RULES = rules_inverse.RULES + (
    Rule(
        "hadamard-sign",
        "tidy",
        "numbers out of the Hadamard product",
        "(c A) .* B = c (A .* B)",
        "A number factors out of a Hadamard product",
        _hadamard_sign,
        minor=True,
    ),
    Rule(
        "hadamard-cancel",
        "tidy",
        "cancel entry by entry",
        "(1 ./ u) .* u = ones(n)",
        "Cancel entry by entry",
        _hadamard_cancel,
    ),
    Rule(
        "inner-reciprocal",
        "tidy",
        "cancel in the inner product",
        "x^T (y .* (1 ./ x)) = sum(y)",
        "The entries of x cancel in the inner product",
        _inner_reciprocal,
    ),
    Rule(
        "untrace-scalar",
        "tidy",
        "the trace of a scalar",
        "tr(x^T y) = x^T y",
        "A scalar is its own trace",
        _untrace_scalar,
        minor=True,
    ),
    Rule(
        "ones-as-sum",
        "tidy",
        "a product with ones as a sum",
        "ones(n)^T x = sum(x); x^T ones(n) = sum(x); tr(A^T ones(n, n)) = sum(A)",
        "A product with ones is the sum of the entries",
        _ones_as_sum,
    ),
    Rule(
        "sum-to-one",
        "tidy",
        "the entries sum to one",
        "sum(y) = 1",
        "A vector declared to sum to one",
        _sum_to_one,
        conditions=("y sums_to_one",),
        because=_sums_to_one_note,
    ),
    Rule(
        "hadamard-ones",
        "tidy",
        "times ones entry by entry",
        "x .* ones(n) = x",
        "Multiplying entry by entry by ones changes nothing",
        _times_ones,
        minor=True,
    ),
    Rule(
        "elementwise-at-zero",
        "tidy",
        "a function at zero",
        "exp(A - A) = ones(n, n); sigmoid(A - A) = 1/2 ones(n, n)",
        "Every entry of the argument is 0",
        _elementwise_at_zero,
    ),
    Rule(
        "sigmoid-from-exp",
        "tidy",
        "recognise the sigmoid",
        "exp(z) ./ (1 + exp(z)) = sigmoid(z)",
        "Recognise the sigmoid function",
        _sigmoid_from_exp,
    ),
    Rule(
        "sigmoid-complement",
        "tidy",
        "the complement of the sigmoid",
        "1 - sigmoid(-x) = sigmoid(x); 1 - sigmoid(-a) = sigmoid(a)",
        "One less the sigmoid of -z is the sigmoid of z",
        _sigmoid_complement,
    ),
    Rule(
        "factor-number",
        "tidy",
        "factor out the number",
        "c A + c B = c (A + B)",
        "Factor out the common number",
        _factor_number,
    ),
    Rule(
        "factor-some",
        "tidy",
        "factor out common factors",
        "A X + B X + C = (A + B) X + C",
        "Factor the terms that share a factor",
        _factor_some,
    ),
    Rule(
        "hadamard-expand",
        "tidy",
        "expand and collect",
        "A .* (B + C) = A .* B + A .* C",
        "Expand the Hadamard products and collect like terms",
        _expand_and_collect,
    ),
    Rule(
        "factor-out",
        "tidy",
        "factor out common factors",
        "A B C + A D C = A (B + D) C",
        "Factor out the common factors",
        _factor_out,
    ),
    Rule(
        "expand-identity",
        "tidy",
        "expand the identity away",
        "(c I - B) C = c C - B C",
        "Expand a product whose sum holds an identity",
        _expand_identity,
    ),
    Rule(
        "order-terms",
        "tidy",
        "reorder the terms",
        "-B + A = A - B",
        "Write the positive terms first",
        _order_terms,
        minor=True,
    ),
)
