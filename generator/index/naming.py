"""Name an entry formula as a matrix again: `[A_qp]_pq = A^T`, `[sum_k A_pk x_k]_p = A x`.

Each factor of a monomial is an edge between its two indices (a vector's second end
is the unit index ONE); the matrix is the walk from p to q (or to ONE, for a vector
variable), read as a product, an edge walked backwards being a transpose.  The edges
left over close into loops: a loop through ONE is a scalar such as x^T y, any other a
trace.
"""

from __future__ import annotations

from typing import Optional

from generator.errors import StuckError
from generator.math.expr import Dim, Expr, Identity, Number, Symbol, Trace, Transpose, add, mul
from generator.math.index_nodes import Delta, Entry, Monomial, IndexSum
from generator.math.symbols import SymbolTable

ONE = "1"
Edge = tuple[str, str, Expr]


def name_poly(poly: IndexSum, table: SymbolTable) -> Expr:
    """The matrix (vector, scalar) whose entry (p, q) the poly is."""
    start = poly.free[0] if poly.free else ONE
    end = poly.free[1] if len(poly.free) == 2 else ONE
    sizes = dict(poly.sizes)
    return add(*(_name_monomial(m, start, end, table, sizes) for m in poly.terms))


def _name_monomial(m: Monomial, start: str, end: str, table: SymbolTable, sizes: dict) -> Expr:
    edges: list[Edge] = []
    scalars: list[Expr] = []
    for f in m.factors:
        if isinstance(f, Delta):
            size = sizes.get(f.i, sizes.get(f.j)) or _size_of(f, m, table)
            edges.append((f.i, f.j, Identity(size)))
        elif f.row is None:
            scalars.append(Symbol(f.name))
        else:
            edges.append((f.row, f.col if f.col is not None else ONE, Symbol(f.name)))
    found = _walk(start, end, edges, [], first=True)
    if found is None:
        raise StuckError(f"cannot write the entry {IndexSum((m,), (), ())} as a matrix product")
    path, rest = found
    loops = _loops(rest)
    if loops is None:
        raise StuckError(f"cannot write the entry {IndexSum((m,), (), ())} as a matrix product")
    main = mul(*path) if path else Number(1)
    return mul(Number(m.coefficient), *scalars, *loops, main)


def _step(edge: Edge, at: str) -> Optional[tuple[str, Expr]]:
    a, b, e = edge
    if a == at:
        return b, e
    if b == at:
        return a, Transpose(e)
    return None


def _walk(
    at: str, end: str, edges: list[Edge], taken: list[Expr], first: bool = False
) -> Optional[tuple[list[Expr], list[Edge]]]:
    """Depth-first: a walk from `at` to `end` whose leftover edges close into loops.
    (`first`: the walk may be empty, for a scalar variable, whose start is its end.)"""
    if at == end and (taken or first) and _loops(edges) is not None:
        return taken, edges
    for k, edge in enumerate(edges):
        moved = _step(edge, at)
        if moved is None:
            continue
        nxt, factor = moved
        found = _walk(nxt, end, edges[:k] + edges[k + 1 :], taken + [factor])
        if found is not None:
            return found
    return None


def _loops(edges: list[Edge]) -> Optional[list[Expr]]:
    """The leftover edges as closed walks: through ONE a scalar product, else a trace."""
    if not edges:
        return []
    ones = [k for k, (a, b, _) in enumerate(edges) if ONE in (a, b)]
    k = ones[0] if ones else 0
    a, b, e = edges[k]
    begin = ONE if ONE in (a, b) else a
    moved = _step(edges[k], begin)
    assert moved is not None  # `begin` is an end of edge k
    found = _walk(moved[0], begin, edges[:k] + edges[k + 1 :], [moved[1]])
    if found is None:
        return None
    path, rest = found
    more = _loops(rest)
    if more is None:
        return None
    loop = mul(*path)
    return [loop if begin == ONE else Trace(loop)] + more


def _size_of(delta: Delta, m: Monomial, table: SymbolTable) -> Optional[Dim]:
    for f in m.factors:
        if isinstance(f, Entry) and f.row is not None:
            info = table[f.name]
            if delta.i == f.row or delta.j == f.row:
                return info.rows
            if f.col is not None and (delta.i == f.col or delta.j == f.col):
                return info.cols
    return None
