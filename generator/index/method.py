"""`method: elementwise`: the gradient the way the notes' first page finds it.

1. write L with indices (`tr(A X) = sum_{i,j} A_ij X_ji`);
2. differentiate with respect to one entry X_pq: each occurrence of X gives Kronecker
   deltas, which collapse the sums (`dL/dX_pq = A_qp`);
3. assemble the matrix of partial derivatives, written out entry by entry, and name
   it as a matrix again (`[A_qp]_pq = A^T`);
4. tidy it as the differential method does.
"""

from __future__ import annotations

from generator.engine import catalogue as cat
from generator.engine.recorder import Recorder
from generator.math.expr import Expr
from generator.index.calculus import collapse, differentiate
from generator.index.expand import to_index
from generator.index.naming import name_poly
from generator.math.index_nodes import (
    COL,
    ROW,
    Entry,
    EntryMatrix,
    ExplicitMatrix,
    GradientOf,
    Partial,
)


def derive_elementwise(objective: Expr, rec: Recorder) -> Expr:
    ctx = rec.ctx
    L = ctx.names.objective
    info = ctx.table[ctx.wrt]
    rec.phase("index-expand")
    rec.state(L, objective)
    indexed = to_index(objective, ctx.table)
    rec.record(cat.rule("index-expand"), L, indexed)

    sizes = tuple(zip((ROW, COL), (info.rows, info.cols)))
    col = COL if len(info.shape) == 2 else None
    entry = Entry(ctx.wrt, ROW if info.shape else None, col)
    partial = Partial(objective, ctx.wrt, entry.row, entry.col, L.name)
    rec.phase("index-differentiate", entry)
    with_deltas = differentiate(indexed, ctx.wrt, info.shape, sizes)
    rec.record(cat.rule("index-differentiate"), partial, with_deltas)
    collapsed = collapse(with_deltas)
    rec.record(cat.rule("kronecker-collapse"), partial, collapsed)

    gradient_of = GradientOf(objective, ctx.wrt, name=L.name)
    rec.phase("index-assemble")
    rec.record(
        cat.rule("gradient-definition"),
        gradient_of,
        ExplicitMatrix(partial, ROW, col, info.rows, info.cols),
    )
    rec.record(
        cat.rule("index-assemble"),
        gradient_of,
        ExplicitMatrix(collapsed, ROW, col, info.rows, info.cols),
    )
    rec.record(cat.rule("index-assemble"), gradient_of, EntryMatrix(collapsed, ROW, col))
    gradient = name_poly(collapsed, ctx.table)
    rec.record(cat.rule("index-name"), gradient_of, gradient)
    return rec.answer(gradient_of, gradient, rec.phases.tidy)
