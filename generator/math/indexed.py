"""General terms: a long product written by its period, a sum written by its term.

The product chain `tr(A1 X A2 X ... A64 X)` has a differential of 64 terms of 128
factors each, and a gradient as long: written out, every line of its derivation costs
the square of the chain, however it is printed.  A teacher writes the general term
instead, `d(A_1 X ... A_k X) = sum_j A_1 X ... A_j dX ... A_k X`, and works on that one
term.  These nodes let the engine do the same:

- `IndexedName`: `A_j`, `A_(j+1)`: the member of a numbered family (`A1`, ..., `A64`)
  whose number is an index plus an offset;
- `Run`: `prod_{i=first}^{last} P_i`, a product of the instances of one period `P_i`
  (`A_i X`), the index stepping by +1 or -1 (`X^T A_(j-1)^T ... X^T A_1^T`);
- `IndexedSum`: `sum_{j=first}^{last} T_j`.

Bounds are affine in at most one index (`j + 1`, `64`).  `instance` puts a value (or
another index) for an index; `spelled_out` writes every general term out in ordinary
nodes, for what must read back (the gradient, the JSON answer, the code export).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Optional, TypeVar

from generator.math.expr import Expr, Identity, Mul, Symbol, add, mul
from generator.math.sizes import Dim

T = TypeVar("T")

_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def numbered(name: str) -> tuple[str, int] | None:
    """A name's stem and the number it ends with (`A12` -> ("A", 12), `W_3` -> ("W_", 3)),
    or None: the numbering a general term reads (`A_j`), the sheets elide a run by
    (`A2 X ... A9 X`) and the derivation numbers its layers by (`h2 = sigmoid(W2 h1)`)."""
    found = _NUMBERED.match(name)
    return None if found is None else (found.group(1), int(found.group(2)))


def member(stem: str, number: int) -> Symbol:
    """The member of a numbered family: ("A", 3) -> A3."""
    return Symbol(f"{stem}{number}")


@dataclass(frozen=True)
class Bound:
    """`index + offset` (`j + 1`), or the number `offset` where `index` is None."""

    index: Optional[str]
    offset: int

    @property
    def value(self) -> int:
        """The number of a bound free of any index."""
        if self.index is not None:
            raise ValueError(f"the bound {self} depends on {self.index}")
        return self.offset

    def shifted(self, by: int) -> "Bound":
        return Bound(self.index, self.offset + by)

    def at(self, index: str, value: "Bound") -> "Bound":
        """This bound with `value` put for `index`."""
        return value.shifted(self.offset) if self.index == index else self

    def __str__(self) -> str:
        if self.index is None:
            return str(self.offset)
        if self.offset == 0:
            return self.index
        return f"{self.index}{'+' if self.offset > 0 else '-'}{abs(self.offset)}"


@dataclass(frozen=True)
class IndexedName(Expr):
    """`A_j`: the member of the family `stem` numbered `bound`.  `example`, one member,
    is what its shape and kind are read from (every member has the same)."""

    stem: str
    bound: Bound
    example: Symbol


@dataclass(frozen=True)
class Run(Expr):
    """`P_first P_(first+step) ... P_last`: the product of the instances of `period`,
    whose `index` runs from `first` to `last` by `step` (+1 or -1); none (the identity
    of `size`) where `last` comes before `first`."""

    period: Expr
    index: str
    first: Bound
    last: Bound
    step: int
    size: Dim

    def children(self) -> tuple[Expr, ...]:
        return (self.period,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return replace(self, period=children[0])

    def numbers(self) -> range:
        """The index's values, in order (its bounds free of any index)."""
        return range(self.first.value, self.last.value + self.step, self.step)

    def up_to(self, number: int) -> "Run":
        """The part of this run that ends at `number`."""
        return replace(self, last=Bound(None, number))

    def down_from(self, number: int) -> "Run":
        """The part of this run that begins at `number`."""
        return replace(self, first=Bound(None, number))

    def instance(self, number: int) -> Expr:
        """The period at one value of the index."""
        return instance(self.period, self.index, Bound(None, number))


