"""Shapes: infer every symbol's shape from how it is used, and give the shape of any expression.

One set of shape rules (generator/math/shape_rules.py, one function per node type) runs
over two dimension algebras, so inference and checking cannot disagree:
- `Unifier` (generator/math/dims.py, for `infer_symbols`): dimensions are union-find
  variables, solved from use (`A x - b` ties the rows of A to the rows of b);
- `_Concrete` (for `shape_of`, `is_scalar`): dimensions are the names and integers of a
  complete SymbolTable, only compared.  Fast: no unification, no memo needed (one pass).

The scalar rule (a known 1 x 1 factor is a scalar and commutes) is the rules' own: see
generator/math/shape_rules.py.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import count
from typing import Any, Callable, Iterable, Iterator, NoReturn, Optional

from generator.math.dims import SCALAR, Algebra, IdentitySlot, Shape, Unifier, show_shape
from generator.errors import ShapeError
from generator.math.expr import (
    Det,
    Dim,
    Expr,
    Identity,
    LogDet,
    Mul,
    Power,
    SumEntries,
    Trace,
    dim_product,
    mul,
    scalar_product,
)
from generator.math.memo import FORGOTTEN, node_memo, recall, remember
from generator.math.shape_rules import apply_rule, scalar_run_ends
from generator.math.symbols import SymbolInfo, SymbolTable, stored_shape


# ----- the shape rules, one per node type ----------------------------------------------
# A rule takes the node and an algebra (dims.Algebra) and returns (rows, cols).


# ----- checking against a complete table (the engine's fast path) -----------------------


class _Concrete:
    """Dimensions are the values in a complete SymbolTable; `same` only compares."""

    one = 1
    scalar = SCALAR

    def __init__(self, dims: dict[str, Shape], table: SymbolTable):
        self.dims = dims
        self.table = table
        self.known: dict[int, tuple[Expr, Shape]] = {}  # id -> (node, its shape)

    def shape(self, e: Expr) -> Shape:
        """The shape of `e`, remembered by node (the engine asks of the same subterms
        step after step); a subterm whose shapes do not fit raises, every time."""
        seen = recall(self.known, e)
        if seen is not FORGOTTEN:
            return seen
        found = apply_rule(e, self)
        remember(self.known, e, found)
        return found

    def symbol(self, name: str) -> Shape:
        try:
            return self.dims[name]
        except KeyError:
            known = ", ".join(self.table.names()) or "none"
            raise ShapeError(
                f"`{name}` has no shape: it is not a symbol of this problem (symbols: {known})"
            ) from None

    def identity(self, size: Any) -> Shape:
        if size is None or isinstance(size, IdentitySlot):
            # inference sizes every `I` of a problem (infer_shapes); one without a size
            # here was built outside a problem
            raise ShapeError(
                "an identity `I` whose size is not known here; write it with its size, e.g. `I_n`"
            )
        return (size, size)

    def is_one(self, dim: Dim) -> bool:
        return dim == 1

    def product(self, a: Dim, b: Dim) -> Dim:
        return dim_product(a, b)

    def is_scalar(self, s: Shape) -> bool:
        return s == SCALAR

    def same(self, a: Dim, b: Dim) -> bool:
        return a == b

    def show(self, s: Shape) -> str:
        return show_shape(s)

    def fail(self, message: str, involved: tuple[Expr, ...]) -> NoReturn:
        raise ShapeError(message)

    def snapshot(self) -> None:
        return None

    def restore(self, saved: None) -> None:
        pass


_CONCRETE: dict[int, _Concrete] = {}


def _concrete(table: SymbolTable) -> _Concrete:
    """The shape algebra of a complete table, one per table object (tables are
    immutable), with what it has measured."""
    hit = _CONCRETE.get(id(table))
    if hit is not None and hit.table is table:
        return hit
    if len(_CONCRETE) > 256:
        _CONCRETE.clear()
    found = _CONCRETE[id(table)] = _Concrete(
        {s.name: (s.rows, s.cols) for s in table.symbols}, table
    )
    return found


def shape_of(expr: Expr, table: SymbolTable) -> Shape:
    """(rows, cols) of `expr`; scalars are (1, 1).

    Raises ShapeError when the shapes do not fit, naming the subexpression.
    """
    return _concrete(table).shape(expr)


def symbol_for(name: str, value: Expr, table: SymbolTable, constant: bool = True) -> SymbolInfo:
    """A symbol that stands for `value` (the notes' R = A x - b, a named result): of
    value's shape, as a SymbolInfo stores it."""
    rows, cols = shape_of(value, table)
    return SymbolInfo(name, stored_shape(rows, cols), constant=constant, declared=True)


def is_scalar(expr: Expr, table: SymbolTable) -> bool:
    return shape_of(expr, table) == SCALAR


def scalar_test(table: SymbolTable) -> Callable[[Expr], bool]:
    """`is_scalar` for a printer that asks of any subterm (a fraction for a scalar
    inverse): False where the shape cannot be told, never an error."""

    def test(expr: Expr) -> bool:
        try:
            return is_scalar(expr, table)
        except (ShapeError, KeyError):
            return False

    return test


# What group_scalar_runs made of each node it has seen, per table (see map_bottom_up's
# memo): the engine canonicalizes the whole expression after every rule application, and
# all but one path of it is what it saw the step before.  Bounded: cleared when full.
_REGROUPED: dict[SymbolTable, dict] = {}


def group_scalar_runs(expr: Expr, table: SymbolTable) -> Expr:
    """Every product as a chain of matrix products between scalar factors: a run of
    factors that is 1 x 1 and multiplies the rest as a scalar is one factor, kept whole
    (`X x^T b` is `X (x^T b)`, `x^T x A` is `(x^T x) A`, `x^T dx^T x I x` is
    `x^T (dx^T x) I x`).  A run the matrix chain reads anyway stays flat (`a^T b c^T`),
    so that one product has one form.  The shape rules read a flat product the same way
    (_scalar_run)."""
    memo = _REGROUPED.get(table)
    if memo is None:
        if len(_REGROUPED) > 64:
            _REGROUPED.clear()
        memo = _REGROUPED[table] = {}
    return expr.map_bottom_up(lambda node: _regroup(node, table), node_memo(memo), idempotent=True)


def _regroup(node: Expr, table: SymbolTable) -> Expr:
    if not isinstance(node, Mul):
        return node
    flat = mul(
        *(f for g in node.factors for f in (g.factors if isinstance(g, Mul) and g.scalar else (g,)))
    )
    if not isinstance(flat, Mul):
        return flat
    grouped = _grouped(flat.factors, table)
    if node.scalar:
        return scalar_product(*grouped)
    return mul(*grouped) if len(grouped) > 1 else grouped[0]


def _grouped(factors: tuple[Expr, ...], table: SymbolTable) -> list[Expr]:
    """The factors with their scalar runs grouped.  `chain` is the matrix product since
    the last group; where the next factor does not conform, either the chain is a 1 x 1
    run of its own (`(x^T x) A`) or a 1 x 1 run starts there (`X (x^T b)`).  A scalar
    factor (a number, `alpha`, `tr(X)`) commutes: it never breaks the chain; the last
    chain needs no group (`alpha x^T x`).  Where a run could end at several places, the
    first after which the rest of the product still conforms is taken (`x^T v^T s A x
    x^T y`: the run is `v^T s A x`, and `x^T y` another)."""
    alg = _concrete(table)
    found = _group_from(factors, 0, [], [], None, alg, table, set())
    if found is None:  # the product does not conform: the shape rule says why
        alg.shape(Mul(factors))
        return list(factors)
    return found


def _group_from(
    factors: tuple[Expr, ...],
    i: int,
    out: list[Expr],
    chain: list[Expr],
    run: Optional[Shape],
    alg: Algebra,
    table: SymbolTable,
    dead_ends: set[tuple[int, Optional[Shape]]],
) -> Optional[list[Expr]]:
    """`_grouped` from factor `i` on, with what is grouped so far; None when the rest
    cannot conform.  `dead_ends`: (where, the chain's shape) already found to fail."""
    out, chain = list(out), list(chain)
    while i < len(factors):
        s = alg.shape(factors[i])
        if s == SCALAR:
            (chain if chain else out).append(factors[i])
        elif run is None or run[1] == s[0]:
            chain.append(factors[i])
            run = s if run is None else (run[0], s[1])
        elif run == SCALAR:
            out.extend(_as_scalar(chain, alg))
            chain, run = [factors[i]], s
        else:  # a 1 x 1 run starts here: the shortest that lets the rest conform
            for end in scalar_run_ends(factors, i, alg):
                if (end + 1, run) in dead_ends:
                    continue
                group = scalar_product(*_grouped(factors[i : end + 1], table))
                rest = _group_from(
                    factors, end + 1, out, chain + [group], run, alg, table, dead_ends
                )
                if rest is not None:
                    return rest
                dead_ends.add((end + 1, run))
            return None
        i += 1
    return out + chain


def _as_scalar(chain: list[Expr], alg: Algebra) -> list[Expr]:
    """A 1 x 1 chain as one factor; scalar factors after its last matrix stay outside."""
    last = max(k for k, f in enumerate(chain) if alg.shape(f) != SCALAR)
    return [scalar_product(*chain[: last + 1]), *chain[last + 1 :]]


# ----- inference by unification (the algebra is generator.math.dims.Unifier) ----------------


def _reserved_names(exprs: Iterable[Expr]) -> frozenset[str]:
    """Names a fresh dimension must not take: the symbols (an exponent's too, `X^k`)."""
    names: set[str] = set()
    for e in exprs:
        names |= e.symbols()
    return frozenset(names)


@dataclass(frozen=True)
class Inferred:
    """What inference knows: every symbol's shape, and the expressions it was given with
    every identity sized (a bare `I` keeps printing as `I`) and every scalar run a
    product needs kept whole (`X (x^T b)`)."""

    table: SymbolTable
    exprs: tuple[Expr, ...]


def infer_shapes(
    objective: Expr,
    declared: dict[str, SymbolInfo],
    wrt: Optional[str],
    extra: tuple[Expr, ...] = (),
) -> Inferred:
    """The complete SymbolTable: declared symbols first (as declared), then the inferred
    ones in order of appearance.  `wrt` is not constant; every other symbol is by default.

    An entry of `declared` with declared=False gives properties but leaves the shape to
    inference (a symmetric one is square).  `extra` (expect, solution) must fit the same
    shapes.  Each bare `I` is sized from what it is added to or multiplied with; one that
    nothing fixes (`tr(I)`) is an error.  Raises ShapeError naming the subexpression and
    both shapes.
    """
    slots = count()
    exprs = tuple(_with_identity_slots(e, slots) for e in (objective, *extra))
    exponents = frozenset(
        name
        for e in exprs
        for node in e.walk()
        if isinstance(node, Power) and isinstance(node.exponent, Expr)
        for name in node.exponent.symbols()
    )
    unifier = Unifier(declared, wrt, _reserved_names(exprs), apply_rule, exponents)
    for e in exprs:
        unifier.shape(e)
    if wrt is not None and wrt not in objective.symbols():
        symbols = ", ".join(sorted(objective.symbols())) or "none"
        raise ShapeError(f"'{wrt}' is not a symbol of the objective (symbols: {symbols})")
    sizes = unifier.identity_sizes()
    table = unifier.table()
    return Inferred(table, tuple(group_scalar_runs(_sized(e, sizes), table) for e in exprs))


def infer_symbols(
    objective: Expr,
    declared: dict[str, SymbolInfo],
    wrt: Optional[str],
    extra: tuple[Expr, ...] = (),
) -> SymbolTable:
    """The SymbolTable of `infer_shapes`."""
    return infer_shapes(objective, declared, wrt, extra).table


def _with_identity_slots(e: Expr, slots: Iterator[int]) -> Expr:
    """Each bare `I` with a slot of its own: two `I` of one expression may differ in size."""

    def slot(node: Expr) -> Expr:
        if isinstance(node, Identity) and node.size is None:
            # the slot stands in for a size only while inference runs (not a Dim)
            return Identity(IdentitySlot(next(slots)), shown=False)  # type: ignore[arg-type]
        return node

    return e.map_bottom_up(slot)


def _sized(e: Expr, sizes: dict[IdentitySlot, Optional[Dim]]) -> Expr:
    unknown = {slot for slot, size in sizes.items() if size is None}
    if unknown:
        raise ShapeError(
            f"the size of the identity in `{_around(e, unknown)}` is not known: "
            f"nothing around it fixes it; write it with its size, e.g. `I_n` "
            f"or `I_3`"
        )

    def size(node: Expr) -> Expr:
        if isinstance(node, Identity) and isinstance(node.size, IdentitySlot):
            return Identity(sizes[node.size], shown=False)
        return node

    return e.map_bottom_up(size)


def readable(e: Expr, table: SymbolTable) -> Expr:
    """`e` as it must be written to be read back (an answer in the contract's syntax):
    a bare `I` that nothing around it sizes any more (`I I` became `I^2` inside a trace)
    is shown with its size, `tr(I_n^2)`.  The same inference as for the user's input
    decides, so what is printed bare is exactly what the parser can size again."""
    hidden = [n for n in e.walk() if isinstance(n, Identity) and not n.shown]
    if not hidden:
        return e
    slots, sizes_of = count(), {}

    def slot(node: Expr) -> Expr:
        if isinstance(node, Identity) and not node.shown:
            at = IdentitySlot(next(slots))
            sizes_of[at] = node.size
            return Identity(at, shown=False)  # type: ignore[arg-type]  # as above
        return node

    slotted = e.map_bottom_up(slot)
    declared = {info.name: replace(info, declared=True) for info in table.symbols}
    unifier = Unifier(declared, None, _reserved_names((slotted,)), apply_rule)
    try:
        unifier.shape(slotted)
        fixed = unifier.identity_sizes()
    except ShapeError:  # it was derived, so it has a shape; if not, show every size
        fixed = {}

    def sized(node: Expr) -> Expr:
        if isinstance(node, Identity) and isinstance(node.size, IdentitySlot):
            return Identity(sizes_of[node.size], shown=fixed.get(node.size) is None)
        return node

    return slotted.map_bottom_up(sized)


def _around(e: Expr, unknown: set[IdentitySlot]) -> Expr:
    """The innermost trace, determinant or sum around an identity of unknown size."""

    def holds(node: Expr) -> bool:
        return any(isinstance(n, Identity) and n.size in unknown for n in node.walk())

    found = e
    for node in e.walk():
        if isinstance(node, (Trace, Det, LogDet, SumEntries)) and holds(node):
            found = node
    return found
