"""A matrix expression written with indices: the (row, col) entry as a sum of monomials.

`tr(A X)` becomes `sum_{i,j} A_ij X_ji`: products introduce a summed index for each
inner dimension, traces and sums of entries sum their own, transposes swap indices.
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product as cartesian

from generator.errors import StuckError
from generator.math.expr import (
    Add,
    Dim,
    Expr,
    Hadamard,
    Identity,
    Mul,
    Norm,
    Number,
    Power,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
    mul,
)
from generator.math.index_nodes import Delta, Entry, Index, Monomial, IndexSum
from generator.syntax.printer import to_text
from generator.math.symbols import SymbolTable
from generator.math.dims import Shape

INDEX_NAMES = ("i", "j", "k", "l", "r", "s", "t", "u", "v", "w")
RESERVED = ("p", "q")  # the entry differentiated: X_pq


def to_index(expr: Expr, table: SymbolTable) -> IndexSum:
    """The scalar `expr` with indices."""
    terms = _Expander(table).entry(expr, None, None)
    return canonical_poly(IndexSum(tuple(terms), (), ()))


class _Expander:
    def __init__(self, table: SymbolTable):
        self.table = table
        self._count = 0

    def fresh(self, dim: Dim) -> Index:
        if dim == 1:
            return None
        k = self._count
        self._count += 1
        return INDEX_NAMES[k] if k < len(INDEX_NAMES) else f"i{k}"

    def shape(self, e: Expr) -> Shape:
        from generator.math.shapes import shape_of

        return shape_of(e, self.table)

    def entry(self, e: Expr, row: Index, col: Index) -> list[Monomial]:  # noqa: C901
        if isinstance(e, Symbol):
            info = self.table[e.name]
            return [
                Monomial(
                    Fraction(1),
                    (
                        Entry(
                            e.name,
                            row if info.shape else None,
                            col if len(info.shape) == 2 else None,
                        ),
                    ),
                )
            ]
        if isinstance(e, Number):
            return [Monomial(e.value, ())]
        if isinstance(e, Identity):
            if row is None or col is None:  # I_1: both sizes are 1, neither has an index
                return [Monomial(Fraction(1), ())]
            return [Monomial(Fraction(1), (Delta(row, col),))]
        if isinstance(e, Transpose):
            return self.entry(e.arg, col, row)
        if isinstance(e, Add):
            return [m for t in e.terms for m in self.entry(t, row, col)]
        if isinstance(e, Mul):
            return self._product(e, row, col)
        if isinstance(e, Trace):
            i = self.fresh(self.shape(e.arg)[0])
            return _summed(self.entry(e.arg, i, i), i)
        if isinstance(e, SumEntries):
            rows, cols = self.shape(e.arg)
            i, j = self.fresh(rows), self.fresh(cols)
            return _summed(_summed(self.entry(e.arg, i, j), i), j)
        if isinstance(e, Power) and isinstance(e.base, Norm) and e.exponent == 2:
            v = e.base.arg
            inner = Trace(mul(Transpose(v), v)) if e.base.frobenius else mul(Transpose(v), v)
            return self.entry(inner, row, col)
        if isinstance(e, Power) and isinstance(e.exponent, int):
            return self.entry(mul(*([e.base] * e.exponent)), row, col)
        if isinstance(e, Hadamard) and not e.divide:
            return _times(self.entry(e.left, row, col), self.entry(e.right, row, col))
        raise StuckError(
            f"the entry-by-entry method writes sums, products, transposes, traces, sums of "
            f"entries, Hadamard products and squared norms with indices; `{e}` needs "
            f"method: differential"
        )

    def _product(self, e: Mul, row: Index, col: Index) -> list[Monomial]:
        """Split the factors into the matrix chain and scalar groups, then index them."""
        chains = self._chains(e.factors)
        result = [Monomial(Fraction(1), ())]
        main = max(range(len(chains)), key=lambda k: not self._is_scalar_chain(chains[k]))
        for k, chain in enumerate(chains):
            r, c = (row, col) if k == main else (None, None)
            result = _times(result, self._chain(chain, r, c))
        return result

    def _is_scalar_chain(self, chain: list[Expr]) -> bool:
        return self.shape(mul(*chain)) == (1, 1)

    def _chains(self, factors: tuple[Expr, ...]) -> list[list[Expr]]:
        """The matrix chains of a product, and each scalar factor on its own: inference
        keeps every scalar run whole (`X (x^T b)`), so a chain ends only at a scalar."""
        chains: list[list[Expr]] = []
        for f in factors:
            if (
                chains
                and not self._is_scalar_chain([f])
                and not (len(chains[-1]) == 1 and self._is_scalar_chain(chains[-1]))
            ):
                chains[-1].append(f)
            else:
                chains.append([f])
        return chains

    def _chain(self, chain: list[Expr], row: Index, col: Index) -> list[Monomial]:
        indices = [row]
        for f in chain[:-1]:
            indices.append(self.fresh(self.shape(f)[1]))
        indices.append(col)
        result = [Monomial(Fraction(1), ())]
        for k, f in enumerate(chain):
            result = _times(result, self.entry(f, indices[k], indices[k + 1]))
        for inner in indices[1:-1]:
            if inner is not None:
                result = _summed(result, inner)
        return result


def _times(a: list[Monomial], b: list[Monomial]) -> list[Monomial]:
    return [
        Monomial(x.coefficient * y.coefficient, x.factors + y.factors, x.summed + y.summed)
        for x, y in cartesian(a, b)
    ]


def _summed(terms: list[Monomial], index: Index) -> list[Monomial]:
    if index is None:
        return terms
    return [Monomial(m.coefficient, m.factors, m.summed + (index,)) for m in terms]


# ----- canonical form: like monomials compare equal -----------------------------------


def _rename(m: Monomial, order: tuple, free: tuple[str, ...]) -> Monomial:
    names = iter(INDEX_NAMES + tuple(f"i{k}" for k in range(10, 60)))
    mapping: dict[str, str] = {}
    for f in order:
        for i in f.indices():
            if i in m.summed and i not in mapping:
                mapping[i] = next(n for n in names if n not in free)
    ren = lambda i: mapping.get(i, i) if i is not None else None
    factors = tuple(
        Entry(f.name, ren(f.row), ren(f.col))
        if isinstance(f, Entry)
        else Delta(mapping.get(f.i, f.i), mapping.get(f.j, f.j))
        for f in order
    )
    summed = tuple(
        sorted((mapping[i] for i in m.summed if i in mapping), key=lambda n: (len(n), n))
    )
    return Monomial(m.coefficient, factors, summed)


def canonical(m: Monomial, free: tuple[str, ...]) -> Monomial:
    """Factors ordered by name, bound indices renamed i, j, k in order of appearance;
    among factors of the same name the order giving the smallest text is chosen."""
    from itertools import permutations

    key = lambda f: (
        f.name if isinstance(f, Entry) else "~delta",
        tuple(i in free for i in f.indices()),
    )
    ordered = sorted(m.factors, key=key)
    if len(ordered) <= 6:
        candidates = {
            p for p in permutations(ordered) if [key(f) for f in p] == [key(f) for f in ordered]
        }
    else:
        candidates = {tuple(ordered)}
    unused = tuple(i for i in m.summed if not any(i in f.indices() for f in m.factors))
    m = Monomial(m.coefficient, m.factors, tuple(i for i in m.summed if i not in unused))
    return min((_rename(m, p, free) for p in candidates), key=lambda r: _monomial_key(r))


def _monomial_key(m: Monomial) -> str:
    return " ".join(to_text(f) for f in m.factors) + "|" + ",".join(m.summed)


def canonical_poly(poly: IndexSum) -> IndexSum:
    """Like monomials merged, zero ones dropped; bound index sizes kept."""
    total: dict[tuple, Fraction] = {}
    first: dict[tuple, Monomial] = {}
    order: list[tuple] = []
    for m in poly.terms:
        c = canonical(m, poly.free)
        k = (c.factors, c.summed)
        if k not in total:
            order.append(k)
            first[k] = c
            total[k] = Fraction(0)
        total[k] += c.coefficient
    terms = tuple(
        Monomial(total[k], first[k].factors, first[k].summed) for k in order if total[k] != 0
    )
    return IndexSum(terms, poly.free, poly.sizes)
