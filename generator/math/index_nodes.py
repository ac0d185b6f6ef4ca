"""Index notation as expression nodes: `sum_{i,j} A_ij X_ji`, `delta_ip`, `dL/dX_pq`.

These nodes live in the same trees as generator.math.expr, so the recorder, the renderers
and the verifier treat them like any other line.  They are plain data: the printers
(generator/syntax/printer.py, latex.py) and the evaluator (generator/check/numeric.py)
know them through their dispatch tables.  They are shown, never read back by the parser.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping, Optional, Union

from generator.math.expr import Dim, Expr

Index = Optional[str]  # None: the single column of a vector, or no index at all


# the indices of the entry a derivative is taken with respect to: dL/dX_pq
ROW, COL = "p", "q"


@dataclass(frozen=True)
class Entry(Expr):
    """`A_ij` (a matrix entry), `x_i` (a vector entry) or `alpha` (a scalar)."""

    name: str
    row: Index = None
    col: Index = None

    def indices(self) -> tuple[str, ...]:
        return tuple(i for i in (self.row, self.col) if i is not None)


@dataclass(frozen=True)
class Delta(Expr):
    """The Kronecker delta `delta_ij`: 1 when i = j, else 0."""

    i: str
    j: str

    def indices(self) -> tuple[str, ...]:
        return (self.i, self.j)


Factor = Union[Entry, Delta]


@dataclass(frozen=True)
class Monomial:
    """coefficient * sum over `summed` of the product of `factors`."""

    coefficient: Fraction
    factors: tuple[Factor, ...]
    summed: tuple[str, ...] = ()


def _renamer(values: Mapping[str, str]) -> Callable[[Index], Index]:
    return lambda i: values.get(i, i) if i is not None else None


@dataclass(frozen=True)
class IndexSum(Expr):
    """A sum of monomials; `free` are the indices of the value (() for a scalar, ('p', 'q')
    for the entry (p, q) of a matrix); `sizes` gives every index its dimension."""

    terms: tuple[Monomial, ...]
    free: tuple[str, ...]
    sizes: tuple[tuple[str, Dim], ...]

    def at(self, values: Mapping[str, str]) -> "IndexSum":
        """The same entry with free indices given (for the explicit matrix: p -> 1)."""
        rename = _renamer(values)
        terms = tuple(
            Monomial(
                m.coefficient,
                tuple(
                    Entry(f.name, rename(f.row), rename(f.col))
                    if isinstance(f, Entry)
                    else Delta(values.get(f.i, f.i), values.get(f.j, f.j))
                    for f in m.factors
                ),
                m.summed,
            )
            for m in self.terms
        )
        return IndexSum(terms, (), self.sizes)


@dataclass(frozen=True)
class Partial(Expr):
    """`dL/dX_pq`: the partial derivative with respect to one entry; its value is the
    whole matrix of them (computed by the complex step, one entry at a time)."""

    objective: Expr
    wrt: str
    row: Index
    col: Index
    name: str = "L"  # what the sheet calls the objective (generator.engine.names)

    def at(self, values: Mapping[str, str]) -> "Partial":
        rename = _renamer(values)
        return Partial(self.objective, self.wrt, rename(self.row), rename(self.col), self.name)


@dataclass(frozen=True)
class GradientOf(Expr):
    """`grad_X L` (or `grad_{X^T} L`): its value is the matrix of partial derivatives."""

    objective: Expr
    wrt: str
    transposed: bool = False
    name: str = "L"  # what the sheet calls the objective (generator.engine.names)


@dataclass(frozen=True)
class ExplicitMatrix(Expr):
    """The matrix written out entry by entry, with dots, as in the notes:
    [[e_11, ..., e_1m], [..., ...], [e_n1, ..., e_nm]]."""

    entry: Union[IndexSum, Partial]  # with free indices `row`, `col`
    row: str
    col: Optional[str]
    rows: Dim
    cols: Dim

    def cell(self, r: str, c: Optional[str]) -> Expr:
        """The entry in row `r` and column `c` (names or numbers written as text)."""
        mapping = {self.row: r}
        if self.col is not None and c is not None:
            mapping[self.col] = c
        return self.entry.at(mapping)

    def shown_cells(self) -> list[list[Optional[Expr]]]:
        """The rows written out: first, second, ..., last; None where dots stand."""
        last_r = str(self.rows)
        if self.col is None:
            return [
                [self.cell("1", None)],
                [self.cell("2", None)],
                [None],
                [self.cell(last_r, None)],
            ]
        last_c = str(self.cols)
        return [
            [self.cell(r, "1"), self.cell(r, "2"), None, self.cell(r, last_c)]
            if r is not None
            else [None, None, None, None]
            for r in ("1", None, last_r)
        ]


@dataclass(frozen=True)
class EntryMatrix(Expr):
    """`[A_qp]_pq`: the matrix whose (p, q) entry is the given expression."""

    entry: IndexSum
    row: str
    col: Optional[str]
