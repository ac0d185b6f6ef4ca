"""What the rules need to know about a problem while they rewrite."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Sequence

from generator.math.expr import Differential, Expr, Number, Ones, Quantity, Symbol, is_zero, mul
from generator.math.memo import FORGOTTEN, recall, remember
from generator.engine.names import DEFAULT_NAMES, EngineNames, engine_names
from generator.math.dims import Shape
from generator.math.shapes import SCALAR, group_scalar_runs, is_scalar, shape_of, symbol_for
from generator.math.symbols import SymbolInfo, SymbolTable


@dataclass(frozen=True)
class Context:
    """The symbol table and the names whose differential is not zero.

    `variables` holds the name of the variable `wrt` and of every named subexpression
    (`R = A x - b`) that depends on it; every other symbol is constant for the
    differential.  `names` are
    the engine's own quantities (L, G), named apart from the user's symbols.
    """

    table: SymbolTable
    wrt: str
    variables: frozenset[str]
    names: EngineNames = DEFAULT_NAMES
    # every variable a gradient is asked for, in order, `wrt` first (`wrt: [W1, W2]`)
    asked: tuple[str, ...] = ()

    @classmethod
    def of_problem(
        cls, table: SymbolTable, variables: tuple[str, ...], kind: str = "gradient"
    ) -> "Context":
        """The context a derivation starts from: only the problem's variables vary; the
        engine's names are those of the derivative asked for (`kind`)."""
        return cls(
            table, variables[0], frozenset(variables), engine_names(table.names(), kind), variables
        )

    def with_named(self, name: str, meaning: Expr) -> "Context":
        """A named result of the problem's (`a = sigmoid(h)`): a symbol of its meaning's
        shape, varying where its meaning does."""
        info = symbol_for(name, meaning, self.table, constant=self.is_constant(meaning))
        if info.constant:
            return replace(self, table=self.table.with_symbol(info))
        return self.with_variable(info)

    def with_variable(self, info: SymbolInfo) -> "Context":
        """A named subexpression (`R = A x - b`) added as a symbol that varies."""
        return replace(
            self, table=self.table.with_symbol(info), variables=self.variables | {info.name}
        )

    def is_constant(self, e: Expr) -> bool:
        """No variable and no differential occurs in `e`."""
        return _is_constant(e, self.variables)

    def is_scalar(self, e: Expr) -> bool:
        return is_scalar(e, self.table)

    def is_plain_scalar(self, e: Expr) -> bool:
        """A scalar factor without the differential: it commutes with matrices and
        leaves a linear operator (tr, sum, diag)."""
        return self.is_scalar(e) and not has_differential(e)

    def split_scalars(self, factors: Sequence[Expr]) -> tuple[list[Expr], list[Expr]]:
        """The plain scalar factors (is_plain_scalar) and the others, each in order."""
        plain = [self.is_plain_scalar(f) for f in factors]
        return (
            [f for f, s in zip(factors, plain) if s],
            [f for f, s in zip(factors, plain) if not s],
        )

    def is_column(self, e: Expr) -> bool:
        """A column vector (or a scalar): what `diag` makes a diagonal matrix of."""
        return self.shape(e)[1] == 1

    def shape(self, e: Expr) -> Shape:
        return shape_of(e, self.table)

    def canonical(self, e: Expr) -> Expr:
        """`e` with the scalar runs of its products kept whole (`X (x^T b)`), as
        inference writes them: the one form every rule sees."""
        return group_scalar_runs(e, self.table)

    def keeping_shape(self, before: Expr, after: Expr) -> Expr:
        """`after`, a rewrite of `before`, with the shape of `before`.  A rewrite may
        leave only scalars of an array-valued sum whose scalars broadcast (`1 + (b - b)`
        collected is 1, and the vector of ones was meant): that scalar times the ones of
        the shape.  A zero stands for a zero of any shape and is kept."""
        if is_zero(after) or not self.is_scalar(after):
            return after
        rows, cols = self.shape(before)
        return after if (rows, cols) == SCALAR else mul(after, Ones(rows, cols))

    def varies(self, e: Expr) -> bool:
        """`e` is the variable or a named subexpression that depends on it."""
        return isinstance(e, (Symbol, Quantity)) and e.name in self.variables

    def has_property(self, name: str, prop: str) -> bool:
        return name in self.table and self.table[name].has(prop)


@lru_cache(maxsize=65536)
def _is_constant(e: Expr, variables: frozenset[str]) -> bool:
    for node in e.walk():
        if isinstance(node, Differential):
            return False
        if isinstance(node, (Symbol, Quantity)) and node.name in variables:
            return False
    return True


_HAS_DIFFERENTIAL: dict = {}  # node memo: asked of every subterm of every line


def has_differential(e: Expr) -> bool:
    seen = recall(_HAS_DIFFERENTIAL, e)
    if seen is FORGOTTEN:
        seen = isinstance(e, Differential) or any(map(has_differential, e.children()))
        remember(_HAS_DIFFERENTIAL, e, seen)
    return seen


def is_number(e: Expr) -> bool:
    return isinstance(e, Number)
