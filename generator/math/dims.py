"""Dimensions: what a symbol's name says about its shape, and dimension unification.

`Unifier` is the dimension algebra of shape inference (`generator.math.shapes.infer_symbols`):
every dimension is a union-find variable, solved from how the symbols are used
(`A x - b` ties the rows of A to the rows of b).  A rigid variable carries a declared
name or integer; a fresh one stands for a general size and is never unified with 1.
The shape rules themselves live in `generator.math.shapes` and are handed in as `rules`,
so this module does not depend on them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from itertools import chain, count
from typing import Any, Callable, NoReturn, Optional, Protocol

from generator.errors import ShapeError
from generator.math.expr import Dim, Expr, Symbol, dim_product
from generator.math.symbols import SymbolInfo, SymbolTable
from generator.syntax.names import GREEK_LOWER

Shape = tuple[Dim, Dim]
SCALAR: Shape = (1, 1)
# A shape while inference runs: two of the Unifier's variables, sizes found later.
VarShape = tuple[int, int]
AnyShape = tuple[Any, Any]  # (rows, cols) in an algebra's own terms


class Algebra(Protocol):
    """What the shape rules (generator.math.shapes) compute in, so that each rule is
    written once: the Unifier while inference runs (a shape is two of its variables), or
    the complete table's sizes (a shape is two Dims), where `same` only compares."""

    one: Any
    scalar: AnyShape

    def shape(self, e: Expr) -> AnyShape: ...
    def symbol(self, name: str) -> AnyShape: ...
    def identity(self, size: Any) -> AnyShape: ...
    def is_one(self, dim: Any) -> bool: ...
    def is_scalar(self, s: Any) -> bool: ...
    def same(self, a: Any, b: Any) -> bool: ...
    def product(self, a: Any, b: Any) -> Any: ...
    def show(self, s: Any) -> str: ...
    def fail(self, message: str, involved: tuple[Expr, ...]) -> NoReturn: ...
    def snapshot(self) -> Any: ...
    def restore(self, saved: Any) -> None: ...


@dataclass(frozen=True)
class IdentitySlot:
    """The unknown size of the `index`-th bare `I` of a problem while inference solves it
    (`Identity(IdentitySlot(k))`); inference replaces it by the size it finds."""

    index: int


GREEK = frozenset(GREEK_LOWER) | {"varepsilon", "vartheta", "varpi", "varrho", "varsigma", "varphi"}
SQUARE_PROPERTIES = ("symmetric", "invertible", "positive_definite", "diagonal")
FRESH_NAMES = ("n", "m", "p", "q", "k", "r", "s", "t", "u", "v", "w")


# ----- names and messages ---------------------------------------------------------------


def kind_of_name(name: str) -> Optional[str]:
    """'matrix', 'vector' or 'scalar' as the name says (contract 1.1); None if it says nothing.

    Upper case first (so `Sigma` is a matrix, `sigma` a scalar); subscripts and digits
    do not count (`alpha_1` is a scalar, `x2` a vector).
    """
    match = re.match(r"[^\W\d_]+", name)
    if not match:
        return None
    base = match.group()
    if base[0].isupper():
        return "matrix"
    if base in GREEK or all(unicodedata.name(ch, "").startswith("GREEK") for ch in base):
        return "scalar"
    if "a" <= base[0] <= "z":
        return "vector"
    return None


def show_shape(shape: tuple[Dim, ...]) -> str:
    """`m x n` (a symbol's declared shape too: rows and columns, as it has)."""
    return " x ".join(map(str, shape))


def scalar_hint(name: str) -> str:
    return (
        f'declare it a scalar (`{name}: {{shape: []}}` in a file, `--let "{name}: scalar"` '
        f"on the command line) if it is one"
    )


# ----- inference by unification ---------------------------------------------------------


