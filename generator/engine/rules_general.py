"""General terms in the derivation: a long product worked on by its period, its
differential by the general term of the sum, and a long sum of terms alike by its term
(generator.math.indexed has the nodes).

`tr(A1 X A2 X ... A64 X)` is written `tr(prod_i A_i X)` before the derivation begins
(`with_general_terms`: silently, as it prints the same).  Its differential is then
`sum_j tr(A_1 X ... A_(j-1) X A_j dX A_(j+1) X ... A_64 X)`, one term worked on for all
64, as a teacher writes it; each line costs the chain's length, not its square.  The
answer is written out for what must read back (engine.differential, `spelled_out`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Callable, Optional

from generator.engine.context import Context, has_differential
from generator.engine.rule import Rule
from generator.math.expr import (
    Add,
    Differential,
    Expr,
    Mul,
    Number,
    Symbol,
    Trace,
    Transpose,
    add,
    factors_of,
    mul,
    split_coefficient,
    terms_of,
)
from generator.math.indexed import (
    SHORTEST_RUN,
    Bound,
    IndexedName,
    IndexedSum,
    RegularRuns,
    Run,
    RunFound,
    instance,
    is_numbered,
    mentions,
    numbered,
    spelled_out,
)
from generator.syntax.names import IDENTIFIER

# The index a run's period is written in: never shown (a run prints its first and last
# period), and no name, so that no index of a sum can be it.
PERIOD_INDEX = "#"
# The index of the sum over the terms of a product rule, and of a sum the problem wrote
# (`x^T A1 x + ... + x^T A64 x`): the first of each the problem does not use as a name.
# The two lists share no index, so that a product rule inside a sum over i sums over j.
PRODUCT_INDICES = ("j", "p", "q", "r")
TERM_INDICES = ("i", "l", "m", "s", "t", "u")


def with_general_terms(expr: Expr, ctx: Context) -> Expr:
    """`expr` with each long regular run that holds the variable written by its general
    term: a run of factors as a `Run` of its period (`A1 X ... A64 X`), and a run of the
    objective's own terms as a sum over i (`x^T A1 x + ... + x^T A64 x` = sum_i x^T A_i x).
    A sum inside a function stays written out: its copies would stand beside the sum of
    their differentials (`(sum_i s_i)^-1 sum_i ds_i`), sums over one index nested.  Only
    a uniform run: the numbered names of its period are constants, their members alike
    in shape, and plain names that a member's general form (`A_j`) can be written from."""
    if any(isinstance(n, Mul) and len(n.factors) >= SHORTEST_RUN for n in expr.walk()):
        expr = expr.map_bottom_up(lambda node: _written_by_period(node, ctx))
    if isinstance(expr, Add) and len(expr.terms) >= SHORTEST_RUN:
        return _by_period(expr.terms, ctx, _as_sums, add) or expr
    return expr


def _written_by_period(node: Expr, ctx: Context) -> Expr:
    if not (isinstance(node, Mul) and len(node.factors) >= SHORTEST_RUN):
        return node
    written = _by_period(node.factors, ctx, _as_run, mul)
    if isinstance(written, Mul) and node.scalar:
        return Mul(written.factors, scalar=True)
    return node if written is None else written


Writer = Callable[[tuple[Expr, ...], RunFound, Context], Optional[tuple[Expr, ...]]]


def _by_period(
    parts: tuple[Expr, ...], ctx: Context, write: Writer, join: Callable[..., Expr]
) -> Expr | None:
    """The parts (factors or terms) with each regular run that `write` can write by its
    period so written; None where there is none."""
    kept: list[Expr] = []
    i = 0
    for found in RegularRuns(parts).each():
        written = write(parts, found, ctx)
        if written is not None:
            kept += [*parts[i : found.start], *written]
            i = found.end
    return None if i == 0 else join(*kept, *parts[i:])


