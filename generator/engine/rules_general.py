"""General terms in the derivation: a long product worked on by its period, its
differential by the general term of the sum (generator.math.indexed has the nodes).

`tr(A1 X A2 X ... A64 X)` is written `tr(prod_i A_i X)` before the derivation begins
(`with_general_terms`: silently, as it prints the same).  Its differential is then
`sum_j tr(A_1 X ... A_(j-1) X A_j dX A_(j+1) X ... A_64 X)`, one term worked on for all
64, as a teacher writes it; each line costs the chain's length, not its square.  The
answer is written out for what must read back (engine.differential, `spelled_out`).
"""

from __future__ import annotations

from dataclasses import replace

from generator.engine.context import Context, has_differential
from generator.engine.rule import Rule
from generator.math.expr import (
    Differential,
    Expr,
    Mul,
    Symbol,
    Trace,
    Transpose,
    factors_of,
    mul,
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
)
from generator.syntax.names import IDENTIFIER

# The index a run's period is written in: never shown (a run prints its first and last
# period), and no name, so that no index of a sum can be it.
PERIOD_INDEX = "#"
# The index of a sum over the terms of a differential: the first of these the problem
# does not use as a name.
SUM_INDICES = ("j", "l", "p", "q", "r", "s", "t", "u")


def with_general_terms(expr: Expr, ctx: Context) -> Expr:
    """`expr` with each long regular run of factors that holds the variable written as a
    `Run` of its period (`A1 X ... A64 X` -> prod_i A_i X), where the run is uniform: the
    numbered names of its period are constants, their members alike in shape, and plain
    names that a member's general form (`A_j`) can be written from."""
    if not any(isinstance(n, Mul) and len(n.factors) >= SHORTEST_RUN for n in expr.walk()):
        return expr
    return expr.map_bottom_up(lambda node: _runs_of(node, ctx))


def _runs_of(node: Expr, ctx: Context) -> Expr:
    if not isinstance(node, Mul) or len(node.factors) < SHORTEST_RUN:
        return node
    factors, kept, i = node.factors, [], 0
    for found in RegularRuns(factors).each():
        run = _as_run(factors, found, ctx)
        if run is not None:
            kept += [*factors[i : found.start], run]
            i = found.end
    if i == 0:
        return node
    written = mul(*kept, *factors[i:])
    return (
        Mul(written.factors, scalar=True) if node.scalar and isinstance(written, Mul) else written
    )


def _as_run(factors: tuple[Expr, ...], found: RunFound, ctx: Context) -> Run | None:
    period = mul(*factors[found.start : found.start + found.period])
    if ctx.is_constant(period):
        return None  # nothing to differentiate: the product stays as it is
    names = [n.name for n in period.walk() if isinstance(n, Symbol) and is_numbered(n)]
    numbers = [numbered(name) or ("", 0) for name in names]
    first = numbers[0][1]  # the index counts as the period's first numbered name does
    last_number = first + found.step * (found.periods - 1)
    for name, (stem, number) in zip(names, numbers):
        if name not in ctx.table or not ctx.is_constant(Symbol(name)) or not _plain_stem(stem):
            return None
        # every member the run uses: declared, and shaped alike
        members = (f"{stem}{number + found.step * k}" for k in range(found.periods))
        if any(m not in ctx.table or ctx.table[m].shape != ctx.table[name].shape for m in members):
            return None
    indexed = period.map_bottom_up(lambda n: _indexed(n, first))
    rows, cols = ctx.shape(period)
    run = Run(indexed, PERIOD_INDEX, Bound(None, first), Bound(None, last_number), found.step, rows)
    written = mul(*(run.instance(i) for i in run.numbers()))
    if rows != cols or factors_of(written) != factors[found.start : found.end]:
        return None  # not what was written (a safeguard: the run finder says it is)
    return run


def _indexed(node: Expr, first: int) -> Expr:
    """`A3` in the first period (numbered 1) -> A_(#+2)."""
    if not (isinstance(node, Symbol) and is_numbered(node)):
        return node
    stem, number = numbered(node.name) or ("", 0)
    return IndexedName(stem, Bound(PERIOD_INDEX, number - first), node)


def _plain_stem(stem: str) -> bool:
    """Letters a general member can be written from (`A` of A1, `W` of W_1): `A_j`."""
    letters = stem[:-1] if stem.endswith("_") else stem
    return bool(IDENTIFIER.match(letters)) and "_" not in letters


def sum_index(ctx: Context) -> str:
    taken = set(ctx.table.names()) | set(ctx.names.printed())
    return next(i for i in SUM_INDICES if i not in taken)


# ----- the rules ----------------------------------------------------------------------


def _differential_run(node: Expr, ctx: Context) -> Expr | None:
    """d(P_1 ... P_k) = sum_j P_1 ... P_(j-1) dP_j P_(j+1) ... P_k: the product rule,
    its k terms written by the j-th."""
    if not (isinstance(node, Differential) and isinstance(node.arg, Run)):
        return None
    run = node.arg
    if run.first.index is not None or run.last.index is not None:
        return None
    j = sum_index(ctx)
    at = Bound(j, 0)
    term = mul(
        replace(run, last=at.shifted(-run.step)),
        Differential(instance(run.period, run.index, at)),
        replace(run, first=at.shifted(run.step)),
    )
    low, high = sorted((run.first.value, run.last.value))
    return IndexedSum(term, j, Bound(None, low), Bound(None, high))


def _sum_linear(node: Expr, ctx: Context) -> Expr | None:
    """tr(sum_j M_j) = sum_j tr(M_j); A (sum_j M_j) B = sum_j A M_j B."""
    if isinstance(node, Trace) and isinstance(node.arg, IndexedSum):
        return replace(node.arg, body=Trace(node.arg.body))
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


def _transpose_sum(node: Expr, ctx: Context) -> Expr | None:
    if isinstance(node, Transpose) and isinstance(node.arg, IndexedSum):
        return replace(node.arg, body=Transpose(node.arg.body))
    return None


def _transpose_run(node: Expr, ctx: Context) -> Expr | None:
    """(P_1 P_2 ... P_k)^T = P_k^T ... P_2^T P_1^T."""
    if isinstance(node, Transpose) and isinstance(node.arg, Run):
        run = node.arg
        return replace(
            run, period=Transpose(run.period), first=run.last, last=run.first, step=-run.step
        )
    return None


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