class Unifier:
    """Dimensions are union-find variables (ints); a rigid one carries a declared name or int.

    Equal rigid values share one variable (a product of sizes has one per order of its
    factors), and two different rigid values never unify; an inferred (fresh) dimension
    never unifies with 1 (it stands for a general size).
    """

    def __init__(
        self,
        declared: dict[str, SymbolInfo],
        wrt: Optional[str],
        reserved: frozenset[str],
        rules: Callable[[Expr, "Unifier"], VarShape],
        exponents: frozenset[str] = frozenset(),
    ):
        self.rules = rules  # the shape rules: (expression, this algebra) -> (rows, cols)
        self.exponents = exponents  # names in a symbolic exponent: scalars, whatever the case
        self.parent: list[int] = []
        self.value: dict[int, Dim] = {}
        self.rigid: dict[Dim, int] = {}
        self.vars: dict[str, VarShape] = {}
        self.kinds: dict[str, str] = {}
        self.slots: dict[IdentitySlot, int] = {}
        # (fast, slow) -> the variable of their product: a product's factors in the order of
        # the index that runs fastest first, vec(X) (rows, cols) and kron(A, B) (B's, A's),
        # so that `kron(C, D) vec(X)` ties X's rows to D's columns
        self.products: dict[tuple[int, int], int] = {}
        self.factors: dict[int, tuple[int, int]] = {}  # a product's root -> (fast, slow)
        self.given = dict(declared)
        self.appeared: list[str] = []
        self.reserved = reserved
        self.wrt = wrt
        self.one = self.const(1)
        self.scalar = (self.one, self.one)
        for info in declared.values():
            self._declare(info)

    # union-find
    def fresh(self) -> int:
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def const(self, dim: Dim) -> int:
        if dim not in self.rigid:
            self.rigid[dim] = self.fresh()
            self.value[self.rigid[dim]] = dim
        return self.rigid[dim]

    def find(self, v: int) -> int:
        while self.parent[v] != v:
            self.parent[v] = self.parent[self.parent[v]]
            v = self.parent[v]
        return v

    def same(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if ra in self.factors and rb in self.factors:
            self._same_factors(self.factors[ra], self.factors[rb])
            ra, rb = self.find(a), self.find(b)
            if ra == rb:
                return True
        va, vb = self.value.get(ra), self.value.get(rb)
        if (va is not None and vb is not None and va != vb) or (va == 1) != (vb == 1):
            return False
        if va is not None:
            ra, rb = rb, ra
        self.parent[ra] = rb  # the root with a value stays the root
        if ra in self.factors:
            self.factors.setdefault(rb, self.factors[ra])
        return True

    def _same_factors(self, first: tuple[int, int], second: tuple[int, int]) -> None:
        """Two products that are one size: a factor they share fixes the other (a b = a c
        gives b = c); else the factors are taken as the same in order, fast with fast (the
        reading `kron(C, D) vec(X)` needs).  Where that does not fit, nothing is joined,
        and the check of the complete table has the last word."""
        saved = self.snapshot()
        (f1, s1), (f2, s2) = first, second
        for x, y, rest1, rest2 in (
            (f1, f2, s1, s2),
            (s1, s2, f1, f2),
            (f1, s2, s1, f2),
            (s1, f2, f1, s2),
        ):
            if self.find(x) == self.find(y):
                if not self.same(rest1, rest2):
                    self.restore(saved)
                return
        if not (self.same(f1, f2) and self.same(s1, s2)):
            self.restore(saved)

    def snapshot(self) -> tuple:
        """The whole state, to roll back a failed look-ahead (products are short)."""
        return (
            list(self.parent),
            dict(self.value),
            dict(self.rigid),
            dict(self.vars),
            dict(self.kinds),
            list(self.appeared),
            dict(self.slots),
            dict(self.products),
            dict(self.factors),
        )

    def restore(self, saved: tuple) -> None:
        (
            self.parent,
            self.value,
            self.rigid,
            self.vars,
            self.kinds,
            self.appeared,
            self.slots,
            self.products,
            self.factors,
        ) = (type(x)(x) for x in saved)

    # the algebra used by the rules
    def shape(self, e: Expr) -> VarShape:
        return self.rules(e, self)

    def is_one(self, v: int) -> bool:
        return self.find(v) == self.find(self.one)

    def product(self, fast: int, slow: int) -> int:
        """The dimension `fast` times `slow` (kron, vec): rigid when both are; otherwise a
        fresh one, the same variable for the same two dimensions.  It remembers its factors:
        a product found equal to another product makes their factors equal (same)."""
        ra, rb = self.find(fast), self.find(slow)
        va, vb = self.value.get(ra), self.value.get(rb)
        if va == 1:
            return rb
        if vb == 1:
            return ra
        if (ra, rb) not in self.products:
            # one variable per ordered pair, even where the size is rigid: K(m, n) is
            # n*m x m*n, its rows and columns one size with their factors in two orders
            v = self.products[(ra, rb)] = self.fresh()
            if va is not None and vb is not None:
                self.value[v] = dim_product(va, vb)
            self.factors[v] = (ra, rb)
        return self.products[(ra, rb)]

    def is_scalar(self, s: VarShape) -> bool:
        return self.is_one(s[0]) and self.is_one(s[1])

    def identity(self, size: Dim | IdentitySlot) -> VarShape:
        """A given size is rigid; a bare `I` (its slot) is a fresh, general size."""
        if isinstance(size, IdentitySlot):
            if size not in self.slots:
                self.slots[size] = self.fresh()
            v = self.slots[size]
        else:
            v = self.const(size)
        return (v, v)

    def symbol(self, name: str) -> VarShape:
        if name not in self.vars:
            self._infer(name, self.given.get(name))
            self.appeared.append(name)
        return self.vars[name]

    def show(self, s: VarShape) -> str:
        names = self.dim_names()
        return show_shape((names[self.find(s[0])], names[self.find(s[1])]))

    def fail(self, message: str, involved: tuple[Expr, ...]) -> NoReturn:
        """Raise; when a bare symbol's shape was only guessed from its name, say how to fix it."""
        guessed = [
            e.name
            for e in involved
            if isinstance(e, Symbol) and e.name in self.vars and not self._is_declared(e.name)
        ]
        if guessed:
            name = guessed[-1]
            kind = {"vector": "column vector"}.get(self.kinds[name], self.kinds[name])
            fix = (
                scalar_hint(name)
                if kind == "column vector"
                else "declare its shape if that is wrong"
            )
            message += f"; {name} was inferred to be a {kind} from its name: {fix}"
        raise ShapeError(message)

    # symbols
    def _is_declared(self, name: str) -> bool:
        return name in self.given and self.given[name].declared

    def _declare(self, info: SymbolInfo) -> None:
        """A declared shape is rigid; an entry without a shape (declared=False) is inferred."""
        if not info.declared:
            self._infer(info.name, info)
            return
        self.vars[info.name] = (self.const(info.rows), self.const(info.cols))
        self.kinds[info.name] = info.kind

    def _infer(self, name: str, hint: Optional[SymbolInfo]) -> None:
        kind = "scalar" if name in self.exponents else kind_of_name(name)
        if kind is None:
            raise ShapeError(
                f"cannot tell the shape of `{name}` from its name; declare it "
                f"(e.g. `{name}: {{shape: [n, m]}}`)"
            )
        rows = self.one if kind == "scalar" else self.fresh()
        cols = self.fresh() if kind == "matrix" else self.one
        props = [p for p in SQUARE_PROPERTIES if hint is not None and hint.has(p)]
        if props and kind == "vector":
            raise ShapeError(
                f"{name} is {props[0].replace('_', ' ')}, but a lower-case name is a "
                f"column vector; give its shape, e.g. `{name}: {{shape: [n, n]}}`"
            )
        if props:
            self.same(rows, cols)
        self.vars[name] = (rows, cols)
        self.kinds[name] = kind

    # results
    def names_in_order(self) -> list[str]:
        return [*self.given, *(n for n in self.appeared if n not in self.given)]

    def dim_names(self) -> dict[int, Dim]:
        """Every root's name: rigid values as given, fresh ones n, m, p, ... in order of
        first appearance, the variable's dimensions first (so X is n x m in `tr(A X)`)."""
        taken = {v for v in self.value.values() if isinstance(v, str)} | self.reserved
        pool = (n for n in chain(FRESH_NAMES, (f"n_{i}" for i in count(1))) if n not in taken)
        order = [*(self.vars[self.wrt] if self.wrt in self.vars else ())]
        order += [v for name in self.names_in_order() for v in self.vars.get(name, ())]
        names: dict[int, Dim] = {}
        # a product's dimension is named by its factors (m*n), once they have names
        products = {self.find(p): (a, b) for (a, b), p in self.products.items()}
        for v in [*order, *range(len(self.parent))]:
            root = self.find(v)
            if root not in names and root not in products:
                names[root] = self.value[root] if root in self.value else next(pool)

        def name(root: int) -> Dim:
            if root not in names:  # a product not named yet: its factors first
                a, b = products[root]
                names[root] = self.value.get(root) or dim_product(
                    name(self.find(a)), name(self.find(b))
                )
            return names[root]

        for root in products:
            name(root)
        return names

    def identity_sizes(self) -> dict[IdentitySlot, Optional[Dim]]:
        """The size found for each bare `I`; None where nothing but other bare identities
        fixes it (`tr(I)`: its value would depend on a size the problem does not give)."""
        names = self.dim_names()
        fixed = {self.find(v) for v in self.value} | {
            self.find(v) for shape in self.vars.values() for v in shape
        }
        return {
            slot: names[self.find(v)] if self.find(v) in fixed else None
            for slot, v in self.slots.items()
        }

    def table(self) -> SymbolTable:
        names = self.dim_names()
        infos = []
        for name in self.names_in_order():
            given = self.given.get(name)
            if given is not None and given.declared:
                info = given
            else:
                rows, cols = (names[self.find(v)] for v in self.vars[name])
                shape = {"scalar": (), "vector": (rows,), "matrix": (rows, cols)}[self.kinds[name]]
                info = SymbolInfo(
                    name,
                    shape,
                    constant=given.constant if given else True,
                    properties=given.properties if given else frozenset(),
                )
            infos.append(replace(info, constant=False) if name == self.wrt else info)
        return SymbolTable(tuple(infos))