def _as_run(factors: tuple[Expr, ...], found: RunFound, ctx: Context) -> tuple[Expr, ...] | None:
    period = mul(*factors[found.start : found.start + found.period])
    indexed = _indexed_period(period, found, ctx, PERIOD_INDEX)
    if indexed is None:
        return None
    rows, cols = ctx.shape(period)
    first = _first_number(period)
    last = first + found.step * (found.periods - 1)
    run = Run(indexed, PERIOD_INDEX, Bound(None, first), Bound(None, last), found.step, rows)
    written = mul(*(run.instance(i) for i in run.numbers()))
    if rows != cols or factors_of(written) != factors[found.start : found.end]:
        return None  # not what was written (a safeguard: the run finder says it is)
    return (run,)


def _as_sums(terms: tuple[Expr, ...], found: RunFound, ctx: Context) -> tuple[Expr, ...] | None:
    """`x^T A1 x + ... + x^T A9 x` -> sum_i x^T A_i x; a period of several terms is a sum
    over i of each (`tr(A1 X) + x^T B1 x + ...`)."""
    period = terms[found.start : found.start + found.period]
    index = _free_index(ctx, TERM_INDICES)
    first = _first_number(add(*period))
    numbers = sorted((first, first + found.step * (found.periods - 1)))
    sums: list[Expr] = []
    for term in period:
        indexed = _indexed_period(term, found, ctx, index, first)
        if indexed is None:
            return None
        sums.append(IndexedSum(indexed, index, Bound(None, numbers[0]), Bound(None, numbers[1])))
    written = Counter(terms_of(spelled_out(add(*sums))))
    if written != Counter(terms[found.start : found.end]):
        return None  # not what was written (a safeguard, as for a run)
    return tuple(sums)


def _first_number(period: Expr) -> int:
    """The number of a period's first numbered name: the index counts as it does."""
    name = next(n.name for n in period.walk() if isinstance(n, Symbol) and is_numbered(n))
    return (numbered(name) or ("", 0))[1]


def _indexed_period(
    period: Expr, found: RunFound, ctx: Context, index: str, first: int | None = None
) -> Expr | None:
    """The period with each numbered name written as its family's member at `index`
    (`A3` -> `A_(i+2)` where the index counts from the period's first number); None where
    the run is no uniform one (see with_general_terms), or holds nothing that varies."""
    if ctx.is_constant(period):
        return None  # nothing to differentiate: it stays as it is
    first = _first_number(period) if first is None else first
    for node in period.walk():
        if not (isinstance(node, Symbol) and is_numbered(node)):
            continue
        stem, number = numbered(node.name) or ("", 0)
        if not (node.name in ctx.table and ctx.is_constant(node) and _plain_stem(stem)):
            return None
        # every member the run uses: declared, and shaped alike
        members = (f"{stem}{number + found.step * k}" for k in range(found.periods))
        shape = ctx.table[node.name].shape
        if any(m not in ctx.table or ctx.table[m].shape != shape for m in members):
            return None
    return period.map_bottom_up(lambda n: _indexed(n, first, index))


def _indexed(node: Expr, first: int, index: str) -> Expr:
    """`A3`, in a period numbered from 1 -> A_(i+2)."""
    if not (isinstance(node, Symbol) and is_numbered(node)):
        return node
    stem, number = numbered(node.name) or ("", 0)
    return IndexedName(stem, Bound(index, number - first), node)


def _plain_stem(stem: str) -> bool:
    """Letters a general member can be written from (`A` of A1, `W` of W_1): `A_j`."""
    letters = stem[:-1] if stem.endswith("_") else stem
    return bool(IDENTIFIER.match(letters)) and "_" not in letters


def _free_index(ctx: Context, indices: tuple[str, ...]) -> str:
    taken = set(ctx.table.names()) | set(ctx.names.printed())
    return next(i for i in indices if i not in taken)


# ----- the rules ----------------------------------------------------------------------


