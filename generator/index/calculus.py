"""Differentiate an indexed scalar with respect to one entry X_pq, then let the
Kronecker deltas collapse the sums: d X_ij / d X_pq = delta_ip delta_jq."""

from __future__ import annotations

from generator.index.expand import canonical_poly
from generator.math.index_nodes import COL, ROW, Delta, Entry, Factor, Monomial, IndexSum


def differentiate(poly: IndexSum, wrt: str, shape: tuple, sizes: tuple) -> IndexSum:
    """d poly / d wrt_pq by the product rule: each occurrence of the variable in turn
    becomes its deltas.  `shape` is the variable's (rows, cols) as in the symbol table."""
    vector, scalar = len(shape) == 1, len(shape) == 0
    free = () if scalar else ((ROW,) if vector else (ROW, COL))
    terms = []
    for m in poly.terms:
        for k, f in enumerate(m.factors):
            if not (isinstance(f, Entry) and f.name == wrt):
                continue
            deltas: tuple = ()
            if not scalar:
                pairs = ((f.row, ROW), (f.col, COL))[: 1 if vector else 2]
                deltas = tuple(Delta(i, at) for i, at in pairs if i is not None)
            terms.append(
                Monomial(m.coefficient, m.factors[:k] + deltas + m.factors[k + 1 :], m.summed)
            )
    return IndexSum(tuple(terms), free, sizes)


def collapse(poly: IndexSum) -> IndexSum:
    """sum_j A_ij delta_jp = A_ip: a delta with a summed index substitutes it away."""
    terms = []
    for m in poly.terms:
        factors, summed = list(m.factors), list(m.summed)
        changed = True
        while changed:
            changed = False
            for f in factors:
                if isinstance(f, Delta) and (f.i in summed or f.j in summed):
                    gone, kept = (f.i, f.j) if f.i in summed else (f.j, f.i)
                    factors.remove(f)
                    factors = [_substitute(g, gone, kept) for g in factors]
                    summed.remove(gone)
                    changed = True
                    break
        terms.append(Monomial(m.coefficient, tuple(factors), tuple(summed)))
    return canonical_poly(IndexSum(tuple(terms), poly.free, poly.sizes))


def _substitute(f: Factor, gone: str, kept: str) -> Factor:
    swap = lambda i: kept if i == gone else i
    if isinstance(f, Delta):
        return Delta(swap(f.i), swap(f.j))
    return Entry(
        f.name,
        swap(f.row) if f.row is not None else None,
        swap(f.col) if f.col is not None else None,
    )
