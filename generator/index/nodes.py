"""Index notation as expression nodes: `sum_{i,j} A_ij X_ji`, `delta_ip`, `dL/dX_pq`.

These nodes live in the same trees as generator.math.expr, so the recorder, the renderers
and the verifier treat them like any other line.  They print themselves (`text`,
`latex`) and compute their own values (`evaluate`, with numpy's einsum); they are
shown, never read back by the parser.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping, Optional, Union

import numpy as np

from generator.math.expr import Dim, Expr
from generator.syntax.latex_names import name_latex
from generator.syntax.printer import number_text

Index = Optional[str]          # None: the single column of a vector, or no index at all


@dataclass(frozen=True)
class Entry(Expr):
    """`A_ij` (a matrix entry), `x_i` (a vector entry) or `alpha` (a scalar)."""

    name: str
    row: Index = None
    col: Index = None

    def indices(self) -> tuple[str, ...]:
        return tuple(i for i in (self.row, self.col) if i is not None)

    def text(self) -> str:
        sub = "".join(self.indices())
        return f"{self.name}_{sub}" if sub else self.name

    def latex(self, _print=None) -> str:
        sub = "".join(self.indices())
        base = name_latex(self.name)
        return f"{base}_{{{sub}}}" if sub else base


@dataclass(frozen=True)
class Delta(Expr):
    """The Kronecker delta `delta_ij`: 1 when i = j, else 0."""

    i: str
    j: str

    def indices(self) -> tuple[str, ...]:
        return (self.i, self.j)

    def text(self) -> str:
        return f"delta_{self.i}{self.j}"

    def latex(self, _print=None) -> str:
        return rf"\delta_{{{self.i}{self.j}}}"


Factor = Union[Entry, Delta]


@dataclass(frozen=True)
class Monomial:
    """coefficient * sum over `summed` of the product of `factors`."""

    coefficient: Fraction
    factors: tuple[Factor, ...]
    summed: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexSum(Expr):
    """A sum of monomials; `free` are the indices of the value (() for a scalar, ('p', 'q')
    for the entry (p, q) of a matrix); `sizes` gives every index its dimension."""

    terms: tuple[Monomial, ...]
    free: tuple[str, ...]
    sizes: tuple[tuple[str, Dim], ...]

    def text(self) -> str:
        return _join([(m.coefficient, _monomial_text(m)) for m in self.terms])

    def latex(self, _print=None) -> str:
        return _join([(m.coefficient, _monomial_latex(m)) for m in self.terms])

    def evaluate(self, ev) -> np.ndarray:
        return evaluate_poly(self, ev.values, ev.dims)

    def at(self, values: Mapping[str, str]) -> "IndexSum":
        """The same entry with free indices given (for the explicit matrix: p -> 1)."""
        def rename(i):
            return values.get(i, i) if i is not None else None
        terms = tuple(Monomial(m.coefficient, tuple(
            Entry(f.name, rename(f.row), rename(f.col)) if isinstance(f, Entry)
            else Delta(rename(f.i), rename(f.j)) for f in m.factors), m.summed)
            for m in self.terms)
        return IndexSum(terms, (), self.sizes)


def _join(pieces: list[tuple[Fraction, str]]) -> str:
    if not pieces:
        return "0"
    out = ""
    for k, (c, body) in enumerate(pieces):
        sign = "-" if c < 0 else "+"
        magnitude = abs(c)
        number = "" if magnitude == 1 and body else number_text(magnitude) + (" " if body else "")
        text = f"{number}{body}" if body else number_text(magnitude)
        out += (("-" if sign == "-" else "") + text) if k == 0 else f" {sign} {text}"
    return out


def _monomial_text(m: Monomial) -> str:
    body = " ".join(f.text() for f in m.factors)
    return f"sum_{{{','.join(m.summed)}}} {body}" if m.summed else body


def _monomial_latex(m: Monomial) -> str:
    body = " ".join(f.latex() for f in m.factors)
    return rf"\sum_{{{','.join(m.summed)}}} {body}" if m.summed else body


def evaluate_poly(poly: IndexSum, values: Mapping[str, np.ndarray], dims: Mapping[str, int]):
    """The value with numpy's einsum: a matrix over the free indices (a column for one,
    1 x 1 for none).  Index sizes come from the arrays; a delta takes the size of an
    index it shares, and `poly.sizes` gives the free indices theirs."""
    from generator.check.numeric import size
    free_sizes = {i: size(d, dims) for i, d in poly.sizes if i in poly.free}
    out_shape = [free_sizes[i] for i in poly.free]
    total = np.zeros(out_shape or [1], dtype=complex)
    for m in poly.terms:
        sizes = dict(free_sizes)
        arrays = []
        for f in m.factors:
            if isinstance(f, Entry):
                v = np.asarray(values[f.name])
                v = v if f.col is not None else (v[:, 0] if f.row is not None else v.reshape(()))
                sizes.update(zip(f.indices(), v.shape))
                arrays.append(v)
            else:
                arrays.append(None)
        letters = {i: chr(ord("a") + k) for k, i in enumerate(
            sorted({i for f in m.factors for i in f.indices()} | set(poly.free)))}
        operands, subscripts = [], []
        for f, v in zip(m.factors, arrays):
            if v is None:
                n = sizes.get(f.i, sizes.get(f.j))
                v = np.eye(n)
            operands.append(v)
            subscripts.append("".join(letters[i] for i in f.indices()))
        spec = ",".join(subscripts) + "->" + "".join(letters[i] for i in poly.free)
        value = np.einsum(spec, *operands) if operands else np.ones(out_shape or [1])
        total = total + float(m.coefficient) * np.reshape(value, out_shape or [1])
    if not any(np.iscomplexobj(np.asarray(v)) for v in values.values()):
        total = total.real
    return total if len(poly.free) == 2 else total.reshape(-1, 1)


@dataclass(frozen=True)
class Partial(Expr):
    """`dL/dX_pq`: the partial derivative with respect to one entry; its value is the
    whole matrix of them (computed by the complex step, one entry at a time)."""

    objective: Expr
    wrt: str
    row: Index
    col: Index
    name: str = "L"   # what the sheet calls the objective (generator.engine.names)

    def text(self) -> str:
        return f"d{self.name}/d{Entry(self.wrt, self.row, self.col).text()}"

    def latex(self, _print=None) -> str:
        entry = Entry(self.wrt, self.row, self.col).latex()
        return rf"\frac{{\partial {name_latex(self.name)}}}{{\partial {entry}}}"

    def evaluate(self, ev) -> np.ndarray:
        return entrywise_gradient(self.objective, self.wrt, ev)

    def at(self, values: Mapping[str, str]) -> "Partial":
        rename = lambda i: values.get(i, i) if i is not None else None
        return Partial(self.objective, self.wrt, rename(self.row), rename(self.col), self.name)


@dataclass(frozen=True)
class GradientOf(Expr):
    """`grad_X L` (or `grad_{X^T} L`): its value is the matrix of partial derivatives."""

    objective: Expr
    wrt: str
    transposed: bool = False
    name: str = "L"   # what the sheet calls the objective (generator.engine.names)

    def text(self) -> str:
        wrt = f"{{{self.wrt}^T}}" if self.transposed else self.wrt
        return f"grad_{wrt} {self.name}"

    def latex(self, _print=None) -> str:
        sub = name_latex(self.wrt) + ("^{T}" if self.transposed else "")
        return rf"\nabla_{{{sub}}} {name_latex(self.name)}"

    def evaluate(self, ev) -> np.ndarray:
        g = entrywise_gradient(self.objective, self.wrt, ev)
        return g.T if self.transposed else g


def entrywise_gradient(objective: Expr, wrt: str, ev) -> np.ndarray:
    """dL/dX_pq for every (p, q), each by the complex step (exact to rounding)."""
    from generator.check.numeric import STEP, Evaluator
    x = np.asarray(ev.values[wrt])
    grad = np.zeros(x.shape)
    for index in np.ndindex(*x.shape):
        values = dict(ev.values)
        moved = x.astype(complex)
        moved[index] += 1j * STEP
        values[wrt] = moved
        grad[index] = np.imag(Evaluator(values, ev.dims, definitions=ev.definitions)(
            objective)[0, 0]) / STEP
    return grad


@dataclass(frozen=True)
class ExplicitMatrix(Expr):
    """The matrix written out entry by entry, with dots, as in the notes:
    [[e_11, ..., e_1m], [..., ...], [e_n1, ..., e_nm]]."""

    entry: Expr            # a IndexSum or a Partial with free indices `row`, `col`
    row: str
    col: Optional[str]
    rows: Dim
    cols: Dim

    def _cell(self, r: str, c: Optional[str], printer: Callable[[Expr], str]) -> str:
        mapping = {self.row: r}
        if self.col is not None and c is not None:
            mapping[self.col] = c
        return printer(self.entry.at(mapping))

    def _grid(self, printer, dots, vdots, ddots, row_end, sep) -> list[str]:
        last_r = str(self.rows)
        if self.col is None:
            cells = [self._cell("1", None, printer), self._cell("2", None, printer), vdots,
                     self._cell(last_r, None, printer)]
            return [c + row_end for c in cells[:-1]] + [cells[-1]]
        last_c = str(self.cols)
        rows = []
        for r in ("1", None, last_r):
            if r is None:
                rows.append(sep.join([vdots, vdots, ddots, vdots]) + row_end)
                continue
            cells = [self._cell(r, "1", printer), self._cell(r, "2", printer), dots,
                     self._cell(r, last_c, printer)]
            rows.append(sep.join(cells) + (row_end if r != last_r else ""))
        return rows

    def text(self) -> str:
        from generator.syntax.printer import to_text
        return "[" + " ".join(self._grid(to_text, "...", ":", "...", ";", ", ")) + "]"

    def latex(self, _print=None) -> str:
        from generator.syntax.latex import to_latex
        body = " ".join(self._grid(to_latex, r"\cdots", r"\vdots", r"\ddots", r" \\", " & "))
        return r"\begin{bmatrix} " + body + r" \end{bmatrix}"

    def evaluate(self, ev) -> np.ndarray:
        return ev(self.entry)


@dataclass(frozen=True)
class EntryMatrix(Expr):
    """`[A_qp]_pq`: the matrix whose (p, q) entry is the given expression."""

    entry: IndexSum
    row: str
    col: Optional[str]

    def text(self) -> str:
        return f"[{self.entry.text()}]_{self.row}{self.col or ''}"

    def latex(self, _print=None) -> str:
        return rf"\left[{self.entry.latex()}\right]_{{{self.row}{self.col or ''}}}"

    def evaluate(self, ev) -> np.ndarray:
        return ev(self.entry)
