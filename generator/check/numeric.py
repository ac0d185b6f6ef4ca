"""Numbers for the checks: random instances that respect the declared properties, and
an evaluator of expressions on them.

Differentials are evaluated exactly with the complex-step method: the variable is
perturbed by i*h*E for a tiny h, so `Im f(X + ihE) / h` is the directional derivative
of f along E to machine precision, with no cancellation (every function the engine
knows is analytic; `log det` uses the sign of the real part to stay analytic).

Every value rule works on the last two axes: a matrix is `(rows, cols)`, or a stack
`(draws, rows, cols)` of the values of several random instances of the same sizes, which
the checks evaluate in one pass (`draw_instance(..., draws=3)`): one evaluation of each
line on all draws, not one per draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, cast

import numpy as np

from generator.check.arrays import (
    ELEMENTWISE,
    EvaluationError,
    UnluckyInstance,
    as_matrix,
    commutation,
    diagonal,
    entry,
    inverse,
    is_one_by_one,
    kron,
    logabsdet,
    logsumexp,
    matrix_power,
    over_entries,
    per_draw,
    product,
    softmax,
    transposed,
    vec_of,
    where_nonzero,
    where_positive,
)
from generator.math.expr import (
    Add,
    Commutation,
    Det,
    Diag,
    Differential,
    Dim,
    DimProduct,
    Elementwise,
    EntrywisePower,
    Kron,
    Vec,
    Expr,
    Hadamard,
    Identity,
    Inverse,
    LogDet,
    Mul,
    Ones,
    LogSumExp,
    Norm,
    Number,
    Power,
    PowerSum,
    Softmax,
    SumEntries,
    Symbol,
    Trace,
    Transpose,
)
from generator.math.index_nodes import (
    Delta,
    Entry,
    EntryMatrix,
    ExplicitMatrix,
    GradientOf,
    IndexSum,
    Partial,
)
from generator.math.indexed import IndexedName, IndexedSum, Run, fold_run
from generator.math.symbols import SymbolInfo, SymbolTable

STEP = 1e-30  # complex-step size: far below rounding, so exact to ~1e-16
DIM_RANGE = (2, 5)  # random sizes for named dimensions


@dataclass(frozen=True)
class Instance:
    """Random values for every symbol, a random direction for each variable (the first
    is `direction`; several for `wrt: [W1, W2]`)."""

    dims: Mapping[str, int]
    values: Mapping[str, np.ndarray]
    directions: Mapping[str, np.ndarray]

    @property
    def direction(self) -> np.ndarray:
        """The direction of the (first) variable."""
        return next(iter(self.directions.values()))


def draw_dims(table: SymbolTable, rng: np.random.Generator) -> dict[str, int]:
    dims: dict[str, int] = {}
    for info in table.symbols:
        for dim in info.shape:
            if isinstance(dim, str) and dim not in dims:
                dims[dim] = int(rng.integers(DIM_RANGE[0], DIM_RANGE[1] + 1))
    return dims


def size(dim: Dim, dims: Mapping[str, int]) -> int:
    if isinstance(dim, DimProduct):
        return int(np.prod([size(f, dims) for f in dim.factors]))
    return dim if isinstance(dim, int) else dims[dim]


def draw_value(info: SymbolInfo, dims: Mapping[str, int], rng: np.random.Generator) -> np.ndarray:
    rows, cols = size(info.rows, dims), size(info.cols, dims)
    m = rng.standard_normal((rows, cols))
    if info.has("positive_definite"):
        return m @ m.T + rows * np.eye(rows)
    if info.has("diagonal"):
        m = np.diag(np.diag(m) + np.sign(np.diag(m)) * 1.0)
    if info.has("symmetric"):
        m = (m + m.T) / 2 + (rows * np.eye(rows) if info.has("invertible") else 0)
    elif info.has("invertible"):
        m = m + rows * np.eye(rows)
    if info.has("integer"):  # a whole number: the exponent of a matrix power, at least 2
        return np.full((rows, cols), float(rng.integers(2, 5)))
    if info.has("sums_to_one"):  # positive entries summing to 1: a probability vector
        m = np.abs(m) + 0.1
        m = m / m.sum()
    return m


def draw_instance(
    table: SymbolTable,
    wrt: str | tuple[str, ...],
    rng: np.random.Generator,
    dims: Mapping[str, int] | None = None,
    *,
    positive: frozenset[str] = frozenset(),
    draws: int | None = None,
) -> Instance:
    """Random values of every symbol, and a direction for `wrt` (for each of several
    variables); the symbols in `positive` (on_positive_domain) have positive entries.
    `draws`: that many instances of the same sizes, each value a stack of theirs."""
    dims = dict(dims) if dims is not None else draw_dims(table, rng)

    def drawn(info: SymbolInfo) -> np.ndarray:
        if draws is None:
            return draw_value(info, dims, rng)
        return np.stack([draw_value(info, dims, rng) for _ in range(draws)])

    values = {info.name: drawn(info) for info in table.symbols}
    for name in positive & set(values):
        if not table[name].has("sums_to_one"):  # drawn positive already
            values[name] = np.abs(values[name]) + 0.5
    directions = {}
    for name in (wrt,) if isinstance(wrt, str) else wrt:
        info = table[name]
        directions[name] = drawn(
            SymbolInfo(name, info.shape, properties=info.properties & {"symmetric", "diagonal"})
        )
    return Instance(dims, values, directions)


def on_positive_domain(expr: Expr) -> frozenset[str]:
    """The symbols a square root or a power that is no whole number takes directly
    (`sqrt(x)`, `s^(1/2)`, `v .^ 0.5`, `s^p` for a real p): drawn positive, so that an
    instance lies in the function's domain (elsewhere a negative entry is an unlucky draw,
    and another comes)."""
    names = set()
    for node in expr.walk():
        if isinstance(node, Elementwise) and node.func == "sqrt":
            arg = node.arg
        elif isinstance(node, EntrywisePower) and node.exponent.denominator != 1:
            arg = node.base
        elif isinstance(node, Power) and node.symbolic:
            arg = node.base
        else:
            continue
        if isinstance(arg, Symbol):
            names.add(arg.name)
    return frozenset(names)


# ----- evaluation ---------------------------------------------------------------------


def _entrywise_power(ev: "Evaluator", e: EntrywisePower) -> np.ndarray:
    base, c = ev(e.base), e.exponent
    if c.denominator == 1:
        return base ** int(c) if c > 0 else where_nonzero(base) ** int(c)
    return where_positive(base, lambda v: v ** float(c))


class Evaluator:
    """Evaluates expressions on one instance.

    `values` maps symbol names to arrays; `differentials` gives dX for a symbol X (the
    direction); `definitions` gives what a name stands for (the named subexpression R,
    a Symbol, for `A x - b`; the engine's Quantity L for the objective); `derivative`
    is called for d(compound), and returns the directional derivative of that compound.
    """

    def __init__(
        self,
        values: Mapping[str, np.ndarray],
        dims: Mapping[str, int],
        differentials: Mapping[str, np.ndarray] | None = None,
        derivative: Callable[[Expr], np.ndarray] | None = None,
        definitions: Mapping[Expr, Expr] | None = None,
    ):
        self.values = values
        self.dims = dims
        self.differentials = differentials or {}
        self.derivative = derivative
        self.definitions = definitions or {}
        self._cache: dict[Expr, np.ndarray] = {}

    def __call__(self, e: Expr) -> np.ndarray:
        if e not in self._cache:
            with np.errstate(all="ignore"):
                value = self._eval(e)
            if not np.all(np.isfinite(value)):
                # log 0, 1/0, an overflow: this instance says nothing; draw another
                raise UnluckyInstance(f"{e} is not finite on this instance")
            self._cache[e] = value
        return self._cache[e]

    def known(self, e: Expr) -> np.ndarray | None:
        """The value of `e` if it was evaluated (or remembered) on this instance."""
        return self._cache.get(e)

    def remember(self, e: Expr, value: np.ndarray) -> None:
        """The value of `e`, found on the way to another (a run's prefixes)."""
        self._cache.setdefault(e, value)

    def _eval(self, e: Expr) -> np.ndarray:
        if e in self.definitions:  # R = A x - b, or the engine's L = the objective
            return self(self.definitions[e])
        value = _VALUES.get(type(e))
        if value is None:
            raise EvaluationError(f"cannot evaluate {type(e).__name__}")
        return value(self, e)


# ----- one value rule per node type ------------------------------------------------------


def _identity(ev: Evaluator, e: Identity) -> np.ndarray:
    if e.size is None:  # inference sizes every identity of a problem
        raise EvaluationError("an identity whose size is not known here")
    return np.eye(size(e.size, ev.dims))


def _product(ev: Evaluator, e: Mul) -> np.ndarray:
    """A chain of matrix products between scalar factors: inference keeps every scalar
    run whole (`X (x^T b)`, shapes.group_scalar_runs)."""
    result = ev(e.factors[0])
    for factor in e.factors[1:]:
        result = product(result, ev(factor))
    return result


def _run(ev: Evaluator, e: Run) -> np.ndarray:
    """A run's product, from a shorter run's where one was evaluated (fold_run)."""
    if not e.numbers():
        return np.eye(size(e.size, ev.dims))
    return fold_run(e, ev, product, ev.known, ev.remember)


def _indexed_sum(ev: Evaluator, e: IndexedSum) -> np.ndarray:
    terms = [ev(e.term(j)) for j in e.numbers()]
    return sum(terms[1:], terms[0])


def _free_index(ev: Evaluator, e: IndexedName) -> np.ndarray:
    raise EvaluationError(f"{e} has no value: its index {e.bound.index} is free here")


def _whole_exponent(value: np.ndarray, of: Expr) -> int:
    """The value of a matrix power's symbolic exponent (1 x 1): a whole number."""
    number = np.real(value[0, 0])
    if number != round(number):
        raise EvaluationError(f"the matrix power {of} needs a whole exponent, not {number}")
    return int(round(number))


def _power_sum(ev: Evaluator, e: PowerSum) -> np.ndarray:
    """sum_{j=0}^{k-1} X^j M X^(k-1-j), k the exponent's value (each draw its own)."""

    def one(k_value: np.ndarray, x: np.ndarray, inner: np.ndarray) -> np.ndarray:
        k = _whole_exponent(k_value, e)
        powers = [np.linalg.matrix_power(x, j) for j in range(k)]
        return sum((powers[j] @ inner @ powers[k - 1 - j] for j in range(k)), 0 * inner)

    return per_draw(one, ev(e.exponent), ev(e.base), ev(e.inner))


def _power_of(ev: Evaluator, e: Power) -> np.ndarray:
    if isinstance(e.exponent, int):
        return matrix_power(ev(e.base), e.exponent)
    base = ev(e.base)
    if is_one_by_one(base):  # s^p: the real power (of a positive s, on_positive_domain)
        return base ** ev(e.exponent)
    return per_draw(lambda k, m: matrix_power(m, _whole_exponent(k, e)), ev(e.exponent), base)


def _hadamard(ev: Evaluator, e: Hadamard) -> np.ndarray:
    left, right = ev(e.left), ev(e.right)
    return left / right if e.divide else left * right


def _differential(ev: Evaluator, e: Differential) -> np.ndarray:
    """The direction for dX; the directional derivative of anything else."""
    if isinstance(e.arg, Symbol) and e.arg.name in ev.differentials:
        return ev.differentials[e.arg.name]
    if ev.derivative is None:
        raise EvaluationError(f"no value for d({e.arg})")
    return ev.derivative(e.arg)


def _norm(ev: Evaluator, e: Norm) -> np.ndarray:
    v = ev(e.arg)
    return np.sqrt(over_entries(np.sum, v * v))


# ----- index notation (generator/math/index_nodes.py) -----------------------------------


def evaluate_poly(
    poly: IndexSum, values: Mapping[str, np.ndarray], dims: Mapping[str, int]
) -> np.ndarray:
    """The value with numpy's einsum: a matrix over the free indices (a column for one,
    1 x 1 for none).  Index sizes come from the arrays; a delta takes the size of an
    index it shares, and `poly.sizes` gives the free indices theirs."""
    free_sizes = {i: size(d, dims) for i, d in poly.sizes if i in poly.free}
    out_shape = [free_sizes[i] for i in poly.free]
    total = np.zeros(out_shape or [1], dtype=complex)
    for m in poly.terms:
        sizes = dict(free_sizes)
        arrays: list[np.ndarray | None] = []
        for f in m.factors:
            if isinstance(f, Entry):
                v = np.asarray(values[f.name])
                v = v if f.col is not None else (v[:, 0] if f.row is not None else v.reshape(()))
                sizes.update(zip(f.indices(), v.shape))
                arrays.append(v)
            else:
                arrays.append(None)
        letters = {
            i: chr(ord("a") + k)
            for k, i in enumerate(
                sorted({i for f in m.factors for i in f.indices()} | set(poly.free))
            )
        }
        operands, subscripts = [], []
        for f, array in zip(m.factors, arrays):
            if array is None:  # a delta: the identity of its indices' size
                delta = cast(Delta, f)
                array = np.eye(sizes[delta.i] if delta.i in sizes else sizes[delta.j])
            operands.append(array)
            subscripts.append("".join(letters[i] for i in f.indices()))
        spec = ",".join(subscripts) + "->" + "".join(letters[i] for i in poly.free)
        value = np.einsum(spec, *operands) if operands else np.ones(out_shape or [1])
        total = total + float(m.coefficient) * np.reshape(value, out_shape or [1])
    if not any(np.iscomplexobj(np.asarray(v)) for v in values.values()):
        total = total.real
    return total if len(poly.free) == 2 else total.reshape(-1, 1)


def entrywise_gradient(objective: Expr, wrt: str, ev: Evaluator) -> np.ndarray:
    """dL/dX_pq for every (p, q), each by the complex step (exact to rounding), in
    every draw at once."""
    x = np.asarray(ev.values[wrt])
    grad = np.zeros(x.shape)
    for index in np.ndindex(*x.shape[-2:]):
        values = dict(ev.values)
        moved = x.astype(complex)
        moved[(..., *index)] += 1j * STEP
        values[wrt] = moved
        value = Evaluator(values, ev.dims, definitions=ev.definitions)(objective)
        grad[(..., *index)] = np.imag(value[..., 0, 0]) / STEP
    return grad


def _poly(ev: Evaluator, e: IndexSum) -> np.ndarray:
    """An index-notation sum in each draw (einsum over one instance's matrices)."""
    names = sorted(ev.values)
    stacked = [np.asarray(ev.values[name]) for name in names]

    def one(*arrays: np.ndarray) -> np.ndarray:
        return evaluate_poly(e, dict(zip(names, arrays)), ev.dims)

    return per_draw(one, *stacked)


def _transposed_gradient(ev: Evaluator, e: GradientOf) -> np.ndarray:
    g = entrywise_gradient(e.objective, e.wrt, ev)
    return transposed(g) if e.transposed else g


def _matrix_of_entries(ev: Evaluator, e: ExplicitMatrix | EntryMatrix) -> np.ndarray:
    """The matrix whose (row, col) entry is `e.entry`: the entry's value is the whole
    matrix over its own indices (a Partial's row and col, a sum's free indices), so it
    is transposed where the matrix puts them the other way round (`[dL/dX_qp]_pq`)."""
    value = ev(e.entry)
    entry = e.entry
    axes = (
        (entry.row, entry.col) if isinstance(entry, Partial) else tuple(cast(IndexSum, entry).free)
    )
    return transposed(value) if e.col is not None and axes == (e.col, e.row) else value


# node type -> its value: the index notation of the elementwise method
# A rule of these tables is called only with a node of its key's type (Evaluator._eval
# looks it up by type(e)), which the annotation cannot say: the node is typed Any.
ValueRule = Callable[[Evaluator, Any], np.ndarray]

_INDEX_VALUES: dict[type, ValueRule] = {
    IndexSum: _poly,
    Partial: lambda ev, e: entrywise_gradient(e.objective, e.wrt, ev),
    GradientOf: _transposed_gradient,
    ExplicitMatrix: _matrix_of_entries,
    EntryMatrix: _matrix_of_entries,
}


# node type -> its value, on one instance (a Quantity has one only through `definitions`)
_VALUES: dict[type, ValueRule] = {
    Symbol: lambda ev, e: as_matrix(ev.values[e.name]),
    Number: lambda ev, e: as_matrix(float(e.value)),
    Ones: lambda ev, e: np.ones((size(e.rows, ev.dims), size(e.cols, ev.dims))),
    Identity: _identity,
    Add: lambda ev, e: sum((ev(t) for t in e.terms[1:]), ev(e.terms[0])),
    Mul: _product,
    Transpose: lambda ev, e: transposed(ev(e.arg)),
    Inverse: lambda ev, e: inverse(ev(e.arg)),
    Trace: lambda ev, e: entry(np.trace(ev(e.arg), axis1=-2, axis2=-1)),
    Det: lambda ev, e: entry(np.linalg.det(ev(e.arg))),
    LogDet: lambda ev, e: logabsdet(ev(e.arg)),
    SumEntries: lambda ev, e: over_entries(np.sum, ev(e.arg)),
    Diag: lambda ev, e: diagonal(ev(e.arg)),
    Softmax: lambda ev, e: softmax(ev(e.arg)),
    EntrywisePower: _entrywise_power,
    LogSumExp: lambda ev, e: logsumexp(ev(e.arg)),
    Vec: lambda ev, e: vec_of(ev(e.arg)),
    Kron: lambda ev, e: kron(ev(e.left), ev(e.right)),
    Commutation: lambda ev, e: commutation(size(e.rows, ev.dims), size(e.cols, ev.dims)),
    Power: _power_of,
    PowerSum: lambda ev, e: _power_sum(ev, e),
    Run: _run,
    IndexedSum: _indexed_sum,
    IndexedName: _free_index,
    Norm: _norm,
    Hadamard: _hadamard,
    Elementwise: lambda ev, e: ELEMENTWISE[e.func](ev(e.arg)),
    Differential: _differential,
    **_INDEX_VALUES,
}