@dataclass(frozen=True)
class IndexedSum(Expr):
    """`sum_{j=first}^{last} T_j`: the terms `body` takes as `index` runs up from
    `first` to `last`."""

    body: Expr
    index: str
    first: Bound
    last: Bound

    def children(self) -> tuple[Expr, ...]:
        return (self.body,)

    def rebuild(self, children: tuple[Expr, ...]) -> Expr:
        return replace(self, body=children[0])

    def numbers(self) -> range:
        return range(self.first.value, self.last.value + 1)

    def term(self, number: int) -> Expr:
        """The term at one value of the index."""
        return instance(self.body, self.index, Bound(None, number))


def fold_run(
    run: Run,
    part: Callable[[Expr], T],
    join: Callable[[T, T], T],
    known: Callable[[Run], Optional[T]],
    keep: Callable[[Run, T], None],
) -> T:
    """What `join` makes of the parts of a (nonempty) run, left to right: its product's
    value, or its measure.  The terms of a sum over j hold the runs before and after
    their j-th period (`1..j-1`, `j+1..k`), each one period away from a run of the term
    before; so a run one period longer than a `known` one is one `join` from it, and a
    run folded afresh `keep`s each of its prefixes and suffixes: the k terms cost k
    joins, not k^2."""
    numbers = run.numbers()
    if len(numbers) > 1:
        head = known(run.up_to(numbers[-2]))
        if head is not None:
            return join(head, part(run.instance(numbers[-1])))
        tail = known(run.down_from(numbers[1]))
        if tail is not None:
            return join(part(run.instance(numbers[0])), tail)
    parts = [part(run.instance(i)) for i in numbers]
    suffix = parts[-1]
    for at in range(len(numbers) - 2, 0, -1):
        suffix = join(parts[at], suffix)
        keep(run.down_from(numbers[at]), suffix)
    prefix = parts[0]
    for at in range(1, len(numbers)):
        prefix = join(prefix, parts[at])
        keep(run.up_to(numbers[at]), prefix)
    return prefix


@lru_cache(maxsize=65536)  # a run's periods are asked for again by every run of its sum
def instance(expr: Expr, index: str, value: Bound) -> Expr:
    """`expr` with `value` put for `index`: a number makes each `A_(j+1)` a member (A5),
    another index renames it (`A_i` -> `A_j`); the bounds of runs follow.  No sum is
    nested in another over the same index (engine.rules_general keeps the product rule's
    j apart from the objective's i, and a run's period index apart from both)."""

    def put(node: Expr) -> Expr:
        if isinstance(node, IndexedName) and node.bound.index == index:
            bound = node.bound.at(index, value)
            return node if bound == node.bound else _named(node, bound)
        if isinstance(node, Run) and index in (node.first.index, node.last.index):
            first, last = node.first.at(index, value), node.last.at(index, value)
            return Run(node.period, node.index, first, last, node.step, node.size)
        return node

    return expr.map_bottom_up(put) if mentions(expr, index) else expr


def _named(node: IndexedName, bound: Bound) -> Expr:
    if bound.index is None:
        return member(node.stem, bound.offset)
    return IndexedName(node.stem, bound, node.example)


def mentions(expr: Expr, index: str) -> bool:
    """`index` occurs free in `expr` (a member's number, or a run's bound)."""
    for node in expr.walk():
        if isinstance(node, IndexedName) and node.bound.index == index:
            return True
        if isinstance(node, Run) and index in (node.first.index, node.last.index):
            return True
    return False


def free_indices(expr: Expr) -> frozenset[str]:
    """The indices `expr` depends on that nothing in it binds (`i` of `A_i x - b_i`
    inside a sum over i): such a part is a different matrix in each term."""
    if isinstance(expr, IndexedName):
        return _indices(expr.bound)
    bounds: frozenset[str] = frozenset()
    if isinstance(expr, (Run, IndexedSum)):
        bounds = _indices(expr.first, expr.last)
    inside = frozenset().union(*(free_indices(c) for c in expr.children()))
    if isinstance(expr, (Run, IndexedSum)):
        inside = inside - {expr.index}
    return inside | bounds


def _indices(*bounds: Bound) -> frozenset[str]:
    return frozenset(b.index for b in bounds if b.index is not None)


def is_general(expr: Expr) -> bool:
    """A general term occurs in `expr`."""
    return any(isinstance(n, (Run, IndexedSum, IndexedName)) for n in expr.walk())