def _differential_run(node: Expr, ctx: Context) -> Expr | None:
    """d(P_1 ... P_k) = sum_j P_1 ... P_(j-1) dP_j P_(j+1) ... P_k: the product rule,
    its k terms written by the j-th."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Run)):
        return None
    run = node.arg
    if run.first.index is not None or run.last.index is not None:
        return None
    j = _free_index(ctx, PRODUCT_INDICES)
    at = Bound(j, 0)
    term = mul(
        replace(run, last=at.shifted(-run.step)),
        Differential(instance(run.period, run.index, at)),
        replace(run, first=at.shifted(run.step)),
    )
    low, high = sorted((run.first.value, run.last.value))
    return IndexedSum(term, j, Bound(None, low), Bound(None, high))


def _into_the_sum(node: Expr) -> Expr | None:
    """A linear operator of a sum over j is the sum over j of the operator of its term:
    d(sum_j T_j) = sum_j dT_j, tr(sum_j M_j) = sum_j tr(M_j), (sum_j M_j)^T = sum_j M_j^T."""
    if isinstance(node, (Differential, Trace, Transpose)) and isinstance(node.arg, IndexedSum):
        return replace(node.arg, body=node.rebuild((node.arg.body,)))
    return None


def _differential_sum(node: Expr, ctx: Context) -> Expr | None:
    return _into_the_sum(node) if isinstance(node, Differential) else None


def _sum_linear(node: Expr, ctx: Context) -> Expr | None:
    """tr(sum_j M_j) = sum_j tr(M_j); A (sum_j M_j) B = sum_j A M_j B."""
    if isinstance(node, Trace):
        return _into_the_sum(node)
    if isinstance(node, Mul):
        sums = [f for f in node.factors if isinstance(f, IndexedSum)]
        if len(sums) == 1:
            inside = sums[0]
            if not any(mentions(f, inside.index) for f in node.factors if f is not inside):
                return replace(
                    inside, body=mul(*(inside.body if f is inside else f for f in node.factors))
                )
    return None


def _sum_collect(node: Expr, ctx: Context) -> Expr | None:
    """sum_j tr(M_j dX) = tr((sum_j M_j) dX): dX is the same in every term."""
    if not (isinstance(node, IndexedSum) and isinstance(node.body, Trace)):
        return None
    factors = factors_of(node.body.arg)
    last = factors[-1]
    if len(factors) < 2 or not has_differential(last) or mentions(last, node.index):
        return None
    if any(has_differential(f) for f in factors[:-1]):
        return None
    return Trace(mul(replace(node, body=mul(*factors[:-1])), last))


def _sum_split(node: Expr, ctx: Context) -> Expr | None:
    """sum_i (tr(M_i dx) + tr(N_i dy)) = sum_i tr(M_i dx) + sum_i tr(N_i dy): the terms
    of a sum over i that hold different differentials go to sums of their own (with
    several variables, each gradient is read from its own terms)."""
    if not (isinstance(node, IndexedSum) and isinstance(node.body, Add)):
        return None
    groups: dict[frozenset[Expr], list[Expr]] = {}
    for term in node.body.terms:
        held = frozenset(n for n in term.walk() if isinstance(n, Differential))
        groups.setdefault(held, []).append(term)
    if len(groups) < 2:
        return None
    return add(*(replace(node, body=add(*terms)) for terms in groups.values()))


def _transpose_sum(node: Expr, ctx: Context) -> Expr | None:
    return _into_the_sum(node) if isinstance(node, Transpose) else None


def _transpose_run(node: Expr, ctx: Context) -> Expr | None:
    """(P_1 P_2 ... P_k)^T = P_k^T ... P_2^T P_1^T."""
    if isinstance(node, Transpose) and isinstance(node.arg, Run):
        run = node.arg
        return replace(
            run, period=Transpose(run.period), first=run.last, last=run.first, step=-run.step
        )
    return None


def _untransposed(e: Expr) -> Expr | None:
    """What `e` is the transpose of: A of A^T; B A of A^T B^T; of a run of transposed
    periods, the run of the periods the other way round; None where `e` is no such."""
    if isinstance(e, Transpose):
        return e.arg
    if isinstance(e, Mul):
        parts = [_untransposed(f) for f in e.factors]
        return None if None in parts else mul(*reversed(parts))  # type: ignore[arg-type]
    if isinstance(e, Run):
        period = _untransposed(e.period)
        if period is None:
            return None
        return replace(e, period=period, first=e.last, last=e.first, step=-e.step)
    return None


def _terms_transposed(node: Expr, ctx: Context) -> Expr | None:
    """sum_j A_j^T (X^T A_(j-1)^T ... X^T A_1^T) = sum_j (A_1 X ... A_(j-1) X A_j)^T: each
    term the transpose of its factors reversed, as the sources write it (the Cookbook's
    sum_r (X^r A X^(k-r-1))^T), and one transpose where there was one on every factor."""
    if not isinstance(node, IndexedSum):
        return None
    coefficient, rest = split_coefficient(node.body)
    if not isinstance(rest, Mul):
        return None
    inner = _untransposed(rest)
    if inner is None:
        return None
    return replace(node, body=mul(Number(coefficient), Transpose(inner)))


RULES = (
    Rule(
        "differential-run",
        "differential",
        "product rule, term by term",
        "",
        "Product rule over a long product: one term per factor, written by the j-th",
        _differential_run,
        law_latex=r"\mathrm{d}(P_1 \cdots P_k) = \sum_{j} P_1 \cdots \mathrm{d}P_j \cdots P_k",
    ),
    Rule(
        "differential-sum-over-j",
        "differential",
        "d of a sum",
        "",
        "The differential of a sum over j is the sum of the differentials",
        _differential_sum,
        law_latex=r"\mathrm{d}\Big(\sum_j T_j\Big) = \sum_j \mathrm{d}T_j",
    ),
    Rule(
        "sum-over-j-linearity",
        "trace",
        "linearity of the sum over j",
        "",
        "The trace, and a product, of a sum over j is the sum over j of the terms'",
        _sum_linear,
        law_latex=r"\operatorname{tr}\Big(\sum_j M_j\Big) = \sum_j \operatorname{tr}(M_j),\ "
        r"A \Big(\sum_j M_j\Big) B = \sum_j A M_j B",
    ),
    Rule(
        "sum-over-j-collect",
        "trace",
        "linearity of the trace",
        "",
        "The terms of the sum over j go under one trace",
        _sum_collect,
        law_latex=r"\sum_j \operatorname{tr}(M_j\, \mathrm{d}X) = "
        r"\operatorname{tr}\Big(\Big(\sum_j M_j\Big) \mathrm{d}X\Big)",
    ),
    Rule(
        "sum-over-j-split",
        "trace",
        "linearity of the sum over j",
        "",
        "The terms of a sum over j that hold different differentials, summed apart",
        _sum_split,
        law_latex=r"\sum_j (M_j + N_j) = \sum_j M_j + \sum_j N_j",
    ),
    Rule(
        "transpose-sum-over-j",
        "transpose",
        "transpose of a sum",
        "",
        "Transpose of a sum over j",
        _transpose_sum,
        minor=True,
        law_latex=r"\Big(\sum_j M_j\Big)^{T} = \sum_j M_j^{T}",
    ),
    Rule(
        "transpose-gathered-over-j",
        "tidy",
        "one transpose of each term",
        "",
        "Each term of the sum over j, a product of transposes, is the transpose of the "
        "product reversed",
        _terms_transposed,
        law_latex=r"\sum_j A_j^{T} B_j^{T} = \sum_j (B_j A_j)^{T}",
    ),
    Rule(
        "transpose-run",
        "transpose",
        "transpose of a product",
        "",
        "Transpose of a long product: the factors transposed, in reverse order",
        _transpose_run,
        minor=True,
        law_latex=r"\left(P_1 P_2 \cdots P_k\right)^{T} = P_k^{T} \cdots P_2^{T} P_1^{T}",
    ),
)
