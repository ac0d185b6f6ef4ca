"""Shapes: infer every symbol's shape from how it is used, and give the shape of any expression.

One set of shape rules (one function per node type, below) runs over two dimension
algebras, so inference and checking cannot disagree:
- `Unifier` (generator/math/dims.py, for `infer_symbols`): dimensions are union-find
  variables, solved from use (`A x - b` ties the rows of A to the rows of b);
- `_Concrete` (for `shape_of`, `is_scalar`): dimensions are the names and integers of a
  complete SymbolTable, only compared.  Fast: no unification, no memo needed (one pass).

The scalar rule (contract section 2; the notes write `(x^T b) X` and `X alpha`): a factor
of a product that is known to be 1 x 1 is a scalar and commutes, so it never constrains
its neighbours.  A known 1 x 1 term of a sum or of a Hadamard product broadcasts
(`1 + exp(v)`).  An inferred dimension stands for a general size and is never unified
with 1, so "known 1 x 1" is decided when a factor is met and does not depend on order.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import count
from typing import Any, Callable, Iterable, Iterator, NoReturn, Optional

# The names, shapes and messages of generator.math.dims are re-exported: importers of
# generator.math.shapes (letspec, the engine, the tests) use them from here.
from generator.math.dims import (FRESH_NAMES, GREEK, SCALAR, SQUARE_PROPERTIES,  # noqa: F401
                            Algebra, AnyShape, IdentitySlot, Shape, Unifier, kind_of_name,
                            scalar_hint, show_shape)
from generator.errors import ShapeError
from generator.math.expr import (
    Add, Commutation, Det, Diag, Differential, Dim, Elementwise, EntrywisePower, Expr, Hadamard,
    Identity, Inverse, Kron, LogDet, LogSumExp, Mul, Norm, Number, Ones, Power, PowerSum,
    Quantity, Softmax, SumEntries, Symbol, Trace, Transpose, Vec, dim_product, mul,
    scalar_product,
)
from generator.math.memo import FORGOTTEN, node_memo, recall, remember
from generator.math.symbols import SymbolInfo, SymbolTable, stored_shape


def _part(parts: tuple[Expr, ...]) -> Expr:
    """The leading factors of a product, as one expression for a message."""
    return parts[0] if len(parts) == 1 else Mul(parts)


# ----- the shape rules, one per node type ----------------------------------------------
# A rule takes the node and an algebra (dims.Algebra) and returns (rows, cols).

def _scalar(e: Expr, alg: Algebra) -> AnyShape:
    """Numbers, and scalar-valued functions (the arguments are checked by their own rule)."""
    for child in e.children():
        alg.shape(child)
    return alg.scalar


def _same(e: Expr, alg: Algebra) -> AnyShape:
    """`d(X)`, `exp(X)`: the shape of the argument."""
    return alg.shape(e.children()[0])


def _transpose(e: Transpose, alg: Algebra) -> AnyShape:
    s = alg.shape(e.arg)
    return (s[1], s[0])


def _square(what: str, to_scalar: bool) -> Callable[[Expr, Algebra], AnyShape]:
    """A rule for an operation defined only on square matrices (tr, det, inverse, power)."""
    def rule(e: Expr, alg: Algebra) -> AnyShape:
        arg = e.children()[0]
        s = alg.shape(arg)
        if not alg.same(s[0], s[1]):
            alg.fail(f"shape mismatch in `{e}`: {arg} is {alg.show(s)}, "
                     f"but {what} needs a square matrix", (arg,))
        return alg.scalar if to_scalar else s
    return rule


def _power(e: Power, alg: Algebra) -> AnyShape:
    """`X^k` of a square matrix (or a scalar); a symbolic exponent is a scalar."""
    shape = _square("a matrix power", False)(e, alg)
    if isinstance(e.exponent, Expr):   # symbolic
        s = alg.shape(e.exponent)
        if not (alg.same(s[0], alg.scalar[0]) and alg.same(s[1], alg.scalar[1])):
            alg.fail(f"`{e}`: the exponent {e.exponent} is {alg.show(s)}, but an exponent is "
                     f"a scalar", (e.exponent,))
    return shape


def _diag(e: Diag, alg: Algebra) -> AnyShape:
    """diag(v) of a column vector is square; diag(X) of a square matrix is a column."""
    s = alg.shape(e.arg)
    if alg.is_one(s[1]):
        return (s[0], s[0])
    if alg.same(s[0], s[1]):
        return (s[0], alg.scalar[1])
    alg.fail(f"shape mismatch in `{e}`: {e.arg} is {alg.show(s)}, but diag takes a column "
             f"vector (the diagonal matrix with it on its diagonal) or a square matrix (the "
             f"vector of its diagonal)", (e.arg,))


def _of_column(what: str, to_scalar: bool) -> Callable[[Expr, Algebra], AnyShape]:
    """A rule for a function of a column vector (softmax, logsumexp): a row vector or a
    matrix would leave open over which entries it normalises."""
    def rule(e: Expr, alg: Algebra) -> AnyShape:
        s = alg.shape(e.children()[0])
        if not alg.is_one(s[1]) or alg.is_scalar(s):
            alg.fail(f"shape mismatch in `{e}`: {e.children()[0]} is {alg.show(s)}, but "
                     f"{what} takes a column vector (of a matrix it would leave open which "
                     f"entries are normalised together: write it of each column)",
                     (e.children()[0],))
        return alg.scalar if to_scalar else s
    return rule


def _entrywise_power(e: EntrywisePower, alg: Algebra) -> AnyShape:
    """`Z .^ c` has Z's shape; `s^(1/2)` written without the dot is a real power of a
    scalar only (of a matrix it would be a matrix root)."""
    s = alg.shape(e.base)
    if not e.dotted and not alg.is_scalar(s):
        alg.fail(f"`{e}`: {e.base} is {alg.show(s)}, and a power that is no whole number is "
                 f"taken of a scalar, or entry by entry with `.^`: write "
                 f"`{EntrywisePower(e.base, e.exponent)}`", (e.base,))
    return s


def _vec(e: Vec, alg: Algebra) -> AnyShape:
    """vec(X) of an m x n X is m n x 1 (the row index runs fastest)."""
    rows, cols = alg.shape(e.arg)
    return (alg.product(rows, cols), alg.scalar[1])


def _kron(e: Kron, alg: Algebra) -> AnyShape:
    """kron(A, B) of m x n and p x q is m p x n q (B's index runs fastest)."""
    (m, n), (p, q) = alg.shape(e.left), alg.shape(e.right)
    return (alg.product(p, m), alg.product(q, n))


def _commutation(e: Commutation, alg: Algebra) -> AnyShape:
    """K(m, n) is m n x m n: it takes vec(X) of an m x n X to vec(X^T)."""
    m, n = alg.identity(e.rows)[0], alg.identity(e.cols)[0]
    return (alg.product(n, m), alg.product(m, n))


def _inverse(e: Inverse, alg: Algebra) -> AnyShape:
    """`X^-1` of a square matrix; `a / s` divides by a scalar only."""
    if e.division:
        s = alg.shape(e.arg)
        if not alg.is_scalar(s):
            alg.fail(f"`/ {e.arg}` divides by a matrix ({alg.show(s)}), but `/` divides by a "
                     f"scalar only; write the inverse on the side you mean: `A {_base(e.arg)}^-1`"
                     f" or `{_base(e.arg)}^-1 A`", (e.arg,))
        return s
    return _square("the inverse", False)(e, alg)


def _base(e: Expr) -> str:
    return str(e) if isinstance(e, Symbol) else f"({e})"


def _norm(e: Norm, alg: Algebra) -> AnyShape:
    """`||v||` needs a vector; a matrix needs the Frobenius norm, written `||X||_F`."""
    s = alg.shape(e.arg)
    if not e.frobenius and not (alg.is_one(s[0]) or alg.is_one(s[1])):
        alg.fail(f"`{e}`: {e.arg} is a matrix ({alg.show(s)}) and `||.||` is the "
                 f"norm of a vector; write `{Norm(e.arg, True)}` for the Frobenius norm", ())
    return alg.scalar


def _mul(e: Mul, alg: Algebra) -> AnyShape:
    """Fold left to right; a known 1 x 1 side is a scalar multiplication, and so is a run
    of factors whose product is 1 x 1 (`X (x^T b)` is stored flat as `X x^T b`)."""
    run: AnyShape | None = None
    i = 0
    while i < len(e.factors):
        factor = e.factors[i]
        s = alg.shape(factor)
        if run is None or alg.is_scalar(run):
            run = s
        elif alg.is_scalar(s) or alg.same(run[1], s[0]):
            run = run if alg.is_scalar(s) else (run[0], s[1])
        else:
            end = _scalar_run(e.factors, i, alg)
            if end is None:
                left = _part(e.factors[:i])
                alg.fail(f"shape mismatch in `{e}`: {left} is {alg.show(run)} but "
                         f"{factor} is {alg.show(s)} (the columns of {left} must "
                         f"equal the rows of {factor})", (left, factor))
            i = end
        i += 1
    assert run is not None   # a product has factors
    return run


def _scalar_run(factors: tuple[Expr, ...], start: int, alg: Algebra) -> Optional[int]:
    """The last index of the shortest run from `start` whose product is 1 x 1, or None
    (no side effects then: the algebra is rolled back)."""
    return next(_scalar_run_ends(factors, start, alg), None)


def _scalar_run_ends(factors: tuple[Expr, ...], start: int, alg: Algebra
                     ) -> Iterator[int]:
    """Each last index of a run from `start` whose product is 1 x 1, shortest first (a
    run that does not conform may when longer: `v^T x^T` does not, `v^T x^T x` does).
    The algebra keeps what the run yielded taught it (inference: the sizes in it) until
    a longer one is asked for."""
    for end in range(start + 1, len(factors)):
        saved = alg.snapshot()
        try:
            s = alg.shape(Mul(factors[start:end + 1]))
        except ShapeError:
            alg.restore(saved)
            continue
        if alg.is_scalar(s):
            yield end
        alg.restore(saved)


def _broadcast(e: Expr, parts: tuple[Expr, ...], alg: Algebra, why: str) -> AnyShape:
    """All parts the same shape, except known 1 x 1 parts, which are added to every entry."""
    base: AnyShape | None = None
    base_part: Expr = parts[0]
    for part in parts:
        s = alg.shape(part)
        if alg.is_scalar(s):
            continue
        if base is None:
            base, base_part = s, part
        elif not (alg.same(base[0], s[0]) and alg.same(base[1], s[1])):
            alg.fail(f"shape mismatch in `{e}`: {base_part} is {alg.show(base)} but "
                     f"{part} is {alg.show(s)} ({why})", (base_part, part))
    return alg.scalar if base is None else base


def _add(e: Add, alg: Algebra) -> AnyShape:
    return _broadcast(e, e.terms, alg, "the terms of a sum must have the same shape")


def _hadamard(e: Hadamard, alg: Algebra) -> AnyShape:
    what = "quotient" if e.divide else "product"
    return _broadcast(e, (e.left, e.right), alg,
                      f"both sides of an elementwise {what} must have the same shape")


RULES: dict[type, Callable] = {
    Symbol: lambda e, alg: alg.symbol(e.name), Number: _scalar,
    Quantity: lambda e, alg: alg.symbol(e.name),   # a named subexpression: in the table
    Identity: lambda e, alg: alg.identity(e.size),
    # ones(n, m) is n x m; each algebra turns a size into a dimension through identity()
    Ones: lambda e, alg: (alg.identity(e.rows)[0], alg.identity(e.cols)[0]),
    Add: _add, Mul: _mul, Hadamard: _hadamard,
    Transpose: _transpose, Differential: _same, Elementwise: _same,
    Inverse: _inverse, Power: _power, PowerSum: lambda e, alg: alg.shape(e.inner),
    Trace: _square("the trace", True), Det: _square("the determinant", True),
    LogDet: _square("the log-determinant", True),
    SumEntries: _scalar, Norm: _norm, Diag: _diag, Vec: _vec, Kron: _kron,
    Commutation: _commutation,
    Softmax: _of_column("softmax", False), LogSumExp: _of_column("logsumexp", True),
    EntrywisePower: _entrywise_power,
}


def _apply_rule(e: Expr, alg: Algebra) -> AnyShape:
    rule = RULES.get(type(e))
    if rule is None:
        raise ShapeError(f"no shape rule for a {type(e).__name__} node")
    return rule(e, alg)


# ----- checking against a complete table (the engine's fast path) -----------------------

class _Concrete:
    """Dimensions are the values in a complete SymbolTable; `same` only compares."""

    one = 1
    scalar = SCALAR

    def __init__(self, dims: dict[str, Shape], table: SymbolTable):
        self.dims = dims
        self.table = table
        self.known: dict[int, tuple[Expr, Shape]] = {}   # id -> (node, its shape)

    def shape(self, e: Expr) -> Shape:
        """The shape of `e`, remembered by node (the engine asks of the same subterms
        step after step); a subterm whose shapes do not fit raises, every time."""
        seen = recall(self.known, e)
        if seen is not FORGOTTEN:
            return seen
        found = _apply_rule(e, self)
        remember(self.known, e, found)
        return found

    def symbol(self, name: str) -> Shape:
        try:
            return self.dims[name]
        except KeyError:
            known = ", ".join(self.table.names()) or "none"
            raise ShapeError(f"`{name}` has no shape: it is not a symbol of this problem "
                             f"(symbols: {known})") from None

    def identity(self, size: Any) -> Shape:
        if size is None or isinstance(size, IdentitySlot):
            # inference sizes every `I` of a problem (infer_shapes); one without a size
            # here was built outside a problem
            raise ShapeError("an identity `I` whose size is not known here; write it with "
                             "its size, e.g. `I_n`")
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
    found = _CONCRETE[id(table)] = _Concrete({s.name: (s.rows, s.cols) for s in table.symbols},
                                             table)
    return found


def shape_of(expr: Expr, table: SymbolTable) -> Shape:
    """(rows, cols) of `expr`; scalars are (1, 1).

    Raises ShapeError when the shapes do not fit, naming the subexpression.
    """
    return _concrete(table).shape(expr)


def symbol_for(name: str, value: Expr, table: SymbolTable,
               constant: bool = True) -> SymbolInfo:
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
    return expr.map_bottom_up(lambda node: _regroup(node, table), node_memo(memo),
                              idempotent=True)


def _regroup(node: Expr, table: SymbolTable) -> Expr:
    if not isinstance(node, Mul):
        return node
    flat = mul(*(f for g in node.factors
                 for f in (g.factors if isinstance(g, Mul) and g.scalar else (g,))))
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
    if found is None:   # the product does not conform: the shape rule says why
        alg.shape(Mul(factors))
        return list(factors)
    return found


def _group_from(factors: tuple[Expr, ...], i: int, out: list[Expr], chain: list[Expr],
                run: Optional[Shape], alg: Algebra, table: SymbolTable,
                dead_ends: set[tuple[int, Optional[Shape]]]) -> Optional[list[Expr]]:
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
        else:   # a 1 x 1 run starts here: the shortest that lets the rest conform
            for end in _scalar_run_ends(factors, i, alg):
                if (end + 1, run) in dead_ends:
                    continue
                group = scalar_product(*_grouped(factors[i:end + 1], table))
                rest = _group_from(factors, end + 1, out, chain + [group], run, alg, table,
                                   dead_ends)
                if rest is not None:
                    return rest
                dead_ends.add((end + 1, run))
            return None
        i += 1
    return out + chain


def _as_scalar(chain: list[Expr], alg: Algebra) -> list[Expr]:
    """A 1 x 1 chain as one factor; scalar factors after its last matrix stay outside."""
    last = max(k for k, f in enumerate(chain) if alg.shape(f) != SCALAR)
    return [scalar_product(*chain[:last + 1]), *chain[last + 1:]]


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


def infer_shapes(objective: Expr, declared: dict[str, SymbolInfo], wrt: Optional[str],
                 extra: tuple[Expr, ...] = ()) -> Inferred:
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
    exponents = frozenset(name for e in exprs for node in e.walk()
                          if isinstance(node, Power) and isinstance(node.exponent, Expr)
                          for name in node.exponent.symbols())
    unifier = Unifier(declared, wrt, _reserved_names(exprs), _apply_rule, exponents)
    for e in exprs:
        unifier.shape(e)
    if wrt is not None and wrt not in objective.symbols():
        symbols = ", ".join(sorted(objective.symbols())) or "none"
        raise ShapeError(f"'{wrt}' is not a symbol of the objective (symbols: {symbols})")
    sizes = unifier.identity_sizes()
    table = unifier.table()
    return Inferred(table, tuple(group_scalar_runs(_sized(e, sizes), table) for e in exprs))


def infer_symbols(objective: Expr, declared: dict[str, SymbolInfo], wrt: Optional[str],
                  extra: tuple[Expr, ...] = ()) -> SymbolTable:
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
        raise ShapeError(f"the size of the identity in `{_around(e, unknown)}` is not known: "
                         f"nothing around it fixes it; write it with its size, e.g. `I_n` "
                         f"or `I_3`")

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
    unifier = Unifier(declared, None, _reserved_names((slotted,)), _apply_rule)
    try:
        unifier.shape(slotted)
        fixed = unifier.identity_sizes()
    except ShapeError:   # it was derived, so it has a shape; if not, show every size
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