def spelled_out(expr: Expr) -> Expr:
    """`expr` with every general term written out in ordinary nodes (k terms of up to 2k
    factors for the chain): what reads back, and what other methods work on.  A sum is
    written out before what is inside it: its runs' bounds are its index until then."""
    if not is_general(expr):
        return expr
    if isinstance(expr, IndexedSum):
        return add(*(spelled_out(expr.term(j)) for j in expr.numbers()))
    if isinstance(expr, Run):
        factors = [spelled_out(expr.instance(i)) for i in expr.numbers()]
        return mul(*factors) if factors else Identity(expr.size)
    rebuilt = expr.rebuild(tuple(spelled_out(child) for child in expr.children()))
    if isinstance(rebuilt, Mul) and any(isinstance(f, Identity) for f in rebuilt.factors):
        # an empty run beside other factors (`A1^T I`, at j = 1): the identity goes
        kept = [f for f in rebuilt.factors if not isinstance(f, Identity)]
        return mul(*kept) if kept else rebuilt
    return rebuilt


# ----- finding the runs of a product -------------------------------------------------

SHORTEST_RUN = 5  # periods: `A1 X ... A5 X` leaves out three of them
MOST_PERIOD = 3  # factors in a period: `A1 X B1`, `A2 X B2`, ...


@dataclass(frozen=True)
class RunFound:
    """A regular run in a product's factors: `periods` periods of `period` factors from
    `start`, each the one before with every numbered name `step` on."""

    start: int
    period: int
    periods: int
    step: int

    @property
    def end(self) -> int:
        return self.start + self.period * self.periods


class RegularRuns:
    """The regular runs of one product's factors (each factor renumbered once, either
    way): the sheets elide them (generator.syntax.elision), the engine writes them as a
    `Run` (generator.engine.general_term)."""

    def __init__(self, factors: tuple[Expr, ...]):
        self.factors = factors
        self.moved = {step: [renumbered(f, step) for f in factors] for step in (1, -1)}

    def longest(self, start: int) -> RunFound | None:
        """The longest run that begins at `start`, if at least SHORTEST_RUN periods."""
        best: RunFound | None = None
        for period in range(1, MOST_PERIOD + 1):
            for step in (1, -1):
                count = 1
                while self._follows(start + (count - 1) * period, period, step):
                    count += 1
                if count >= SHORTEST_RUN and (best is None or count * period > best.end - start):
                    best = RunFound(start, period, count, step)
        return best

    def each(self) -> list[RunFound]:
        """The runs, left to right, none overlapping; a run begins at a numbered factor
        where it can (`A1 X ... A5 X`, not `X A2 ... X A5`)."""
        found, i = [], 0
        while i < len(self.factors):
            run = self.longest(i)
            if run is not None and not is_numbered(self.factors[i]) and self.longest(i + 1):
                run = None
            if run is None:
                i += 1
                continue
            found.append(run)
            i = run.end
        return found

    def _follows(self, at: int, period: int, step: int) -> bool:
        """The period after the one at `at` is that one with every numbered name `step`
        on; a period with no numbered name repeats, it does not run on."""
        after, factors, moved = at + period, self.factors, self.moved[step]
        if after + period > len(factors):
            return False
        if any(moved[at + j] != factors[after + j] for j in range(period)):
            return False
        return any(moved[at + j] != factors[at + j] for j in range(period))


@lru_cache(maxsize=4096)  # a product's factors are a few names again and again
def is_numbered(expr: Expr) -> bool:
    """A numbered name (`A1`) occurs in `expr`."""
    return any(isinstance(n, Symbol) and numbered(n.name) for n in expr.walk())


@lru_cache(maxsize=4096)
def renumbered(expr: Expr, step: int) -> Expr:
    """`expr` with every numbered name `step` on (`A1` -> `A2`); itself if it has none."""
    if not is_numbered(expr):
        return expr
    return expr.map_bottom_up(_renamer(step))


def _renamer(step: int) -> Callable[[Expr], Expr]:
    def renamed(node: Expr) -> Expr:
        if not isinstance(node, Symbol):
            return node
        found = numbered(node.name)
        if found is None or found[1] + step < 0:
            return node
        return member(found[0], found[1] + step)

    return renamed
